"""Order page links survive a SECRET_KEY rotation (issue 13, defect 9)."""

import pytest
from django.urls import reverse

from kedai.checkout.placing import checkout_complete
from kedai.invoicing.services import order_shipped
from kedai.notifications.models import Message
from kedai.orders.tokens import order_token
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

pytestmark = pytest.mark.django_db
OLD_KEY = "old-secret-key-" + "k" * 40
NEW_KEY = "new-secret-key-" + "n" * 40


def test_order_links_survive_a_secret_key_rotation(settings, client,
                                                   mailoutbox,
                                                   django_capture_on_commit_callbacks):
    """An order placed under the old key keeps its link, and a mail sent
    after the rotation carries that same, working link."""
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD_KEY, []
    settings.KEDAI_SITE_URL = "https://shop.example.my"
    kopi = make_product(name="Kopi Tenom",
                        variants=[{"sku": "KOPI-1", "price": "22.00", "stock": 5}])
    placed = checkout_complete(cart=cart_with((kopi.variants.get(), 1)),
                               details=details(), checkout_key="k1")
    page = reverse("storefront:order", kwargs={"token": placed.token})
    assert client.get(page).status_code == 200

    # When the owner rotates the key, keeping the old one as a fallback,
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [OLD_KEY]

    # then the link in the first mail still opens the order,
    assert client.get(page).status_code == 200
    # and every link made from now on is that same link.
    assert order_token("k1") == placed.token
    with django_capture_on_commit_callbacks(execute=True):
        order_shipped(placed.order, shipments=[
            ("Pos Laju", "EP123456789MY", "https://track.example/EP123456789MY")])
    [shipped] = [m for m in mailoutbox if "shipped" in m.subject]
    assert f"https://shop.example.my{page}" in shipped.body
    assert client.get(page).status_code == 200
    # A retried checkout of the same order lands on the same page too.
    again = checkout_complete(cart=cart_with(),
                              details=details(), checkout_key="k1")
    assert again.token == placed.token
    # New orders use the new key.
    fresh = checkout_complete(cart=cart_with((kopi.variants.get(), 1)),
                              details=details(), checkout_key="k2")
    assert fresh.token == order_token("k2")
    assert client.get(reverse("storefront:order",
                              kwargs={"token": fresh.token})).status_code == 200
    assert Message.objects.filter(kind="shipping_notice:customer").count() == 1

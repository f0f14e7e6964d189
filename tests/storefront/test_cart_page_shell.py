"""The cart page from the shared shell (storefront.cart_page): every cart gets
exactly what a fresh render of its own page gives, and the cached shell
holds nothing of any cart."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kedai.cart.models import Cart
from kedai.catalog.services import catalog_changed
from kedai.promotions.models import FreeDeliveryThreshold
from tests.promotions.conftest import voucher
from tests.storefront.conftest import token_of

pytestmark = pytest.mark.django_db

LANGUAGES = ["", "/ms"]
QUERIES = ["", "?added=1", "?next=/c/fashion/%3Fsort%3Dprice%26page%3D2",
           "?emailed=1", "?promo=added&code=RAYA10", "?promo=error&code=NOPE",
           "?next=/%22%3E%3Cscript%3E"]


@pytest.fixture
def carts(client, shop):
    """Three carts: Kopi Tenom with a voucher and an email; two shirts (one
    more than in stock); and an emptied cart."""
    voucher("RAYA10")
    FreeDeliveryThreshold.objects.create(zone="peninsular",
                                         min_subtotal=Decimal("500"))

    def new(variant, quantity):
        response = client.post("/cart/add/", {"variant": variant.pk,
                                              "quantity": quantity})
        assert response.status_code == 303
        return token_of(response)

    kopi = new(shop["kopi"].variants.get(), 1)
    assert client.post(f"/s/{kopi}/cart/code/", {"code": "RAYA10"}).status_code == 303
    Cart.objects.filter(lines__variant__sku="KOPI-1").update(
        email="siti&ali@example.com")
    shirts = new(shop["shirt"].variants.get(sku="BTK-1-M"), 3)
    shop["shirt"].variants.filter(sku="BTK-1-M").update(stock=2)
    empty = new(shop["kopi"].variants.get(), 1)
    line = Cart.objects.get(lines__variant__sku="KOPI-1", email="").lines.get()
    assert client.post(f"/s/{empty}/cart/lines/{line.pk}/",
                       {"action": "remove"}).status_code == 303
    return [kopi, shirts, empty]


def _fresh(client, settings, url, headers):
    seconds = settings.KEDAI_PAGE_CACHE_SECONDS
    settings.KEDAI_PAGE_CACHE_SECONDS = 0
    try:
        return client.get(url, **headers)
    finally:
        settings.KEDAI_PAGE_CACHE_SECONDS = seconds


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cart_gets_exactly_a_fresh_render(client, settings, carts,
                                                language, query, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    for _round in range(2):  # a shell made for one cart, then shared by all
        for token in carts:
            url = f"/s/{token}{language}/cart/{query}"
            expected = _fresh(client, settings, url, headers)
            got = client.get(url, **headers)
            assert got.status_code == expected.status_code == 200
            assert got.content.decode() == expected.content.decode(), url
            for header in ("Content-Type", "Cache-Control", "Content-Language",
                           "Content-Security-Policy"):
                assert got.get(header) == expected.get(header), header
            assert token in got.content.decode() or htmx


def test_what_each_cart_shows_is_its_own(client, carts):
    kopi, shirts, empty = (client.get(f"/s/{t}/cart/").content.decode()
                           for t in carts)
    assert "Kopi Tenom" in kopi and "Batik shirt" not in kopi
    assert "Code RAYA10" in kopi and "−RM123.45" in kopi
    assert 'value="siti&amp;ali@example.com"' in kopi
    assert "Batik shirt" in shirts and "Kopi Tenom" not in shirts
    assert "Only 2 left in stock" in shirts
    assert "RM320.30 more for free delivery" in shirts  # 500 - 3 x 59.90
    assert "Your cart is empty." in empty and "RAYA10" not in empty
    for page, token in zip((kopi, shirts, empty), carts, strict=True):
        others = [t for t in carts if t != token]
        assert token in page and not any(t in page for t in others)


def test_the_cached_shell_holds_no_token_and_no_cart(client, carts, cache_sets):
    stored = cache_sets
    for token in carts:
        client.get(f"/s/{token}/cart/?next=/search/%3Fq%3Dsongket")
    shells = [value for key, value in stored if key.startswith("cart-shell:")]
    assert len(shells) == 3  # lines and a code; lines; empty
    for value in shells:
        for secret in (*carts, "siti", "Kopi Tenom", "Batik shirt", "RAYA10",
                       "RM1,234.50", "songket"):
            assert secret not in value, secret


def test_a_catalogue_change_retires_the_shell(client, carts, shop,
                                              django_capture_on_commit_callbacks):
    url = f"/s/{carts[0]}/cart/"
    assert "Food" in client.get(url).content.decode()
    shop["food"].name = "Makanan sedap"
    with django_capture_on_commit_callbacks(execute=True):
        shop["food"].save()
        catalog_changed()
    assert "Makanan sedap" in client.get(url).content.decode()


def test_the_cart_page_takes_two_queries_from_the_shell(client, carts):
    url = f"/s/{carts[1]}/cart/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    # The cart, its lines; the voucher box's promotions (cached per
    # catalogue version after the first page).
    assert len(ctx.captured_queries) <= 3, [q["sql"] for q in ctx.captured_queries]

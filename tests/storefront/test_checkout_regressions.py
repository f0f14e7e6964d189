"""Issue 14's regressions: dead ends between product, cart, checkout and
order, and the choices checkout makes for the shopper."""

import re
from decimal import Decimal

import pytest

from kedai.cart.models import Cart, CartLine
from kedai.orders.models import Order
from kedai.shipping.models import ShippingMethod
from tests.factories import flat_shipping
from tests.payments.conftest import gateways  # noqa: F401 - a fixture
from tests.storefront.conftest import token_of
from tests.storefront.test_checkout_pages import DETAILS, expected_total, start

pytestmark = pytest.mark.django_db


def test_add_without_a_size_on_the_product_page_asks_for_the_size(client, shop):
    """The product page of a product with sizes posts only the chosen
    variant: with none chosen the shopper stays on the page, told to choose
    the size, instead of "This product is no longer available"."""
    # As the product page posts it: no product field, no variant chosen.
    response = client.post("/cart/add/", {"quantity": 1, "next": "/p/batik-shirt/"})
    assert response.status_code == 422
    text = response.content.decode()
    assert "Please choose the size first." in text
    assert "no longer available" not in text
    assert "<h1>Batik shirt</h1>" in text
    assert not Cart.objects.exists()


def test_add_without_a_size_in_an_existing_cart_changes_nothing(
        client, shop, cart_token):
    response = client.post(f"/s/{cart_token}/cart/add/",
                           {"quantity": 1, "next": "/p/batik-shirt/"})
    assert response.status_code == 422
    assert "Please choose the size first." in response.content.decode()
    assert CartLine.objects.count() == 1
    # The in-page (htmx) add says the same in its status line.
    response = client.post(f"/s/{cart_token}/cart/add/",
                           {"quantity": 1, "next": "/p/batik-shirt/"},
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert "Please choose the size first." in response.content.decode()


def test_product_with_options_posted_with_its_id_from_its_page(client, shop):
    response = client.post("/cart/add/", {"product": shop["shirt"].pk,
                                          "quantity": 1, "next": "/p/batik-shirt/"})
    assert response.status_code == 422
    assert "Please choose the size first." in response.content.decode()


def test_unknown_product_is_still_no_longer_available(client, shop):
    response = client.post("/cart/add/", {"quantity": 1, "next": "/p/no-such/"})
    assert response.status_code == 404
    assert "no longer available" in response.content.decode()


def test_every_header_link_inside_checkout_keeps_the_cart(client, shop, cart_token):
    token = start(client, cart_token)
    prefix = f"/s/{cart_token}"
    for step in ("", "details/"):
        page = client.get(f"{prefix}/checkout/{token}/{step}")
        assert page.status_code == 200
        text = page.content.decode()
        assert f'href="{prefix}/cart/"' in text  # the header's Cart link
        assert 'href="/cart/"' not in text
        assert f'href="{prefix}/search/"' in text
    posted = client.post(f"{prefix}/checkout/{token}/details/", DETAILS)
    assert posted["Location"] == f"{prefix}/checkout/{token}/delivery/"
    # The cart is still there behind that link, with its item.
    cart_page = client.get(f"{prefix}/cart/")
    assert cart_page.status_code == 200 and "Kopi Tenom" in cart_page.content.decode()


def test_checkout_under_another_carts_link_drops_that_link(client, shop, cart_token):
    token = start(client, cart_token)
    other = token_of(client.post("/cart/add/", {"product": shop["kopi"].pk,
                                                "quantity": 1}))
    response = client.get(f"/s/{other}/checkout/{token}/details/")
    assert response.status_code == 303
    assert response["Location"] == f"/checkout/{token}/details/"


def _place(client, cart_token, payment="bank_transfer"):
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    client.post(f"/checkout/{token}/delivery/",
                {"shipping_method": flat_shipping(), "payment_method": payment})
    review = client.get(f"/checkout/{token}/review/")
    return client.post(f"/checkout/{token}/review/", {
        "accept_terms": "on", "expected_total": expected_total(review)})


def test_old_cart_link_after_the_order_explains_and_offers_a_fresh_cart(
        client, shop, cart_token):
    placed = _place(client, cart_token)
    assert placed.status_code == 303
    order_token = placed["Location"].split("/")[2]
    response = client.get(f"/s/{cart_token}/cart/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "This cart is now an order" in text
    assert "Find my order" in text and "Start a fresh cart" in text
    # Whoever holds the cart link may not be the buyer: no way to the order.
    assert order_token not in text and Order.objects.get().number not in text
    assert response["Cache-Control"] == "private, no-store"
    # Adding under the old link starts a fresh cart.
    added = client.post(f"/s/{cart_token}/cart/add/",
                        {"product": shop["kopi"].pk, "quantity": 2})
    assert added.status_code == 303
    fresh = token_of(added)
    assert fresh != cart_token
    assert Cart.objects.filter(status=Cart.Status.OPEN).count() == 1
    # A link that never was a cart is still "not found".
    assert client.get(f"/s/{'z' * 32}/cart/").status_code == 404


def test_cheapest_shipping_is_preselected(client, shop, cart_token):
    flat_shipping("8.00")
    cheap = ShippingMethod.objects.create(
        name="Self pickup point", kind="flat", zones=["peninsular"],
        charge=Decimal("0.50"), position=99)  # listed last
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    text = client.get(f"/checkout/{token}/delivery/").content.decode()
    radios = re.findall(r'<input[^>]*name="shipping_method"[^>]*>', text)
    assert len(radios) >= 2
    assert f'value="{cheap.code}"' not in radios[0]  # not first in the list
    chosen = [tag for tag in radios if "checked" in tag]
    assert len(chosen) == 1 and f'value="{cheap.code}"' in chosen[0]
    # The summary beside it already counts the preselected method.
    summary = text.split('class="checkout-summary"')[1]
    assert "Self pickup point" in summary and "RM1,235.00" in summary


def test_place_order_goes_straight_to_the_gateway(client, shop, cart_token,
                                                  gateways):  # noqa: F811
    placed = _place(client, cart_token, payment="billplz")
    order = Order.objects.get()
    assert order.payment_method == "billplz"
    # The POST is repeated to the payment start: no second choice.
    assert placed.status_code == 307
    match = re.fullmatch(r"/pay/([A-Za-z0-9_-]{32})/start/", placed["Location"])
    assert match, placed["Location"]
    page = client.post(placed["Location"], {"accept_terms": "on"})
    assert page.status_code == 200
    assert 'id="gateway-form"' in page.content.decode()
    # The order page offers to pay with that same method, not a choice.
    order_page = client.get(f"/order/{match[1]}/").content.decode()
    assert 'name="method" value="billplz"' in order_page
    assert 'type="radio" name="method"' not in order_page


def test_offline_methods_end_on_the_order_page(client, shop, cart_token):
    placed = _place(client, cart_token, payment="bank_transfer")
    assert placed.status_code == 303
    assert re.fullmatch(r"/order/[A-Za-z0-9_-]{32}/", placed["Location"])


# --- one screen where possible; phones (issue 14, bullets 3 and 4) -------------


def test_details_page_folds_billing_and_e_invoice_and_shows_the_summary(
        client, shop, cart_token):
    token = start(client, cart_token)
    text = client.get(f"/checkout/{token}/details/").content.decode()
    # Billing fields sit in a block the stylesheet hides while "same" is
    # ticked (no script needed); the e-invoice fields are folded away.
    assert re.search(r'<fieldset class="billing">.*name="billing_same"[^>]*checked'
                     r'.*<div class="billing-fields"', text, re.S)
    assert '<details class="einvoice">' in text
    assert "I need an e-invoice" in text
    # The order summary: lines and total, shipping still to come.
    summary = text.split('class="checkout-summary"')[1]
    assert "1 × Kopi Tenom" in summary and "RM1,234.50" in summary
    assert "next step" in summary


def test_e_invoice_fold_opens_on_its_errors(client, shop, cart_token):
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/",
                           {**DETAILS, "want_einvoice": "on", "tin": ""})
    assert response.status_code == 422
    assert '<details class="einvoice" open>' in response.content.decode()


def test_billing_same_ignores_the_billing_fields_without_javascript(
        client, shop, cart_token):
    """A browser without scripts still posts the (hidden) billing fields;
    while "same" is ticked they are ignored, even half filled."""
    token = start(client, cart_token)
    response = client.post(f"/checkout/{token}/details/", {
        **DETAILS, "billing_line1": "half typed", "billing_postcode": "1"})
    assert response.status_code == 303
    from kedai.checkout.models import Checkout

    checkout = Checkout.objects.get()
    assert checkout.billing == checkout.shipping


def test_summary_follows_the_chosen_shipping(client, shop, cart_token):
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    client.post(f"/checkout/{token}/delivery/",
                {"shipping_method": flat_shipping(), "payment_method": "cod"})
    text = client.get(f"/checkout/{token}/delivery/").content.decode()
    summary = text.split('class="checkout-summary"')[1]
    assert "Flat rate" in summary and "RM8.00" in summary
    assert "RM1,242.50" in summary  # 1234.50 + 8.00, cash-rounded already


def test_cart_review_and_order_stack_on_phones_with_the_total_in_view(
        client, shop, cart_token):
    cart = client.get(f"/s/{cart_token}/cart/").content.decode()
    assert '<table class="stack">' in cart and 'data-label="Total"' in cart
    assert 'class="checkout-start total-bar"' in cart
    assert "storefront/checkout.css" in cart
    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    client.post(f"/checkout/{token}/delivery/",
                {"shipping_method": flat_shipping(),
                 "payment_method": "bank_transfer"})
    review = client.get(f"/checkout/{token}/review/")
    text = review.content.decode()
    assert '<table class="stack">' in text
    bar = text.split('class="total-bar"')[1].split("</div>")[0]
    assert "RM1,242.50" in bar and "Place order" in bar
    placed = client.post(f"/checkout/{token}/review/", {
        "accept_terms": "on", "expected_total": expected_total(review)})
    order = client.get(placed["Location"]).content.decode()
    assert '<table class="stack">' in order and 'class="total-bar"' in order
    assert "Payment method: Bank transfer" in order


def test_htmx_cart_update_brings_the_new_subtotal_along(client, shop, cart_token):
    line = CartLine.objects.get()
    response = client.post(f"/s/{cart_token}/cart/lines/{line.pk}/",
                           {"quantity": 2}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert 'id="cart-bar-subtotal" hx-swap-oob="true">RM2,469.00<' in text


def test_terms_link_and_seller_details_when_the_pages_exist(
        client, shop, cart_token, monkeypatch):
    from kedai.storefront.views import checkout as views

    token = start(client, cart_token)
    client.post(f"/checkout/{token}/details/", DETAILS)
    client.post(f"/checkout/{token}/delivery/",
                {"shipping_method": flat_shipping(),
                 "payment_method": "bank_transfer"})
    # Without a terms page yet: the plain sentence, no broken link.
    text = client.get(f"/checkout/{token}/review/").content.decode()
    assert "I accept the terms and conditions of sale" in text
    monkeypatch.setattr(views, "TERMS_URL_NAMES",
                        (("storefront:order_lookup", {}),))
    monkeypatch.setattr(views, "SELLER_DETAILS", "storefront/cart_empty.html")
    text = client.get(f"/checkout/{token}/review/").content.decode()
    assert ('I accept the <a href="/orders/lookup/" target="_blank" '
            'rel="noopener">terms and conditions of sale</a>') in text
    assert "Sold by" in text


def test_payment_received_shows_in_success_colours(gateways):  # noqa: F811
    from django.template.loader import render_to_string

    from kedai.payments.selectors import payment_context
    from tests.payments.conftest import place_order

    placed = place_order(method="bank_transfer")
    from kedai.payments.services import payment_mark_received

    payment_mark_received(order=placed.order, amount=placed.order.total,
                          reference="MBB-1", actor="owner")
    placed.order.refresh_from_db()
    html = render_to_string("payments/order_payment.html",
                            payment_context(placed.order, placed.token))
    assert '<p class="notice success" role="status"><strong>Paid' in html

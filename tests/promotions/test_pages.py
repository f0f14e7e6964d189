"""The code field on the cart and review pages, without JavaScript."""

from decimal import Decimal

import pytest

from kedai.orders.models import Order
from kedai.promotions.models import CartCode, FreeDeliveryThreshold, Voucher
from tests.promotions.conftest import voucher
from tests.storefront.test_checkout_pages import expected_total, to_review


@pytest.mark.django_db
def test_cart_code_field_applies_and_removes_a_code(client, cart_token):
    voucher("RAYA10")
    response = client.post(f"/s/{cart_token}/cart/code/", {"code": " raya10 "})
    assert response.status_code == 303
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "Code RAYA10 applied." in body
    assert "−RM123.45" in body  # 10% of RM1,234.50
    assert not page.cookies
    response = client.post(f"/s/{cart_token}/cart/code/",
                           {"code": "RAYA10", "action": "remove"})
    assert not CartCode.objects.exists()
    assert "Code removed." in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "message"), [
    ("NOPE", "We do not know the code NOPE"),
    ("A" * 10_000, "That is not a valid code."),
    ('"><script>alert(1)</script>', "That is not a valid code."),
    ("OLD", "The code OLD expired on"),
    ("GONE", "The code GONE has been used up."),
    ("BIG", "Add RM765.50 more to use the code BIG."),
])
def test_cart_code_errors_are_shown_by_the_field(client, cart_token, code, message):
    from datetime import timedelta

    from django.utils import timezone

    voucher("OLD", ends_at=timezone.now() - timedelta(days=1))
    voucher("GONE", usage_limit=1, times_used=1)
    voucher("BIG", min_spend=Decimal("2000"))
    response = client.post(f"/s/{cart_token}/cart/code/", {"code": code})
    assert response.status_code == 303
    body = client.get(response["Location"]).content.decode()
    assert 'id="promo-code-error"' in body
    assert message in body
    assert "<script>alert" not in body
    assert not CartCode.objects.exists()


@pytest.mark.django_db
def test_cart_shows_how_much_more_for_free_delivery(client, cart_token, shop):
    FreeDeliveryThreshold.objects.create(zone="peninsular",
                                         min_subtotal=Decimal("1246.50"))
    body = client.get(f"/s/{cart_token}/cart/").content.decode()
    assert "RM12.00 more for free delivery to Peninsular Malaysia" in body


@pytest.mark.django_db
def test_review_page_code_changes_the_total_placed_and_charged(client, cart_token):
    voucher("RAYA10")
    token = to_review(client, cart_token)
    response = client.post(f"/checkout/{token}/code/", {"code": "raya10"})
    assert response.status_code == 303
    review = client.get(response["Location"])
    body = review.content.decode()
    assert "Code RAYA10 applied." in body
    assert "Discount −RM123.45 included" in body
    total = expected_total(review)
    assert total == "1119.05"  # 1234.50 − 123.45 + 8.00 shipping
    placed = client.post(f"/checkout/{token}/review/",
                         {"expected_total": total, "accept_terms": "on"})
    assert placed.status_code == 303
    order = Order.objects.get()
    assert order.total == Decimal("1119.05")
    assert order.discount_total == Decimal("123.45")
    assert Voucher.objects.get().times_used == 1
    page = client.get(placed["Location"]).content.decode()
    assert "123.45" in page


@pytest.mark.django_db
def test_review_page_code_form_keeps_the_cart_in_the_url(client, cart_token):
    """Under /s/<cart>/checkout/<token>/ the code form posts and returns
    there, so the header's links still carry the shopper's cart."""
    voucher("RAYA10")
    token = to_review(client, cart_token)
    prefix = f"/s/{cart_token}/checkout/{token}"
    review = client.get(f"{prefix}/review/").content.decode()
    assert f'action="{prefix}/code/"' in review
    response = client.post(f"{prefix}/code/", {"code": "raya10"})
    assert response.status_code == 303
    assert response["Location"].startswith(f"{prefix}/review/?promo=added")
    assert "Code RAYA10 applied." in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_cart_page_reads_rules_from_the_cache_and_sees_changes(
        client, cart_token):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(f"/s/{cart_token}/cart/")  # rules cached
    with CaptureQueriesContext(connection) as plain:
        client.get(f"/s/{cart_token}/cart/")
    FreeDeliveryThreshold.objects.create(zone="peninsular",
                                         min_subtotal=Decimal("1246.50"))
    body = client.get(f"/s/{cart_token}/cart/").content.decode()
    assert "RM12.00 more for free delivery" in body  # the save retired the cache
    voucher("RAYA10")
    client.post(f"/s/{cart_token}/cart/code/", {"code": "RAYA10"})
    client.get(f"/s/{cart_token}/cart/")
    with CaptureQueriesContext(connection) as coded:
        client.get(f"/s/{cart_token}/cart/")
    assert len(coded) <= len(plain) + 1  # the cart's vouchers


@pytest.mark.django_db
def test_the_cart_row_says_it_has_codes_and_the_page_shows_them_from_it(
        client, cart_token):
    """The cart page finds a cart's codes through its row (``has_codes``),
    not through a cache entry that an emptied cache would lose."""
    from django.core.cache import caches

    from kedai.cart.models import Cart

    voucher("RAYA10", combinable=True)
    voucher("MERDEKA", kind="fixed", value=Decimal("5"), combinable=True)
    cart = Cart.objects.get()
    assert not cart.has_codes
    for code in ("RAYA10", "MERDEKA"):
        client.post(f"/s/{cart_token}/cart/code/", {"code": code})
    cart.refresh_from_db()
    assert cart.has_codes
    for cache in caches.all():
        cache.clear()
    body = client.get(f"/s/{cart_token}/cart/").content.decode()
    assert "RAYA10" in body and "MERDEKA" in body
    client.post(f"/s/{cart_token}/cart/code/", {"code": "RAYA10", "action": "remove"})
    cart.refresh_from_db()
    assert cart.has_codes  # MERDEKA is still on it
    body = client.get(f"/s/{cart_token}/cart/").content.decode()
    assert "RAYA10" not in body and "MERDEKA" in body
    client.post(f"/s/{cart_token}/cart/code/", {"code": "MERDEKA", "action": "remove"})
    cart.refresh_from_db()
    assert not cart.has_codes

"""Codes on carts and orders: clear refusals, counted once, given back."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import close_old_connections
from django.utils import timezone

from kedai.cart.models import CartLine
from kedai.checkout.exceptions import CheckoutError
from kedai.checkout.placing import checkout_complete
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import order_cancel_unpaid_expired, order_change_status
from kedai.promotions.exceptions import VoucherError
from kedai.promotions.models import (
    AutomaticDiscount,
    Campaign,
    CartCode,
    DiscountUse,
    FreeDeliveryThreshold,
    Voucher,
)
from kedai.promotions.services import cart_code_apply, cart_code_remove
from tests.factories import CategoryFactory, make_product
from tests.promotions.conftest import KK, cart_with, details, voucher


@pytest.fixture
def batik(db):
    return make_product(name="Batik", variants=[{"sku": "BTK", "price": "50.00",
                                                 "stock": 100}]).variants.get()


def _code_error(cart, code) -> VoucherError:
    with pytest.raises(VoucherError) as info:
        cart_code_apply(cart=cart, code=code)
    return info.value


@pytest.mark.django_db
def test_code_is_case_insensitive_and_trimmed(batik):
    voucher("RAYA10")
    cart = cart_with((batik, 2))
    assert cart_code_apply(cart=cart, code="  raya10 \n").code == "RAYA10"
    placed = checkout_complete(cart=cart, details=details(), checkout_key="k")
    order = placed.order
    assert order.discount_total == Decimal("10.00")
    assert order.total == Decimal("98.00")  # 100 - 10 + 8 shipping
    assert [line.discount for line in order.lines.all()] == [Decimal("10.00")]
    assert Voucher.objects.get().times_used == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "expected"), [
    ("NOPE", "We do not know the code NOPE"),
    ("", "Enter a code."),
    ("x" * 10_000, "That is not a valid code."),
    ("<script>alert(1)</script>", "That is not a valid code."),
    ("RAYA 10", "That is not a valid code."),
])
def test_bad_codes_get_a_clear_message_and_change_nothing(batik, code, expected):
    voucher("RAYA10")
    cart = cart_with((batik, 1))
    error = _code_error(cart, code)
    assert expected in error.message
    assert "<" not in error.message and len(error.message) < 200
    assert not CartCode.objects.exists()


@pytest.mark.django_db
def test_dates_limits_minimum_and_items_are_explained(batik):
    now = timezone.now()
    cart = cart_with((batik, 1))
    voucher("OLD", ends_at=now - timedelta(days=1))
    voucher("SOON", starts_at=now + timedelta(days=1))
    voucher("GONE", usage_limit=3, times_used=3)
    voucher("BIG", min_spend=Decimal("73.50"))
    voucher("STOP", is_paused=True)
    other = CategoryFactory()
    voucher("KOPI", scope="categories").categories.add(other)
    assert _code_error(cart, "old").code == "expired"
    assert "expired on" in _code_error(cart, "old").message
    assert _code_error(cart, "soon").code == "not_started"
    assert "starts on" in _code_error(cart, "soon").message
    assert _code_error(cart, "gone").code == "used_up"
    assert "Add RM23.50 more" in _code_error(cart, "big").message
    assert _code_error(cart, "stop").code == "paused"
    assert _code_error(cart, "kopi").code == "not_eligible"
    assert "not for the items in your cart" in _code_error(cart, "kopi").message
    assert not CartCode.objects.exists()


@pytest.mark.django_db
def test_one_code_per_order_unless_both_combine(batik):
    cart = cart_with((batik, 1))
    voucher("A")
    voucher("B")
    cart_code_apply(cart=cart, code="A")
    assert _code_error(cart, "B").code == "one_code"
    Voucher.objects.update(combinable=True)
    cart_code_apply(cart=cart, code="B")
    cart_code_remove(cart=cart, code="a")
    assert list(CartCode.objects.values_list("voucher__code", flat=True)) == ["B"]


@pytest.mark.django_db
def test_campaign_discounts_start_and_end_by_themselves(batik):
    now = timezone.now()
    raya = Campaign.objects.create(name="Raya", starts_at=now + timedelta(days=1),
                                   ends_at=now + timedelta(days=8))
    sale = AutomaticDiscount.objects.create(name="Raya batik 20%", campaign=raya,
                                            kind="percent", value=Decimal("20"),
                                            scope="categories")
    sale.categories.add(batik.product.category)
    cart = cart_with((batik, 1))
    before = checkout_complete(cart=cart, details=details(), checkout_key="a").order
    assert before.discount_total == 0
    Campaign.objects.update(starts_at=now - timedelta(hours=1))
    during = checkout_complete(cart=cart_with((batik, 1)), details=details(),
                               checkout_key="b").order
    assert during.discount_total == Decimal("10.00")
    assert DiscountUse.objects.get(order=during).campaign == raya
    Campaign.objects.update(ends_at=now - timedelta(minutes=1),
                            starts_at=now - timedelta(days=2))
    after = checkout_complete(cart=cart_with((batik, 1)), details=details(),
                              checkout_key="c").order
    assert after.discount_total == 0


@pytest.mark.django_db
def test_buy_two_get_one_takes_the_cheapest_unit(batik):
    cheap = make_product(name="Kuih", variants=[{"sku": "KUIH", "price": "12.00",
                                                 "stock": 9}]).variants.get()
    AutomaticDiscount.objects.create(name="Buy 2 get 1", kind="buy_x_get_y",
                                     scope="order", buy_quantity=2, get_quantity=1)
    order = checkout_complete(cart=cart_with((batik, 2), (cheap, 1)),
                              details=details(), checkout_key="k").order
    assert order.discount_total == Decimal("12.00")
    assert {x.sku: x.discount for x in order.lines.all()} == {
        "BTK": Decimal("0.00"), "KUIH": Decimal("12.00")}


@pytest.mark.django_db
def test_free_delivery_threshold_per_zone(batik):
    FreeDeliveryThreshold.objects.create(zone="peninsular",
                                         min_subtotal=Decimal("150"))
    for zone in ("sabah", "sarawak", "labuan"):
        FreeDeliveryThreshold.objects.create(zone=zone, min_subtotal=Decimal("250"))
    kl = checkout_complete(cart=cart_with((batik, 3)), details=details(),
                           checkout_key="kl").order
    assert (kl.shipping_total, kl.shipping_discount, kl.total) == (
        Decimal("0.00"), Decimal("8.00"), Decimal("150.00"))
    kk = checkout_complete(cart=cart_with((batik, 3)), details=details(KK),
                           checkout_key="kk").order
    assert (kk.shipping_total, kk.total) == (Decimal("8.00"), Decimal("158.00"))


@pytest.mark.django_db
def test_cancelled_or_expired_orders_give_the_use_back_refunds_keep_it(
        batik, settings):
    voucher("ONCE", usage_limit=1)
    cart = cart_with((batik, 1))
    cart_code_apply(cart=cart, code="ONCE")
    order = checkout_complete(cart=cart, details=details(), checkout_key="1").order
    assert Voucher.objects.get().times_used == 1
    # Not paid in time: the sweep cancels it and the code is free again.
    Order.objects.filter(pk=order.pk).update(
        reserved_until=timezone.now() - timedelta(minutes=1))
    assert order_cancel_unpaid_expired() == 1
    assert Voucher.objects.get().times_used == 0
    assert DiscountUse.objects.get().released_at is not None
    # Used again, paid, refunded: stays used (the default).
    cart = cart_with((batik, 1))
    cart_code_apply(cart=cart, code="ONCE")
    order = checkout_complete(cart=cart, details=details(), checkout_key="2").order
    order_change_status(order=order, to=OrderStatus.PAID, actor="test")
    order_change_status(order=order, to=OrderStatus.REFUNDED, actor="test")
    assert Voucher.objects.get().times_used == 1


@pytest.mark.django_db
def test_refund_gives_the_use_back_when_configured(batik, settings):
    settings.KEDAI_VOUCHER_REFUND_KEEPS_USE = False
    voucher("ONCE", usage_limit=1)
    cart = cart_with((batik, 1))
    cart_code_apply(cart=cart, code="ONCE")
    order = checkout_complete(cart=cart, details=details(), checkout_key="1").order
    order_change_status(order=order, to=OrderStatus.PAID, actor="test")
    order_change_status(order=order, to=OrderStatus.REFUNDED, actor="test")
    assert Voucher.objects.get().times_used == 0


@pytest.mark.django_db
def test_code_run_out_after_it_was_added_refuses_the_order(batik):
    voucher("ONCE", usage_limit=1)
    cart = cart_with((batik, 1))
    cart_code_apply(cart=cart, code="ONCE")
    Voucher.objects.update(times_used=1)
    with pytest.raises(CheckoutError) as info:
        checkout_complete(cart=cart, details=details(), checkout_key="k")
    assert info.value.code == "used_up"
    assert not Order.objects.exists()
    assert CartLine.objects.get().variant.stock == 100


def _race(count, place):
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(n):
        try:
            barrier.wait()
            place(n)
            outcomes.append("order")
        except CheckoutError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - any other outcome fails below
            outcomes.append(repr(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_fifty_checkouts_one_single_use_code_exactly_one_uses_it(batik):
    """50 simultaneous checkouts with one single-use code: exactly 1 order."""
    voucher("ONLY1", usage_limit=1)
    carts = [cart_with((batik, 1)) for _ in range(50)]
    for cart in carts:
        cart_code_apply(cart=cart, code="ONLY1")

    outcomes = _race(50, lambda n: checkout_complete(
        cart=carts[n], checkout_key=f"b{n}",
        details=details(email=f"buyer{n}@example.my")))

    assert outcomes.count("order") == 1, outcomes
    assert set(outcomes) == {"order", "used_up"}, outcomes
    assert Voucher.objects.get().times_used == 1
    assert DiscountUse.objects.count() == 1
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_per_customer_limit_by_email_in_two_concurrent_checkouts(batik):
    """The same email in two checkouts at once, limit 1 each: one order."""
    voucher("SEKALI", per_customer_limit=1)
    carts = [cart_with((batik, 1)) for _ in range(2)]
    for cart in carts:
        cart_code_apply(cart=cart, code="SEKALI")

    outcomes = _race(2, lambda n: checkout_complete(
        cart=carts[n], checkout_key=f"same-{n}",
        details=details(email="Siti@Example.my" if n else "siti@example.my")))

    assert sorted(outcomes) == ["customer_limit", "order"], outcomes
    assert DiscountUse.objects.count() == 1
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_front_page_banner_follows_the_campaign():
    from django.core.management import call_command

    from kedai.catalog.models import FrontPage

    FrontPage.objects.update_or_create(pk=1, defaults={
        "announcement": "Free delivery above RM150"})
    now = timezone.now()
    sale = Campaign.objects.create(name="12.12", banner="12.12 sale: 20% off batik",
                                   starts_at=now + timedelta(hours=1),
                                   ends_at=now + timedelta(days=1))
    call_command("promotions_sync", verbosity=0)
    assert FrontPage.objects.get().announcement == "Free delivery above RM150"
    Campaign.objects.update(starts_at=now - timedelta(minutes=1))
    call_command("promotions_sync", verbosity=0)
    assert FrontPage.objects.get().announcement == "12.12 sale: 20% off batik"
    Campaign.objects.filter(pk=sale.pk).update(ends_at=now)
    call_command("promotions_sync", verbosity=0)
    assert FrontPage.objects.get().announcement == "Free delivery above RM150"


@pytest.mark.django_db
def test_demo_promotions_match_the_banner_and_load_once():
    from django.core.management import call_command

    call_command("seed_demo_promotions", verbosity=0)
    call_command("seed_demo_promotions", verbosity=0)
    assert dict(FreeDeliveryThreshold.objects.values_list("zone", "min_subtotal")) \
        == {"peninsular": Decimal("150"), "sabah": Decimal("250"),
            "sarawak": Decimal("250"), "labuan": Decimal("250")}
    assert Voucher.objects.get().code == "SELAMAT10"


@pytest.mark.django_db
def test_free_delivery_code_and_per_customer_limit_of_two(batik):
    voucher("KIRIM", kind="free_delivery", per_customer_limit=2)
    orders = []
    for n in range(2):
        cart = cart_with((batik, 1))
        cart_code_apply(cart=cart, code="kirim")
        orders.append(checkout_complete(cart=cart, details=details(),
                                        checkout_key=f"k{n}").order)
    assert [(o.shipping_total, o.shipping_discount, o.total) for o in orders] == [
        (Decimal("0.00"), Decimal("8.00"), Decimal("50.00"))] * 2
    assert sorted(DiscountUse.objects.values_list("slot", flat=True)) == [1, 2]
    cart = cart_with((batik, 1))
    cart.email = "siti@example.my"
    cart.save()
    assert _code_error(cart, "KIRIM").code == "customer_limit"


@pytest.mark.django_db
def test_admin_generates_single_use_codes_as_csv(batik):
    from django.contrib.auth.models import User
    from django.test import Client

    model = voucher("MODEL", kind="fixed", value=Decimal("5"))
    admin = User.objects.create_superuser("boss", "boss@example.my", "pw-boss-2026")
    client = Client()
    client.force_login(admin)
    response = client.post("/admin/promotions/voucher/", {
        "action": "generate_codes", "_selected_action": [model.pk],
        "code_prefix": "cny", "count": "25"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    rows = response.content.decode().splitlines()
    assert rows[0].startswith("code,batch") and len(rows) == 26
    assert Voucher.objects.filter(code__startswith="CNY-", usage_limit=1).count() == 25

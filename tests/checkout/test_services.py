"""Placing an order: one transaction, stock never oversold, idempotent."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections

from kedai.cart import services as cart_services
from kedai.cart.models import Cart
from kedai.catalog.models import Product, TaxClass, Variant
from kedai.checkout.exceptions import CheckoutError, OutOfStock
from kedai.checkout.placing import CheckoutDetails, checkout_complete
from kedai.core.models import NumberSequence
from kedai.core.money import Money
from kedai.customers.addressing import address_clean
from kedai.customers.models import Customer
from kedai.orders.models import Order, OrderStatus
from kedai.orders.tokens import order_token
from tests.factories import make_product

ADDRESS = {"name": "Siti Aminah", "line1": "12 Jalan Ampang", "city": "Kuala Lumpur",
           "postcode": "50450", "state_code": "KUL", "phone": "012-345 6789"}


def details(**overrides) -> CheckoutDetails:
    address = address_clean(**ADDRESS)
    fields = {"email": "siti@example.my", "name": "Siti Aminah",
              "phone": "+60123456789", "billing": address, "shipping": address,
              "shipping_method": "Flat rate", "shipping_charge": Money("8.00"),
              "payment_method": "bank_transfer"}
    return CheckoutDetails(**{**fields, **overrides})


def cart_with(*items):
    cart, _ = cart_services.cart_create()
    for variant, quantity in items:
        cart_services.cart_add_line(cart=cart, variant_id=variant.pk,
                                    quantity=quantity)
    return cart


@pytest.mark.django_db
def test_placing_an_order_snapshots_prices_and_takes_stock():
    sst = TaxClass.objects.create(code="sst10", name="Sales tax 10%",
                                  kind="sales", rate=Decimal("10"))
    kopi = make_product(name="Kopi Tenom", tax_class=sst,
                        variants=[{"sku": "KOPI-1", "price": "22.00", "stock": 5}])
    kuih = make_product(name="Kuih Bangkit",
                        variants=[{"sku": "KUIH-1", "price": "15.90", "stock": 3}])
    cart = cart_with((kopi.variants.get(), 2), (kuih.variants.get(), 1))

    placed = checkout_complete(cart=cart, details=details(), checkout_key="k1")

    order = placed.order
    assert order.number.startswith("KD-") and order.number.endswith("-000001")
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.total == Decimal("67.90")  # 44.00 + 15.90 + 8.00 shipping
    assert order.tax_total == Decimal("4.00")  # 10% included in 44.00
    assert [(x.sku, x.quantity, x.unit_price) for x in order.lines.all()] == [
        ("KOPI-1", 2, Decimal("22.00")), ("KUIH-1", 1, Decimal("15.90"))]
    assert Variant.objects.get(sku="KOPI-1").stock == 3
    assert Variant.objects.get(sku="KUIH-1").stock == 2
    assert Cart.objects.get(pk=cart.pk).status == Cart.Status.CHECKED_OUT
    assert order.customer.number == "C-000001"
    assert order.shipping_address["postcode"] == "50450"
    assert [e.status_to for e in order.events.all()] == ["awaiting_payment"]
    assert order.token_hash and placed.token == order_token("k1")
    # The price on the order stays what was paid, whatever the catalogue does.
    Variant.objects.filter(sku="KOPI-1").update(price="99.00")
    assert order.lines.get(sku="KOPI-1").unit_price == Decimal("22.00")


@pytest.mark.django_db
def test_same_checkout_twice_gives_one_order():
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    cart = cart_with((variant, 2))
    first = checkout_complete(cart=cart, details=details(), checkout_key="same")
    second = checkout_complete(cart=cart, details=details(), checkout_key="same")
    assert first.order.pk == second.order.pk and first.token == second.token
    assert Order.objects.count() == 1
    assert Variant.objects.get(pk=variant.pk).stock == 3


@pytest.mark.django_db
def test_sold_out_changes_nothing():
    """Out of stock: no order, stock and cart untouched, no number used."""
    plenty = make_product(name="Dodol", variants=[{"stock": 9}]).variants.get()
    scarce = make_product(name="Songket", variants=[{"stock": 2}]).variants.get()
    cart = cart_with((plenty, 3), (scarce, 2))
    Variant.objects.filter(pk=scarce.pk).update(stock=1)  # someone else bought one
    with pytest.raises(OutOfStock, match="Songket"):
        checkout_complete(cart=cart, details=details(), checkout_key="k")
    assert not Order.objects.exists() and not Customer.objects.exists()
    assert Variant.objects.get(pk=plenty.pk).stock == 9
    assert Cart.objects.get(pk=cart.pk).status == Cart.Status.OPEN
    assert not NumberSequence.objects.filter(last_value__gt=0).exists()


@pytest.mark.django_db
def test_empty_closed_or_unavailable_carts_are_refused():
    empty, _ = cart_services.cart_create()
    with pytest.raises(CheckoutError, match="empty"):
        checkout_complete(cart=empty, details=details(), checkout_key="a")
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    cart = cart_with((variant, 1))
    Product.objects.update(is_active=False)
    with pytest.raises(CheckoutError, match="no longer available"):
        checkout_complete(cart=cart, details=details(), checkout_key="b")
    Product.objects.update(is_active=True)
    checkout_complete(cart=cart, details=details(), checkout_key="c")
    with pytest.raises(CheckoutError, match="already been checked out"):
        checkout_complete(cart=cart, details=details(), checkout_key="d")


@pytest.mark.django_db
def test_cash_on_delivery_rounds_to_five_sen():
    variant = make_product(variants=[{"price": "10.02", "stock": 5}]).variants.get()
    placed = checkout_complete(
        cart=cart_with((variant, 1)), checkout_key="cod",
        details=details(shipping_charge=Money("0.00"), payment_method="cod",
                        cash_payment=True))
    assert placed.order.total == Decimal("10.00")
    assert placed.order.rounding == Decimal("-0.02")


@pytest.mark.django_db
def test_returning_customer_is_found_by_email():
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    a = checkout_complete(cart=cart_with((variant, 1)), details=details(),
                          checkout_key="a").order
    b = checkout_complete(cart=cart_with((variant, 1)),
                          details=details(email="SITI@Example.MY"),
                          checkout_key="b").order
    assert a.customer_id == b.customer_id
    assert (a.number[-6:], b.number[-6:]) == ("000001", "000002")


@pytest.mark.django_db
def test_guest_orders_never_write_an_existing_customers_address_book():
    """Issue 13 defect 13: a stranger knowing only Siti's email filled her
    address book by placing guest orders."""
    variant = make_product(variants=[{"stock": 50}]).variants.get()
    # Given Siti's first order, which starts her address book...
    checkout_complete(cart=cart_with((variant, 1)), details=details(),
                      checkout_key="siti")
    siti = Customer.objects.get(email="siti@example.my")
    assert [a.line1 for a in siti.addresses.all()] == ["12 Jalan Ampang"]
    # ...when a stranger places guest orders with her email...
    for number in range(12):
        stranger = address_clean(**{**ADDRESS, "name": "Mallory",
                                    "line1": f"{number} Jalan Orang Lain"})
        checkout_complete(cart=cart_with((variant, 1)),
                          details=details(shipping=stranger, billing=stranger),
                          checkout_key=f"stranger-{number}")
    # ...her address book is hers alone.
    assert [a.line1 for a in siti.addresses.all()] == ["12 Jalan Ampang"]
    # A signed-in checkout still saves its address.
    office = address_clean(**{**ADDRESS, "line1": "1 Jalan Pejabat"})
    checkout_complete(cart=cart_with((variant, 1)),
                      details=details(customer=siti, shipping=office, billing=office),
                      checkout_key="siti-2")
    assert {a.line1 for a in siti.addresses.all()} == {"12 Jalan Ampang",
                                                       "1 Jalan Pejabat"}


@pytest.mark.django_db(transaction=True)
def test_placing_an_order_waits_its_turn_in_the_sqlite_writers_queue():
    """On SQLite the order's transaction queues behind the writer ahead
    (core.sqlite_writer), as an add to a cart does."""
    from django.db import connection

    from kedai.core.sqlite_writer import sqlite_writer

    if connection.vendor != "sqlite":
        pytest.skip("only SQLite queues its writers")
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    cart = cart_with((variant, 1))
    placed = threading.Event()

    def place():
        try:
            checkout_complete(cart=cart, details=details(), checkout_key="queued")
            placed.set()
        finally:
            close_old_connections()

    with sqlite_writer():
        thread = threading.Thread(target=place)
        thread.start()
        assert not placed.wait(0.5)
        assert not Order.objects.exists()
    thread.join(10)
    assert placed.is_set()
    assert Order.objects.get().checkout_key == "queued"


@pytest.mark.django_db(transaction=True)
def test_fifty_buyers_for_ten_in_stock():
    """50 simultaneous checkouts for 10 in stock: 10 orders, 40 sold out.

    Real threads with their own connections start together behind a
    barrier against a file-backed database, so the stock check really races.
    """
    variant = make_product(variants=[{"stock": 10}]).variants.get()
    carts = [cart_with((variant, 1)) for _ in range(50)]
    barrier = threading.Barrier(50)
    outcomes: list[str] = []

    def buy(n):
        try:
            barrier.wait()
            checkout_complete(cart=carts[n], checkout_key=f"buyer-{n}",
                              details=details(email=f"buyer{n}@example.my"))
            outcomes.append("order")
        except OutOfStock:
            outcomes.append("sold out")
        except Exception as exc:  # noqa: BLE001 - any other outcome fails below
            outcomes.append(repr(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(outcomes)) == ["order", "sold out"], outcomes
    assert outcomes.count("order") == 10
    assert Variant.objects.get(pk=variant.pk).stock == 0
    numbers = sorted(Order.objects.values_list("number", flat=True))
    assert [n[-6:] for n in numbers] == [f"{i:06d}" for i in range(1, 11)]


@pytest.mark.django_db
def test_a_total_changed_since_review_is_not_charged():
    """The accepted total is checked inside the transaction."""
    from kedai.checkout.exceptions import TotalChanged

    variant = make_product(variants=[{"price": "20.00", "stock": 5}]).variants.get()
    cart = cart_with((variant, 1))
    Variant.objects.filter(pk=variant.pk).update(price="25.00")
    with pytest.raises(TotalChanged):
        checkout_complete(cart=cart, details=details(), checkout_key="t",
                          accepted_total=Money("28.00"))  # 20 + 8 seen
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=variant.pk).stock == 5
    placed = checkout_complete(cart=cart, details=details(), checkout_key="t",
                               accepted_total=Money("33.00"))
    assert placed.order.total == Decimal("33.00")


@pytest.mark.django_db
def test_abandoned_checkouts_are_purged_but_carts_and_placed_ones_kept(settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from kedai.checkout.models import Checkout
    from kedai.checkout.services import checkout_purge_stale, checkout_start

    kopi = make_product(name="Kopi", variants=[{"sku": "K", "price": "9.00",
                                                "stock": 5}])
    old, _token = checkout_start(cart=cart_with((kopi.variants.get(), 1)))
    fresh, _token = checkout_start(cart=cart_with((kopi.variants.get(), 1)))
    done, _token = checkout_start(cart=cart_with((kopi.variants.get(), 1)))
    long_ago = timezone.now() - timedelta(days=settings.KEDAI_CHECKOUT_TTL_DAYS + 1)
    Checkout.objects.filter(pk__in=[old.pk, done.pk]).update(updated_at=long_ago)
    Checkout.objects.filter(pk=done.pk).update(status=Checkout.Status.COMPLETED)

    assert checkout_purge_stale() == 1
    assert set(Checkout.objects.values_list("pk", flat=True)) == {fresh.pk, done.pk}
    assert Cart.objects.filter(pk=old.cart_id).exists()
    call_command("purge_checkouts", verbosity=0)  # nothing left to purge: no error
    assert Checkout.objects.count() == 2


def _place_concurrently(cart, key: str, count: int) -> list:
    """Place the same checkout from ``count`` threads started together."""
    barrier = threading.Barrier(count)
    outcomes: list = []

    def place():
        try:
            barrier.wait()
            outcomes.append(checkout_complete(cart=cart, details=details(),
                                              checkout_key=key))
        except Exception as exc:  # noqa: BLE001 - any other outcome fails below
            outcomes.append(repr(exc))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=place) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_double_clicked_place_order_lands_on_the_first_order():
    """Issue 13 defect 2: the same checkout placed from several threads at
    once gives one order, and every request gets it (same page token),
    never "already checked out"."""
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    cart = cart_with((variant, 2))
    outcomes = _place_concurrently(cart, "double-click", 6)
    assert all(not isinstance(o, str) for o in outcomes), outcomes
    assert {o.order.pk for o in outcomes} == {Order.objects.get().pk}
    assert {o.token for o in outcomes} == {order_token("double-click")}
    assert Variant.objects.get(pk=variant.pk).stock == 3


@pytest.mark.django_db(transaction=True)
def test_second_click_waiting_on_the_cart_lock_gets_the_first_order(request):
    """The interleaving of defect 2 forced: the second request has passed
    the "already placed?" look-up and waits on the cart lock while the
    first is still placing; it must come back with the first's order."""
    from kedai.core.events import subscribe, unsubscribe
    from kedai.orders.events import OrderPlaced

    inside, release = threading.Event(), threading.Event()

    def slow_subscriber(event):
        inside.set()
        assert release.wait(10)

    subscribe(OrderPlaced, slow_subscriber)
    request.addfinalizer(lambda: unsubscribe(OrderPlaced, slow_subscriber))
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    cart = cart_with((variant, 1))
    results: dict[str, object] = {}

    def place(name):
        try:
            results[name] = checkout_complete(cart=cart, details=details(),
                                              checkout_key="k-wait")
        except Exception as exc:  # noqa: BLE001 - asserted below
            results[name] = repr(exc)
        finally:
            close_old_connections()

    first = threading.Thread(target=place, args=("first",))
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=place, args=("second",))
    second.start()
    second.join(0.5)  # now blocked on the cart lock (or the write lock)
    assert second.is_alive()
    release.set()
    first.join()
    second.join()
    assert not isinstance(results["second"], str), results["second"]
    assert results["first"].order.pk == results["second"].order.pk  # type: ignore[union-attr]
    assert Order.objects.count() == 1

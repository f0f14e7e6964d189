"""Order status changes and the release of unpaid orders' stock."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from kedai.catalog.models import Product, Variant
from kedai.checkout.placing import checkout_complete
from kedai.orders.exceptions import OrderError
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import order_cancel_unpaid_expired, order_change_status
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    variant = make_product(variants=[{"stock": 5}]).variants.get()
    return checkout_complete(cart=cart_with((variant, 2)), details=details(),
                             checkout_key="k").order


def test_every_change_is_recorded_with_actor_and_note(order):
    order_change_status(order=order, to=OrderStatus.PAID, actor="owner",
                        note="Bank transfer seen")
    order_change_status(order=order, to=OrderStatus.SHIPPED, actor="owner")
    history = [(e.status_from, e.status_to, e.actor, e.note)
               for e in order.events.all()]
    assert history == [
        ("", "awaiting_payment", "customer C-000001", ""),
        ("awaiting_payment", "paid", "owner", "Bank transfer seen"),
        ("paid", "shipped", "owner", ""),
    ]
    assert Order.objects.get(pk=order.pk).status == "shipped"


def test_impossible_moves_are_refused_and_change_nothing(order):
    with pytest.raises(OrderError, match="cannot become"):
        order_change_status(order=order, to=OrderStatus.DELIVERED, actor="owner")
    assert Order.objects.get(pk=order.pk).status == "awaiting_payment"
    assert order.events.count() == 1


def test_cancelling_puts_the_stock_back(order):
    assert Variant.objects.get().stock == 3
    order_change_status(order=order, to=OrderStatus.CANCELLED, actor="owner")
    assert Variant.objects.get().stock == 5
    assert Product.objects.get().in_stock
    with pytest.raises(OrderError):
        order_change_status(order=order, to=OrderStatus.PAID, actor="gateway")


def test_unpaid_orders_are_cancelled_after_the_hold(order):
    assert order_cancel_unpaid_expired() == 0
    Order.objects.update(reserved_until=timezone.now() - timedelta(minutes=1))
    call_command("cancel_unpaid_orders", verbosity=0)
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert order.events.last().actor == "system"
    assert Variant.objects.get().stock == 5


def test_paid_orders_are_not_cancelled(order):
    order_change_status(order=order, to=OrderStatus.PAID, actor="gateway")
    Order.objects.update(reserved_until=timezone.now() - timedelta(days=1))
    assert order_cancel_unpaid_expired() == 0
    assert Variant.objects.get().stock == 3


def test_owner_changes_status_from_the_back_office(admin_client, order):
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/")
    assert page.status_code == 200
    assert "tracking history" in page.content.decode().lower()
    response = admin_client.post("/admin/orders/order/", {
        "action": "mark_paid_offline", "_selected_action": [order.pk]})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "paid"
    assert order.events.last().actor == "staff admin"
    # Recorded as a payment, with its charge receipt.
    from kedai.invoicing.models import Document, DocumentKind
    from kedai.payments.models import Payment

    assert Payment.objects.get(order=order).amount == order.total
    assert Document.objects.filter(order=order, kind=DocumentKind.RECEIPT).exists()
    admin_client.post("/admin/orders/order/", {
        "action": "mark_delivered", "_selected_action": [order.pk]})
    order.refresh_from_db()
    assert order.status == "paid"  # refused: paid → delivered skips shipping


# --- issue 13 defect 5: one stock lock order, a sweep that survives errors ----


def _stock_updates(queries) -> list[int]:
    """The variant ids of the stock UPDATEs, in the order they ran."""
    import re

    ids = []
    for query in queries:
        sql = query["sql"]
        if sql.startswith('UPDATE "catalog_variant"') and '"stock"' in sql:
            ids.append(int(re.search(r'"catalog_variant"\."id" = %?s?\(?(\d+)',
                                     sql)[1]))
    return ids


@pytest.fixture
def crossed_order():
    """An order whose lines, by line id, name variants in descending id
    (as an imported or edited order may): the opposite of checkout's order."""
    from kedai.orders.models import OrderLine

    low = make_product(name="A", variants=[{"sku": "A-1", "stock": 5}]).variants.get()
    high = make_product(name="B", variants=[{"sku": "B-1", "stock": 5}]).variants.get()
    order = checkout_complete(cart=cart_with((low, 1), (high, 1)), details=details(),
                              checkout_key="crossed").order
    first, second = order.lines.order_by("id")
    OrderLine.objects.filter(pk=first.pk).update(variant=high, sku="B-1")
    OrderLine.objects.filter(pk=second.pk).update(variant=low, sku="A-1")
    return order, [low.pk, high.pk]


def test_cancelling_restocks_in_variant_id_order(crossed_order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    order, ascending = crossed_order
    with CaptureQueriesContext(connection) as queries:
        order_change_status(order=order, to=OrderStatus.CANCELLED, actor="owner")
    assert _stock_updates(queries) == ascending
    assert sorted(Variant.objects.values_list("stock", flat=True)) == [5, 5]


def test_refund_restock_and_cancel_walk_variants_in_id_order(crossed_order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kedai.orders.services import (
        order_cancel,
        order_lines_refund_reserve,
        order_lines_returned,
    )

    order, ascending = crossed_order
    order_change_status(order=order, to=OrderStatus.PAID, actor="owner")
    lines = {line.pk: 1 for line in order.lines.all()}
    order_lines_refund_reserve(order=order, quantities=lines)
    with CaptureQueriesContext(connection) as queries:
        order_lines_returned(order=order, restock=lines, actor="owner",
                             note="returned")
    assert _stock_updates(queries) == ascending
    with CaptureQueriesContext(connection) as queries:
        order_cancel(order=order, reason="changed mind", actor="owner")
    # Cancelling restocks every line, then takes back what the refund
    # restocked: each pass in ascending variant id.
    assert _stock_updates(queries) == ascending + ascending
    assert sorted(Variant.objects.values_list("stock", flat=True)) == [5, 5]


def test_a_failing_order_does_not_stop_the_unpaid_sweep(monkeypatch, caplog):
    from kedai.orders import services as order_services

    variant = make_product(variants=[{"stock": 9}]).variants.get()
    orders = [checkout_complete(cart=cart_with((variant, 1)), details=details(),
                                checkout_key=f"sweep-{n}").order for n in range(3)]
    Order.objects.update(reserved_until=timezone.now() - timedelta(minutes=1))
    real_restock = order_services._restock

    def restock(order):
        if order.pk == orders[1].pk:
            raise RuntimeError("deadlock detected")
        real_restock(order)

    monkeypatch.setattr(order_services, "_restock", restock)
    with caplog.at_level("ERROR", logger="kedai.orders"):
        assert order_cancel_unpaid_expired() == 2
    statuses = [Order.objects.get(pk=o.pk).status for o in orders]
    assert statuses == ["cancelled", "awaiting_payment", "cancelled"]
    assert orders[1].number in caplog.text
    assert Variant.objects.get().stock == 8


@pytest.mark.django_db(transaction=True)
def test_checkouts_and_cancels_racing_never_deadlock():
    """Real threads on a file-backed database (PostgreSQL: row locks): buyers
    taking stock of two variants while crossed orders of the same two are
    cancelled. With one lock order nobody deadlocks and no stock is lost."""
    import threading

    from django.db import close_old_connections

    from kedai.orders.models import OrderLine

    low, high = (make_product(name=sku, variants=[{"sku": sku, "stock": 100}])
                 .variants.get() for sku in ("A-1", "B-1"))
    pairs = 8
    orders = []
    for n in range(pairs):
        order = checkout_complete(cart=cart_with((low, 1), (high, 1)),
                                  details=details(), checkout_key=f"x-{n}").order
        first, second = order.lines.order_by("id")
        OrderLine.objects.filter(pk=first.pk).update(variant=high, sku="B-1")
        OrderLine.objects.filter(pk=second.pk).update(variant=low, sku="A-1")
        orders.append(order)
    carts = [cart_with((low, 1), (high, 1)) for _ in range(pairs)]
    barrier = threading.Barrier(2 * pairs)
    errors: list[str] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - any error fails below
            errors.append(repr(exc))
        finally:
            close_old_connections()

    jobs = [lambda o=o: order_change_status(order=o, to=OrderStatus.CANCELLED,
                                            actor="system") for o in orders]
    jobs += [lambda n=n: checkout_complete(cart=carts[n], details=details(),
                                           checkout_key=f"buy-{n}")
             for n in range(pairs)]
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Variant.objects.get(pk=low.pk).stock == 100 - pairs
    assert Variant.objects.get(pk=high.pk).stock == 100 - pairs

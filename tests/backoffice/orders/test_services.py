"""The orders workflows: bulk actions, tracking numbers, refunds by line,
cancellations. Refused input changes nothing."""

from decimal import Decimal

import pytest

from kedai.backoffice.orders.services import (
    BulkRefused,
    TrackingRow,
    carrier_parse,
    orders_mark_packed,
    orders_mark_paid,
    parcel_record,
    tracking_apply,
    tracking_csv_read,
    tracking_plan,
)
from kedai.catalog.models import Variant
from kedai.core.exceptions import ApplicationError
from kedai.invoicing.models import Document, DocumentKind
from kedai.notifications.models import Message
from kedai.orders.exceptions import OrderError
from kedai.orders.models import OrderEvent, OrderLine, OrderStatus
from kedai.orders.services import order_cancel, order_note_add
from kedai.payments.exceptions import RefundError
from kedai.payments.models import Payment, PaymentStatus, Refund
from kedai.payments.refunds import LineReturn, order_refund_lines
from kedai.shipping.models import Shipment, ShipmentParcel
from tests.backoffice.orders.conftest import pay, place

pytestmark = pytest.mark.django_db


def stock_of(line: OrderLine) -> int:
    return Variant.objects.get(pk=line.variant_id).stock


def snapshot(order) -> tuple:
    """Everything a refused action must leave as it was."""
    order.refresh_from_db()
    return (order.status, OrderEvent.objects.filter(order=order).count(),
            Shipment.objects.filter(order=order).count(),
            list(Payment.objects.filter(order=order).values_list(
                "status", "refunded_amount")),
            Refund.objects.filter(payment__order=order).count(),
            list(order.lines.values_list("quantity_refunded", "quantity_restocked",
                                         "variant__stock")),
            Message.objects.count(), Document.objects.filter(order=order).count())


# --- notes ---------------------------------------------------------------------------


def test_a_note_goes_into_the_tracking_history_with_its_author():
    order = place()
    event = order_note_add(order=order, note="  Customer asked for gift wrap. ",
                           actor="aisyah")
    assert (event.actor, event.note) == ("aisyah", "Customer asked for gift wrap.")
    assert event.status_from == event.status_to == OrderStatus.AWAITING_PAYMENT


def test_an_empty_note_is_refused():
    order = place()
    before = snapshot(order)
    with pytest.raises(OrderError):
        order_note_add(order=order, note="   ", actor="aisyah")
    assert snapshot(order) == before


# --- mark paid, mark packed ----------------------------------------------------------


def test_mark_paid_records_the_offline_payments_by_the_staff_user():
    orders = [place(), place(method="cod")]
    assert orders_mark_paid(orders=orders, reference="MBB 123", actor="aisyah") == 2
    for order in orders:
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        payment = Payment.objects.get(order=order)
        assert payment.pays_order and payment.status == PaymentStatus.CAPTURED
        assert order.events.last().actor == "aisyah"


def test_mark_paid_refuses_online_or_paid_orders_and_changes_nothing():
    online, paid, fine = place(method="billplz"), pay(place()), place()
    before = [snapshot(o) for o in (online, paid, fine)]
    with pytest.raises(BulkRefused) as refused:
        orders_mark_paid(orders=[online, paid, fine], reference="X1", actor="aisyah")
    text = " ".join(refused.value.errors)
    assert online.number in text and paid.number in text and fine.number not in text
    assert [snapshot(o) for o in (online, paid, fine)] == before


def test_mark_paid_needs_a_reference():
    order = place()
    with pytest.raises(BulkRefused):
        orders_mark_paid(orders=[order], reference=" ", actor="aisyah")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_mark_packed_moves_paid_orders_to_processing_all_or_none():
    first, second, unpaid = pay(place()), pay(place()), place()
    before = [snapshot(o) for o in (first, second, unpaid)]
    with pytest.raises(BulkRefused) as refused:
        orders_mark_packed(orders=[first, second, unpaid], actor="aisyah")
    assert unpaid.number in refused.value.errors[0]
    assert [snapshot(o) for o in (first, second, unpaid)] == before

    assert orders_mark_packed(orders=[first, second], actor="aisyah") == 2
    first.refresh_from_db()
    assert first.status == OrderStatus.PROCESSING
    assert first.events.last().actor == "aisyah"


# --- tracking numbers ---------------------------------------------------------------


def test_carriers_are_recognised_by_code_or_name():
    assert carrier_parse("Pos Laju") == carrier_parse("POSLAJU") == "poslaju"
    assert carrier_parse("J&T Express") == carrier_parse("jnt") == "jnt"
    assert carrier_parse("City-Link Express") == "citylink"
    assert carrier_parse("Pony Express") is None


def test_fulfilling_records_parcels_marks_shipped_and_queues_the_notice():
    order = pay(place())
    parcel_record(order=order, carrier="poslaju",
                  tracking=["er123456789my", "", "ER123456790MY"], actor="aisyah")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    shipment = Shipment.objects.get(order=order)
    assert (shipment.carrier, shipment.actor) == ("poslaju", "aisyah")
    assert [p.tracking_number for p in shipment.parcels.all()] == [
        "ER123456789MY", "ER123456790MY"]
    assert order.events.last().actor == "aisyah"
    assert Message.objects.filter(kind="shipping_notice:customer",
                                  to_email=order.email).count() == 1


def test_every_bad_row_is_reported_with_its_row_number():
    shippable, unpaid = pay(place()), place()
    other = pay(place())
    parcel_record(order=other, carrier="skynet", tracking=["SK0000000001"],
                  actor="aisyah")
    rows = [
        TrackingRow(2, shippable.number, "Pos Laju", "ER000000001MY"),
        TrackingRow(3, "KD-2026-999999", "poslaju", "ER000000002MY"),
        TrackingRow(4, shippable.number, "Pony Express", "ER000000003MY"),
        TrackingRow(5, shippable.number, "poslaju", "ER000000001MY"),
        TrackingRow(6, shippable.number, "skynet", "SK0000000001"),
        TrackingRow(7, unpaid.number, "poslaju", "ER000000004MY"),
        TrackingRow(8, shippable.number, "poslaju", "bad!"),
        TrackingRow(9, "", "poslaju", ""),
    ]
    plan = tracking_plan(rows=rows)
    errors = "\n".join(plan.errors)
    assert "Row 3: there is no order KD-2026-999999" in errors
    assert "Row 4: unknown carrier “Pony Express”" in errors
    assert "Row 5: tracking number ER000000001MY is also on row 2" in errors
    assert (f"Row 6: tracking number SK0000000001 is already recorded for order "
            f"{other.number}") in errors
    assert f"Row 7: order {unpaid.number} is “Awaiting payment”" in errors
    assert "Row 8: “BAD!” is not a tracking number" in errors
    assert "Row 9: the order number is missing; the tracking number is missing" \
        in errors
    assert len(plan.errors) == 7
    assert [(c.order.number, c.numbers, c.rows) for c in plan.changes] == [
        (shippable.number, ("ER000000001MY",), (2,))]


def test_applying_tracking_rows_is_all_or_nothing():
    first, second = pay(place()), pay(place())
    before = [snapshot(o) for o in (first, second)]
    rows = [TrackingRow(2, first.number, "poslaju", "ER000000011MY"),
            TrackingRow(3, second.number, "nowhere", "ER000000012MY")]
    with pytest.raises(BulkRefused) as refused:
        tracking_apply(rows=rows, actor="aisyah")
    assert refused.value.errors == ["Row 3: unknown carrier “nowhere”."]
    assert [snapshot(o) for o in (first, second)] == before

    rows[1] = TrackingRow(3, second.number.lower(), "Skynet", "SK000000012")
    rows.append(TrackingRow(4, first.number, "poslaju", "ER000000013MY"))
    plan = tracking_apply(rows=rows, actor="aisyah")
    assert plan.parcels == 3
    assert sorted(ShipmentParcel.objects.filter(
        shipment__order=first).values_list("tracking_number", flat=True)) == [
        "ER000000011MY", "ER000000013MY"]
    assert Shipment.objects.filter(order=first).count() == 1
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == OrderStatus.SHIPPED
    assert Message.objects.filter(kind="shipping_notice:customer").count() == 2


def test_csv_reader_accepts_bom_semicolons_any_column_order_and_escapes():
    data = ("\ufeffTracking Number;Courier;Order No\r\n"
            "'ER1234567MY;Pos Laju;KD-2026-000001\r\n"
            ";;\r\n"
            "SK12345678;skynet;KD-2026-000002\r\n").encode()
    rows, errors = tracking_csv_read(data)
    assert errors == []
    assert rows == [TrackingRow(2, "KD-2026-000001", "Pos Laju", "ER1234567MY"),
                    TrackingRow(4, "KD-2026-000002", "skynet", "SK12345678")]


@pytest.mark.parametrize(("data", "message"), [
    (b"order,carrier,tracking\nKD-1,poslaju,\xff\xfe\n", "not UTF-8"),
    (b"KD-1,poslaju,ER1\n", "first row must name the columns"),
    (b"", "empty"),
    (b"order,carrier,tracking\n", "no rows"),
    (b"PK\x03\x04\x00\x00binary", "not a CSV"),
    (b"order,carrier,tracking\n" + b"x" * 1_000_001, "larger than 1 MB"),
])
def test_csv_reader_refuses_bad_files_with_a_message(data, message):
    rows, errors = tracking_csv_read(data)
    assert rows == [] and message in errors[0]


# --- refunds by line ---------------------------------------------------------------


def test_refund_by_line_with_restock_gives_money_and_stock_back():
    order = pay(place(items=(("20.00", 2), ("15.00", 1))))
    kept, returned = order.lines.all()
    stock_before = stock_of(kept), stock_of(returned)

    refund = order_refund_lines(
        order=order, returns=[LineReturn(kept.pk, 1, 1), LineReturn(returned.pk, 1, 0)],
        reason="Wrong size", include_shipping=False, manual=True, actor="aisyah")

    assert refund.amount == Decimal("35.00") and refund.manual
    kept.refresh_from_db()
    returned.refresh_from_db()
    assert (kept.quantity_refunded, kept.quantity_restocked) == (1, 1)
    assert (returned.quantity_refunded, returned.quantity_restocked) == (1, 0)
    assert (stock_of(kept), stock_of(returned)) == (stock_before[0] + 1,
                                                    stock_before[1])
    payment = Payment.objects.get(order=order)
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refunded_amount == Decimal("35.00")
    event = order.events.last()
    assert event.actor == "aisyah"
    assert "Wrong size" in event.note and kept.sku in event.note
    assert Document.objects.filter(order=order, kind=DocumentKind.CREDIT_NOTE).exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID  # partly refunded only


def test_refunding_everything_with_shipping_refunds_the_order():
    order = pay(place(items=(("20.00", 2),)))
    line = order.lines.get()
    order_refund_lines(order=order, returns=[LineReturn(line.pk, 2, 2)],
                       reason="Returned", include_shipping=True, manual=True,
                       actor="aisyah")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert Payment.objects.get(order=order).refunded_amount == order.total


def test_a_refund_over_what_was_captured_changes_nothing():
    order = pay(place(items=(("20.00", 2), ("15.00", 1))))
    first, second = order.lines.all()
    order_refund_lines(order=order, returns=[LineReturn(first.pk, 2, 0)],
                       reason="Damaged", include_shipping=True, manual=True,
                       actor="aisyah")
    before = snapshot(order)
    # 15.00 + shipping 8.00 again: only 15.00 is left on the payment.
    with pytest.raises(RefundError, match="At most RM15.00 is left"):
        order_refund_lines(order=order, returns=[LineReturn(second.pk, 1, 1)],
                           reason="Again", include_shipping=True, manual=True,
                           actor="aisyah")
    assert snapshot(order) == before


@pytest.mark.parametrize(("returns", "reason", "match"), [
    (lambda line: [LineReturn(line.pk, 3, 0)], "x", "between 1 and 2"),
    (lambda line: [LineReturn(line.pk, 1, 2)], "x", "restock at most"),
    (lambda line: [LineReturn(line.pk + 999, 1, 0)], "x", "not on this order"),
    (lambda line: [], "x", "Choose the lines"),
    (lambda line: [LineReturn(line.pk, 1, 0)], "  ", "reason"),
])
def test_bad_refund_requests_are_refused_and_change_nothing(returns, reason, match):
    order = pay(place())
    before = snapshot(order)
    with pytest.raises(ApplicationError, match=match):
        order_refund_lines(order=order, returns=returns(order.lines.get()),
                           reason=reason, include_shipping=False, manual=True,
                           actor="aisyah")
    assert snapshot(order) == before


def test_an_unpaid_order_has_nothing_to_refund():
    order = place()
    before = snapshot(order)
    with pytest.raises(RefundError, match="no captured payment"):
        order_refund_lines(order=order, returns=[LineReturn(order.lines.get().pk, 1)],
                           reason="x", include_shipping=False, manual=True,
                           actor="aisyah")
    assert snapshot(order) == before


# --- cancellations -----------------------------------------------------------------


def test_cancelling_restocks_and_is_recorded_with_its_reason():
    order = place(items=(("20.00", 3),))
    line = order.lines.get()
    stock = stock_of(line)
    order_cancel(order=order, reason="Customer changed mind", actor="aisyah")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert stock_of(line) == stock + 3
    event = order.events.last()
    assert (event.actor, event.note) == ("aisyah", "Customer changed mind")


def test_a_shipped_order_cannot_be_cancelled():
    order = pay(place())
    parcel_record(order=order, carrier="poslaju", tracking=["ER555555555MY"],
                  actor="aisyah")
    before = snapshot(order)
    with pytest.raises(OrderError, match="“Shipped” cannot become “Cancelled”"):
        order_cancel(order=order, reason="Too late", actor="aisyah")
    assert snapshot(order) == before


def test_cancelling_after_a_restocked_refund_never_restocks_twice():
    order = pay(place(items=(("20.00", 3),)))
    line = order.lines.get()
    stock = stock_of(line)
    order_refund_lines(order=order, returns=[LineReturn(line.pk, 1, 1)],
                       reason="One broken", include_shipping=False, manual=True,
                       actor="aisyah")
    assert stock_of(line) == stock + 1
    order_cancel(order=order, reason="Rest not wanted", actor="aisyah")
    assert stock_of(line) == stock + 3
    line.refresh_from_db()
    assert line.quantity_restocked == 3
    # The rest can still be refunded, but not restocked again.
    with pytest.raises(OrderError, match="cancelled"):
        order_refund_lines(order=order, returns=[LineReturn(line.pk, 2, 2)],
                           reason="Refund rest", include_shipping=False,
                           manual=True, actor="aisyah")
    order_refund_lines(order=order, returns=[LineReturn(line.pk, 2, 0)],
                       reason="Refund rest", include_shipping=True, manual=True,
                       actor="aisyah")
    assert stock_of(line) == stock + 3
    assert Payment.objects.get(order=order).status == PaymentStatus.REFUNDED

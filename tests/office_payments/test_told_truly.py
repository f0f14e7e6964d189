"""Payments told truly in the back office: the gateway that took the
money, refunds on gateways without a refund API, "Mark paid" references,
and a confirmation step before cancelling or refunding."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from kedai.catalog.models import Variant
from kedai.orders.models import OrderStatus
from kedai.payments.models import Payment, PaymentStatus, Refund
from kedai.reports.periods import period_get
from kedai.reports.selectors import sales_by_payment_method
from tests.backoffice.orders.conftest import place
from tests.office_payments.conftest import paid_through

pytestmark = pytest.mark.django_db


def detail(order) -> str:
    return f"/office/orders/o/{order.number}/"


def text(response) -> str:
    return response.content.decode()


# --- the gateway that took the money ---------------------------------------------


def test_an_order_paid_through_fiuu_is_listed_and_counted_as_fiuu(owner, gateways):
    """Chosen Billplz at checkout, paid through Fiuu: Fiuu everywhere."""
    order, payment = paid_through(chosen="billplz", paid_with="fiuu")
    assert order.payment_method == "billplz" and payment.gateway == "fiuu"
    listing = owner.get("/office/orders/")
    row = next(o for o in listing.context["page"] if o.number == order.number)
    assert row.paid_via == "fiuu" and row.method_used == "fiuu"
    assert '<small class="method-used">(Fiuu)</small>' in text(listing)
    by_fiuu = owner.get("/office/orders/", {"method": "fiuu"})
    assert [o.number for o in by_fiuu.context["page"]] == [order.number]
    assert not list(owner.get("/office/orders/", {"method": "billplz"}
                              ).context["page"])
    page = text(owner.get(detail(order)))
    assert "paid through Fiuu" in page and "chosen at checkout: Billplz" in page
    slices = sales_by_payment_method(period=period_get("today"))
    assert [(s.key, s.orders) for s in slices] == [("fiuu", 1)]
    export = owner.post("/office/orders/bulk/", {"action": "export",
                                                 "orders": [order.number]})
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    # The export names methods from the one label table (kedai.core.labels).
    assert rows[0]["Payment method"] == "Billplz"
    assert rows[0]["Paid through"] == "Fiuu"


# --- refunds on a gateway without a refund API ------------------------------------


def test_a_billplz_refund_waits_to_be_done_by_hand_until_confirmed(owner, gateways):
    order, payment = paid_through(chosen="billplz", paid_with="billplz",
                                  price="111.00")
    line = order.lines.get()
    stock = Variant.objects.get(pk=line.variant_id).stock
    data = {f"qty_{line.pk}": "1", f"restock_{line.pk}": "on",
            "include_shipping": "on", "reason": "Wrong size"}
    # First POST: a page that says what will happen; nothing changes.
    ask = owner.post(f"{detail(order)}refund/", data)
    assert ask.status_code == 200
    page = text(ask)
    assert "Billplz has no refund API" in page and "RM119.00" in page
    assert 'name="confirmed" value="yes"' in page
    assert not Refund.objects.exists()
    assert Variant.objects.get(pk=line.variant_id).stock == stock
    # Second POST: recorded, but as waiting; never "Succeeded".
    done = owner.post(f"{detail(order)}refund/", {**data, "confirmed": "yes"},
                      follow=True)
    page = text(done)
    assert "RM119.00 to refund by hand in Billplz&#x27;s dashboard" in page
    assert "Succeeded" not in page
    refund = Refund.objects.get()
    assert refund.status == Refund.Status.TO_REFUND_BY_HAND
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.refunded_amount == Decimal("119.00")  # held: no second refund
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert Variant.objects.get(pk=line.variant_id).stock == stock + 1
    assert not order.documents.filter(kind="credit_note").exists()
    # The owner refunds in Billplz's dashboard, then confirms here.
    confirmed = owner.post(f"{detail(order)}refunds/{refund.reference}/confirm/",
                           follow=True)
    page = text(confirmed)
    assert "confirmed as given back in Billplz&#x27;s dashboard" in page
    assert "confirmed by siti" in page
    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.confirmed_by == "siti"
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.documents.filter(kind="credit_note").exists()
    again = owner.post(f"{detail(order)}refunds/{refund.reference}/confirm/")
    assert again.status_code == 400


def test_a_fiuu_refund_goes_through_its_api_after_confirmation(owner, gateways):
    order, payment = paid_through(chosen="fiuu", paid_with="fiuu")
    line = order.lines.get()
    data = {f"qty_{line.pk}": "1", "reason": "Faulty"}
    assert "Fiuu gives RM92.00 back" in text(owner.post(f"{detail(order)}refund/",
                                                        data))
    done = owner.post(f"{detail(order)}refund/", {**data, "confirmed": "yes"},
                      follow=True)
    assert "Refunded RM92.00 through Fiuu" in text(done)
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED


# --- cancelling asks first ------------------------------------------------------------


def test_cancel_and_restock_asks_for_confirmation_first(owner):
    order = place()
    line = order.lines.get()
    stock = Variant.objects.get(pk=line.variant_id).stock
    page = text(owner.get(detail(order)))
    assert "Cancel order and restock…" in page
    ask = owner.post(f"{detail(order)}cancel/", {"reason": "Duplicate"})
    assert ask.status_code == 200
    assert "go back on sale" in text(ask) and "Yes, cancel the order" in text(ask)
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert Variant.objects.get(pk=line.variant_id).stock == stock
    owner.post(f"{detail(order)}cancel/", {"reason": "Duplicate", "confirmed": "yes"})
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert Variant.objects.get(pk=line.variant_id).stock == stock + line.quantity


# --- "Mark paid" keeps its reference and who entered it ----------------------------


def test_mark_paid_reference_and_who_are_shown_and_exported(owner):
    order = place()
    owner.post(f"{detail(order)}paid/", {"reference": "MBB-778812"})
    payment = Payment.objects.get(order=order, pays_order=True)
    assert (payment.transaction_id, payment.actor) == ("MBB-778812", "siti")
    page = text(owner.get(detail(order)))
    assert "Marked paid by siti" in page and "MBB-778812" in page
    export = owner.post("/office/orders/bulk/", {"action": "export",
                                                 "orders": [order.number]})
    row = next(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert row["Payment reference"] == "MBB-778812"
    assert row["Payment entered by"] == "siti"

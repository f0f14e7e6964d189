"""The orders workflows of the back office, composed of domain services.

Refunds are a domain rule: :func:`kedai.payments.refunds.order_refund_lines`.

Each function here checks its whole input first, then calls the domain
services that own the change (orders, payments, shipping), so a refused
request changes nothing. The staff user's name is the ``actor`` of every
tracking-history entry.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from kedai.core.exceptions import ApplicationError
from kedai.core.money import Money
from kedai.orders.exceptions import OrderError
from kedai.orders.models import Order, OrderStatus
from kedai.orders.services import order_change_status
from kedai.payments.registry import OFFLINE_METHODS
from kedai.payments.services import payment_mark_received
from kedai.shipping.exceptions import ShippingError
from kedai.shipping.models import Carrier
from kedai.shipping.services import shipment_record, tracking_numbers_clean

MAX_UPLOAD_BYTES = 1_000_000
MAX_UPLOAD_ROWS = 5_000
MAX_BULK_ORDERS = 500


class BulkRefused(ApplicationError):
    """A bulk action was refused as a whole; ``errors`` says why, per order."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(_("Nothing was changed."), code="bulk")
        self.errors = errors


# --- bulk status actions ---------------------------------------------------------


def orders_mark_paid(*, orders: list[Order], reference: str, actor: str) -> int:
    """Record the offline payment (bank transfer, cash) of each order in full.

    Every order must await payment by an offline method; otherwise
    BulkRefused lists each problem and nothing is recorded. Each payment
    then goes through :func:`payment_mark_received` (its own transaction,
    receipt and email). Returns how many orders were marked paid.
    """
    reference = reference.strip()
    errors = []
    if not reference:
        errors.append(_("Enter the payment reference (bank or receipt number)."))
    for order in orders:
        if order.status != OrderStatus.AWAITING_PAYMENT:
            errors.append(_("%(number)s is not awaiting payment.")
                          % {"number": order.number})
        elif order.payment_method not in OFFLINE_METHODS:
            errors.append(_("%(number)s is paid online; its gateway reports the "
                            "payment.") % {"number": order.number})
    if errors:
        raise BulkRefused(errors)
    for order in orders:
        payment_mark_received(order=order, amount=Money(order.total, order.currency),
                              reference=reference, actor=actor)
    return len(orders)


@transaction.atomic(durable=True)
def orders_mark_packed(*, orders: list[Order], actor: str) -> int:
    """Move every paid order to "processing" (packed), all or none."""
    errors = []
    for order in orders:
        try:
            order_change_status(order=order, to=OrderStatus.PROCESSING, actor=actor,
                                note=_("Packed."))
        except OrderError as exc:
            errors.append(f"{order.number}: {exc.message}")
    if errors:
        raise BulkRefused(errors)
    return len(orders)


# --- tracking numbers: one order, a bulk form, a CSV upload ------------------------


def _carrier_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_CARRIER_ALIASES = {
    **{_carrier_key(code): code for code in Carrier.values},
    **{_carrier_key(str(label)): code for code, label in Carrier.choices},
    "pos": "poslaju", "posmalaysia": "poslaju", "jt": "jnt", "jandt": "jnt",
    "ninja": "ninjavan", "citylinkexpress": "citylink", "dhlecommerce": "dhl",
}


def carrier_parse(text: str) -> str | None:
    """The carrier code for a code or name as people write it, or None."""
    return _CARRIER_ALIASES.get(_carrier_key(text or ""))


@dataclass(frozen=True)
class TrackingRow:
    """One requested parcel: where it came from (row) and what it says."""

    row: int
    order_number: str
    carrier: str
    tracking: str


@dataclass(frozen=True)
class TrackingChange:
    """One shipment to record: an order, a carrier and its parcels."""

    order: Order
    carrier: str
    numbers: tuple[str, ...]
    rows: tuple[int, ...]

    @property
    def carrier_label(self) -> str:
        return str(Carrier(self.carrier).label)


@dataclass
class TrackingPlan:
    """What an upload would do (``changes``) or why it cannot (``errors``)."""

    changes: list[TrackingChange] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def parcels(self) -> int:
        return sum(len(c.numbers) for c in self.changes)


_SHIPPABLE = {OrderStatus.PAID, OrderStatus.PROCESSING, OrderStatus.SHIPPED}


def tracking_plan(*, rows: list[TrackingRow]) -> TrackingPlan:
    """Check every row and group the good ones into shipments.

    Reported per row: an unknown order, an order that cannot ship, an
    unknown carrier, a malformed tracking number, a number twice in the
    input or already recorded. Reads only.
    """
    from kedai.backoffice.orders.selectors import tracking_number_owners

    plan = TrackingPlan()
    orders = {o.number: o for o in Order.objects.filter(
        number__in={r.order_number.strip().upper() for r in rows})}
    cleaned: list[tuple[TrackingRow, Order, str, str]] = []
    seen: dict[str, int] = {}
    for row in rows:
        where = _("Row %(row)d") % {"row": row.row}
        number = row.order_number.strip().upper()
        problems = []
        order = orders.get(number)
        if not number:
            problems.append(_("the order number is missing"))
        elif order is None:
            problems.append(_("there is no order %(number)s") % {"number": number[:30]})
        elif order.status not in _SHIPPABLE:
            problems.append(_("order %(number)s is “%(status)s” and cannot be "
                              "shipped") % {"number": number,
                                            "status": OrderStatus(order.status).label})
        carrier = carrier_parse(row.carrier)
        if carrier is None:
            problems.append(_("unknown carrier “%(carrier)s”")
                            % {"carrier": row.carrier.strip()[:40]})
        tracking = ""
        try:
            tracking = tracking_numbers_clean([row.tracking])[0]
        except ShippingError as exc:
            problems.append(str(exc.message).rstrip(".")
                            if row.tracking.strip()
                            else _("the tracking number is missing"))
        if tracking:
            if tracking in seen:
                problems.append(_("tracking number %(tracking)s is also on row "
                                  "%(other)d") % {"tracking": tracking,
                                                  "other": seen[tracking]})
            else:
                seen[tracking] = row.row
        if problems:
            plan.errors.append(f"{where}: " + "; ".join(problems) + ".")
        else:
            assert order is not None and carrier is not None
            cleaned.append((row, order, carrier, tracking))
    owners = tracking_number_owners(numbers=[c[3] for c in cleaned])
    groups: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    by_number: dict[str, Order] = {}
    for row, order, carrier, tracking in cleaned:
        if tracking in owners:
            plan.errors.append(
                _("Row %(row)d: tracking number %(tracking)s is already recorded "
                  "for order %(order)s.") % {"row": row.row, "tracking": tracking,
                                             "order": owners[tracking]})
            continue
        groups[(order.number, carrier)].append((row.row, tracking))
        by_number[order.number] = order
    for (number, carrier), parcels in groups.items():
        plan.changes.append(TrackingChange(
            order=by_number[number], carrier=carrier,
            numbers=tuple(t for _r, t in parcels), rows=tuple(r for r, _t in parcels)))
    return plan


def tracking_apply(*, rows: list[TrackingRow], actor: str) -> TrackingPlan:
    """Record every shipment of ``rows``, all or nothing.

    The rows are checked again (something may have changed since the
    preview); any error raises BulkRefused and records nothing. Otherwise
    one transaction records each shipment through
    :func:`kedai.shipping.services.shipment_record`, which marks the order
    shipped and queues the customer's shipping notice on commit.
    """
    if not rows:
        raise BulkRefused([_("There are no tracking numbers to record.")])
    with transaction.atomic(durable=True):
        plan = tracking_plan(rows=rows)
        if plan.errors:
            raise BulkRefused(plan.errors)
        try:
            for change in plan.changes:
                shipment_record(order=change.order, carrier=change.carrier,
                                tracking_numbers=list(change.numbers), actor=actor)
        except ShippingError as exc:
            raise BulkRefused([str(exc.message)]) from exc
    return plan


def parcel_record(*, order: Order, carrier: str, tracking: list[str],
                  actor: str) -> TrackingPlan:
    """Record one shipment of ``order`` (the order page's fulfil form)."""
    rows = [TrackingRow(row=i, order_number=order.number, carrier=carrier,
                        tracking=t)
            for i, t in enumerate((t for t in tracking if t.strip()), start=1)]
    if not rows:
        raise BulkRefused([_("Enter or scan a tracking number.")])
    return tracking_apply(rows=rows, actor=actor)


_ORDER_HEADERS = {"order", "ordernumber", "orderno", "number", "name", "orderid"}
_CARRIER_HEADERS = {"carrier", "courier", "shippingcarrier", "trackingcompany"}
_TRACKING_HEADERS = {"tracking", "trackingnumber", "trackingno", "consignment",
                     "consignmentnumber", "consignmentno", "awb", "awbnumber",
                     "connote"}


def tracking_csv_read(data: bytes) -> tuple[list[TrackingRow], list[str]]:
    """Read an uploaded CSV of (order number, carrier, tracking number).

    The first row names the columns (in any order, common names and
    spreadsheet escapes accepted); UTF-8 with or without BOM, comma or
    semicolon. Returns the rows (numbered as in the file) and the errors
    that concern the whole file (encoding, size, header).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [_("The file is larger than 1 MB.")]
    if b"\x00" in data:
        return [], [_("This is not a CSV text file.")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [_("The file is not UTF-8 text. Save it as “CSV UTF-8”.")]
    if not text.strip():
        return [], [_("The file is empty.")]
    first = text.splitlines()[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [_carrier_key(h) for h in next(reader)]
    except csv.Error:
        return [], [_("The file is not valid CSV.")]
    columns = {}
    for kind, names in (("order", _ORDER_HEADERS), ("carrier", _CARRIER_HEADERS),
                        ("tracking", _TRACKING_HEADERS)):
        found = [i for i, h in enumerate(header) if h in names]
        if found:
            columns[kind] = found[0]
    missing = {"order", "carrier", "tracking"} - set(columns)
    if missing:
        return [], [_("The first row must name the columns “order number”, "
                      "“carrier” and “tracking number”.")]
    rows: list[TrackingRow] = []
    try:
        for cells in reader:
            if reader.line_num > MAX_UPLOAD_ROWS + 1:
                return [], [_("The file has more than %(max)d rows.")
                            % {"max": MAX_UPLOAD_ROWS}]
            if not any(c.strip() for c in cells):
                continue

            def cell(kind: str, cells: list[str] = cells) -> str:
                i = columns[kind]
                value = cells[i].strip() if i < len(cells) else ""
                # Spreadsheet formula escape written by exports.
                return value[1:] if value.startswith("'") else value

            rows.append(TrackingRow(row=reader.line_num, order_number=cell("order"),
                                    carrier=cell("carrier"),
                                    tracking=cell("tracking")))
    except csv.Error as exc:
        return [], [_("Row %(row)d is not valid CSV: %(error)s")
                    % {"row": reader.line_num, "error": exc}]
    if not rows:
        return [], [_("The file has no rows under its header.")]
    return rows, []

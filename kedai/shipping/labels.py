"""Thermal shipping labels: 100 × 150 mm (4 × 6 in), one parcel per page.

The size couriers and thermal label printers use (Pos Laju, Skynet, J&T
and the aggregators print consignment notes on it). Each label carries
the sender (the shop's identity and address), the recipient with phone,
the order number, weight, carrier, the tracking number as a Code 128
barcode with the number printed under it, and a QR code of the public
tracking link. Drawn with ReportLab's own barcode widgets
(``reportlab.graphics.barcode``), black on white, no greys (thermal
printers dither them).

:func:`label_data_for_orders` reads what to print (orders, their parcels);
:func:`thermal_labels_pdf` draws it. The sender and the fonts come from the
caller: the shop's identity lives in a higher layer (invoicing), and names
in other scripts need the invoices' fonts.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils import timezone
from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kedai.customers.addressing import STATE_NAMES
from kedai.orders.models import Order
from kedai.shipping.models import Carrier, Shipment
from kedai.shipping.tracking import tracking_url

LABEL_SIZE = (100 * mm, 150 * mm)
MARGIN = 4 * mm


@dataclass(frozen=True)
class Party:
    """A sender or recipient as printed: name, address lines, phone."""

    name: str
    lines: tuple[str, ...] = ()
    phone: str = ""


@dataclass(frozen=True)
class LabelData:
    """Everything one label shows (one parcel of one order)."""

    sender: Party
    recipient: Party
    order_number: str
    carrier: str = ""  # the carrier's name as printed, "" if not chosen yet
    service: str = ""  # the shipping method the shopper chose
    tracking_number: str = ""
    tracking_url: str = ""
    weight_kg: Decimal | None = None
    parcel: int = 1
    parcels: int = 1
    printed_at: str = ""  # date and time in the shop's time zone


def address_party(address: dict, *, phone: str = "") -> Party:
    """A :class:`Party` from an order's address snapshot (JSON)."""
    city = " ".join(x for x in (address.get("postcode", ""),
                                address.get("city", "")) if x)
    code = address.get("state_code", "")
    state = STATE_NAMES.get(code, code)
    country = address.get("country", "") or "MY"
    lines = tuple(x for x in (address.get("line1", ""), address.get("line2", ""),
                              city, ", ".join(x for x in (
                                  state, "MALAYSIA" if country == "MY" else country)
                                  if x)) if x)
    return Party(name=address.get("name", ""), lines=lines,
                 phone=address.get("phone", "") or phone)


def _weight(order: Order) -> Decimal | None:
    value = (order.shipping_quote or {}).get("weight_kg")
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def label_data_for_orders(orders: Iterable[Order], *,
                          sender: Party) -> list[LabelData]:
    """One label per parcel of each order (one per order before shipping).

    Parcels come from the order's shipments (carrier, tracking number and
    link); an order not shipped yet gets one label without a tracking
    number, to be completed by hand or printed again once shipped. Two
    queries for the shipments, whatever the number of orders.
    """
    orders = list(orders)
    shipments: dict[int, list[Shipment]] = {}
    for shipment in (Shipment.objects.filter(order__in=orders)
                     .prefetch_related("parcels").order_by("created_at", "id")):
        shipments.setdefault(shipment.order_id, []).append(shipment)
    printed_at = timezone.localtime().strftime("%d %b %Y %H:%M")
    labels: list[LabelData] = []
    for order in orders:
        recipient = address_party(order.shipping_address or {}, phone=order.phone)
        parcels = [(shipment, parcel) for shipment in shipments.get(order.pk, [])
                   for parcel in shipment.parcels.all()]
        base = LabelData(
            sender=sender, recipient=recipient, order_number=order.number,
            weight_kg=_weight(order), printed_at=printed_at,
            service=(order.shipping_quote or {}).get("label", "")
            or order.shipping_method)
        if not parcels:
            carrier = (order.shipping_quote or {}).get("carrier", "")
            labels.append(replace(base, carrier=str(Carrier(carrier).label)
                                  if carrier in Carrier.values else ""))
            continue
        for number, (shipment, parcel) in enumerate(parcels, start=1):
            labels.append(replace(
                base, carrier=str(Carrier(shipment.carrier).label),
                tracking_number=parcel.tracking_number,
                tracking_url=tracking_url(shipment.carrier, parcel.tracking_number),
                parcel=number, parcels=len(parcels),
                # How the order's weight splits between parcels is unknown:
                # it is printed when there is a single parcel only.
                weight_kg=base.weight_kg if len(parcels) == 1 else None))
    return labels


def tracking_barcode(number: str, *, width: float, height: float) -> Code128:
    """The Code 128 barcode of ``number``, as wide as fits in ``width``."""
    barcode = Code128(number, barHeight=height, humanReadable=False, quiet=True)
    # Widest bars that fit, but never thinner than 0.25 mm (203 dpi heads).
    modules = barcode.width / barcode.barWidth
    bar_width = max(0.25 * mm, min(0.5 * mm, width / modules))
    return Code128(number, barHeight=height, barWidth=bar_width,
                   humanReadable=False, quiet=True)


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    while text and canvas.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def _party(canvas: Canvas, party: Party, *, x: float, top: float, width: float,
           title: str, size: float, fonts: tuple[str, str]) -> float:
    regular, bold = fonts
    y = top - 3.2 * mm
    canvas.setFont(bold, 7)
    canvas.drawString(x, y, title)
    y -= size * 1.15
    canvas.setFont(bold, size + 1)
    canvas.drawString(x, y, _fit(canvas, party.name, bold, size + 1, width))
    canvas.setFont(regular, size)
    for line in party.lines:
        y -= size * 1.2
        canvas.drawString(x, y, _fit(canvas, line, regular, size, width))
    if party.phone:
        y -= size * 1.25
        canvas.setFont(bold, size)
        canvas.drawString(x, y, _fit(canvas, f"Tel: {party.phone}", bold, size,
                                     width))
    return y


def _label(canvas: Canvas, label: LabelData, fonts: tuple[str, str]) -> None:
    regular, bold = fonts
    width, height = LABEL_SIZE
    inner = width - 2 * MARGIN
    canvas.setLineWidth(0.8)
    canvas.rect(MARGIN / 2, MARGIN / 2, width - MARGIN, height - MARGIN)

    # Carrier and service, parcel count.
    top = height - MARGIN
    canvas.setFont(bold, 16)
    canvas.drawString(MARGIN, top - 6 * mm,
                      _fit(canvas, label.carrier or "—", bold, 16, inner * 0.6))
    canvas.setFont(regular, 8)
    canvas.drawString(MARGIN, top - 10 * mm,
                      _fit(canvas, label.service, regular, 8, inner * 0.6))
    canvas.setFont(bold, 11)
    canvas.drawRightString(width - MARGIN, top - 6 * mm,
                           f"{label.parcel}/{label.parcels}")
    y = top - 12 * mm
    canvas.line(MARGIN / 2, y, width - MARGIN / 2, y)

    # Tracking number: Code 128 and the number in plain text.
    bar_height = 17 * mm
    if label.tracking_number:
        barcode = tracking_barcode(label.tracking_number, width=inner,
                                   height=bar_height)
        barcode.drawOn(canvas, (width - barcode.width) / 2, y - 2 * mm - bar_height)
        canvas.setFont(bold, 12)
        canvas.drawCentredString(width / 2, y - 7 * mm - bar_height,
                                 label.tracking_number)
    else:
        canvas.setFont(regular, 9)
        canvas.drawCentredString(width / 2, y - 11 * mm,
                                 "Tracking number: ____________________")
    y -= bar_height + 10 * mm
    canvas.line(MARGIN / 2, y, width - MARGIN / 2, y)

    # Recipient (large), then sender (small).
    bottom = _party(canvas, label.recipient, x=MARGIN, top=y, width=inner,
                    title="TO / KEPADA", size=11, fonts=fonts)
    y = min(bottom - 3 * mm, y - 40 * mm)
    canvas.line(MARGIN / 2, y, width - MARGIN / 2, y)
    qr_size = 26 * mm
    sender_width = inner - (qr_size + 2 * mm if label.tracking_url else 0)
    _party(canvas, label.sender, x=MARGIN, top=y, width=sender_width,
           title="FROM / DARIPADA", size=8, fonts=fonts)

    # Order, weight, date; QR code of the tracking link.
    foot = MARGIN + 2 * mm
    canvas.setFont(bold, 10)
    canvas.drawString(MARGIN, foot + 9 * mm, f"Order: {label.order_number}")
    canvas.setFont(regular, 9)
    weight = (f"{label.weight_kg.normalize():f} kg" if label.weight_kg is not None
              else "— kg")
    canvas.drawString(MARGIN, foot + 4.5 * mm, f"Weight: {weight}")
    canvas.setFont(regular, 7)
    canvas.drawString(MARGIN, foot, f"Printed {label.printed_at}")
    if label.tracking_url:
        widget = QrCodeWidget(label.tracking_url, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(qr_size, qr_size,
                          transform=[qr_size / (x1 - x0), 0, 0,
                                     qr_size / (y1 - y0), 0, 0])
        drawing.add(widget)
        drawing.drawOn(canvas, width - MARGIN - qr_size, MARGIN)


def thermal_labels_pdf(labels: Sequence[LabelData], *,
                       fonts: tuple[str, str] = ("Helvetica", "Helvetica-Bold"),
                       ) -> bytes:
    """A PDF of 100 × 150 mm pages, one label per page, in ``labels`` order.

    ``fonts`` are registered ReportLab font names (regular, bold). An
    empty list gives one blank page (a valid PDF).
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=LABEL_SIZE, pageCompression=1)
    canvas.setTitle("Shipping labels")
    for label in labels:
        _label(canvas, label, fonts)
        canvas.showPage()
    if not labels:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()

"""Packing slips (one A4 page per order), address labels (A4 sheets) and
100 × 150 mm shipping labels (drawn by kedai.shipping.labels).

Drawn with ReportLab, with the invoices' fonts (kedai.invoicing.pdf), so
names in any script the shop's fonts cover print as written. Several
orders go into one file, ready for a laser printer.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kedai.invoicing.pdf import fonts
from kedai.invoicing.selectors import seller_profile_get
from kedai.orders.models import Order
from kedai.shipping.labels import (
    Party,
    address_party,
    label_data_for_orders,
    thermal_labels_pdf,
)

# Labels: a 2 × 4 sheet of 105 × 74.25 mm (e.g. Avery L7165-style).
LABEL_COLUMNS, LABEL_ROWS = 2, 4


def _address_lines(address: dict) -> list[str]:
    city = " ".join(x for x in (address.get("postcode", ""), address.get("city", ""))
                    if x)
    return [x for x in (address.get("name", ""), address.get("line1", ""),
                        address.get("line2", ""), city,
                        address.get("state_code", ""), address.get("phone", ""))
            if x]


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    while text and canvas.stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text


def packing_slips_pdf(orders: Sequence[Order]) -> bytes:
    """One packing slip per order (what to pack, where to send it).

    Shows the order number, date, ship-to address, the lines (SKU, name,
    quantity; no prices) and the shipping method. ``orders`` must have
    their lines prefetched or loaded.
    """
    chain = fonts()
    regular, bold = chain.chain[0], chain.bold
    seller = seller_profile_get()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("Packing slips")
    width, height = A4
    for order in orders:
        y = height - 20 * mm
        canvas.setFont(bold, 16)
        canvas.drawString(20 * mm, y, f"Packing slip {order.number}")
        canvas.setFont(regular, 10)
        canvas.drawRightString(width - 20 * mm, y,
                               # The shop's date and time (Malaysia), not
                               # UTC's: an order at 00:30 is dated that day.
                               timezone.localtime(order.created_at)
                               .strftime("%d/%m/%Y %H:%M"))
        if seller is not None:
            y -= 6 * mm
            canvas.drawString(20 * mm, y, f"From: {seller.legal_name}")
        y -= 12 * mm
        canvas.setFont(bold, 11)
        canvas.drawString(20 * mm, y, "Ship to")
        canvas.setFont(regular, 11)
        for text in _address_lines(order.shipping_address or {}):
            y -= 5.5 * mm
            canvas.drawString(20 * mm, y, _fit(canvas, text, regular, 11, 170 * mm))
        y -= 12 * mm
        canvas.setFont(bold, 10)
        canvas.drawString(20 * mm, y, "SKU")
        canvas.drawString(60 * mm, y, "Item")
        canvas.drawRightString(width - 20 * mm, y, "Qty")
        canvas.line(20 * mm, y - 2 * mm, width - 20 * mm, y - 2 * mm)
        canvas.setFont(regular, 10)
        for line in order.lines.all():
            y -= 7 * mm
            if y < 30 * mm:
                canvas.showPage()
                canvas.setFont(regular, 10)
                y = height - 20 * mm
                canvas.drawString(20 * mm, y, f"{order.number} (continued)")
                y -= 8 * mm
            name = line.name + (f" ({line.variant_label})" if line.variant_label
                                else "")
            canvas.drawString(20 * mm, y, _fit(canvas, line.sku, regular, 10, 38 * mm))
            canvas.drawString(60 * mm, y, _fit(canvas, name, regular, 10, 110 * mm))
            canvas.drawRightString(width - 20 * mm, y, str(line.quantity))
        y -= 12 * mm
        canvas.drawString(20 * mm, y, f"Shipping: {order.shipping_method}")
        canvas.drawString(20 * mm, 15 * mm, f"{order.number} · {order.email}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def address_labels_pdf(orders: Iterable[Order]) -> bytes:
    """Shipping-address labels, eight to an A4 sheet, one per order."""
    chain = fonts()
    regular, bold = chain.chain[0], chain.bold
    seller = seller_profile_get()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("Address labels")
    width, height = A4
    cell_w, cell_h = width / LABEL_COLUMNS, height / LABEL_ROWS
    per_page = LABEL_COLUMNS * LABEL_ROWS
    count = 0
    for count, order in enumerate(orders, start=1):
        slot = (count - 1) % per_page
        col, row = slot % LABEL_COLUMNS, slot // LABEL_COLUMNS
        x = col * cell_w + 8 * mm
        y = height - row * cell_h - 12 * mm
        canvas.setFont(bold, 12)
        lines = _address_lines(order.shipping_address or {})
        for i, text in enumerate(lines):
            canvas.setFont(bold if i == 0 else regular, 12 if i == 0 else 11)
            canvas.drawString(x, y, _fit(canvas, text, regular, 11, cell_w - 16 * mm))
            y -= 6 * mm
        canvas.setFont(regular, 8)
        footer = order.number + (f" · from {seller.legal_name}" if seller else "")
        canvas.drawString(x, height - (row + 1) * cell_h + 8 * mm,
                          _fit(canvas, footer, regular, 8, cell_w - 16 * mm))
        if slot == per_page - 1:
            canvas.showPage()
    if count == 0 or count % per_page:
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def shop_sender() -> Party:
    """The sender printed on shipping labels: the shop's identity."""
    seller = seller_profile_get()
    if seller is None:
        return Party(name="(Fill in Settings → Shop identity)")
    return address_party({
        "line1": seller.address_line1, "line2": seller.address_line2,
        "city": seller.city, "postcode": seller.postcode,
        "state_code": seller.state_code, "phone": seller.phone,
        "name": seller.legal_name})


def thermal_labels_for(orders: Sequence[Order]) -> bytes:
    """100 × 150 mm labels of ``orders``: one page per parcel, in order."""
    chain = fonts()
    return thermal_labels_pdf(
        label_data_for_orders(orders, sender=shop_sender()),
        fonts=(chain.chain[0], chain.bold))

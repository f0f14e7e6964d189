"""100 × 150 mm thermal labels: texts, page size, barcode, bulk printing."""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from pypdf import PdfReader
from reportlab.graphics.barcode.code128 import _patterns
from reportlab.lib.units import mm

from kedai.invoicing.models import SellerProfile
from kedai.shipping.labels import (
    LabelData,
    Party,
    thermal_labels_pdf,
    tracking_barcode,
)
from kedai.shipping.services import shipment_record
from tests.backoffice.orders.conftest import pay, place

pytestmark = pytest.mark.django_db


def seller() -> SellerProfile:
    return SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn Bhd", address_line1="12 Jalan Tukang",
        city="Shah Alam", postcode="40000", state_code="SGR", phone="03-5555 1234")


def pages(content: bytes) -> list:
    return list(PdfReader(io.BytesIO(content)).pages)


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pages(content))


def shipped(number: str = "ER123456789MY"):
    order = pay(place())
    shipment_record(order=order, carrier="poslaju", tracking_numbers=[number],
                    actor="test")
    order.refresh_from_db()
    return order


# --- decoding Code 128 from the printed page ---------------------------------------

_WIDTHS = {"".join(str("ABCD".index(c.upper()) + 1) for c in pattern): value
           for value, pattern in _patterns.items() if isinstance(value, int)}


def _decode_widths(runs: list[int]) -> str:
    """Decode Code 128 from bar/space run lengths (start with a bar)."""
    module = sum(runs[:6]) / 11
    symbols, i = [], 0
    while i + 6 <= len(runs):
        chunk = runs[i:i + 6]
        key = "".join(str(max(1, min(4, round(r / module)))) for r in chunk)
        value = _WIDTHS.get(key) or (106 if key == "233111" else None)
        if value is None:
            break
        symbols.append(value)
        if value == 106:  # stop
            break
        i += 6
    text, code = "", {103: "A", 104: "B", 105: "C"}[symbols[0]]
    data, check = symbols[1:-2], symbols[-2]
    assert (symbols[0] + sum(n * v for n, v in enumerate(data, start=1))) % 103 \
        == check
    for value in data:
        if value == 99:
            code = "C"
        elif value == 100:
            code = "B"
        elif value == 101:
            code = "A"
        elif code == "C":
            text += f"{value:02d}"
        else:
            text += chr(value + 32) if value < 64 or code == "B" else chr(value - 64)
    return text


def decode_png_barcode(png: bytes) -> str:
    """Read the first Code 128 found on a scan line of a rendered page."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    pixels = image.load()
    for row in range(height // 8, height // 2, 4):  # the barcode's band
        line = [pixels[x, row] < 128 for x in range(width)]
        runs, current, length = [], None, 0
        for dark in line:
            if dark == current:
                length += 1
            else:
                if current is not None:
                    runs.append((current, length))
                current, length = dark, 1
        runs.append((current, length))
        # Bars inside the frame: skip the border line and the margins.
        for start in range(len(runs)):
            dark, _length = runs[start]
            if not dark:
                continue
            widths = [length for _dark, length in runs[start:start + 200]]
            try:
                return _decode_widths(widths)
            except (KeyError, IndexError, AssertionError, ZeroDivisionError):
                continue
    raise AssertionError("no Code 128 found")


# --- tests ---------------------------------------------------------------------------


def test_label_is_100_by_150_mm_one_page_per_label():
    label = LabelData(sender=Party("Shop"), recipient=Party("Ali"),
                      order_number="KD-1", tracking_number="ER1MY")
    content = thermal_labels_pdf([label, label, label])
    found = pages(content)
    assert len(found) == 3
    for page in found:
        assert float(page.mediabox.width) == pytest.approx(100 * mm, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(150 * mm, abs=0.01)


def test_label_shows_sender_recipient_phone_order_weight_and_tracking(owner):
    seller()
    order = shipped()
    response = owner.get(f"/office/orders/o/{order.number}/shipping-label.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    text = text_of(response.content)
    address = order.shipping_address
    for expected in ("Kedai Nusantara Sdn Bhd", "12 Jalan Tukang", "40000 Shah Alam",
                     "03-5555 1234", address["name"], address["line1"],
                     address["phone"], order.number, "ER123456789MY", "Pos Laju",
                     "kg", "MALAYSIA"):
        assert expected in text, expected
    weight = order.shipping_quote.get("weight_kg")
    if weight:
        assert f"{Decimal(weight).normalize():f} kg" in text


def test_barcode_encodes_the_tracking_number():
    barcode = tracking_barcode("ER123456789MY", width=92 * mm, height=17 * mm)
    assert barcode.value == "ER123456789MY"
    assert barcode.width <= 92 * mm
    assert barcode.barWidth >= 0.25 * mm


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_printed_barcode_decodes_to_the_tracking_number(tmp_path):
    """Render the page as a 300 dpi printer would and read the bars back."""
    label = LabelData(sender=Party("Shop"), recipient=Party("Ali"),
                      order_number="KD-1", tracking_number="ER123456789MY",
                      tracking_url="https://example.com/t/ER123456789MY")
    (tmp_path / "label.pdf").write_bytes(thermal_labels_pdf([label]))
    pdftoppm = shutil.which("pdftoppm") or "pdftoppm"
    subprocess.run([pdftoppm, "-png", "-r", "300", "-singlefile",  # noqa: S603
                    str(tmp_path / "label.pdf"), str(tmp_path / "label")],
                   check=True, capture_output=True)
    png = (tmp_path / "label.png").read_bytes()
    assert decode_png_barcode(png) == "ER123456789MY"


def test_bulk_print_from_the_orders_list_one_label_per_order(owner):
    seller()
    orders = [shipped(f"ER10000000{i}MY") for i in range(3)]
    unshipped = pay(place())
    response = owner.post("/office/orders/bulk/", {
        "action": "thermal_labels",
        "orders": [o.number for o in orders] + [unshipped.number]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    found = pages(response.content)
    assert len(found) == 4
    for order, page in zip(orders, found, strict=False):
        text = page.extract_text()
        assert order.number in text
    assert unshipped.number in found[3].extract_text()
    assert "Tracking number" in found[3].extract_text()


def test_a4_address_labels_stay_available(owner):
    order = pay(place())
    response = owner.post("/office/orders/bulk/", {"action": "labels",
                                                   "orders": [order.number]})
    assert response.status_code == 200
    assert order.shipping_address["name"] in text_of(response.content)


def test_labels_need_the_orders_permission(client):
    order = pay(place())
    response = client.get(f"/office/orders/o/{order.number}/shipping-label.pdf")
    assert response.status_code == 302


@pytest.mark.parametrize("zone, shown", [("Asia/Kuala_Lumpur", "02/01/2026 01:30"),
                                         ("UTC", "01/01/2026 17:30")])
def test_packing_slip_dates_are_in_the_shop_time_zone(owner, settings, zone, shown):
    """An order placed at 17:30 UTC on 1 January is from 2 January in
    Malaysia (UTC+8): the slip shows the shop's day and time."""
    from datetime import UTC, datetime

    from kedai.orders.models import Order

    settings.TIME_ZONE = zone
    order = pay(place())
    Order.objects.filter(pk=order.pk).update(
        created_at=datetime(2026, 1, 1, 17, 30, tzinfo=UTC))
    response = owner.get(f"/office/orders/o/{order.number}/slip.pdf")
    assert shown in text_of(response.content)

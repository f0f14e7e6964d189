"""PDF documents: the right numbers and totals, any script, no crash."""

import pytest

from kedai.invoicing import services
from kedai.invoicing.pdf import missing_glyphs, render_pdf
from tests.invoicing.conftest import pdf_text, place_order

pytestmark = pytest.mark.django_db


def test_invoice_pdf_shows_seller_buyer_lines_tax_and_total(placed):
    invoice = services.order_placed(placed.order)
    pdf = render_pdf(invoice.data)
    text = pdf_text(pdf.content)
    assert pdf.content.startswith(b"%PDF")
    for expected in [invoice.number, placed.order.number, "Kedai Nusantara Sdn. Bhd.",
                     "202301012345", "W10-1808-32000123", "Siti Aminah",
                     "KOPI-1", "KUIH-1", "RM44.00", "RM15.90", "RM8.00",
                     "Sales tax 10% on RM40.00 (included)", "RM4.00", "RM67.90",
                     "Goods sold are not returnable"]:
        assert expected in text, expected
    assert pdf.notes == ()


def test_rendering_again_gives_the_same_bytes(placed):
    invoice = services.order_placed(placed.order)
    assert render_pdf(invoice.data).content == render_pdf(invoice.data).content


def test_cash_rounding_is_printed(db, seller):
    order = place_order(items=[("GULA-1", "10.03", 1, "none")], cash=True).order
    text = pdf_text(render_pdf(services.order_placed(order).data).content)
    assert "Rounding adjustment" in text


@pytest.mark.parametrize("name", [
    "陈美玲",                      # Chinese
    "முத்துலட்சுமி",               # Tamil
    "Nurul 😀🧧🫶 ★",              # emoji (outside the BMP) and a symbol
    "Ahmad \u200b\u202e\ufeff bin Ali",  # zero-width and direction marks
    "x" * 100,                     # one word wider than the column
])
def test_names_in_any_script_never_break_rendering(db, seller, name):
    """Drawn with a font that has the glyph, or '?' and a render note."""
    order = place_order(name=name).order
    invoice = services.order_placed(order)
    pdf = render_pdf(invoice.data)
    text = pdf_text(pdf.content)
    assert invoice.number in text and "RM67.90" in text
    # What the PDF could not draw is recorded on the document, for the owner.
    assert list(pdf.notes) == invoice.data["render_notes"]


def test_chinese_is_drawn_with_the_cjk_font(db, seller):
    invoice = services.order_placed(place_order(name="陈美玲").order)
    assert "陈美玲" in pdf_text(render_pdf(invoice.data).content)
    assert invoice.data["render_notes"] == []


def test_a_glyph_no_font_has_is_recorded(settings):
    settings.KEDAI_PDF_FONTS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
    notes = missing_glyphs(["Kopi \U0001FAF6", "முத்து"])
    assert any("Emoji" in note for note in notes)
    assert any("Tamil" in note for note in notes)


def test_without_any_truetype_font_latin_still_renders(db, seller, settings):
    settings.KEDAI_PDF_FONTS = ["/nonexistent/font.ttf"]
    settings.KEDAI_PDF_BOLD_FONT = "/nonexistent/bold.ttf"
    invoice = services.order_placed(place_order(name="陈美玲 Siti").order)
    pdf = render_pdf(invoice.data)
    assert "Siti" in pdf_text(pdf.content)


def test_many_lines_flow_onto_more_pages(db, seller):
    items = [(f"SKU-{i:03d}", "1.00", 1, "none") for i in range(70)]
    invoice = services.order_placed(place_order(items=items).order)
    content = render_pdf(invoice.data).content
    text = pdf_text(content)
    assert "SKU-000" in text and "SKU-069" in text and "Page 2" in text


@pytest.mark.django_db(transaction=True)
def test_pdf_cache_is_safe_from_several_threads(seller, monkeypatch):
    """Issue 13: the per-process PDF cache is shared by the outbox worker's
    and the web server's threads. Many threads asking for more documents
    than it holds each get their own document's bytes, never an error.
    The renderer is replaced by a fast one: the cache is under test here,
    not the PDF (rendered for real above)."""
    import sys
    import threading
    from types import SimpleNamespace

    from django.db import close_old_connections
    from django.utils import timezone

    from kedai.invoicing import pdf
    from kedai.invoicing.models import Document, DocumentKind

    order = place_order().order
    numbers = [f"T-{n:04d}" for n in range(40)]
    Document.objects.bulk_create([
        Document(order=order, kind=DocumentKind.INVOICE, number=number,
                 issued_at=timezone.now(), currency="MYR", amount=1,
                 data={"number": number}) for number in numbers])
    monkeypatch.setattr(pdf, "render_pdf", lambda data: SimpleNamespace(
        content=data["number"].encode()))
    monkeypatch.setattr(services, "_PDF_CACHE", services.OrderedDict())
    problems: list[str] = []

    def ask(offset):
        try:
            for i in range(300):
                number = numbers[(offset + i) % len(numbers)]
                content = services.document_pdf_bytes(number)
                if content != number.encode():
                    problems.append(f"{number} got {content!r}")
        except Exception as exc:  # noqa: BLE001 - any error fails below
            problems.append(repr(exc))
        finally:
            close_old_connections()

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible
    try:
        threads = [threading.Thread(target=ask, args=(n * 3,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert problems == []
    assert len(services._PDF_CACHE) <= 16

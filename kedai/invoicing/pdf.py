"""PDF rendering of issued documents with ReportLab's canvas.

Why ReportLab (docs/notifications.md): a pure-Python wheel with no system
libraries, and about 5–10 ms for a one-page invoice on this machine,
against ~170 ms for fpdf2 and ~390 ms plus Pango for WeasyPrint.

Text may be in any script. Every character is drawn with the first font
that has a glyph for it: the TrueType fonts of ``KEDAI_PDF_FONTS`` in
order (DejaVu Sans covers Latin, Greek, Cyrillic, many symbols and the
arrows and symbols; a Tamil font such as Noto Sans Tamil when installed),
then ReportLab's built-in CID font STSong-Light for Chinese (no file
needed; the viewer supplies the glyphs). A character no font has, and any
character outside the Basic Multilingual Plane (emoji), is drawn as "?"
and named in the render notes, never an exception. ReportLab does
not shape complex scripts, so Tamil conjuncts print as separate letters.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas

from kedai.core.money import format_money
from kedai.invoicing.snapshot import address_lines

logger = logging.getLogger(__name__)

CJK_FONT = "STSong-Light"
PAGE_W, PAGE_H = A4
MARGIN = 40.0


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    notes: tuple[str, ...]  # glyphs that had no font, images left out


@dataclass
class Fonts:
    """The font chain; ``covers[name]`` is None for "anything it encodes"."""

    chain: list[str]
    bold: str
    covers: dict[str, frozenset[int] | None] = field(default_factory=dict)

    def has(self, name: str, ch: str) -> bool:
        cover = self.covers.get(name)
        if cover is None:  # a standard Type 1 font: WinAnsi only
            try:
                ch.encode("cp1252")
            except UnicodeEncodeError:
                return False
            return True
        return ord(ch) in cover


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF
            or 0x3000 <= code <= 0x30FF or 0xFF00 <= code <= 0xFFEF
            or 0xF900 <= code <= 0xFAFF)


@lru_cache(maxsize=4)
def _load_fonts(paths: tuple[str, ...], bold_path: str) -> Fonts:
    chain: list[str] = []
    covers: dict[str, frozenset[int] | None] = {}
    for i, path in enumerate(paths):
        if not Path(path).is_file():
            continue
        name = f"KedaiFont{i}"
        try:
            font = TTFont(name, path)
            pdfmetrics.registerFont(font)
        except (TTFError, OSError):  # a broken or unsupported (CFF) font file
            logger.warning("pdf: cannot use font %s", path, exc_info=True)
            continue
        chain.append(name)
        covers[name] = frozenset(font.face.charToGlyph)
    if not chain:
        logger.warning("pdf: no TrueType font found in KEDAI_PDF_FONTS; "
                       "non-Latin text will print as '?'")
        chain.append("Helvetica")
        covers["Helvetica"] = None
    bold = "Helvetica-Bold" if chain[0] == "Helvetica" else chain[0]
    if Path(bold_path).is_file():
        try:
            pdfmetrics.registerFont(TTFont("KedaiFontBold", bold_path))
            bold = "KedaiFontBold"
            covers[bold] = frozenset(
                pdfmetrics.getFont(bold).face.charToGlyph)  # type: ignore[attr-defined]
        except (TTFError, OSError):
            logger.warning("pdf: cannot use bold font %s", bold_path, exc_info=True)
    if bold == "Helvetica-Bold":
        covers[bold] = None
    try:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    except (KeyError, ValueError, OSError):  # not in this ReportLab build
        logger.warning("pdf: CID font %s unavailable", CJK_FONT, exc_info=True)
    return Fonts(chain=chain, bold=bold, covers=covers)


def fonts() -> Fonts:
    return _load_fonts(tuple(settings.KEDAI_PDF_FONTS), settings.KEDAI_PDF_BOLD_FONT)


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if not name:
        return f"U+{ord(ch):04X}"
    return name.split()[0].title() if ord(ch) < 0x1F000 else "Emoji"


def missing_glyphs(texts: Iterable[str]) -> list[str]:
    """Notes for characters no configured font can draw (sorted, unique)."""
    chain = fonts()
    missing: dict[str, set[str]] = {}
    for text in texts:
        for ch in text:
            if ch.isspace() or _font_for(chain, ch, bold=False) is not None:
                continue
            missing.setdefault(_script(ch), set()).add(ch)
    return [f"No font has glyphs for {script} ({''.join(sorted(chars))}); "
            f"printed as '?'. Add a font to KEDAI_PDF_FONTS."
            for script, chars in sorted(missing.items())]


def _font_for(chain: Fonts, ch: str, *, bold: bool) -> str | None:
    if ord(ch) > 0xFFFF:
        # ReportLab writes characters outside the BMP into the ToUnicode map
        # as 5-digit hex, which breaks copying and extracting the PDF's text
        # for the whole font; such characters (most emoji) print as "?".
        return None
    if bold and chain.has(chain.bold, ch):
        return chain.bold
    for name in chain.chain:
        if chain.has(name, ch):
            return name
    if _is_cjk(ch):
        return CJK_FONT
    return None


class _Text:
    """Draws strings of any script as runs of the font that has the glyph."""

    def __init__(self, canvas: Canvas, chain: Fonts):
        self.c = canvas
        self.chain = chain
        self.missing: dict[str, set[str]] = {}

    def runs(self, text: str, bold: bool) -> Iterator[tuple[str, str]]:
        current, buf = "", list[str]()
        for ch in text:
            if ch in "\r\n\t" or unicodedata.category(ch) in ("Cc", "Cf"):
                ch = " " if ch in "\r\n\t" else ""
                if not ch:
                    continue
            font = _font_for(self.chain, ch, bold=bold)
            if font is None:
                self.missing.setdefault(_script(ch), set()).add(ch)
                ch, font = "?", self.chain.chain[0]
            if font != current and buf:
                yield current, "".join(buf)
                buf = []
            current = font
            buf.append(ch)
        if buf:
            yield current, "".join(buf)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return sum(pdfmetrics.stringWidth(run, font, size)
                   for font, run in self.runs(text, bold))

    def draw(self, x: float, y: float, text: str, size: float = 9,
             bold: bool = False, align: str = "left") -> None:
        if align != "left":
            w = self.width(text, size, bold)
            x = x - w if align == "right" else x - w / 2
        for font, run in self.runs(text, bold):
            self.c.setFont(font, size)
            self.c.drawString(x, y, run)
            x += pdfmetrics.stringWidth(run, font, size)

    def wrap(self, text: str, width: float, size: float = 9,
             bold: bool = False) -> list[str]:
        lines: list[str] = []
        current = ""
        for word in text.split():
            candidate = f"{current} {word}" if current else word
            if self.width(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for ch in word:  # a word wider than the column: break anywhere
                if self.width(current + ch, size, bold) > width and current:
                    lines.append(current)
                    current = ""
                current += ch
        if current:
            lines.append(current)
        return lines or [""]


class _Page:
    """Cursor over pages: ``need(h)`` starts a new page when h does not fit."""

    def __init__(self, canvas: Canvas, text: _Text, data: dict[str, Any]):
        self.c, self.t, self.data = canvas, text, data
        self.y = PAGE_H - MARGIN
        self.page = 1

    def need(self, height: float) -> None:
        if self.y - height < MARGIN + 40:
            self.footer()
            self.c.showPage()
            self.page += 1
            self.y = PAGE_H - MARGIN
            self.t.draw(MARGIN, self.y - 10,
                        _("%(title)s %(number)s (continued)") % {
                            "title": _(self.data["title"]),
                            "number": self.data["number"]},
                        10, bold=True)
            self.y -= 30

    def footer(self) -> None:
        footer = self.data["seller"].get("footer", "")
        y = MARGIN
        for line in self.t.wrap(footer, PAGE_W - 2 * MARGIN - 60, 7)[:3]:
            self.t.draw(MARGIN, y, line, 7)
            y -= 9
        self.t.draw(PAGE_W - MARGIN, MARGIN, _("Page %(page)s") % {"page": self.page},
                    7, align="right")


def _m(value: str | Decimal, currency: str) -> str:
    return format_money(Decimal(value), currency)


def render_pdf(data: dict[str, Any]) -> RenderedPdf:
    """Render a document snapshot to PDF bytes; never raises on odd text.

    The output depends only on ``data`` (and the installed fonts): the
    PDF is written in ReportLab's invariant mode, without a creation date
    or random document id.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1)
    canvas.setTitle(f"{_(data['title'])} {data['number']}")
    canvas.setAuthor(data["seller"]["legal_name"] or data["branding"]["store_name"])
    text = _Text(canvas, fonts())
    page = _Page(canvas, text, data)
    notes: list[str] = []
    currency = data["currency"]

    _header(page, data, notes)
    _parties(page, data)
    kind = data["kind"]
    if kind == "receipt":
        _payment(page, data, currency)
    if kind == "credit_note":
        _credit(page, data, currency)
    if kind == "cancellation_notice":
        _reason(page, _("Reason for cancellation"), data.get("reason", ""))
    if kind == "shipping_notice":
        _shipments(page, data)
        _lines(page, data, currency, prices=False)
    elif kind != "credit_note":
        _lines(page, data, currency, prices=True)
        _totals(page, data, currency)
    page.footer()
    canvas.showPage()
    canvas.save()
    notes += [f"No font has glyphs for {script} ({''.join(sorted(chars))}); "
              f"printed as '?'. Add a font to KEDAI_PDF_FONTS."
              for script, chars in sorted(text.missing.items())]
    return RenderedPdf(buffer.getvalue(), tuple(notes))


def _header(page: _Page, data: dict[str, Any], notes: list[str]) -> None:
    t, top = page.t, page.y
    logo = data["branding"].get("logo")
    if logo:
        try:
            page.c.drawImage(str(Path(settings.MEDIA_ROOT) / logo),
                             PAGE_W - MARGIN - 120, top - 45, width=120, height=45,
                             preserveAspectRatio=True, anchor="ne", mask="auto")
        except Exception:  # any image ReportLab or Pillow cannot read
            # The document is still issued without it; the owner sees the
            # note on the document and the log says why.
            logger.warning("pdf: logo %s could not be drawn", logo, exc_info=True)
            notes.append(f"Logo {logo} could not be drawn; left out.")
    t.draw(MARGIN, top - 16, data["branding"]["store_name"], 16, bold=True)
    t.draw(MARGIN, top - 40, _(data["title"]).upper(), 13, bold=True)
    y = top - 56
    rows = [(_("No."), data["number"]), (_("Date"), data["issued_local"]),
            (_("Order"), data["order"]["number"])]
    if data.get("invoice_number"):
        rows.append((_("Invoice"), data["invoice_number"]))
    for label, value in rows:
        t.draw(MARGIN, y, label, 9)
        t.draw(MARGIN + 50, y, value, 9, bold=True)
        y -= 12
    page.y = y - 8


def _parties(page: _Page, data: dict[str, Any]) -> None:
    t, seller, buyer = page.t, data["seller"], data["buyer"]
    half = (PAGE_W - 2 * MARGIN) / 2
    left = [seller["legal_name"] or data["branding"]["store_name"]]
    if seller["registration_number"]:
        left.append(_("SSM reg. no. %(number)s")
                    % {"number": seller["registration_number"]})
    if seller["sst_number"]:
        left.append(_("SST reg. no. %(number)s") % {"number": seller["sst_number"]})
    if seller["tin"]:
        left.append(_("TIN %(number)s") % {"number": seller["tin"]})
    left += address_lines(seller["address"])
    left += [x for x in (seller["phone"], seller["email"]) if x]
    right = [buyer["name"]] + address_lines(buyer["billing"])
    right += [x for x in (buyer["email"], buyer["phone"]) if x]
    einvoice = buyer.get("einvoice") or {}
    if einvoice.get("tin"):
        right.append(_("TIN %(number)s") % {"number": einvoice["tin"]})
    if einvoice.get("id_number"):
        right.append(f"{einvoice.get('id_type', 'ID')} {einvoice['id_number']}")
    if einvoice.get("sst_number"):
        right.append(_("SST reg. no. %(number)s") % {"number": einvoice["sst_number"]})
    y = page.y
    t.draw(MARGIN, y, _("From"), 8, bold=True)
    t.draw(MARGIN + half, y, _("Bill to"), 8, bold=True)
    y -= 12
    lines_l = [w for line in left for w in t.wrap(line, half - 10)]
    lines_r = [w for line in right for w in t.wrap(line, half - 10)]
    for i in range(max(len(lines_l), len(lines_r))):
        if i < len(lines_l):
            t.draw(MARGIN, y, lines_l[i], 9, bold=i == 0)
        if i < len(lines_r):
            t.draw(MARGIN + half, y, lines_r[i], 9, bold=i == 0)
        y -= 11
    page.y = y - 10


def _lines(page: _Page, data: dict[str, Any], currency: str, *, prices: bool) -> None:
    t, c = page.t, page.c
    right = PAGE_W - MARGIN
    cols = {"code": MARGIN, "desc": MARGIN + 80, "qty": right - 200,
            "unit": right - 140, "tax": right - 75, "total": right}
    desc_width = (cols["qty"] - 35 if prices else right - 40) - cols["desc"]

    def head() -> None:
        t.draw(cols["code"], page.y, _("Code"), 8, bold=True)
        t.draw(cols["desc"], page.y, _("Description"), 8, bold=True)
        if prices:
            t.draw(cols["qty"], page.y, _("Qty"), 8, bold=True, align="right")
            t.draw(cols["unit"], page.y, _("Unit price"), 8, bold=True, align="right")
            t.draw(cols["tax"], page.y, _("Tax"), 8, bold=True, align="right")
            t.draw(cols["total"], page.y, _("Amount"), 8, bold=True, align="right")
        else:
            t.draw(right, page.y, _("Qty"), 8, bold=True, align="right")
        c.line(MARGIN, page.y - 3, right, page.y - 3)
        page.y -= 14

    page.need(40)
    head()
    for line in data["lines"]:
        name = line["name"] + (f" ({line['variant_label']})"
                               if line["variant_label"] else "")
        wrapped = t.wrap(name, desc_width)
        if prices and Decimal(line.get("discount", "0")):
            # The line amount is after it: say so, per line (promotions).
            wrapped.append(f"Discount -{_m(line['discount'], currency)} included")
        before = page.page
        page.need(11 * len(wrapped) + 2)
        if page.page != before:
            head()
        t.draw(cols["code"], page.y, t.wrap(line["sku"], 76, 8)[0], 8)
        qty = str(line["quantity"])
        if prices:
            t.draw(cols["qty"], page.y, qty, 9, align="right")
            t.draw(cols["unit"], page.y, _m(line["unit_price"], currency), 9,
                   align="right")
            rate = (f"{line['tax_rate']}%" if line["tax_kind"] != "none" else "—")
            t.draw(cols["tax"], page.y, rate, 9, align="right")
            t.draw(cols["total"], page.y, _m(line["total"], currency), 9,
                   align="right")
        else:
            t.draw(right, page.y, qty, 9, align="right")
        for i, part in enumerate(wrapped):
            t.draw(cols["desc"], page.y - 11 * i, part, 9)
        page.y -= 11 * len(wrapped) + 2
    c.line(MARGIN, page.y + 6, right, page.y + 6)
    page.y -= 6


def _totals(page: _Page, data: dict[str, Any], currency: str) -> None:
    t, totals, right = page.t, data["totals"], PAGE_W - MARGIN
    label_x = right - 110
    rows: list[tuple[str, str, bool]] = [
        (_("Subtotal"), _m(totals["subtotal"], currency), False),
        (_("Shipping (%(method)s)") % {"method": data["order"]["shipping_method"]},
         _m(totals["shipping"], currency), False),
    ]
    included = " " + _("(included)")
    for tax in data["tax_breakdown"]:
        on = (" " + _("on %(amount)s") % {"amount": _m(tax["taxable"], currency)}
              if tax["taxable"] else "")
        rows.append((f"{tax['label']}{on}{included}", _m(tax["tax"], currency), False))
    if Decimal(totals.get("discount", "0")):
        rows.insert(1, ("Discounts (included above)",
                        f"-{_m(totals['discount'], currency)}", False))
    if Decimal(totals.get("shipping_discount", "0")):
        rows.insert(next(i for i, row in enumerate(rows)
                         if row[0].startswith("Shipping (")) + 1,
                    ("Delivery discount (included)",
                     f"-{_m(totals['shipping_discount'], currency)}", False))
    if Decimal(totals["rounding"]):
        rows.append((_("Rounding adjustment"), _m(totals["rounding"], currency), False))
    rows.append((_("Total"), _m(totals["total"], currency), True))
    page.need(13 * len(rows) + 10)
    for label, value, bold in rows:
        t.draw(label_x, page.y, label, 9, bold=bold, align="right")
        t.draw(right, page.y, value, 10 if bold else 9, bold=bold, align="right")
        page.y -= 13
    if not data["tax_breakdown"]:
        t.draw(MARGIN, page.y, _("No SST charged."), 8)
        page.y -= 12


def _payment(page: _Page, data: dict[str, Any], currency: str) -> None:
    pay, t = data["payment"], page.t
    rows = [(_("Amount received"), _m(pay["amount"], currency)),
            (_("Payment method"), pay["method_label"]),
            (_("Reference"), pay["reference"])]
    for label, value in rows:
        t.draw(MARGIN, page.y, label, 9)
        for i, part in enumerate(t.wrap(value, 300, 10)):
            t.draw(MARGIN + 110, page.y - 12 * i, part, 10, bold=True)
            if i:
                page.y -= 12
        page.y -= 14
    page.y -= 6


def _credit(page: _Page, data: dict[str, Any], currency: str) -> None:
    t = page.t
    t.draw(MARGIN, page.y, _("Amount credited"), 9)
    t.draw(MARGIN + 110, page.y, _m(data["credit"]["amount"], currency), 11, bold=True)
    page.y -= 16
    t.draw(MARGIN, page.y, _("Order total"), 9)
    t.draw(MARGIN + 110, page.y, _m(data["totals"]["total"], currency), 9)
    page.y -= 16
    _reason(page, _("Reason"), data.get("reason", ""))


def _reason(page: _Page, label: str, reason: str) -> None:
    t = page.t
    page.need(14)
    t.draw(MARGIN, page.y, label, 9, bold=True)
    page.y -= 12
    for part in t.wrap(reason or "—", PAGE_W - 2 * MARGIN):
        page.need(12)
        t.draw(MARGIN, page.y, part, 9)
        page.y -= 12
    page.y -= 8


def _shipments(page: _Page, data: dict[str, Any]) -> None:
    t = page.t
    t.draw(MARGIN, page.y, _("Shipped with"), 9, bold=True)
    page.y -= 13
    for item in data["shipments"]:
        page.need(26)
        t.draw(MARGIN, page.y, f"{item['carrier']}: {item['tracking_number']}", 9)
        page.y -= 11
        for part in t.wrap(item["tracking_url"], PAGE_W - 2 * MARGIN - 10, 8):
            t.draw(MARGIN + 10, page.y, part, 8)
            page.y -= 10
        page.y -= 3
    page.y -= 8

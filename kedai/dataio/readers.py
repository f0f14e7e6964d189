"""Reading uploaded CSV, XLSX and JSON files into numbered rows.

The format is recognised from the content, never from the file name: a
ZIP container is XLSX, ``[`` starts JSON, anything else must be UTF-8 text
(a byte-order mark is accepted) without NUL bytes. Rows are numbered as a
spreadsheet shows them: the header is row 1, the first data row is row 2
(JSON: the first record is row 1). Cells are stripped and un-escaped
(:mod:`kedai.dataio.cells`). Limits (size, rows) come from settings.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kedai.core.money import round_places
from kedai.dataio.archives import ZipLimits, zip_check
from kedai.dataio.cells import cell_unescape
from kedai.dataio.exceptions import DataError


@dataclass(frozen=True)
class Sheet:
    """An upload's header and its non-blank rows as (row number, values)."""

    headers: list[str]
    rows: list[tuple[int, tuple[object, ...]]]

    def records(self) -> Iterator[tuple[int, dict[str, object]]]:
        """Rows as dicts by header, made one at a time (memory)."""
        headers = self.headers
        for number, values in self.rows:
            yield number, dict(zip(headers, values, strict=False))


def sniff_format(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] == b"[":
        return "json"
    if b"\x00" in head:
        raise DataError(_("This is not a CSV, XLSX or JSON file (it holds binary "
                          "data). Save the sheet as “CSV UTF-8” or XLSX."),
                        code="binary")
    return "csv"


def sheet_read(path: Path, *, max_rows: int | None = None) -> Sheet:
    """Read the whole upload; raise DataError for a file-level problem."""
    limit = max_rows or settings.KEDAI_DATAIO_MAX_ROWS
    size = path.stat().st_size
    if size > settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES:
        raise DataError(_("The file is too large (limit %(size)s).")
                        % {"size": filesizeformat(
                            settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES)},
                        code="size")
    with path.open("rb") as f:
        head = f.read(8192)
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DataError(_("The file is empty."), code="empty")
    fmt = sniff_format(head)
    reader = {"csv": _csv_rows, "xlsx": _xlsx_rows, "json": _json_rows}[fmt]
    rows_iter = reader(path)
    headers = next(rows_iter, None)
    if not headers or not any(headers):
        raise DataError(_("The file has no header row."), code="headers")
    rows: list[tuple[int, tuple[object, ...]]] = []
    for number, values in rows_iter:
        if len(rows) >= limit:
            raise DataError(_("The file has more than %(limit)s rows; split it "
                              "into smaller files.") % {"limit": limit},
                            code="rows")
        if all(v in (None, "") for v in values):
            continue
        rows.append((number, tuple(values)))
    return Sheet(headers=list(headers), rows=rows)


def _clean(value: object) -> object:
    if isinstance(value, str):
        return cell_unescape(value.strip())
    return value


def _csv_rows(path: Path) -> Iterator:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DataError(
            _("The file is not UTF-8 text (first bad byte on line %(line)s). In "
              "Excel choose “Save as: CSV UTF-8”.") % {"line": line},
            code="encoding") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            return
        yield [str(h).strip().lstrip("\ufeff") for h in header]
        for values in reader:
            yield reader.line_num, [_clean(v) for v in values]
    except csv.Error as exc:
        raise DataError(_("The CSV file is malformed: %(error)s")
                        % {"error": exc}, code="csv") from None


def xlsx_limits() -> ZipLimits:
    """A workbook is a handful of XML parts (a few hundred with many sheets
    or images); what it may unpack to is a setting."""
    inflated = settings.KEDAI_DATAIO_MAX_XLSX_INFLATED_BYTES
    return ZipLimits(max_members=1000, max_inflated=inflated,
                     max_member_inflated=inflated,
                     max_ratio=settings.KEDAI_DATAIO_MAX_ZIP_RATIO)


def _xlsx_rows(path: Path) -> Iterator:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # A file object, not the path: openpyxl judges paths by their extension,
    # and stored uploads have generated names.
    stream = path.open("rb")
    try:
        # Sizes and ratios from the ZIP directory, before openpyxl inflates
        # anything (it reads the shared strings whole).
        with zipfile.ZipFile(stream) as archive:
            zip_check(archive, xlsx_limits(), what=_("The workbook"))
        stream.seek(0)
        book = load_workbook(stream, read_only=True, data_only=True)
    except DataError:
        stream.close()
        raise
    except (zipfile.BadZipFile, KeyError, OSError, ValueError,
            InvalidFileException) as exc:
        stream.close()
        raise DataError(_("This is not a readable XLSX file (%(error)s).")
                        % {"error": exc.__class__.__name__}, code="xlsx") from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            return
        yield ["" if h is None else str(h).strip() for h in header]
        for number, values in enumerate(rows, start=2):
            yield number, [_clean(v) for v in values]
    finally:
        book.close()
        stream.close()


def _json_rows(path: Path) -> Iterator:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DataError(_("This is not a readable JSON file (%(error)s).")
                        % {"error": exc}, code="json") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(_("A JSON upload must be a list of records."), code="json")
    headers: list[str] = []
    for record in data:
        headers.extend(k for k in record if k not in headers)
    yield headers
    for number, record in enumerate(data, start=1):
        yield number, [_clean(record.get(h)) for h in headers]


# --- Values ------------------------------------------------------------------

_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_COMMA_DECIMAL = re.compile(r"^\d+,\d{1,2}$")


def text_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def money_value(value: object, column: str) -> Decimal:
    """A price: digits with a dot for decimals, never negative.

    ``12,50`` is refused rather than guessed: Malaysian shops write a dot,
    and ``1,250`` could be a thousands separator.
    """
    if isinstance(value, bool):
        raise ValueError(_("%(column)s must be a number like 12.50.")
                         % {"column": column})
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
    else:
        text = text_value(value)
        if _COMMA_DECIMAL.match(text):
            raise ValueError(
                _("%(column)s “%(value)s”: use a dot for decimals (%(fixed)s).")
                % {"column": column, "value": text,
                   "fixed": text.replace(",", ".")})
        if text.startswith("-"):
            raise ValueError(_("%(column)s cannot be negative.") % {"column": column})
        if not _DECIMAL.match(text):
            raise ValueError(_("%(column)s “%(value)s” is not a number like 12.50.")
                             % {"column": column, "value": text})
        amount = Decimal(text)
    if amount < 0:
        raise ValueError(_("%(column)s cannot be negative.") % {"column": column})
    if amount != round_places(amount):
        raise ValueError(_("%(column)s has more than two decimals.")
                         % {"column": column})
    if amount >= Decimal("10000000000"):
        raise ValueError(_("%(column)s is too large.") % {"column": column})
    return round_places(amount)  # exact: at most two decimals, checked above


def decimal_value(value: object, column: str, places: str = "0.1") -> Decimal:
    try:
        amount = Decimal(text_value(value) if not isinstance(value, float | int)
                         else str(value))
    except InvalidOperation:
        raise ValueError(_("%(column)s “%(value)s” is not a number.")
                         % {"column": column, "value": value}) from None
    if amount < 0 or not amount.is_finite():
        raise ValueError(_("%(column)s cannot be negative.") % {"column": column})
    return amount.quantize(Decimal(places))


def int_value(value: object, column: str) -> int:
    """A whole number, zero or more (stock, grams, positions)."""
    if isinstance(value, bool):
        raise ValueError(_("%(column)s must be a whole number.") % {"column": column})
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("%(column)s must be a whole number.")
                             % {"column": column})
        value = int(value)
    text = text_value(value)
    if re.fullmatch(r"-\d+", text):
        raise ValueError(_("%(column)s cannot be negative (%(value)s).")
                         % {"column": column, "value": text})
    if not re.fullmatch(r"\d{1,9}", text):
        raise ValueError(_("%(column)s “%(value)s” must be a whole number.")
                         % {"column": column, "value": text})
    return int(text)


TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}


def bool_value(value: object, column: str) -> bool:
    if isinstance(value, bool):
        return value
    text = text_value(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(_("%(column)s must be true or false, not “%(value)s”.")
                     % {"column": column, "value": text})

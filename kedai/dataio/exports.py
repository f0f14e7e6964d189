"""Writing tables as CSV, XLSX and JSON, row by row.

Rows come from ``values_list(...).iterator(chunk_size=...)``, so memory
stays flat however large the table: CSV and JSON are produced as a stream
of small strings (a StreamingHttpResponse, or a file for background jobs),
XLSX through openpyxl's write-only mode. Text cells are escaped against
formula injection (:mod:`kedai.dataio.cells`); CSV starts with a UTF-8 BOM
so Excel reads it as UTF-8.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder

from kedai.dataio.cells import cell_escape
from kedai.dataio.tables import Table

CHUNK = 2000
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "json": "application/json"}
Progress = Callable[[int], None] | None


def _text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if isinstance(value, str):
        return cell_escape(value)
    return str(value)


def _xlsx_cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | Decimal | float):
        return value
    return cell_escape(_text(value)) if not isinstance(value, str) \
        else cell_escape(value)


def _json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | dict | list):
        return value
    if isinstance(value, str):
        return cell_escape(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def rows_of(table: Table, filters: dict) -> Iterator[tuple]:
    return table.queryset(**filters).iterator(chunk_size=CHUNK)


def csv_chunks(headers: list[str], rows: Iterable[Iterable[Any]],
               progress: Progress = None) -> Iterator[str]:
    """CSV text in pieces of about CHUNK rows, BOM first."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(headers)
    buffer: list[str] = []
    count = 0
    for row in rows:
        buffer.append(writer.writerow([_text(v) for v in row]))
        count += 1
        if len(buffer) >= CHUNK:
            yield "".join(buffer)
            buffer.clear()
            if progress:
                progress(count)
    if buffer:
        yield "".join(buffer)
    if progress:
        progress(count)


def json_chunks(headers: list[str], rows: Iterable[Iterable[Any]],
                progress: Progress = None) -> Iterator[str]:
    """A JSON list of objects, keyed by the CSV headers."""
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    yield "["
    count = 0
    for row in rows:
        record = {h: _json(v) for h, v in zip(headers, row, strict=True)}
        yield ("," if count else "") + "\n" + encoder.encode(record)
        count += 1
        if progress and count % CHUNK == 0:
            progress(count)
    yield "\n]\n"
    if progress:
        progress(count)


def xlsx_write(target: IO[bytes] | Path, headers: list[str],
               rows: Iterable[Iterable[Any]], progress: Progress = None) -> None:
    """An XLSX workbook with one sheet, written without holding the rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("data")
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
        count += 1
        if progress and count % CHUNK == 0:
            progress(count)
    book.save(target)
    if progress:
        progress(count)


def table_write(target: Path, table: Table, fmt: str, filters: dict,
                progress: Progress = None) -> None:
    """Write a table to a file in ``fmt`` (used by background exports)."""
    headers = table.headers()
    rows = rows_of(table, filters)
    if fmt == "xlsx":
        xlsx_write(target, headers, rows, progress)
        return
    chunks = csv_chunks if fmt == "csv" else json_chunks
    with target.open("w", encoding="utf-8", newline="") as f:
        for piece in chunks(headers, rows, progress):
            f.write(piece)

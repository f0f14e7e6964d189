"""Building upload files in tests."""

import csv
import io
from pathlib import Path

from kedai.dataio.readers import Sheet, sheet_read


def csv_bytes(rows: list[list[object]], *, bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def sheet_of(tmp_path: Path, data: bytes | list[list[object]],
             name: str = "upload.csv") -> Sheet:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else csv_bytes(data))
    return sheet_read(path)

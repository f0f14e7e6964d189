"""Zip bombs, as XLSX uploads and as backups, are refused from the ZIP
directory before anything is inflated (issue 13, defect 15)."""

import io
import json
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from kedai.dataio.backup import backup_restore
from kedai.dataio.exceptions import DataError
from kedai.dataio.readers import sheet_read

pytestmark = pytest.mark.django_db

BOMB_BYTES = 256 * 2**20  # zeros, stored in about 250 KiB


def zeros_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    """Write ``size`` zero bytes as one deflated member, a MiB at a time."""
    block = b"0" * 2**20
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as out:
        for _ in range(size // len(block)):
            out.write(block)


def real_xlsx() -> bytes:
    book = Workbook()
    book.active.append(["sku", "price"])
    book.active.append(["SHIRT-M", 59])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_with(extra: dict[str, int] | None = None, *, members: int = 0) -> bytes:
    """A real workbook plus ``extra`` members of zeros and ``members`` tiny
    ones."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real_xlsx())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
        for name, size in (extra or {}).items():
            zeros_member(archive, name, size)
        for number in range(members):
            archive.writestr(f"xl/media/m{number}.bin", b"x")
    return out.getvalue()


def read_refused(tmp_path, data: bytes) -> str:
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as refused:
            sheet_read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, peak  # refused before inflating
    return refused.value.message


def test_a_real_workbook_is_read(tmp_path):
    path = tmp_path / "upload.bin"
    path.write_bytes(real_xlsx())
    assert sheet_read(path).rows == [(2, ("SHIRT-M", 59))]


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    data = xlsx_with({"xl/sharedStrings2.xml": BOMB_BYTES})
    assert len(data) < 2**20
    message = read_refused(tmp_path, data)
    assert "The workbook" in message and "unpack" in message


def test_an_xlsx_compressed_too_well_is_refused(tmp_path, settings):
    settings.KEDAI_DATAIO_MAX_XLSX_INFLATED_BYTES = 2**30
    message = read_refused(tmp_path, xlsx_with({"xl/worksheets/x.xml": 64 * 2**20}))
    assert "compressed more than 200 times" in message


def test_an_xlsx_of_too_many_members_is_refused(tmp_path):
    message = read_refused(tmp_path, xlsx_with(members=1001))
    assert "at most 1000 are accepted" in message


def backup_bomb(member: str, size: int) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if member != "manifest.json":
            archive.writestr("manifest.json", json.dumps(
                {"app": "kedai", "format": 1, "tables": {}, "media": []}))
        zeros_member(archive, member, size)
    out.seek(0)
    return out


@pytest.mark.parametrize("member", ["manifest.json", "tables/catalog.Product.jsonl",
                                    "media/products/a.jpg"])
def test_a_backup_zip_bomb_is_refused_before_it_is_inflated(member, settings):
    settings.KEDAI_DATAIO_MAX_BACKUP_INFLATED_BYTES = 128 * 2**20
    bomb = backup_bomb(member, BOMB_BYTES)
    tracemalloc.start()
    try:
        with pytest.raises(DataError) as refused:
            backup_restore(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.value.message.startswith("The backup")
    assert "128.0\xa0MB" in refused.value.message
    assert peak < 16 * 2**20, peak


def test_a_backup_row_longer_than_a_line_may_be_is_refused(settings):
    """Within the limits, but one table "row" of 20 MiB without a newline."""
    settings.KEDAI_DATAIO_MAX_ZIP_RATIO = 10**6
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(
            {"app": "kedai", "format": 1, "tables": {"catalog.TaxClass": 1},
             "media": []}))
        zeros_member(archive, "tables/catalog.TaxClass.jsonl", 20 * 2**20)
    out.seek(0)
    with pytest.raises(DataError, match="a row is longer than"):
        backup_restore(out)

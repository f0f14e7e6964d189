"""Bad uploads: each refused or reported row by row with a clear message;
nothing partially applied."""

from decimal import Decimal

import pytest

from kedai.catalog.models import Variant
from kedai.dataio.exceptions import DataError
from kedai.dataio.importers import upload_apply, upload_preview
from kedai.dataio.readers import sheet_read
from tests.dataio.upload_files import csv_bytes, sheet_of

pytestmark = pytest.mark.django_db


def refused(tmp_path, data: bytes, kind: str = "variants") -> str:
    with pytest.raises(DataError) as error:
        upload_preview(kind=kind, sheet=sheet_of(tmp_path, data))
    return error.value.message


def test_missing_key_column(shop, tmp_path):
    message = refused(tmp_path, csv_bytes([["code", "price"], ["SHIRT-M", "1.00"]]))
    assert message.startswith("Missing column “sku”. This upload expects")


def test_wrong_headers_are_listed_as_left_behind(shop, tmp_path):
    plan = upload_preview(kind="variants", sheet=sheet_of(tmp_path, [
        ["SKU", "Price", "Colour code"], ["SHIRT-M", "59.00", "red"]]))
    assert plan.unknown_columns == ["Colour code"]
    assert plan.notes == ["1 column(s) will be left behind: Colour code."]


def test_utf8_with_bom_is_accepted(shop, tmp_path):
    data = csv_bytes([["sku", "price"], ["SHIRT-M", "60.00"]], bom=True)
    plan = upload_preview(kind="variants", sheet=sheet_of(tmp_path, data))
    assert [c.key for c in plan.changes] == ["SHIRT-M"]


def test_non_utf8_is_refused_with_the_line(shop, tmp_path):
    data = "sku,product_name\nSHIRT-M,Baju café\n".encode("latin-1")
    assert refused(tmp_path, data) == (
        "The file is not UTF-8 text (first bad byte on line 2). In Excel choose "
        "“Save as: CSV UTF-8”.")


def test_a_binary_renamed_csv_is_refused(shop, tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200)
    assert refused(tmp_path, png).startswith("This is not a CSV, XLSX or JSON file")


def test_a_zip_renamed_csv_is_refused(shop, tmp_path):
    assert refused(tmp_path, b"PK\x03\x04garbage").startswith(
        "This is not a readable XLSX file")


def test_duplicate_skus_are_reported_by_row(shop, tmp_path):
    plan = upload_preview(kind="variants", sheet=sheet_of(tmp_path, [
        ["sku", "price"], ["SHIRT-M", "1.00"], ["KOPI-1", "2.00"],
        ["shirt-m", "3.00"]]))
    assert plan.errors == [(4, "sku “shirt-m” appears again (first on row 2).")]


def test_negative_stock_and_blank_required_cells(shop, tmp_path):
    plan = upload_preview(kind="variants", sheet=sheet_of(tmp_path, [
        ["sku", "price", "stock"], ["SHIRT-M", "59.00", "-3"],
        ["SHIRT-L", "", "1"], ["", "1.00", "1"]]))
    assert plan.errors == [(2, "stock cannot be negative (-3)."),
                           (3, "“price” is blank."), (4, "“sku” is blank.")]


def test_comma_decimal_prices_are_refused_with_the_fix(shop, tmp_path):
    plan = upload_preview(kind="variants", sheet=sheet_of(tmp_path, [
        ["sku", "price"], ["SHIRT-M", "12,50"], ["SHIRT-L", "1,250.00"]]))
    assert plan.errors == [
        (2, "price “12,50”: use a dot for decimals (12.50)."),
        (3, "price “1,250.00” is not a number like 12.50.")]
    with pytest.raises(DataError):
        upload_apply(kind="variants", sheet=sheet_of(tmp_path, [
            ["sku", "price"], ["KOPI-1", "30.00"], ["SHIRT-M", "12,50"]]),
            actor="farah")
    assert Variant.objects.get(sku="KOPI-1").price == Decimal("22.00")


def test_files_over_the_size_limit_are_refused_before_parsing(settings, tmp_path):
    settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES = 10 * 2**20
    path = tmp_path / "big.csv"
    with path.open("wb") as f:  # 50 MB, sparse: nothing is read
        f.seek(50 * 2**20 - 1)
        f.write(b"\0")
    with pytest.raises(DataError) as error:
        sheet_read(path)
    assert error.value.message == "The file is too large (limit 10.0\xa0MB)."


def test_too_many_rows_are_refused(settings, tmp_path):
    settings.KEDAI_DATAIO_MAX_ROWS = 1000
    path = tmp_path / "rows.csv"
    path.write_bytes(b"sku,price\n" + b"A,1.00\n" * 1_000_000)
    with pytest.raises(DataError) as error:
        sheet_read(path)
    assert error.value.message == ("The file has more than 1000 rows; split it "
                                   "into smaller files.")


def test_empty_file_and_header_only(db, tmp_path):
    with pytest.raises(DataError, match="The file is empty."):
        sheet_read(_write(tmp_path, b""))
    sheet = sheet_read(_write(tmp_path, b"sku,price\n"))
    assert sheet.rows == []


def test_semicolon_separated_files_are_read(shop, tmp_path):
    plan = upload_preview(kind="variants", sheet=sheet_of(
        tmp_path, b"sku;price\nSHIRT-M;58.00\n"))
    assert plan.changes[0].fields == {"price": [Decimal("59.00"), Decimal("58.00")]}


def _write(tmp_path, data: bytes):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    return path

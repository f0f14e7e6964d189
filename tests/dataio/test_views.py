"""The data pages: permissions, CSRF, downloads, background jobs, uploads."""

import io
import json
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from openpyxl import load_workbook

from kedai.catalog.models import Variant
from kedai.dataio.models import ExportJob, ImportJob
from tests.dataio.upload_files import csv_bytes

pytestmark = pytest.mark.django_db

JOB = uuid.uuid4()
EXPORT_URLS = ["/office/data/", "/office/data/export/?table=variants&format=csv",
               "/office/data/export/shopify.csv", f"/office/data/exports/{JOB}/",
               f"/office/data/exports/{JOB}/download/"]
IMPORT_URLS = [f"/office/data/imports/{JOB}/"]
POST_EXPORT = ["/office/data/backup/"]
POST_IMPORT = ["/office/data/upload/", "/office/data/restore/",
               f"/office/data/imports/{JOB}/apply/"]


def body(response) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode("utf-8")
    return response.content.decode()


def test_staff_without_the_permissions_get_403_everywhere(client, staff, shop):
    client.force_login(staff)
    for url in EXPORT_URLS + IMPORT_URLS:
        assert client.get(url).status_code == 403, url
    for url in POST_EXPORT + POST_IMPORT:
        assert client.post(url).status_code == 403, url


def test_export_only_staff_cannot_upload(client, staff, shop):
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="export_data"))
    client.force_login(staff)
    assert client.get("/office/data/").status_code == 200
    for url in POST_IMPORT:
        assert client.post(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/office/data/")
    assert response.status_code == 302
    assert response["Location"].startswith("/office/login/")


def test_the_owner_sees_the_data_page(owner_client, shop):
    page = owner_client.get("/office/data/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Download a table" in html and "Restore into an empty shop" in html
    assert 'href="/office/data/"' in html  # in the navigation


def test_upload_forms_need_the_csrf_token(owner, shop):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    upload = SimpleUploadedFile("v.csv", csv_bytes([["sku", "price"],
                                                    ["SHIRT-M", "1.00"]]))
    for url, data in [("/office/data/upload/", {"kind": "variants", "file": upload}),
                      ("/office/data/backup/", {}), ("/office/data/restore/", {})]:
        assert strict.post(url, data).status_code == 403, url
    page = strict.get("/office/data/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') == page.count(
        '<form method="post"') == 5  # upload, backup, restore, sign out, language


def test_csv_export_streams_with_a_bom_and_escaped_formulas(owner_client, shop):
    response = owner_client.get("/office/data/export/?table=products&format=csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="products-' in response["Content-Disposition"]
    text = body(response)
    assert text.startswith("\ufeffslug,name,category,description")
    assert "'Kopi =cmd" not in text and "Kopi =cmd" in text
    assert ",'+60 strong; -dark @home," in text


def test_xlsx_and_json_exports(owner_client, shop):
    response = owner_client.get("/office/data/export/?table=variants&format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("sku", "product", "product_name")
    assert rows[1][0] == "SHIRT-M" and rows[1][6] == 59
    response = owner_client.get("/office/data/export/?table=variants&format=json")
    records = json.loads(body(response))
    assert records[0]["sku"] == "SHIRT-M" and records[0]["price"] == "59.00"


def test_exports_filter_by_text_and_date(owner_client, shop):
    text = body(owner_client.get(
        "/office/data/export/?table=variants&format=csv&q=kopi"))
    assert [line.split(",")[0] for line in text.strip().splitlines()[1:]] == ["KOPI-1"]
    text = body(owner_client.get(
        "/office/data/export/?table=products&format=csv&date_from=2000-01-01"
        "&date_to=2000-12-31"))
    assert len(text.strip().splitlines()) == 1


def test_every_table_downloads_in_every_format(owner_client, orders):
    from kedai.dataio.tables import TABLES

    for key in TABLES:
        for fmt in ("csv", "xlsx", "json"):
            response = owner_client.get(
                f"/office/data/export/?table={key}&format={fmt}")
            assert response.status_code == 200, (key, fmt)
            if fmt != "xlsx":
                body(response)
    text = body(owner_client.get("/office/data/export/?table=customers&format=csv"))
    assert "password" not in text
    text = body(owner_client.get("/office/data/export/?table=orders&format=csv"))
    assert "token_hash" not in text and "checkout_key" not in text


def test_large_exports_run_in_the_background(owner_client, shop, settings):
    settings.KEDAI_DATAIO_BACKGROUND_ROWS = 2
    response = owner_client.get("/office/data/export/?table=variants&format=csv")
    job = ExportJob.objects.get()
    assert response["Location"] == f"/office/data/exports/{job.pk}/"
    page = owner_client.get(response["Location"]).content.decode()
    assert "3 rows are ready." in page
    download = owner_client.get(f"/office/data/exports/{job.pk}/download/")
    assert b"".join(download.streaming_content).decode().count("\n") == 4
    assert (settings.KEDAI_DATAIO_DIR / job.file_name).is_file()


def test_the_progress_page_polls_while_running(owner_client, owner):
    job = ExportJob.objects.create(created_by=owner, table="variants", format="csv",
                                   status="running", total=20000, done=5000)
    page = owner_client.get(f"/office/data/exports/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<progress value="5000" max="20000">' in page
    partial = owner_client.get(f"/office/data/exports/{job.pk}/",
                               headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="progress"') and "25%" in partial


def test_upload_preview_then_apply(owner_client, shop):
    data = csv_bytes([["sku", "price", "stock", "stock_exported"],
                      ["SHIRT-M", "55.00", "10", "10"]])
    response = owner_client.post("/office/data/upload/", {
        "kind": "variants", "file": SimpleUploadedFile("../../etc/passwd", data)})
    job = ImportJob.objects.get()
    assert response["Location"] == f"/office/data/imports/{job.pk}/"
    assert job.original_name == "passwd" and ".." not in job.file_name
    page = owner_client.get(response["Location"]).content.decode()
    assert "Preview: nothing has been saved yet." in page
    assert "price: 59.00 → 55.00" in page
    assert Variant.objects.get(sku="SHIRT-M").price == Decimal("59.00")
    owner_client.post(f"/office/data/imports/{job.pk}/apply/")
    assert Variant.objects.get(sku="SHIRT-M").price == Decimal("55.00")
    page = owner_client.get(response["Location"]).content.decode()
    assert "Applied." in page


def test_an_upload_with_errors_cannot_be_applied(owner_client, shop):
    data = csv_bytes([["sku", "price"], ["SHIRT-M", "12,50"]])
    owner_client.post("/office/data/upload/", {
        "kind": "variants", "file": SimpleUploadedFile("v.csv", data)})
    job = ImportJob.objects.get()
    page = owner_client.get(f"/office/data/imports/{job.pk}/").content.decode()
    assert "price “12,50”: use a dot for decimals (12.50)." in page
    assert "Apply these changes" not in page
    owner_client.post(f"/office/data/imports/{job.pk}/apply/")
    assert Variant.objects.get(sku="SHIRT-M").price == Decimal("59.00")


def test_large_uploads_run_in_the_background(owner_client, shop, settings):
    settings.KEDAI_DATAIO_BACKGROUND_ROWS = 2
    data = csv_bytes([["sku", "price"], ["SHIRT-M", "1.00"], ["SHIRT-L", "2.00"],
                      ["KOPI-1", "3.00"]])
    owner_client.post("/office/data/upload/", {
        "kind": "variants", "file": SimpleUploadedFile("v.csv", data)})
    job = ImportJob.objects.get()
    assert (job.status, job.total, job.report["updates"]) == ("ready", 3, 3)
    owner_client.post(f"/office/data/imports/{job.pk}/apply/")
    assert Variant.objects.get(sku="KOPI-1").price == Decimal("3.00")


def test_oversized_uploads_are_refused_before_reading(owner_client, settings):
    settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES = 1000
    response = owner_client.post("/office/data/upload/", {
        "kind": "variants", "file": SimpleUploadedFile("v.csv", b"x" * 5000 * 20)},
        follow=True)
    assert "The file is too large (limit 1000\xa0bytes)." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_backup_download_and_restore_refused_into_a_full_shop(owner_client, shop):
    response = owner_client.post("/office/data/backup/")
    assert response["Content-Type"] == "application/zip"
    archive = b"".join(response.streaming_content)
    page = owner_client.post("/office/data/restore/", {
        "file": SimpleUploadedFile("backup.zip", archive), "confirm": "on"},
        follow=True).content.decode()
    assert "Restore only goes into an empty shop" in page


def test_restore_through_the_page_into_an_empty_shop(owner_client, shop):
    from kedai.dataio.backup import backup_models

    archive = b"".join(owner_client.post("/office/data/backup/").streaming_content)
    for model in reversed(backup_models()):
        model._base_manager.all()._raw_delete(using="default")
    page = owner_client.post("/office/data/restore/", {
        "file": SimpleUploadedFile("backup.zip", archive), "confirm": "on"},
        follow=True).content.decode()
    assert "Restored" in page and "rows and 0 files." in page
    assert Variant.objects.get(sku="SHIRT-L").price == Decimal("62.50")


def test_restore_needs_the_confirmation(owner_client, shop):
    response = owner_client.post("/office/data/restore/", {
        "file": SimpleUploadedFile("backup.zip", b"PK")})
    assert response.status_code == 400


def test_a_binary_upload_shows_why_it_was_refused(owner_client, shop):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100)
    response = owner_client.post("/office/data/upload/", {
        "kind": "variants", "file": SimpleUploadedFile("photo.csv", png)},
        follow=True)
    html = response.content.decode()
    assert "This is not a CSV, XLSX or JSON file (it holds binary data)." in html
    assert "Apply these changes" not in html
    assert ImportJob.objects.get().status == "failed"

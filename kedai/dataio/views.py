"""The data pages: thin views over kedai.dataio.services.

Downloads need ``backoffice.export_data``; uploads and restore need
``backoffice.import_data`` (403 otherwise). Every POST form carries the
CSRF token.
"""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kedai.backoffice.access import office_view
from kedai.dataio import services
from kedai.dataio.backup import backup_restore, backup_write
from kedai.dataio.exceptions import DataError
from kedai.dataio.exports import FORMATS, csv_chunks, json_chunks, rows_of, xlsx_write
from kedai.dataio.forms import ExportForm, RestoreForm, UploadForm
from kedai.dataio.migrate import shopify_rows
from kedai.dataio.models import ExportJob, ImportJob, JobStatus
from kedai.dataio.tables import TABLES
from kedai.dataio.tasks import export_run, import_run


def _staff(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _context(**extra) -> dict:
    return {"export_form": ExportForm(), "upload_form": UploadForm(),
            "restore_form": RestoreForm(), "tables": TABLES.values(),
            "formats": list(FORMATS), **extra}


@office_view("export_data")
@require_GET
def home(request: HttpRequest) -> HttpResponseBase:
    return render(request, "dataio/home.html", _context(
        export_jobs=ExportJob.objects.all()[:10],
        import_jobs=ImportJob.objects.all()[:10]))


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@office_view("export_data")
@require_GET
def export(request: HttpRequest) -> HttpResponseBase:
    """Download a table; 10,000+ rows become a background job."""
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "dataio/home.html", _context(export_form=form),
                      status=400)
    table = TABLES[form.cleaned_data["table"]]
    fmt = form.cleaned_data["format"]
    filters = {"date_from": form.cleaned_data["date_from"],
               "date_to": form.cleaned_data["date_to"],
               "text": form.cleaned_data["q"]}
    if table.queryset(**filters).count() >= settings.KEDAI_DATAIO_BACKGROUND_ROWS:
        job = ExportJob.objects.create(
            created_by=_staff(request), table=table.key, format=fmt,
            filters={k: (v.isoformat() if hasattr(v, "isoformat") else v)
                     for k, v in filters.items() if v})
        export_run.enqueue(job_id=str(job.pk))
        return redirect("dataio:export_job", job_id=job.pk)
    filename = f"{table.key}-{_stamp()}.{fmt}"
    headers = table.headers()
    response: HttpResponseBase
    if fmt == "xlsx":
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 2**20)  # noqa: SIM115
        xlsx_write(spool, headers, rows_of(table, filters))
        spool.seek(0)
        response = FileResponse(spool, as_attachment=True, filename=filename,
                                content_type=FORMATS[fmt])
    else:
        chunks = csv_chunks if fmt == "csv" else json_chunks
        response = StreamingHttpResponse(
            chunks(headers, rows_of(table, filters)), content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@office_view("export_data")
@require_GET
def export_shopify(request: HttpRequest) -> HttpResponseBase:
    """Products in Shopify's current product CSV dialect (the exit path)."""
    base = request.build_absolute_uri("/").rstrip("/")
    rows = shopify_rows(image_base_url=base)
    headers = [str(h) for h in next(rows)]
    response = StreamingHttpResponse(csv_chunks(headers, rows),
                                     content_type=FORMATS["csv"])
    response["Content-Disposition"] = (
        f'attachment; filename="products-shopify-{_stamp()}.csv"')
    response["Cache-Control"] = "private, no-store"
    return response


@office_view("export_data")
@require_GET
def export_job(request: HttpRequest, job_id) -> HttpResponseBase:
    job = get_object_or_404(ExportJob, pk=job_id)
    template = ("dataio/_export_progress.html" if request.headers.get("HX-Request")
                else "dataio/export_job.html")
    return render(request, template, {"job": job, "table": TABLES.get(job.table)})


@office_view("export_data")
@require_GET
def export_download(request: HttpRequest, job_id) -> HttpResponseBase:
    job = get_object_or_404(ExportJob, pk=job_id, status=JobStatus.READY)
    path = services.storage_dir() / job.file_name
    if not job.file_name or not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), as_attachment=True,
                            filename=f"{job.table}-{job.created_at:%Y%m%d-%H%M}"
                                     f".{job.format}",
                            content_type=FORMATS[job.format])
    response["Cache-Control"] = "private, no-store"
    return response


@office_view("export_data")
@require_POST
def backup(request: HttpRequest) -> HttpResponseBase:
    """One archive with every table and the media files."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by FileResponse
    backup_write(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True,
                        filename=f"kedai-backup-{_stamp()}.zip",
                        content_type="application/zip")


def _too_large(request: HttpRequest, limit: int) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit + 64 * 1024
    except ValueError:
        return True


@office_view("import_data")
@require_POST
def restore(request: HttpRequest) -> HttpResponseBase:
    if _too_large(request, settings.KEDAI_DATAIO_MAX_BACKUP_BYTES):
        messages.error(request, _("The backup is too large to upload here; run "
                                  "manage.py shop_restore on the server."))
        return redirect("dataio:home")
    form = RestoreForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "dataio/home.html", _context(restore_form=form),
                      status=400)
    if form.cleaned_data["file"].size > settings.KEDAI_DATAIO_MAX_BACKUP_BYTES:
        messages.error(request, _("The backup is too large to upload here; run "
                                  "manage.py shop_restore on the server."))
        return redirect("dataio:home")
    try:
        manifest = backup_restore(form.cleaned_data["file"])
    except DataError as exc:
        messages.error(request, exc.message)
        return redirect("dataio:home")
    messages.success(request, _("Restored %(rows)s rows and %(files)s files.") % {
        "rows": sum(manifest["tables"].values()), "files": len(manifest["media"])})
    return redirect("dataio:home")


@office_view("import_data")
@require_POST
def upload(request: HttpRequest) -> HttpResponseBase:
    """Store an upload under a generated name and preview it."""
    if _too_large(request, settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES):
        messages.error(request, _("The file is too large (limit %(size)s).") % {
            "size": filesizeformat(settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES)})
        return redirect("dataio:home")
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "dataio/home.html", _context(upload_form=form),
                      status=400)
    upload_file = form.cleaned_data["file"]
    try:
        name = services.upload_store(upload=upload_file)
    except DataError as exc:
        messages.error(request, exc.message)
        return redirect("dataio:home")
    job = ImportJob.objects.create(
        created_by=_staff(request), kind=form.cleaned_data["kind"], file_name=name,
        original_name=services.display_name(upload_file.name))
    _run_import(job, apply=False, actor=request.user.get_username())
    return redirect("dataio:import_job", job_id=job.pk)


def _run_import(job: ImportJob, *, apply: bool, actor: str) -> None:
    path = services.storage_dir() / job.file_name
    if services.rows_estimate(path) >= settings.KEDAI_DATAIO_BACKGROUND_ROWS:
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED,
                                                   applying=apply)
        import_run.enqueue(job_id=str(job.pk), apply=apply, actor=actor)
    else:
        services.import_job_run(job_id=str(job.pk), apply=apply, actor=actor)


@office_view("import_data")
@require_GET
def import_job(request: HttpRequest, job_id) -> HttpResponseBase:
    job = get_object_or_404(ImportJob, pk=job_id)
    template = ("dataio/_import_progress.html" if request.headers.get("HX-Request")
                else "dataio/import_job.html")
    report = job.report or {}
    return render(request, template, {
        "job": job, "report": report,
        "changes": report.get("changes", [])[:settings.KEDAI_DATAIO_PREVIEW_ROWS],
        "running": job.status in (JobStatus.QUEUED, JobStatus.RUNNING),
        "can_apply": job.status == JobStatus.READY and not report.get("errors"),
    })


@office_view("import_data")
@require_POST
def import_apply(request: HttpRequest, job_id) -> HttpResponseBase:
    job = get_object_or_404(ImportJob, pk=job_id, status=JobStatus.READY)
    if job.report.get("errors"):
        messages.error(request, _("Fix the errors and upload the file again."))
        return redirect("dataio:import_job", job_id=job.pk)
    _run_import(job, apply=True, actor=request.user.get_username())
    job.refresh_from_db()
    if job.status == JobStatus.APPLIED:
        messages.success(request, _("The upload was applied."))
    elif job.status == JobStatus.FAILED:
        messages.error(request, job.report.get("error", _("Nothing was changed.")))
    return redirect("dataio:import_job", job_id=job.pk)



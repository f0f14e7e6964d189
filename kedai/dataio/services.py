"""Entry points of the data area: exports, uploads (preview, apply), jobs.

Views and tasks call these; the formats live in exports/readers, the rules
of each upload in importers/migrate, backup and restore in backup.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from kedai.dataio.exceptions import DataError
from kedai.dataio.exports import table_write
from kedai.dataio.importers import upload_apply, upload_preview
from kedai.dataio.models import ExportJob, ImportJob, JobStatus
from kedai.dataio.readers import sheet_read
from kedai.dataio.tables import TABLES

PROGRESS_EVERY_SECONDS = 0.5


def storage_dir() -> Path:
    path = Path(settings.KEDAI_DATAIO_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def generated_name(suffix: str) -> str:
    """A fresh random file name; user-supplied names are never used."""
    return f"{secrets.token_hex(16)}.{suffix}"


def upload_store(*, upload: UploadedFile) -> str:
    """Save an uploaded file under a generated name; return that name.

    Refuses files over KEDAI_DATAIO_MAX_UPLOAD_BYTES before reading them.
    """
    if upload.size is None or upload.size > settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES:
        raise DataError(_("The file is too large (limit %(size)s).")
                        % {"size": filesizeformat(
                            settings.KEDAI_DATAIO_MAX_UPLOAD_BYTES)},
                        code="size")
    name = generated_name("upload")
    with (storage_dir() / name).open("wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    return name


def display_name(name: str | None) -> str:
    """The browser's file name reduced to its last part, for display only."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


class _Progress:
    """Saves ``done`` on a job at most twice a second."""

    def __init__(self, job: ExportJob | ImportJob) -> None:
        self.job, self.last = job, 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_SECONDS:
            self.last = now
            type(self.job).objects.filter(pk=self.job.pk).update(done=done)


def export_job_run(*, job_id: str) -> ExportJob:
    """Write a queued export to its generated file; record progress."""
    job = ExportJob.objects.get(pk=job_id)
    table = TABLES[job.table]
    filters = _filters(job.filters)
    job.status, job.total = JobStatus.RUNNING, table.queryset(**filters).count()
    job.file_name = generated_name(job.format)
    job.save(update_fields=["status", "total", "file_name"])
    try:
        table_write(storage_dir() / job.file_name, table, job.format, filters,
                    _Progress(job))
    except Exception as exc:
        job.status, job.error = JobStatus.FAILED, str(exc)[:500]
    else:
        job.status, job.done = JobStatus.READY, job.total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "done", "error", "finished_at"])
    return job


def _filters(raw: dict) -> dict:
    import datetime

    result: dict = {"text": raw.get("text", "")}
    for key in ("date_from", "date_to"):
        result[key] = datetime.date.fromisoformat(raw[key]) if raw.get(key) else None
    return result


def import_job_run(*, job_id: str, apply: bool, actor: str) -> ImportJob:
    """Preview (``apply=False``) or apply an uploaded file; store the report."""
    job = ImportJob.objects.get(pk=job_id)
    job.status, job.applying = JobStatus.RUNNING, apply
    job.save(update_fields=["status", "applying"])
    progress = _Progress(job)
    try:
        sheet = sheet_read(storage_dir() / job.file_name)
        ImportJob.objects.filter(pk=job.pk).update(total=len(sheet.rows))
        job.total = len(sheet.rows)
        if apply:
            plan = upload_apply(kind=job.kind, sheet=sheet, actor=actor,
                                progress=progress)
            job.status = JobStatus.APPLIED
        else:
            plan = upload_preview(kind=job.kind, sheet=sheet, progress=progress)
            job.status = JobStatus.READY
        job.report = plan.report()
    except DataError as exc:
        job.status = JobStatus.FAILED
        job.report = {**exc.extra.get("plan", job.report or {}),
                      "error": exc.message}
    job.done = job.total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "report", "done", "total", "finished_at"])
    return job


def rows_estimate(path: Path) -> int:
    """About how many rows a file holds, without parsing it (CSV: lines;
    XLSX and JSON: one row per 100 bytes)."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith(b"PK") or head.lstrip()[:1] in (b"[", b"{"):
        return size // 100
    count = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(2**20), b""):
            count += block.count(b"\n")
    return count

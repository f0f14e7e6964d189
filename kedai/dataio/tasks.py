"""Background exports and uploads (10,000+ rows), run by the task worker."""

from django_tasks import task

from kedai.dataio.services import export_job_run, import_job_run


@task()
def export_run(*, job_id: str) -> None:
    """Write a queued export file (see ExportJob)."""
    export_job_run(job_id=job_id)


@task()
def import_run(*, job_id: str, apply: bool, actor: str) -> None:
    """Preview or apply an uploaded file (see ImportJob)."""
    import_job_run(job_id=job_id, apply=apply, actor=actor)

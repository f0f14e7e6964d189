"""Background work for payments (django-tasks)."""

from django_tasks import task

from kedai.payments.callbacks import payments_requery_pending


@task()
def requery_pending_payments() -> int:
    """Ask the gateways about payments still pending (FLT-05); returns how
    many changed. Safe to run often: it honours each gateway's query
    interval."""
    return payments_requery_pending()

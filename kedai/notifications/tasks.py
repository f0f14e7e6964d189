"""Background work of the outbox (django-tasks)."""

from django_tasks import task

from kedai.notifications import delivery


@task()
def deliver_message(*, message_id: int) -> None:
    """Deliver one outbox message if it is due (a wake-up, safe to repeat)."""
    delivery.message_deliver(message_id=message_id)


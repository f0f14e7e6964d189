"""The outbox: messages written with the event, and every delivery attempt.

A ``Message`` row is created in the same transaction as the event that
causes it (ARCHITECTURE.md §6), so a rolled-back order never leaves mail
behind. The delivery worker (``kedai.notifications.delivery``) claims due
rows, sends them over Django's email backend and records each attempt.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kedai.core.models import TimeStampedModel


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(TimeStampedModel):
    """One email to one recipient, waiting in (or already out of) the outbox."""

    kind = models.CharField(_("kind"), max_length=40, db_index=True)
    # What the message is about, for the owner's search (order number).
    reference = models.CharField(_("reference"), max_length=60, blank=True,
                                 db_index=True)
    # At most one message per event and recipient ("invoice:INV-…:customer");
    # null for messages that may repeat (resends).
    dedupe_key = models.CharField(max_length=120, null=True, blank=True,
                                  unique=True, editable=False)
    to_email = models.CharField(_("to"), max_length=254)
    from_email = models.CharField(_("from"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    # Empty until sent when ``render`` is set; after sending, the text as
    # sent with its live links redacted (kedai.notifications.rendering).
    body_text = models.TextField(_("plain text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    # {"source", "args"}: how the text is made at send time. The args hold
    # references (ids, sealed values), never a live link.
    render = models.JSONField(default=dict, blank=True, editable=False)
    # [{"filename", "mimetype", "source", "key"}]: loaded when sending, see
    # kedai.notifications.attachments.
    attachments = models.JSONField(default=list, blank=True)
    # Stable across retries, so a copy that slipped through twice (worker
    # killed between SMTP "250 OK" and recording it) is recognisable.
    message_id = models.CharField(max_length=255, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10,
                              choices=MessageStatus.choices,
                              default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True,
                                           blank=True)
    # While SENDING: the worker's claim and how long it holds it.
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    resent_from = models.ForeignKey("self", null=True, blank=True,
                                    on_delete=models.SET_NULL,
                                    related_name="resends",
                                    verbose_name=_("copy of"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"],
                         name="message_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sending") | Q(lease_until__isnull=False),
                name="message_sending_has_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"


class AttemptOutcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SENT = "sent", _("Sent")
    RETRY = "retry", _("Temporary failure, will retry")
    FAILED = "failed", _("Permanent failure")
    ABANDONED = "abandoned", _("Worker stopped; lease expired")


class DeliveryAttempt(models.Model):
    """One try at handing a message to the mail server."""

    message = models.ForeignKey(Message, related_name="delivery_attempts",
                                on_delete=models.CASCADE)
    claim_token = models.CharField(max_length=32, db_index=True)
    worker = models.CharField(max_length=100, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=AttemptOutcome.choices,
                               default=AttemptOutcome.IN_PROGRESS)
    smtp_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.started_at:%Y-%m-%d %H:%M}: {self.outcome}"


class MailboxMessage(models.Model):
    """Mail kept in the database by the demo backend (no SMTP configured)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_email = models.CharField(_("from"), max_length=254)
    to = models.TextField(_("to"))
    subject = models.CharField(_("subject"), max_length=255)
    message_id = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(_("plain text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    attachment_names = models.JSONField(default=list, blank=True)
    raw = models.BinaryField(_("raw message"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("demo mailbox message")
        verbose_name_plural = _("demo mailbox")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

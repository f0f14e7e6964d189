"""The outbox in the back office: status, attempts, errors, preview, resend."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin, TabularInline

from kedai.notifications.mailbox import mailbox_unseal
from kedai.notifications.models import (
    DeliveryAttempt,
    MailboxMessage,
    Message,
    MessageStatus,
)
from kedai.notifications.rendering import message_render, redact
from kedai.notifications.services import message_resend


def _html_preview(html: str) -> str:
    if not html:
        return "—"
    # srcdoc is escaped by format_html; the sandbox runs no script and
    # loads nothing into the back office's origin.
    return format_html(
        '<iframe sandbox="" srcdoc="{}" style="width:100%;max-width:760px;'
        'height:480px;border:1px solid #ccc;background:#fff"></iframe>', html)


class DeliveryAttemptInline(TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = readonly_fields = ("started_at", "finished_at", "outcome", "smtp_code",
                                "error", "worker")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ModelAdmin):
    list_display = ["created_at", "kind", "reference", "to_email", "subject",
                    "status", "attempts", "next_attempt_at", "sent_at",
                    "short_error"]
    list_filter = ["status", "kind"]
    search_fields = ["to_email", "reference", "subject", "message_id"]
    date_hierarchy = "created_at"
    actions = ["resend"]
    inlines = [DeliveryAttemptInline]
    readonly_fields = ["kind", "reference", "from_email", "subject", "status",
                       "attempts", "next_attempt_at", "sent_at", "last_error",
                       "message_id", "resent_from", "attachment_list",
                       "text", "html_preview", "created_at"]
    fieldsets = [
        (None, {"fields": ["status", "to_email", "subject", "kind", "reference",
                           "from_email", "created_at", "sent_at", "attempts",
                           "next_attempt_at", "last_error", "message_id",
                           "resent_from"]}),
        (_("Content"), {"fields": ["attachment_list", "text", "html_preview"]}),
    ]

    def _content(self, obj: Message) -> tuple[str, str]:
        # A message not sent yet is rendered for the preview, its live
        # links redacted as they will be in the stored copy.
        if not obj.render or obj.status == MessageStatus.SENT:
            return obj.body_text, obj.body_html
        try:
            rendered = message_render(obj)
        except Exception as exc:
            return f"(Cannot be rendered now: {exc})", ""
        return (redact(rendered.body_text, rendered.secrets),
                redact(rendered.body_html, rendered.secrets))

    @admin.display(description=_("plain text"))
    def text(self, obj: Message) -> str:
        return self._content(obj)[0]

    @admin.display(description=_("error"))
    def short_error(self, obj: Message) -> str:
        error = obj.last_error
        return (error[:80] + "…") if len(error) > 80 else error

    @admin.display(description=_("attachments"))
    def attachment_list(self, obj: Message) -> str:
        return ", ".join(a["filename"] for a in obj.attachments) or "—"

    @admin.display(description=_("HTML preview"))
    def html_preview(self, obj: Message) -> str:
        return _html_preview(self._content(obj)[1])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        # Only the address of a failed message may be corrected (then resent).
        if obj is None or obj.status != MessageStatus.FAILED:
            fields.append("to_email")
        return fields

    def save_model(self, request, obj: Message, form, change) -> None:
        # Editing is only for correcting an address; resending validates it
        # and puts the message back in the queue in one step.
        if change and "to_email" in form.changed_data:
            message_resend(message=Message.objects.get(pk=obj.pk), to=obj.to_email)
            self.message_user(request, _("Address changed; the message is queued "
                                         "again."))

    @admin.action(description=_("Resend selected messages"))
    def resend(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        count = 0
        for message in queryset:
            result = message_resend(message=message)
            if result.status == MessageStatus.PENDING:
                count += 1
            elif result.status == MessageStatus.FAILED:
                self.message_user(request, f"{message.to_email}: {result.last_error}",
                                  messages.WARNING)
        self.message_user(request, ngettext("%d message queued.",
                                            "%d messages queued.", count) % count)


@admin.register(MailboxMessage)
class MailboxMessageAdmin(ModelAdmin):
    list_display = ["created_at", "to", "subject", "attachment_count"]
    search_fields = ["to", "subject"]
    fields = readonly_fields = ("created_at", "from_email", "to", "subject",
                                "message_id", "attachment_names", "text",
                                "html_preview")

    @admin.display(description=_("attachments"))
    def attachment_count(self, obj: MailboxMessage) -> int:
        return len(obj.attachment_names)

    # The demo mailbox is the recipients' inbox: its links are stored sealed
    # and opened here, for the signed-in owner only.
    @admin.display(description=_("plain text"))
    def text(self, obj: MailboxMessage) -> str:
        return mailbox_unseal(obj.body_text)

    @admin.display(description=_("HTML preview"))
    def html_preview(self, obj: MailboxMessage) -> str:
        return _html_preview(mailbox_unseal(obj.body_html, html=True))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

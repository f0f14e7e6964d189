"""/office/mailbox/: the demo mailbox, read as the customers see it.

Without ``EMAIL_URL`` the shop's mail is kept in the database
(:mod:`kedai.notifications.mailbox`). These pages list it and open each
message: its plain text, its HTML in a sandboxed frame served from a URL
with a strict Content-Security-Policy (no script, no form, nothing loaded
but pictures, no access to the back office's origin), and its PDF
attachments. Owner only (``manage_settings``): the messages hold
customers' addresses and live links. Nothing here is cached.
"""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import get_valid_filename
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from kedai.backoffice.access import office_view
from kedai.notifications.mailbox import mailbox_unseal
from kedai.notifications.models import MailboxMessage

PAGE_SIZE = 50
# The HTML frame: inline styles and pictures as an email client shows them;
# no script, no plugin, no form, no navigation of the back office; only
# the back office may frame it.
HTML_CSP = ("default-src 'none'; style-src 'unsafe-inline'; "
            "img-src https: http: data: cid:; font-src https: data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'self'; sandbox")
INLINE_TYPES = {"application/pdf"}
owner = office_view("manage_settings")


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _attachments(message: MailboxMessage) -> list[EmailMessage]:
    parsed = message_from_bytes(bytes(message.raw), policy=policy.default)
    if not isinstance(parsed, EmailMessage):
        return []
    return list(parsed.iter_attachments())


@require_GET
@owner
def message_list(request: HttpRequest) -> HttpResponse:
    """The mailbox, newest first."""
    page = Paginator(MailboxMessage.objects.order_by("-created_at", "-id"),
                     PAGE_SIZE).get_page(request.GET.get("page"))
    return _private(render(request, "backoffice/mailbox/list.html", {"page": page}))


@require_GET
@owner
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One message: headers, attachments, HTML (framed) and plain text."""
    message = get_object_or_404(MailboxMessage, pk=pk)
    attachments = [{"index": i, "name": part.get_filename() or f"attachment-{i}",
                    "type": part.get_content_type(),
                    "size": len(part.get_payload(decode=True) or b"")}
                   for i, part in enumerate(_attachments(message), start=1)]
    return _private(render(request, "backoffice/mailbox/detail.html", {
        "message": message, "attachments": attachments,
        "text": mailbox_unseal(message.body_text)}))


@require_GET
@owner
@xframe_options_sameorigin
def message_html(request: HttpRequest, pk: int) -> HttpResponse:
    """The message's HTML as sent, for the sandboxed frame of the detail."""
    message = get_object_or_404(MailboxMessage, pk=pk)
    if not message.body_html:
        raise Http404
    response = HttpResponse(mailbox_unseal(message.body_html, html=True),
                            content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_CSP
    return _private(response)


@require_GET
@owner
def message_attachment(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """Attachment ``index`` (1-based): a PDF opens in the browser, anything
    else downloads as bytes."""
    message = get_object_or_404(MailboxMessage, pk=pk)
    parts = _attachments(message)
    if not 1 <= index <= len(parts):
        raise Http404
    part = parts[index - 1]
    content_type = part.get_content_type()
    name = get_valid_filename(part.get_filename() or f"attachment-{index}")
    if content_type in INLINE_TYPES:
        response = HttpResponse(part.get_payload(decode=True) or b"",
                                content_type=content_type)
        response["Content-Disposition"] = f'inline; filename="{name}"'
    else:
        response = HttpResponse(part.get_payload(decode=True) or b"",
                                content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _private(response)

"""Message text produced when the message is sent, not when it is queued.

An outbox row may name how its text is made (``{"source":
"invoicing.document", "args": {"number": "INV-…", "role": "customer"}}``)
instead of holding it; the owning app registers a renderer for its source
in ``AppConfig.ready``, as it does for attachments. Two reasons:

- Queuing stays cheap inside the event's transaction: no template is
  rendered while the order's and the invoice's number counters are locked.
- The live link a message carries (order page, cart, sign-in link) is put
  in at send time and never stored: the row holds a reference (an id, a
  sealed value), and after sending it keeps the text with the links
  replaced by :data:`REDACTED`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any

from kedai.notifications.exceptions import RenderError

if TYPE_CHECKING:
    from kedai.notifications.models import Message

REDACTED = "[link removed: open it from the email]"


@dataclass(frozen=True)
class Rendered:
    """A message's text; ``secrets`` are the live links in it, which are
    never stored."""

    subject: str
    body_text: str
    body_html: str = ""
    secrets: tuple[str, ...] = ()


Renderer = Callable[[dict[str, Any]], Rendered]
_RENDERERS: dict[str, Renderer] = {}


def renderer_register(*, source: str, renderer: Renderer) -> None:
    """Make ``renderer(args) -> Rendered`` the renderer of ``source``.

    A renderer may read the database; it raises MessageObsolete when what
    the message is about is gone (the message then fails without retries)
    and must never send anything itself.
    """
    _RENDERERS[source] = renderer


def message_render(message: Message) -> Rendered:
    """The text of ``message`` as it is to be sent now, in the language
    that was active when it was queued."""
    spec = message.render or {}
    if not spec:
        return Rendered(message.subject, message.body_text, message.body_html)
    try:
        renderer = _RENDERERS[spec["source"]]
    except KeyError:
        raise RenderError(f"no renderer for {spec.get('source')!r}") from None
    # In the language of the request that queued it (a renderer may
    # choose another, e.g. the order's own language).
    from django.conf import settings
    from django.utils import translation

    with translation.override(spec.get("language") or settings.LANGUAGE_CODE):
        return renderer(dict(spec.get("args") or {}))


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by :data:`REDACTED`."""
    # The HTML body carries the link escaped ("&" as "&amp;").
    forms = {form for secret in secrets if secret
             for form in (secret, escape(secret))}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text

"""Attachments loaded when a message is sent, not when it is queued.

An outbox row names its attachments by source and key (``{"source":
"invoicing.document", "key": "INV-2026-000001"}``); the owning app
registers a loader for its source in ``AppConfig.ready``. Queuing stays
cheap inside the event's transaction, and the bytes are produced from the
immutable document when the worker sends.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass

from kedai.notifications.exceptions import AttachmentError

Loader = Callable[[str], bytes]
_LOADERS: dict[str, Loader] = {}


@dataclass(frozen=True)
class Attachment:
    """A file to attach: ``source``'s loader turns ``key`` into bytes."""

    filename: str
    mimetype: str
    source: str
    key: str

    def as_json(self) -> dict[str, str]:
        return asdict(self)


def attachment_source_register(*, source: str, loader: Loader) -> None:
    """Make ``loader(key) -> bytes`` the loader of ``source``."""
    _LOADERS[source] = loader


def attachment_load(*, source: str, key: str) -> bytes:
    """The attachment's bytes; AttachmentError if the source is unknown."""
    try:
        loader = _LOADERS[source]
    except KeyError:
        raise AttachmentError(f"no attachment loader for {source!r}") from None
    return loader(key)

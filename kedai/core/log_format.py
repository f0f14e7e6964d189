"""Logs as one JSON object per line (LOG_FORMAT=json), with a request id.

``OperationsMiddleware`` sets the request id for the duration of a request:
the ``X-Request-ID`` header a proxy sent (nginx ``$request_id``) when it is
sane, else a fresh one; it is echoed in the response. Every line is passed
through :func:`kedai.core.log_filters.redact`, so capability tokens never
reach the log, whatever logger or exception produced them.
"""

import contextvars
import json
import logging
import re
import secrets
from datetime import UTC, datetime

from kedai.core.log_filters import redact

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_start(header: str | None) -> str:
    """Adopt the proxy's request id (if sane) or make one, for this request."""
    value = header if header and _SANE_ID.fullmatch(header) else secrets.token_hex(8)
    _request_id.set(value)
    return value


def request_id_clear(**kwargs) -> None:
    """request_finished receiver: lines after the request carry no id."""
    _request_id.set("")


class RequestIdFilter(logging.Filter):
    """Adds ``record.request_id`` (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id,
    and the exception text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", "") or _request_id.get(),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)

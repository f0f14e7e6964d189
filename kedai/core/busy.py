"""A database too busy to answer in time is a "try again", not an error.

On SQLite one writer holds the write lock at a time; a request whose
transaction waited the whole busy timeout (``KEDAI_SQLITE_BUSY_TIMEOUT``)
gets "database is locked". On PostgreSQL the same is a lock or statement
timeout. Either way nothing was written (the transaction never began or was
rolled back), so the honest answer is 503 with ``Retry-After`` and a page
saying so, never a 500. :class:`DatabaseBusyMiddleware` answers for views;
``kedai.storefront.views.errors.server_error`` answers for everything else
(a session saved after the view, another middleware).
"""

import logging

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLSTATEs of PostgreSQL's lock_timeout (55P03) and statement_timeout or
# cancelled query (57014).
_BUSY_SQLSTATES = {"55P03", "57014"}


def is_database_busy(exc: BaseException | None) -> bool:
    """True for a database that answered "locked" or "timed out waiting"."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    cause = exc.__cause__ or exc
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def busy_response() -> HttpResponse:
    """503 "busy, try again", rendered without touching the database (no
    context processors: they read the cart and the navigation)."""
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseBusyMiddleware:
    """Turn a view's busy-database error into :func:`busy_response`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_busy(exception):
            return None
        logger.warning("database busy: answered 503 to %s %s (%s)",
                       request.method, request.path_info, exception)
        return busy_response()

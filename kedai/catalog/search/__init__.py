"""Product search behind one interface, one backend per database.

``get_search_backend()`` picks SQLite FTS5 or PostgreSQL full-text search
from the database vendor, unless ``KEDAI_SEARCH_BACKEND`` names a class.
"""

from functools import cache

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from kedai.catalog.search.base import SearchBackend, SearchHits, Suggestion, terms

__all__ = ["SearchBackend", "SearchHits", "Suggestion", "get_search_backend", "terms"]

_BY_VENDOR = {
    "sqlite": "kedai.catalog.search.sqlite.SQLiteSearchBackend",
    "postgresql": "kedai.catalog.search.postgres.PostgresSearchBackend",
}


@cache
def _backend(path: str) -> SearchBackend:
    return import_string(path)()


def get_search_backend() -> SearchBackend:
    """Return the configured search backend (one instance per process)."""
    return _backend(settings.KEDAI_SEARCH_BACKEND or _BY_VENDOR[connection.vendor])

"""Product search behind one interface, one backend per database.

``get_search_backend()`` returns the ``"default"`` entry of
``KEDAI_SEARCH_BACKENDS`` (SQLite FTS5 or PostgreSQL full-text search,
following the database, unless ``KEDAI_SEARCH_BACKEND`` names a class),
loaded by :mod:`kedai.core.registry`.
"""

from functools import cache

from django.core.exceptions import ImproperlyConfigured

from kedai.catalog.search.base import SearchBackend, SearchHits, Suggestion, terms
from kedai.core.registry import adapter_configs, adapter_get

__all__ = ["SearchBackend", "SearchHits", "Suggestion", "get_search_backend", "terms"]

SETTING = "KEDAI_SEARCH_BACKENDS"


@cache
def _backend(path: str) -> SearchBackend:
    backend = adapter_get(SETTING, "default")
    if backend is None:
        raise ImproperlyConfigured(f"{SETTING} has no 'default' backend")
    return backend


def get_search_backend() -> SearchBackend:
    """Return the configured search backend (one instance per process)."""
    return _backend(adapter_configs(SETTING)["default"]["BACKEND"])

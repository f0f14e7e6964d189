"""Shared fixtures. Tests run on SQLite (file-backed) or on PostgreSQL when
DATABASE_URL says so; the same behaviour tests run on both."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (navigation, rate limits)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def vendor():
    from django.db import connection

    return connection.vendor

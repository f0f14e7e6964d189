"""Shared fixtures. Tests run on SQLite (file-backed) or on PostgreSQL when
DATABASE_URL says so; the same behaviour tests run on both."""

import pytest
from django.core.cache import cache, caches


def pytest_configure(config):
    """Compile the translations (.po -> .mo, not committed) before Django
    loads any, so Malay pages work whether or not `make test` ran."""
    from kedai.core.translations import messages_compile

    messages_compile()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request to a /ms/ page
    leaves Malay active in the thread (LocaleMiddleware activates, never
    deactivates), which would turn the next test's messages Malay."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches (navigation, rate limits, the
    shared version stamps)."""
    cache.clear()
    caches["shared"].clear()
    yield
    cache.clear()
    caches["shared"].clear()


@pytest.fixture
def vendor():
    from django.db import connection

    return connection.vendor


@pytest.fixture(scope="session")
def sandbox():
    """The gateway and carrier simulators, over real HTTP on a free port."""
    from kedai.sandbox.server import SandboxServer

    server = SandboxServer().start()
    yield server
    server.stop()


@pytest.fixture
def sandbox_url(sandbox, settings):
    """The sandbox's base URL, also set as KEDAI_SANDBOX_URL for the test."""
    settings.KEDAI_SANDBOX_URL = sandbox.url
    return sandbox.url

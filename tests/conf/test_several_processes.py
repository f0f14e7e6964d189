"""Several gunicorn processes behave as one shop with the default settings.

No CACHE_URL: each process has its own in-process cache, and only the
"shared" cache alias (a file cache in KEDAI_VAR_DIR) holds the catalogue
version. An owner's edit must show on every process's next request.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from kedai.catalog.models import FrontPage
from kedai.shopsettings.services import front_page_update

pytestmark = pytest.mark.django_db(transaction=True)
PROCESSES = 3


def _listening_socket() -> socket.socket:
    """A socket bound to a free port and listening, handed to gunicorn as
    fd://N: no other process on the machine can take the port between
    choosing it and gunicorn binding it (and answer in its place)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.set_inheritable(True)
    return sock


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
        return response.read().decode()


@pytest.fixture
def servers():
    """Three single-process gunicorn servers on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kedai.conf.settings_test",
        "DATABASE_URL": _database_url(),
        "KEDAI_VAR_DIR": str(settings.VAR_DIR),
        "KEDAI_PAGE_CACHE_SECONDS": "300",
    }
    env.pop("PYTEST_ADDOPTS", None)
    socks = [_listening_socket() for _ in range(PROCESSES)]
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", "gunicorn", "kedai.conf.wsgi",
             "--bind", f"fd://{sock.fileno()}", "--workers", "1",
             "--log-level", "warning"],
            env=env, cwd=root, pass_fds=[sock.fileno()])
        for sock in socks
    ]
    urls = [f"http://127.0.0.1:{sock.getsockname()[1]}" for sock in socks]
    for sock in socks:
        sock.close()  # each gunicorn holds its own copy
    try:
        deadline = time.monotonic() + 60
        for url in urls:
            while True:
                try:
                    _get(url + "/healthz")
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_owners_front_page_edit_shows_on_every_process_at_once(servers):
    """After the owner saves, each process's next request shows the edit,
    although every process had the old front page cached."""
    FrontPage.objects.update_or_create(pk=1, defaults={"announcement": "Old news"})
    front_page_update(fields={"announcement": "Old news"},
                      featured_categories=[], featured_products=[])
    for url in servers:
        for _ in range(2):  # navigation and the whole page now cached
            assert "Old news" in _get(url + "/")

    front_page_update(fields={"announcement": "Raya sale today"},
                      featured_categories=[], featured_products=[])

    for url in servers:
        body = _get(url + "/")
        assert "Raya sale today" in body and "Old news" not in body


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_wrong_token_links_are_counted_across_processes(servers):
    """Thirty guessed cart links spread over three processes are thirty
    (the count lives in the shared cache): every process then answers 429,
    not only after thirty guesses each."""
    import secrets

    from kedai.storefront.middleware import TOKEN_MISSES_PER_WINDOW

    for i in range(TOKEN_MISSES_PER_WINDOW):
        url = servers[i % len(servers)]
        assert _status(f"{url}/s/{secrets.token_urlsafe(24)}/cart/") == 404
    for url in servers:
        assert _status(f"{url}/s/{secrets.token_urlsafe(24)}/cart/") == 429

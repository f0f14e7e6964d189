"""A busy database: 503 "try again", and the worker survives it (issue 13,
defect 1). A second, real connection holds SQLite's write lock on the
file-backed test database while the shop waits a short busy timeout."""

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import make_product

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sqlite_path(vendor):
    if vendor != "sqlite":
        pytest.skip("SQLite's single-writer lock")
    return connection.settings_dict["NAME"]


@contextlib.contextmanager
def write_lock_held(path):
    """Another process's writer holding the database's write lock."""
    other = sqlite3.connect(path, isolation_level=None, timeout=5)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE IF NOT EXISTS busy_probe (x)")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def short_busy_timeout(sqlite_path):
    connection.ensure_connection()
    connection.connection.execute("PRAGMA busy_timeout=200")
    yield
    connection.close()  # the next connection gets the configured timeout


def test_a_write_waiting_past_the_busy_timeout_gets_503(client, sqlite_path,
                                                       short_busy_timeout):
    product = make_product(variants=[{"stock": 5}])
    with write_lock_held(sqlite_path):
        started = time.monotonic()
        response = client.post("/cart/add/", {"product": product.pk, "quantity": 1})
        waited = time.monotonic() - started
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "busy" in response.content.decode()
    assert waited < 5
    from kedai.cart.models import Cart

    assert not Cart.objects.exists()  # nothing half-done
    # Once the other writer is done, the same request works.
    assert client.post("/cart/add/", {"product": product.pk,
                                      "quantity": 1}).status_code == 303


def test_the_task_worker_survives_a_locked_database(sqlite_path):
    """db_worker died with "database is locked"; task_worker waits it out
    with backoff and carries on (--batch: exit once the queue is empty)."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{sqlite_path}",
           "KEDAI_SQLITE_BUSY_TIMEOUT": "0.1",
           "DJANGO_SETTINGS_MODULE": "kedai.conf.settings"}
    env.pop("KEDAI_TASKS_BACKEND", None)
    lines: list[str] = []
    with write_lock_held(sqlite_path):
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", "task_worker", "--batch", "--no-reload",
             "--no-startup-delay", "--interval", "0.1"],
            cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True)
        reader = threading.Thread(target=lambda: lines.extend(worker.stdout),
                                  daemon=True)
        reader.start()
        try:
            deadline = time.monotonic() + 60
            while (not any("retries" in line for line in lines)
                   and worker.poll() is None and time.monotonic() < deadline):
                time.sleep(0.1)
            time.sleep(1.5)  # a couple of retries more
            assert worker.poll() is None, "".join(lines)
        except BaseException:
            worker.kill()
            raise
    worker.wait(timeout=90)
    reader.join(timeout=5)
    output = "".join(lines)
    assert worker.returncode == 0, output
    assert "database busy" in output and "exiting gracefully" in output


def test_a_lock_wait_that_times_out_on_postgresql_gets_503(client, vendor):
    """PostgreSQL: another transaction holds the cart's row lock past the
    connection's lock_timeout."""
    if vendor != "postgresql":
        pytest.skip("PostgreSQL's lock_timeout")
    import psycopg

    from kedai.cart.models import Cart, CartLine

    product = make_product(variants=[{"stock": 5}])
    added = client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    token = added["Location"].split("/")[2]
    cart = Cart.objects.get()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as other, other.transaction():
        # Adding to the cart is one INSERT … ON CONFLICT DO UPDATE of the
        # line: a transaction holding that line's row makes it wait.
        other.execute("SELECT id FROM cart_cartline WHERE cart_id = %s FOR UPDATE",
                      [cart.pk])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        response = client.post(f"/s/{token}/cart/add/", {"product": product.pk,
                                                         "quantity": 1})
    connection.close()
    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert CartLine.objects.get().quantity == 1  # nothing changed

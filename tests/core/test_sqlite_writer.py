"""SQLite's writers take turns in the application (kedai.core.sqlite_writer):
across processes, and never while a transaction may hold SQLite's lock."""

import multiprocessing
import time

import pytest
from django.db import connection, transaction

from kedai.core import sqlite_writer as module
from kedai.core.sqlite_writer import sqlite_writer

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="only SQLite queues its writers")


def _child(ready, entered):
    ready.wait(10)
    with sqlite_writer():
        entered.put(time.monotonic())


@pytest.mark.django_db(transaction=True)
def test_a_second_process_waits_for_the_first():
    context = multiprocessing.get_context("fork")
    ready, entered = context.Event(), context.Queue()
    child = context.Process(target=_child, args=(ready, entered))
    child.start()  # before this process holds the queue: fork copies locks
    try:
        with sqlite_writer():
            ready.set()
            time.sleep(0.5)
            released = time.monotonic()
        assert entered.get(timeout=10) >= released
    finally:
        child.join(10)
    assert child.exitcode == 0


@pytest.mark.django_db(transaction=True)
def test_threads_of_one_process_wait_too():
    import threading

    order = []

    def second():
        with sqlite_writer():
            order.append("second")

    with sqlite_writer():
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        order.append("first")
    thread.join(10)
    assert order == ["first", "second"]


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_it_does_not_queue(monkeypatch):
    def no_queue(database):
        raise AssertionError("queued inside a transaction")

    monkeypatch.setattr(module, "_lock_file", no_queue)
    with transaction.atomic(), sqlite_writer():
        pass


@pytest.mark.django_db(transaction=True)
def test_checkpoints_run_outside_the_queue(monkeypatch):
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(module, "CHECKPOINT_EVERY", 2)
    monkeypatch.setattr(module, "_writes", 0)

    def autocheckpoint() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    seen = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(4):
            with sqlite_writer():
                seen.append(autocheckpoint())
    assert seen == [0, 0, 0, 0]  # no automatic checkpoint inside the queue
    assert autocheckpoint() == module.AUTOCHECKPOINT
    checkpoints = [q["sql"] for q in queries.captured_queries
                   if "wal_checkpoint" in q["sql"]]
    assert checkpoints == ["PRAGMA wal_checkpoint(PASSIVE)"] * 2

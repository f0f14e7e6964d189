"""Queue SQLite's writers in the application, not in SQLite's busy handler.

SQLite lets one connection write at a time. A second writer waits in the
busy handler, which polls: it sleeps 1, 2, 5, 10, 15, 20, 25 … up to
100 ms between tries (``sqliteDefaultBusyCallback`` in SQLite's
``main.c``). Under a burst of short writes from several threads and
processes, such as shoppers adding to their carts, a writer can miss the
free lock several times in a row and wait a hundred milliseconds or more
for writes that take a fraction of one: the add-to-cart benchmark's p99
was 250 ms with a median of 20 ms (bench/README.md).

:func:`sqlite_writer` makes such writers take turns instead: the threads of
one process on a lock, the processes on an exclusive ``flock`` of a file
beside the database (``<database>.writer-lock``), and each waits exactly
as long as the writes before it take. It wraps one statement in
autocommit mode, or one short transaction begun inside it::

    with sqlite_writer(), transaction.atomic(durable=True):
        ...

(the transaction's ``BEGIN IMMEDIATE`` then finds the lock free, unless a
writer outside the queue holds it).

A commit that grows SQLite's write-ahead log past 1,000 pages copies the
log into the database before it returns (an automatic checkpoint: tens
of milliseconds with its fsync). Inside the queue that would hold up every
writer behind it, so a queued statement runs with automatic checkpoints
off, and every ``CHECKPOINT_EVERY``-th queued write of a process runs a
passive checkpoint after leaving the queue (other writers carry on
meanwhile; writes outside the queue keep SQLite's automatic checkpoints).

It does nothing on other databases, for an in-memory database, or inside
a transaction: a transaction may already hold SQLite's lock, and waiting
for the queue while holding it could stall the writer ahead (which waits
for that lock in SQLite) for the whole busy timeout.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

# SQLite's default: a commit that leaves the log this many pages long
# copies it into the database (a checkpoint) before it returns.
AUTOCHECKPOINT = 1000
# Queued writes checkpoint after leaving the queue instead, every so many.
CHECKPOINT_EVERY = 250
_lock = threading.Lock()
_writes = 0
# Opened per process: an open file inherited across fork() would share one
# flock between parent and child.
_files: dict[tuple[int, str], int] = {}


def _lock_file(database: str) -> int | None:
    if not database or database == ":memory:" or "mode=memory" in database:
        return None
    key = (os.getpid(), database)
    fd = _files.get(key)
    if fd is None:
        fd = os.open(f"{database}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
        _files[key] = fd
    return fd


@contextmanager
def sqlite_writer() -> Iterator[None]:
    """Wait for this process's and every other process's writers ahead."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    global _writes
    with _lock:
        fd = _lock_file(str(connection.settings_dict["NAME"]))
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            # A setting of this connection, not a query: straight to sqlite3
            # (Django's cursor costs more than the statement).
            connection.ensure_connection()
            connection.connection.execute("PRAGMA wal_autocheckpoint = 0")
            try:
                yield
            finally:
                raw = connection.connection  # None if closed meanwhile: a
                if raw is not None:  # new one starts with the default
                    raw.execute(f"PRAGMA wal_autocheckpoint = {AUTOCHECKPOINT}")
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        _writes += 1
        checkpoint = _writes % CHECKPOINT_EVERY == 0
    if checkpoint:
        # Outside the queue: the writers behind go on while this copies.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")

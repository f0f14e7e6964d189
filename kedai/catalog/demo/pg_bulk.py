"""PostgreSQL fast path of the demo loader: COPY, ids reserved in one query,
secondary indexes dropped during the load and built once at the end.

``seed_demo --products 1000000`` writes a million products and about 2.6
million variants. Row-by-row INSERTs (even pipelined) spend most of their
time in per-statement work and in updating a dozen indexes a row at a time;
COPY streams the rows, and building each index once from sorted data is
several times cheaper than maintaining it. Only the indexes that back no
constraint are dropped, and the unique and foreign-key constraints of the
loaded tables are dropped and added again after the load, which checks
them over the whole table at once (a failed check fails the load and rolls
it all back); primary keys stay. Everything happens in the loader's one
transaction (PostgreSQL DDL is transactional), so a failure leaves the old
indexes in place; while it runs, other sessions wait on the catalogue
tables — it is a seeding command, not something to run beside live traffic.

Only :mod:`kedai.catalog.demo.load` uses this module, and only when the
connection is PostgreSQL; SQLite keeps its executemany path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

# Memory for each CREATE INDEX at the end of the load (session-local, this
# transaction only); the default 64 MB makes a million-row build spill.
MAINTENANCE_WORK_MEM = "256MB"
# Memory for each sort and hash of the load's big statements (the search
# index's GROUP BYs over every variant and every indexed word), so they do
# not spill to disk; this transaction only.
WORK_MEM = "128MB"


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def ids_reserve(table: str, count: int) -> list[int]:
    """``count`` fresh ids from ``table``'s id sequence, in order (one
    query; concurrent inserts elsewhere get other numbers)."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
            "FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def rows_copy(table: str, columns: Sequence[str],
              rows: Iterable[Sequence[Any]]) -> int:
    """COPY ``rows`` into ``table`` (``columns`` already quoted); how many.

    Values are what psycopg adapts (str, int, bool, Decimal, datetime,
    None); the text format is used, which every type here round-trips.
    """
    count = 0
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the psycopg cursor under Django's wrapper
        with cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _droppable_constraints(table: str) -> list[tuple[str, str]]:
    """(name, definition) of ``table``'s unique and foreign-key constraints
    that no other constraint depends on (the primary key stays)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "WHERE k.conrelid = %s::regclass AND k.contype IN ('u', 'f') "
            "AND NOT (k.contype = 'u' AND EXISTS (SELECT 1 FROM pg_constraint f "
            "  WHERE f.contype = 'f' AND f.conindid = k.conindid)) "
            "ORDER BY k.contype DESC, k.conname", [table])
        return list(cursor.fetchall())


def _droppable_indexes(table: str) -> list[tuple[str, str]]:
    """(name, definition) of ``table``'s indexes that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS ("
            "  SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
            "ORDER BY c.relname", [table])
        return list(cursor.fetchall())


@contextmanager
def secondary_indexes_dropped(tables: Sequence[str]) -> Iterator[list[str]]:
    """Drop the constraint-free indexes of ``tables``, run the body, and
    create them again from their saved definitions; yields their names.
    Then ANALYZE the tables so the planner knows their new size."""
    saved: list[tuple[str, str]] = []
    constraints: list[tuple[str, str, str]] = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = %s", [MAINTENANCE_WORK_MEM])
        cursor.execute("SET LOCAL work_mem = %s", [WORK_MEM])
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: millions
        # of queued checks would wait for COMMIT (and forbid CREATE INDEX
        # on a table with pending ones). Check each row as it arrives.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            # Unique and foreign-key constraints too: checked once over the
            # whole table at the end (a sort, a join) instead of an index
            # probe per row. Foreign keys first (they may use the unique
            # indexes); re-added in the opposite order.
            for name, definition in _droppable_constraints(table):
                cursor.execute(f"ALTER TABLE {quote(table)} "
                               f"DROP CONSTRAINT {quote(name)}")
                constraints.append((table, name, definition))
            for name, definition in _droppable_indexes(table):
                cursor.execute(f"DROP INDEX {quote(name)}")
                saved.append((name, definition))
    yield [name for name, _definition in saved]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # none left pending
        for table, name, definition in reversed(constraints):
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT "
                           f"{quote(name)} {definition}")
        for _name, definition in saved:
            cursor.execute(definition)
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def tables_vacuum(tables: Sequence[str]) -> None:
    """VACUUM (ANALYZE) ``tables``: sets the visibility map of freshly
    loaded rows. Must run outside a transaction."""
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")

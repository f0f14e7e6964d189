"""Sorted pages of a PostgreSQL product search: the matches in price, name
or newest order rather than ranked.

:mod:`kedai.catalog.search.postgres` finds the newest matches first and
hands them here when a search is sorted: a few are ordered as they are;
beyond its rank window the sort's listing index is walked instead (see
:func:`sorted_walked`). Reads only.
"""

from django.db.backends.utils import CursorWrapper

from kedai.catalog.search.postgres_index import TABLE
from kedai.catalog.search.query import ORDER_BY

# How many times the products a sorted page should need to walk at most.
WALK_SLACK = 4


def sorted_few(cursor: CursorWrapper, ids: list[int], sort: str,
               offset: int, limit: int) -> tuple[int, ...]:
    """One page of the few matches ``ids``, in ``sort`` order."""
    cursor.execute(
        "SELECT hit.id FROM catalog_product AS hit WHERE hit.id = ANY(%s) "  # noqa: S608
        f"ORDER BY {ORDER_BY[sort]} LIMIT %s OFFSET %s",
        (ids, limit, offset),
    )
    return tuple(row[0] for row in cursor.fetchall())


def sorted_walked(cursor: CursorWrapper, where: tuple[str, tuple], query: str,
                  sort: str, page: tuple[int, int], total: int) -> tuple[int, ...]:
    """One page of many matches in ``sort`` order.

    Walks the listing index in that order, testing each product for the
    words, first as far as ``WALK_SLACK`` times the products the page
    should need at the estimated share of matches, then eight times as
    far, while that is fewer products than twice the matches; when the
    words are rarer there still (snacks sorted by highest price), every
    match is read and sorted instead.
    """
    (base_sql, base_params), (offset, limit) = where, page
    order = ORDER_BY[sort]
    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                   (TABLE,))
    products = max(int(cursor.fetchone()[0]), total, 1)
    reach = WALK_SLACK * (offset + limit) * products // max(total, 1) + 1000
    while reach < 2 * total:
        cursor.execute(
            f"""
            SELECT hit.id FROM (
                SELECT * FROM ({base_sql}) AS hit ORDER BY {order} LIMIT %s
            ) AS hit JOIN {TABLE} AS idx ON idx.product_id = hit.id
            WHERE idx.document @@ to_tsquery('simple', %s)
            ORDER BY {order} LIMIT %s OFFSET %s
            """,  # noqa: S608
            (*base_params, reach, query, limit, offset),
        )
        ids = tuple(row[0] for row in cursor.fetchall())
        if len(ids) == limit:
            return ids
        reach *= 8
    # MATERIALIZED: otherwise the planner walks the whole index again.
    cursor.execute(
        f"""
        WITH hit AS MATERIALIZED (
            SELECT hit.* FROM {TABLE} AS idx
            JOIN ({base_sql}) AS hit ON hit.id = idx.product_id
            WHERE idx.document @@ to_tsquery('simple', %s)
        )
        SELECT hit.id FROM hit ORDER BY {order} LIMIT %s OFFSET %s
        """,  # noqa: S608
        (*base_params, query, limit, offset),
    )
    return tuple(row[0] for row in cursor.fetchall())

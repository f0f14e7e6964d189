"""Product search on PostgreSQL full-text search.

Implements :class:`kedai.catalog.search.base.SearchBackend` over the table
``catalog_product_search`` (product_id, name, document), created by
migration ``catalog.0002_search_index`` with a GIN index on ``document``,
and the typo-correction vocabulary ``catalog_product_search_word``. See the
PostgreSQL manual, chapter "Full Text Search" (``to_tsvector``,
``to_tsquery``, ``ts_rank_cd``, ``unnest(tsvector)``); written against
PostgreSQL 15.

``document`` is ``to_tsvector('simple', ...)`` of the name (weight A), the
active variants' SKUs, split at separators and also compacted (B), the
names of the category and its ancestors (C) and the description (D). The
``simple`` configuration keeps words as written (no stemming, no stop
words), as the SQLite backend does. The table holds active products only;
triggers on ``catalog_product`` remove rows of deleted products.

Results follow the SQLite backend's rules (see ``search``), including the
relevance window, so the two behave alike.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet

from kedai.catalog.models import Product
from kedai.catalog.search.base import SearchHits, Suggestion, terms
from kedai.catalog.search.query import (
    ORDER_BY,
    estimated_total,
    search_with_fallbacks,
)
from kedai.catalog.search.spelling import closest_word, correctable
from kedai.catalog.search.synonyms import alternatives, synonyms_current

TABLE = "catalog_product_search"
WORDS = "catalog_product_search_word"
# ts_rank_cd weights for D, C, B, A: description, categories, skus, name.
# An SKU word also occurs in its compact form, so B stays well below A.
WEIGHTS = "{0.05, 0.1, 0.25, 1.0}"
RANK_WINDOW = 500
NAME_WINDOW = 200
SUGGEST_WINDOW = 200
# The {..._filter}s are empty for a rebuild, or limit every part to the
# product ids passed three times as an array parameter.
_FILL_SQL = """
WITH RECURSIVE
  chain(category_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM catalog_category {category_filter}
    UNION ALL
    SELECT chain.category_id, c.parent_id, chain.depth + 1
    FROM chain JOIN catalog_category c ON c.id = chain.ancestor_id
    WHERE c.parent_id IS NOT NULL AND chain.depth < 32
  ),
  category_names(category_id, names) AS (
    SELECT chain.category_id, string_agg(c.name, ' ')
    FROM chain JOIN catalog_category c ON c.id = chain.ancestor_id
    GROUP BY chain.category_id
  ),
  variant_skus(product_id, skus) AS (
    SELECT product_id, string_agg(
      CASE WHEN compact = sku THEN sku
      ELSE regexp_replace(sku, '[-_/.]', ' ', 'g') || ' ' || compact END, ' ')
    FROM (
      SELECT product_id, sku,
        regexp_replace(sku, '[-_/. ]', '', 'g') AS compact
      FROM catalog_variant WHERE is_active {variant_filter}
    ) AS variant
    GROUP BY product_id
  )
INSERT INTO catalog_product_search (product_id, name, document)
SELECT p.id, p.name,
  setweight(to_tsvector('simple', p.name), 'A')
  || setweight(to_tsvector('simple', coalesce(v.skus, '')), 'B')
  || setweight(to_tsvector('simple', coalesce(n.names, '')), 'C')
  || setweight(to_tsvector('simple', p.description), 'D')
FROM catalog_product p
LEFT JOIN variant_skus v ON v.product_id = p.id
LEFT JOIN category_names n ON n.category_id = p.category_id
WHERE p.is_active {product_filter}
"""
# Typo correction reads words from a table rather than from pg_trgm on
# names: a swapped pair of letters leaves "btaik" a word similarity of only
# 0.2 to "Batik shirt", and at that threshold a trigram index on 100,000
# names hands back tens of thousands per lookup (0.2-0.6 s measured). Only
# words of letters are kept (no codes); a word stays until the next rebuild,
# which at worst offers a correction that then finds nothing and is dropped.
_ALL_WORDS = f"""
INSERT INTO {WORDS} (word, products)
SELECT word, count(*)
FROM {TABLE}, unnest(document) AS lexeme(word, positions, weights)
GROUP BY word
HAVING word ~ '^[[:alpha:]]+$'
"""  # noqa: S608
_NEW_WORDS = f"""
INSERT INTO {WORDS} (word, products)
SELECT word, count(*)
FROM {TABLE}, unnest(document) AS lexeme(word, positions, weights)
WHERE product_id = ANY(%s)
GROUP BY word
HAVING word ~ '^[[:alpha:]]+$'
ON CONFLICT (word) DO NOTHING
"""  # noqa: S608
_FILL_ALL = _FILL_SQL.format(category_filter="", variant_filter="", product_filter="")
_FILL_ONE = _FILL_SQL.format(
    category_filter="WHERE id IN (SELECT category_id FROM catalog_product "
                    "WHERE id = ANY(%s))",
    variant_filter="AND product_id = ANY(%s)",
    product_filter="AND p.id = ANY(%s)",
)


def tsquery(words: Sequence[str], weights: str = "") -> str:
    """``to_tsquery`` input matching every word, e.g. ``'bat':* & 's'``.

    Words are quoted lexemes; one-letter words match whole words only, as
    in the SQLite backend. ``weights`` ("A") restricts matches to a field.
    A word with synonyms (``"kopi|coffee"``) also matches them as whole
    words.
    """
    def one(word: str, prefix: bool = True) -> str:
        quoted = "'{}'".format(word.replace("\\", "\\\\").replace("'", "''"))
        suffix = ("*" if prefix and len(word) > 1 else "") + weights
        return f"{quoted}:{suffix}" if suffix else quoted

    parts = []
    for word in words:
        typed, *others = alternatives(word)
        parts.append(one(typed) if not others else "({})".format(
            " | ".join([one(typed), *(one(w, prefix=False) for w in others)])))
    return " & ".join(parts)


def _by_rank(rows: list[tuple[int, float]]) -> list[int]:
    return [product_id for product_id, _ in sorted(rows, key=lambda r: (-r[1], r[0]))]


class PostgresSearchBackend:
    """PostgreSQL search; see the module docstring for the index it keeps."""

    def __init__(self, name: str = "default",
                 options: Mapping[str, Any] | None = None) -> None:
        self.name = name

    def search(
        self, *, text: str, base: QuerySet, sort: str, offset: int, limit: int
    ) -> SearchHits:
        """Return one page of ``base`` products matching ``text``.

        Every word of ``text`` must match a word of the product as a prefix
        (one-letter words match whole words); nothing else in ``text`` is
        syntax, and input without words finds nothing. When nothing
        matches, words that match nothing are replaced by the closest
        indexed word and the search runs once more (``corrected_text`` says
        so).

        ``sort`` "price", "-price", "newest" and "name" order and count all
        matches exactly. "relevance" (or anything else) does too up to
        ``RANK_WINDOW`` matches; beyond that, products whose name holds
        every word come first, ranked among the newest ``NAME_WINDOW`` of
        them, then the other matches newest first, and ``total`` is an
        estimate (``estimated``). Reads only.
        """
        if not terms(text):
            return SearchHits((), 0)
        offset, limit = max(offset, 0), max(limit, 0)
        sql, params = base.order_by().values("id").query.sql_with_params()
        where = (f"idx.product_id IN ({sql})", tuple(params))
        with connections[base.db].cursor() as cursor:
            return search_with_fallbacks(
                text,
                find=lambda words: self._page(cursor, words, where, sort,
                                              offset, limit),
                correct=lambda words: self._correct(cursor, words),
                synonyms=synonyms_current(),
            )

    def _page(
        self, cursor: CursorWrapper, query_words: list[str],
        where: tuple[str, tuple], sort: str, offset: int, limit: int,
    ) -> SearchHits:
        query = tsquery(query_words)
        condition, base_params = where
        matches = f"""
            FROM {TABLE} AS idx
            JOIN catalog_product AS hit ON hit.id = idx.product_id
            WHERE idx.document @@ to_tsquery('simple', %s) AND {condition}
        """  # noqa: S608 - identifiers are constants, values are parameters
        params = (query, *base_params)
        if sort in ORDER_BY:
            # Page and count apart: with count(*) OVER () PostgreSQL reads
            # every match before sorting (1.8 s against 0.3 s for a word in
            # 57,000 products); alone, the page can walk a sort index.
            cursor.execute(
                f"SELECT hit.id {matches} "
                f"ORDER BY {ORDER_BY[sort]} LIMIT %s OFFSET %s",
                (*params, limit, offset),
            )
            ids = tuple(row[0] for row in cursor.fetchall())
            if len(ids) < limit and (ids or not offset):
                return SearchHits(ids, offset + len(ids))
            cursor.execute(f"SELECT count(*) {matches}", params)
            return SearchHits(ids, cursor.fetchone()[0])

        cursor.execute(
            f"""
            SELECT hit.id, ts_rank_cd(%s::float4[], idx.document,
                                      to_tsquery('simple', %s)) {matches}
            ORDER BY idx.product_id DESC LIMIT %s
            """,  # noqa: S608
            (WEIGHTS, query, *params, RANK_WINDOW + 1),
        )
        window = cursor.fetchall()
        if len(window) <= RANK_WINDOW:
            return SearchHits(tuple(_by_rank(window)[offset:offset + limit]),
                              len(window))
        # Too many to rank all: products whose *name* (weight A) holds every
        # word come first, ranked among the newest NAME_WINDOW of them, then
        # the rest newest first (as in the SQLite backend).
        name_query = tsquery(query_words, "A")
        cursor.execute(
            f"""
            SELECT hit.id, ts_rank_cd(%s::float4[], idx.document,
                                      to_tsquery('simple', %s)) {matches}
            ORDER BY idx.product_id DESC LIMIT %s
            """,  # noqa: S608
            (WEIGHTS, name_query, name_query, *base_params, NAME_WINDOW),
        )
        ranked = _by_rank(cursor.fetchall())
        page_ids = ranked[offset:offset + limit]
        if len(page_ids) < limit:
            cursor.execute(
                f"SELECT hit.id {matches} AND NOT (hit.id = ANY(%s)) "
                "ORDER BY idx.product_id DESC LIMIT %s OFFSET %s",
                (*params, ranked, limit - len(page_ids), max(offset - len(ranked), 0)),
            )
            page_ids += [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT min(id) FROM catalog_product")
        total = estimated_total([i for i, _ in window], cursor.fetchone()[0] or 1,
                                RANK_WINDOW + 1)
        return SearchHits(tuple(page_ids), total, estimated=True)

    def _correct(self, cursor: CursorWrapper, words: list[str]) -> list[str]:
        """Replace each word that matches nothing by its closest indexed word."""
        corrected = []
        for word in words:
            if correctable(word):
                # The vocabulary answers "does any product have a word
                # starting so" from its index; asking catalog_product_search
                # with LIMIT 1 invites a sequential scan of every document.
                cursor.execute(
                    f"SELECT 1 FROM {WORDS} "  # noqa: S608
                    "WHERE word >= %s AND word < %s LIMIT 1",
                    (word, word[:-1] + chr(ord(word[-1]) + 1)),
                )
                if cursor.fetchone() is None:
                    cursor.execute(
                        f"SELECT word, products FROM {WORDS} "  # noqa: S608
                        "WHERE word >= %s AND word < %s",
                        (word[0], chr(ord(word[0]) + 1)),
                    )
                    word = closest_word(word, cursor.fetchall()) or word
            corrected.append(word)
        return corrected

    def suggest(self, *, text: str, limit: int) -> list[Suggestion]:
        """Return up to ``limit`` active, priced products for a search box.

        Words match as in :meth:`search`. Products whose name matches every
        word come first; each group is ranked among its newest
        ``SUGGEST_WINDOW`` matches. Reads only.
        """
        words = terms(text)
        if not words or limit <= 0:
            return []
        ids: list[int] = []
        with connection.cursor() as cursor:
            for query in (tsquery(words, "A"), tsquery(words)):
                cursor.execute(
                    f"""
                    SELECT hit.id, ts_rank_cd(%s::float4[], idx.document,
                                              to_tsquery('simple', %s))
                    FROM {TABLE} AS idx
                    JOIN catalog_product AS hit ON hit.id = idx.product_id
                    WHERE idx.document @@ to_tsquery('simple', %s)
                      AND hit.is_active AND hit.price IS NOT NULL
                    ORDER BY idx.product_id DESC LIMIT %s
                    """,  # noqa: S608
                    (WEIGHTS, query, query, SUGGEST_WINDOW),
                )
                ids += [i for i in _by_rank(cursor.fetchall()) if i not in ids]
                if len(ids) >= limit:
                    break
        ids = ids[:limit]
        rows = Product.objects.only("name", "slug", "price", "thumbnail").in_bulk(ids)
        return [Suggestion(rows[i].name, rows[i].slug, rows[i].price,
                           rows[i].thumbnail) for i in ids if i in rows]

    def index_products(self, product_ids: Sequence[int]) -> None:
        """Re-index these products: active ones are (re)written, others removed.

        Reads products, variants and categories; writes only the index.
        """
        ids = [int(i) for i in product_ids]
        if not ids:
            return
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE product_id = ANY(%s)",  # noqa: S608
                (ids,),
            )
            cursor.execute(_FILL_ONE, (ids, ids, ids))
            cursor.execute(_NEW_WORDS, (ids,))

    def rebuild(self) -> int:
        """Re-create the index from the catalogue; return how many are indexed.

        One transaction, and DELETE rather than TRUNCATE: searches keep
        reading the old index until it commits instead of waiting for it.
        """
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {WORDS}")  # noqa: S608
            cursor.execute(_FILL_ALL)
            cursor.execute(_ALL_WORDS)
            # Fresh statistics, or the planner guesses match counts from the
            # old contents and may scan the GIN index for common words.
            cursor.execute(f"ANALYZE {TABLE}")
            cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
            return cursor.fetchone()[0]

"""Product search on SQLite with FTS5 (https://sqlite.org/fts5.html).

Implements :class:`kedai.catalog.search.base.SearchBackend` over the FTS5
table ``catalog_product_fts`` (rowid = product id; columns name, skus,
categories, description; ``unicode61 remove_diacritics 2`` tokenizer;
prefix indexes of 2 to 8 characters) and its ``fts5vocab`` companion
``catalog_product_fts_vocab``, both created by migration
``catalog.0002_search_index``; :meth:`SQLiteSearchBackend.rebuild`
re-creates the FTS5 table from :data:`CREATE_FTS`. Needs SQLite 3.38+
(``json_each`` built in).

The index holds active products only. Rows of deleted products are not
removed by the database (a trigger on ``catalog_product`` would vanish
silently the next time a migration rebuilds that table); every query joins
``catalog_product``, so they are never returned, and ``rebuild`` drops them.

Costs that shape the queries, measured on 100,000 products:

- A prefix longer than the longest prefix index makes FTS5 merge the
  doclists of every matching word before returning a row: about 7 ms for
  "glass"* in 80% of products without a 5-character index, 0.6 ms with
  one. Prefix indexes up to 8 characters cover most words people type and
  double the time to build the index (about 11 s instead of 6 s).
- bm25 (the ``rank`` column) counts every match of every word once per
  query, then costs microseconds per ranked row; there is no top-k
  shortcut. Matches are therefore first counted unranked up to
  ``RANK_WINDOW`` (FTS5 returns rowids newest first without sorting); only
  a result that small is ranked whole. A broader one ranks the name
  matches among the newest ``RANK_WINDOW`` and lists the rest newest
  first; its total is estimated from them, whatever the sort.
"""

import json
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
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

FTS = "catalog_product_fts"
VOCAB = "catalog_product_fts_vocab"
CREATE_FTS = f"""
    CREATE VIRTUAL TABLE {FTS} USING fts5(
        name, skus, categories, description,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4 5 6 7 8'
    )
"""
# The ``rank`` column: bm25 weights of name, skus, categories, description.
# FTS5 sums weight x occurrences over the columns before saturating, and a
# prefix such as "kelip"* hits both "KELIP-3" and its compact "KELIP3" in
# skus, so the name needs four times the SKU weight to stay ahead.
RANK = "bm25(20.0, 5.0, 2.0, 1.0)"
# FTS5's default incremental merging, restored after a bulk load.
AUTOMERGE = 4

# With more matches than this, relevance is judged among the newest
# RANK_WINDOW (see SQLiteSearchBackend.search).
RANK_WINDOW = 500
SUGGEST_WINDOW = 200
# A base queryset with at most this many products is read into a set once
# instead of being probed per match.
BASE_SET = 2000
# Vocabulary words read per two-letter block for typo correction: compact
# SKUs ("kdbtk001", ...) can fill one block with hundreds of thousands.
VOCAB_BLOCK = 400

# The {..._filter}s are empty for a rebuild, or limit every part to the
# products in the JSON array passed three times as parameters.
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
    SELECT chain.category_id, group_concat(c.name, ' ')
    FROM chain JOIN catalog_category c ON c.id = chain.ancestor_id
    GROUP BY chain.category_id
  ),
  variant_skus(product_id, skus) AS (
    SELECT product_id, group_concat(
      CASE WHEN compact = sku THEN sku ELSE sku || ' ' || compact END, ' ')
    FROM (
      SELECT product_id, sku,
        replace(replace(replace(replace(replace(
          sku, '-', ''), '_', ''), '/', ''), '.', ''), ' ', '') AS compact
      FROM catalog_variant WHERE is_active {variant_filter}
    )
    GROUP BY product_id
  )
INSERT INTO catalog_product_fts(rowid, name, skus, categories, description)
SELECT p.id, p.name, coalesce(v.skus, ''), coalesce(n.names, ''), p.description
FROM catalog_product p
LEFT JOIN variant_skus v ON v.product_id = p.id
LEFT JOIN category_names n ON n.category_id = p.category_id
WHERE p.is_active {product_filter}
"""
_IDS = "(SELECT value FROM json_each(%s))"
_FILL_ALL = _FILL_SQL.format(category_filter="", variant_filter="", product_filter="")
_FILL_ONE = _FILL_SQL.format(
    category_filter=(
        f"WHERE id IN (SELECT category_id FROM catalog_product WHERE id IN {_IDS})"  # noqa: S608
    ),
    variant_filter=f"AND product_id IN {_IDS}",
    product_filter=f"AND p.id IN {_IDS}",
)


def match_expression(words: Sequence[str]) -> str:
    """FTS5 query matching every word, e.g. ``"bat"* AND "s"``.

    A word with synonyms (``"kopi|coffee"``) also matches them as whole
    words: ``("kopi"* OR "coffee")``.

    Each word is a quoted FTS5 string, so nothing in it is query syntax.
    Words match as prefixes, except one-letter words: a one-letter prefix
    matches most of the index and costs a merge of all of it.
    """
    def one(word: str, prefix: bool = True) -> str:
        star = "*" if prefix and len(word) > 1 else ""
        return '"{}"{}'.format(word.replace('"', '""'), star)

    groups = []
    for word in words:
        typed, *others = alternatives(word)
        groups.append(one(typed) if not others else "({})".format(
            " OR ".join([one(typed), *(one(w, prefix=False) for w in others)])))
    return " AND ".join(groups)


@dataclass(frozen=True)
class _Filter:
    """``base`` as SQL on the match aliased ``fts`` joined to product ``hit``."""

    sql: str
    params: tuple


def _base_filter(cursor: CursorWrapper, base: QuerySet) -> _Filter | None:
    """Compile ``base`` (unsliced) once into a condition on each match.

    A small ``base`` (a category, say) is read once into a set that every
    match is checked against; the ``+`` keeps SQLite from turning that set
    into one FTS5 lookup per product. A large one is probed per match by
    primary key, as reading 100,000 ids costs more than probing the few
    hundred matches most searches have. Which of the two is decided inside
    the search statement itself (an uncorrelated scalar subquery, evaluated
    once per statement; the set, too, is built once), so choosing costs no
    statement of its own: a search is one query fewer.
    """
    sql, params = base.order_by().values("id").query.sql_with_params()
    params = tuple(params)
    # The queryset's own SQL and a constant: no value is put into the text.
    small = f"(SELECT count(*) FROM ({sql} LIMIT {BASE_SET + 1})) <= {BASE_SET}"  # noqa: S608
    return _Filter(
        f"(CASE WHEN {small} THEN +fts.rowid IN ({sql}) "  # noqa: S608
        f"ELSE EXISTS (SELECT 1 FROM ({sql}) AS base WHERE base.id = hit.id) END)",
        params * 3,
    )


def _fold(word: str) -> str:
    """The word as the tokenizer stores it (diacritics removed)."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _by_rank(rows: list[tuple[int, float]]) -> list[int]:
    return [product_id for product_id, _ in sorted(rows, key=lambda r: (r[1], r[0]))]


class SQLiteSearchBackend:
    """FTS5 search; see the module docstring for the index it maintains."""

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
        matches, words that match no indexed product are replaced by the
        closest indexed word and the search runs once more
        (``corrected_text`` says so).

        ``sort`` "price", "-price", "newest" and "name" order all matches,
        in time proportional to their number. "relevance" (or anything
        else) ranks them, if at most ``RANK_WINDOW`` match; beyond that,
        among the newest ``RANK_WINDOW`` matches, products whose name holds
        every word come first, ranked, then the others, and then the older
        matches newest first. ``total`` is exact up to ``RANK_WINDOW``
        matches and beyond that, in every sort, an estimate
        (``estimated``), as in the PostgreSQL backend. Reads only.
        """
        if not terms(text):
            return SearchHits((), 0)
        offset, limit = max(offset, 0), max(limit, 0)
        with connections[base.db].cursor() as cursor:
            where = _base_filter(cursor, base)
            if where is None:
                return SearchHits((), 0)
            return search_with_fallbacks(
                text,
                find=lambda words: self._page(cursor, match_expression(words),
                                              where, sort, offset, limit),
                correct=lambda words: self._correct(cursor, words),
                synonyms=synonyms_current(),
            )

    def _page(
        self, cursor: CursorWrapper, match: str, where: _Filter, sort: str,
        offset: int, limit: int,
    ) -> SearchHits:
        matches = f"""
            FROM {FTS} AS fts
            JOIN catalog_product AS hit ON hit.id = fts.rowid
            WHERE fts.{FTS} MATCH %s AND {where.sql}
        """  # noqa: S608 - identifiers are constants, values are parameters
        params = (match, *where.params)
        # FTS5 yields rowids newest first without sorting, and only selected
        # rows pay for bm25: first see how many match, unranked and cheap.
        cursor.execute(
            f"SELECT hit.id {matches} ORDER BY fts.rowid DESC LIMIT %s",
            (*params, RANK_WINDOW + 1),
        )
        window = [row[0] for row in cursor.fetchall()]
        if len(window) <= RANK_WINDOW:
            total, estimated = len(window), False
        else:
            cursor.execute("SELECT min(id) FROM catalog_product")
            total = estimated_total(window, cursor.fetchone()[0] or 1,
                                    RANK_WINDOW + 1)
            estimated = True
        if sort in ORDER_BY:
            cursor.execute(
                f"SELECT hit.id {matches} "
                f"ORDER BY {ORDER_BY[sort]} LIMIT %s OFFSET %s",
                (*params, limit, offset),
            )
            return SearchHits(tuple(r[0] for r in cursor.fetchall()), total,
                              estimated=estimated)
        if not estimated:
            cursor.execute(f"SELECT hit.id, fts.rank {matches}", params)
            return SearchHits(tuple(_by_rank(cursor.fetchall())[offset:offset + limit]),
                              total)
        # Too many to rank all: among the newest RANK_WINDOW, products whose
        # *name* holds every word come first, ranked, then the others newest
        # first, then the older matches newest first.
        # They are the matches from the oldest of them up: a rowid range,
        # which FTS5 walks itself (an IN list would rank every name match).
        latest = window[:RANK_WINDOW]
        cursor.execute(
            f"SELECT hit.id, fts.rank {matches} AND fts.rowid >= %s",
            (f"{{name}} : ({match})", *where.params, latest[-1]),
        )
        ranked = _by_rank(cursor.fetchall())
        named = set(ranked)
        ranked += [i for i in latest if i not in named]
        ids = ranked[offset:offset + limit]
        if len(ids) < limit:
            cursor.execute(
                f"SELECT hit.id {matches} AND fts.rowid < %s "
                "ORDER BY fts.rowid DESC LIMIT %s OFFSET %s",
                (*params, latest[-1], limit - len(ids),
                 max(offset - len(ranked), 0)),
            )
            ids += [row[0] for row in cursor.fetchall()]
        return SearchHits(tuple(ids), total, estimated=True)

    def _correct(self, cursor: CursorWrapper, words: list[str]) -> list[str]:
        """Replace each word that matches nothing by its closest indexed word."""
        corrected = []
        for word in words:
            folded = _fold(word)
            if correctable(folded):
                cursor.execute(
                    f"SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s LIMIT 1",  # noqa: S608
                    (match_expression([word]),),
                )
                if cursor.fetchone() is None:
                    word = self._closest(cursor, folded) or word
            corrected.append(word)
        return corrected

    def _closest(self, cursor: CursorWrapper, word: str) -> str | None:
        """The indexed word closest to ``word``, sharing its first letter.

        fts5vocab reads every doclist in the range it scans, so the blocks
        most typos fall into (the word's own first two letters, or first and
        third for swapped letters) are tried before all blocks of the letter.
        """
        first = word[0]
        if first not in string.ascii_lowercase:
            return closest_word(word, self._vocabulary(cursor, [first]))
        likely = list(dict.fromkeys([word[:2], first + word[2]]))
        found = closest_word(word, self._vocabulary(cursor, likely))
        if found:
            return found
        rest = [first + a for a in string.ascii_lowercase
                if first + a not in likely]
        return closest_word(word, self._vocabulary(cursor, rest))

    def _vocabulary(
        self, cursor: CursorWrapper, prefixes: list[str]
    ) -> list[tuple[str, int]]:
        """Indexed words (and how many products hold them) by prefix block."""
        block = (f"SELECT * FROM (SELECT term, doc FROM {VOCAB} "  # noqa: S608
                 "WHERE term >= %s AND term < %s LIMIT %s)")
        cursor.execute(
            " UNION ALL ".join([block] * len(prefixes)),
            [value for prefix in prefixes
             for value in (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1),
                           VOCAB_BLOCK)],
        )
        return cursor.fetchall()

    def suggest(self, *, text: str, limit: int) -> list[Suggestion]:
        """Return up to ``limit`` active, priced products for a search box.

        Words match as in :meth:`search`. Products whose name matches every
        word come first; each group is ranked among its newest
        ``SUGGEST_WINDOW`` matches. Reads only.
        """
        words = terms(text)
        if not words or limit <= 0:
            return []
        match = match_expression(words)
        ids: list[int] = []
        with connection.cursor() as cursor:
            for expression in (f"{{name}} : ({match})", match):
                cursor.execute(
                    f"""
                    SELECT hit.id, fts.rank
                    FROM {FTS} AS fts
                    JOIN catalog_product AS hit ON hit.id = fts.rowid
                    WHERE fts.{FTS} MATCH %s
                      AND hit.is_active AND hit.price IS NOT NULL
                    ORDER BY fts.rowid DESC LIMIT %s
                    """,  # noqa: S608
                    (expression, SUGGEST_WINDOW),
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
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            for start in range(0, len(ids), 1000):
                chunk = json.dumps(ids[start:start + 1000])
                cursor.execute(
                    f"DELETE FROM {FTS} WHERE rowid IN {_IDS}",  # noqa: S608
                    (chunk,),
                )
                cursor.execute(_FILL_ONE, (chunk, chunk, chunk))

    def rebuild(self) -> int:
        """Re-create the index from the catalogue; return how many are indexed.

        Drops and re-creates the FTS5 table rather than deleting its rows
        (FTS5 deletes row by row, reading each back), loads it with
        incremental merging off and merges once at the end. Readers keep
        seeing the old index until the transaction commits.
        """
        config = f"INSERT INTO {FTS}({FTS}, rank) VALUES (%s, %s)"  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FTS}")
            cursor.execute(CREATE_FTS)
            cursor.execute(config, ("rank", RANK))
            cursor.execute(config, ("automerge", 0))
            cursor.execute(_FILL_ALL)
            cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")  # noqa: S608
            cursor.execute(config, ("automerge", AUTOMERGE))
            cursor.execute(f"SELECT count(*) FROM {FTS}")  # noqa: S608
            return cursor.fetchone()[0]

"""Product search on PostgreSQL full-text search.

Implements :class:`kedai.catalog.search.base.SearchBackend` over the table
``catalog_product_search`` (product_id, name, document), created by
migration ``catalog.0002_search_index`` with a GIN index on ``document``,
and the typo-correction vocabulary ``catalog_product_search_word``. See the
PostgreSQL manual, chapter "Full Text Search" (``to_tsvector``,
``to_tsquery``, ``ts_rank_cd``, ``unnest(tsvector)``); written against
PostgreSQL 15.

``blocks`` (migration ``catalog.0007_search_blocks``) are the aligned id
blocks the product lies in, indexed with ``document`` in one GIN index, so
the index alone finds the matches above an id (see :func:`blocks_from`).

``document`` is ``to_tsvector('simple', ...)`` of the name (weight A), the
active variants' SKUs, split at separators and also compacted (B), the
names of the category and its ancestors (C) and the description (D). The
``simple`` configuration keeps words as written (no stemming, no stop
words), as the SQLite backend does. The table holds active products only;
triggers on ``catalog_product`` remove rows of deleted products and keep
``listed`` (migration ``catalog.0008_search_listed``: active and priced)
true to the product, so a search of the whole shop needs no product row.

Results follow the SQLite backend's rules (see ``search``), including the
relevance window, so the two behave alike. Sorted pages are ordered by
:mod:`kedai.catalog.search.postgres_sorted`.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, connections
from django.db.backends.utils import CursorWrapper
from django.db.models import QuerySet

from kedai.catalog.models import Product
from kedai.catalog.search import postgres_index
from kedai.catalog.search.base import SearchHits, Suggestion, terms
from kedai.catalog.search.postgres_index import STEMS, TABLE, WORDS
from kedai.catalog.search.postgres_sorted import sorted_few, sorted_walked
from kedai.catalog.search.query import (
    ORDER_BY,
    estimated_total,
    search_with_fallbacks,
)
from kedai.catalog.search.spelling import closest_word, correctable
from kedai.catalog.search.synonyms import alternatives, synonyms_current

# ts_rank_cd weights for D, C, B, A: description, categories, skus, name.
# An SKU word also occurs in its compact form, so B stays well below A.
WEIGHTS = "{0.05, 0.1, 0.25, 1.0}"
RANK_WINDOW = 500
# How many times the expected span of RANK_WINDOW matches to ask for first:
# each match read is a row of the search table, often not in shared
# buffers, and a second round re-reads the first's rows from memory.
FLOOR_SLACK = 1.25
# The most rows a walk for the newest matches is expected to read: testing
# a document costs about what the GIN index costs for a match in its id
# blocks, and the blocks read no more than FLOOR_SLACK times the window.
WALK_ROWS = 6000
# The most whole words a typed prefix is spelt out as.
SPELL_MAX = 40
# Fewer matches than this are read all rather than narrowed by id: about
# what the narrowed query reads. Rows of the search table not read lately
# come from disk, so rows read, not CPU, is what a cold search costs.
FLOOR_MATCHES = 1000
SUGGEST_WINDOW = 200
# The columns of a search's base: those the sorts order by.
_BASE_COLUMNS = ("id", "price", "created_at", "name")
# The id blocks of ``catalog_product_search.blocks``, as bit shifts: 4,096,
# 32,768 and 262,144 ids; a block's key is its first id plus its level.
BLOCK_SHIFTS = (12, 15, 18)


def blocks_from(floor: int, newest: int) -> list[int]:
    """Keys of the fewest blocks that together hold ids ``floor`` to
    ``newest``, and at most a block's width below ``floor`` and above
    ``newest``: each block is the widest that starts where the last ended.
    """
    keys = []
    start = floor >> BLOCK_SHIFTS[0] << BLOCK_SHIFTS[0]
    while start <= newest:
        level = max(n for n, shift in enumerate(BLOCK_SHIFTS)
                    if start % (1 << shift) == 0)
        keys.append(start + level)
        start += 1 << BLOCK_SHIFTS[level]
    return keys


def tsquery(words: Sequence[str], weights: str = "",
            spelt: Mapping[str, Sequence[str]] | None = None) -> str:
    """``to_tsquery`` input matching every word, e.g. ``'bat':* & 's'``.

    Words are quoted lexemes; one-letter words match whole words only, as
    in the SQLite backend. ``weights`` ("A") restricts matches to a field.
    A word with synonyms (``"kopi|coffee"``) also matches them as whole
    words. A word in ``spelt`` matches the whole words listed for it there,
    which must be every indexed word it starts (see ``_vocabulary``).
    """
    def one(word: str, prefix: bool = True) -> str:
        quoted = "'{}'".format(word.replace("\\", "\\\\").replace("'", "''"))
        suffix = ("*" if prefix and len(word) > 1 else "") + weights
        return f"{quoted}:{suffix}" if suffix else quoted

    spelt = spelt or {}
    parts = []
    for word in words:
        typed, *others = alternatives(word)
        terms = ([one(w, prefix=False) for w in spelt[typed]] if typed in spelt
                 else [one(typed)])
        terms += [one(w, prefix=False) for w in others]
        parts.append(terms[0] if len(terms) == 1 else "({})".format(" | ".join(terms)))
    return " & ".join(parts)


@dataclass(frozen=True)
class _Base:
    """The products a search is among: ``sql`` with ``params``, and
    whether that is every listed product (active and priced), which the
    search row's ``listed`` tells without reading the product."""

    sql: str
    params: tuple
    listed: bool

    def join(self) -> str:
        """The base joined to the search row ``idx`` as ``hit``, with
        ``join_params``."""
        if self.listed:
            return ", LATERAL (SELECT idx.product_id AS id) AS hit"
        return f"JOIN ({self.sql}) AS hit ON hit.id = idx.product_id"

    @property
    def join_params(self) -> tuple:
        return () if self.listed else self.params

    def filter(self) -> str:
        """What the search row ``idx`` itself must pass, if anything."""
        return "AND idx.listed" if self.listed else ""


@cache
def _listed_sql(alias: str) -> tuple[str, tuple]:
    """Every listed product, compiled as :meth:`search` compiles a base."""
    listed = Product.objects.using(alias).filter(is_active=True, price__isnull=False)
    sql, params = listed.order_by().values(*_BASE_COLUMNS).query.sql_with_params()
    return sql, tuple(params)


def _matches(base: _Base) -> str:
    """FROM and WHERE of the matches among the products of ``base``, as
    ``hit.id``; parameters: the base's join, then the query."""
    return f"""
        FROM {TABLE} AS idx {base.join()}
        WHERE idx.document @@ to_tsquery('simple', %s) {base.filter()}
    """  # noqa: S608 - identifiers are constants, values are parameters


def _estimate(window: list[tuple], oldest: int) -> int:
    """How many match, judged from the ``window`` of newest matches."""
    return estimated_total([row[0] for row in window], oldest or 1, RANK_WINDOW + 1)


def _by_rank(rows: Sequence[tuple]) -> list[int]:
    return [row[0] for row in sorted(rows, key=lambda r: (-r[1], r[0]))]


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

        ``sort`` "price", "-price", "newest" and "name" order all matches.
        "relevance" (or anything else) ranks them, if at most
        ``RANK_WINDOW`` match; beyond that, among the newest
        ``RANK_WINDOW`` matches, products whose name holds every word come
        first, ranked, then the others, and then the older matches newest
        first. ``total`` is exact up to ``RANK_WINDOW`` matches and beyond
        that, in every sort, an estimate (``estimated``). Reads only.
        """
        if not terms(text):
            return SearchHits((), 0)
        offset, limit = max(offset, 0), max(limit, 0)
        # The base as the joined product itself: the planner then sees its
        # conditions on the table it sorts by, and can walk a listing index
        # (price, say) and test each product for the words.
        sql, params = base.order_by().values(*_BASE_COLUMNS).query.sql_with_params()
        where = _Base(sql, tuple(params),
                      listed=(sql, tuple(params)) == _listed_sql(base.db))
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
        where: _Base, sort: str, offset: int, limit: int,
    ) -> SearchHits:
        newest, oldest, found, spelt = self._vocabulary(cursor, query_words)
        query = tsquery(query_words, spelt=spelt)
        matches = _matches(where)
        params = (*where.join_params, query)
        window = self._newest(cursor, where, query,
                              tsquery(query_words, "A", spelt),
                              (len(query_words), newest, oldest, found),
                              ranked=sort not in ORDER_BY)
        if sort in ORDER_BY:
            # The window has counted the matches up to RANK_WINDOW; beyond
            # that the total is estimated, as for relevance, rather than
            # read from every matching row.
            if len(window) <= RANK_WINDOW:
                return SearchHits(sorted_few(cursor, [row[0] for row in window],
                                             sort, offset, limit), len(window))
            total = _estimate(window, oldest)
            ids = sorted_walked(cursor, (where.sql, where.params), query, sort,
                                (offset, limit), total)
            return SearchHits(ids, total, estimated=True)
        if len(window) <= RANK_WINDOW:
            return SearchHits(tuple(_by_rank(window)[offset:offset + limit]),
                              len(window))
        # Too many to rank all: among the newest RANK_WINDOW, products whose
        # *name* (weight A) holds every word come first, ranked; then the
        # rest newest first (as in the SQLite backend).
        latest = window[:RANK_WINDOW]
        ranked = _by_rank([(i, rank) for i, rank, in_name in latest if in_name])
        ranked += [i for i, _, in_name in latest if not in_name]
        page_ids = ranked[offset:offset + limit]
        if len(page_ids) < limit:
            cursor.execute(
                f"SELECT hit.id {matches} AND idx.product_id < %s "
                "ORDER BY idx.product_id DESC LIMIT %s OFFSET %s",
                (*params, latest[-1][0], limit - len(page_ids),
                 max(offset - len(ranked), 0)),
            )
            page_ids += [row[0] for row in cursor.fetchall()]
        return SearchHits(tuple(page_ids), _estimate(window, oldest),
                          estimated=True)

    def _newest(
        self, cursor: CursorWrapper, where: _Base,
        query: str, name_query: str,
        counts: tuple[int, int, int, int], ranked: bool,
    ) -> list[tuple[int, float, bool]]:
        """The newest RANK_WINDOW + 1 matches, newest first, as (id, rank,
        whether the name holds every word: ``name_query``); rank and name
        only if ``ranked``. ``counts`` are the words, the newest and oldest
        indexed ids and the matches expected (see :meth:`_vocabulary`).

        Common words walk the newest products; others ask the GIN index,
        if they can, only for products above an id where that many matches
        likely start, which reads a few hundred rows rather than all
        matches.
        """
        if ranked:
            extra = ("ts_rank_cd(%s::float4[], idx.document, "
                     "to_tsquery('simple', %s)), "
                     "idx.document @@ to_tsquery('simple', %s)")
            first: tuple = (WEIGHTS, query, name_query)
        else:
            extra, first = "0, false", ()
        need = RANK_WINDOW + 1
        words, newest, oldest, found = counts
        ids = newest - oldest + 1
        select = (f"SELECT hit.id, {extra} {{}} AND idx.product_id >= %s "
                  "ORDER BY idx.product_id{} DESC LIMIT %s")
        params = (*first, *where.join_params, query)
        if words == 1 and found and ids * need // found <= WALK_ROWS:
            # A common word: the newest products, tested one by one, hold
            # the window within a few thousand rows. (Several words may be
            # common alone and rare together.)
            cursor.execute(select.format(_matches(where), ""), (*params, 0, need))
            return cursor.fetchall()
        # Otherwise the GIN index, as far as possible only above the floor
        # where ``need`` matches likely start: first as the word list's
        # counts suggest, then as the matches found there suggest, then all.
        # The matches are found and ordered first, then joined to the base
        # newest first until ``need`` pass (a nested loop keeps the order),
        # so only those are looked up and ranked; every listed product
        # needs no product row: the search row says whether it is listed.
        # The floor is asked of the GIN index as the id blocks above it
        # (``blocks``), which it steps through together with the words; a
        # condition on product_id would let PG AND the bitmap of every
        # match with the primary key's range, or walk that range testing
        # each row. "+ 0": nor may it walk the primary key for the order.
        def found_sql(blocks: str) -> str:
            return f"""
                WITH idx AS MATERIALIZED (
                    SELECT idx.product_id, idx.document FROM {TABLE} AS idx
                    WHERE idx.document @@ to_tsquery('simple', %s) {blocks}
                      {where.filter()}
                    ORDER BY idx.product_id + 0 DESC)
                SELECT hit.id, {extra} FROM idx {where.join()}
                LIMIT %s
            """  # noqa: S608
        floor = newest - int(FLOOR_SLACK * need * ids / found) if found else 0
        rows: list[tuple[int, float, bool]] = []
        for round_ in range(3):
            floor = (floor >> BLOCK_SHIFTS[0] << BLOCK_SHIFTS[0]
                     if floor > oldest and found >= FLOOR_MATCHES and round_ < 2
                     else 0)
            if floor:
                cursor.execute(found_sql("AND idx.blocks && %s::bigint[]"),
                               (query, blocks_from(floor, newest), *first,
                                *where.join_params, need))
            else:
                cursor.execute(found_sql(""),
                               (query, *first, *where.join_params, need))
            rows = sorted(cursor.fetchall(), key=lambda row: -row[0])
            if len(rows) >= need or not floor:
                break
            span = newest - floor + 1
            floor = (newest - int(FLOOR_SLACK * need * span / len(rows))
                     if rows else 0)
        return rows

    def _vocabulary(
        self, cursor: CursorWrapper, query_words: list[str],
    ) -> tuple[int, int, int, dict[str, list[str]]]:
        """What the word list knows about the words of a search: the newest
        and oldest indexed product ids, at most how many products hold
        every word (0 if it cannot tell), and the words whose prefix it
        spells out in full, with their whole words.

        The GIN index finds every match, and reading each matching row is
        most of a search's time: a word in 2% of a million products is
        20,000 rows. The least count of the words bounds the matches from
        above; :meth:`_newest` picks its plan by it. A prefix costs the GIN
        index many times what its whole words do, so a prefix that starts
        no stem of a code (``catalog_product_search_stem``) and at most
        ``SPELL_MAX`` listed words is asked for as those words.
        """
        listed = [alternatives(w) for w in query_words
                  if len(alternatives(w)[0]) > 1 and alternatives(w)[0].isalpha()]
        typed = [words[0] for words in listed]
        # A word's synonyms (whole words) add their products to its count.
        synonyms = [(n, other) for n, words in enumerate(listed, 1)
                    for other in words[1:]]
        cursor.execute(
            f"""
            SELECT (SELECT max(product_id) FROM {TABLE}),
                   (SELECT min(product_id) FROM {TABLE}),
                   w.low, f.products + coalesce((
                     SELECT sum(x.products) FROM {WORDS} AS x
                     JOIN unnest(%s::int[], %s::text[]) AS s(n, word)
                       ON x.word = s.word
                     WHERE s.n = w.n), 0),
                   f.words, EXISTS (
                     SELECT 1 FROM {STEMS} WHERE stem >= w.low AND stem < w.high)
            FROM (SELECT 1) AS one
            LEFT JOIN unnest(%s::text[], %s::text[])
              WITH ORDINALITY AS w(low, high, n) ON true
            LEFT JOIN LATERAL (
              SELECT coalesce(sum(products), 0) AS products,
                     (array_agg(word ORDER BY word))[1:%s] AS words
              FROM {WORDS} WHERE word >= w.low AND word < w.high
            ) AS f ON true
            """,  # noqa: S608
            ([n for n, _ in synonyms], [word for _, word in synonyms], typed,
             [t[:-1] + chr(ord(t[-1]) + 1) for t in typed], SPELL_MAX + 1),
        )
        rows = cursor.fetchall()
        newest, oldest = rows[0][0] or 0, rows[0][1] or 0
        found = min((row[3] for row in rows if row[2] is not None), default=0)
        spelt = {low: words for _, _, low, _, words, coded in rows
                 if low is not None and words and len(words) <= SPELL_MAX
                 and not coded}
        return newest, oldest, int(found), spelt

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
        postgres_index.index_products(product_ids)

    def rebuild(self) -> int:
        """Re-create the index from the catalogue; return how many are indexed."""
        return postgres_index.rebuild()

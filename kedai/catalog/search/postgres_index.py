"""The PostgreSQL search index kept up to date: its rows, word list and code
stems (tables of migrations ``catalog.0002_search_index`` and
``catalog.0006_search_stems``), filled from the catalogue. A row's
``blocks`` are generated from its id (``catalog.0007_search_blocks``); its
``listed`` is written here and kept true to the product by a trigger on
``catalog_product`` (``catalog.0008_search_listed``).

kedai.catalog.search.postgres reads them; this module only writes them.
"""

from collections.abc import Sequence

from django.db import connection, transaction

TABLE = "catalog_product_search"
WORDS = "catalog_product_search_word"
STEMS = "catalog_product_search_stem"

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
INSERT INTO catalog_product_search (product_id, name, listed, document)
SELECT p.id, p.name, p.is_active AND p.price IS NOT NULL,
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
# The letters that start every indexed word that is not all letters, so a
# prefix is known to start no code (migration catalog.0006_search_stems).
_ALL_STEMS = f"""
INSERT INTO {STEMS} (stem)
SELECT DISTINCT substring(word from '^[[:alpha:]]+')
FROM {TABLE}, unnest(document) AS lexeme(word, positions, weights)
WHERE word ~ '^[[:alpha:]]' AND word !~ '^[[:alpha:]]+$'
"""  # noqa: S608
_NEW_STEMS = f"""
INSERT INTO {STEMS} (stem)
SELECT DISTINCT substring(word from '^[[:alpha:]]+')
FROM {TABLE}, unnest(document) AS lexeme(word, positions, weights)
WHERE product_id = ANY(%s)
  AND word ~ '^[[:alpha:]]' AND word !~ '^[[:alpha:]]+$'
ON CONFLICT (stem) DO NOTHING
"""  # noqa: S608
_FILL_ALL = _FILL_SQL.format(category_filter="", variant_filter="", product_filter="")
_FILL_ONE = _FILL_SQL.format(
    category_filter="WHERE id IN (SELECT category_id FROM catalog_product "
                    "WHERE id = ANY(%s))",
    variant_filter="AND product_id = ANY(%s)",
    product_filter="AND p.id = ANY(%s)",
)


def index_products(product_ids: Sequence[int]) -> None:
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
        cursor.execute(_NEW_STEMS, (ids,))

def rebuild() -> int:
    """Re-create the index from the catalogue; return how many are indexed.

    One transaction, and DELETE rather than TRUNCATE: searches keep
    reading the old index until it commits instead of waiting for it.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
        cursor.execute(f"DELETE FROM {WORDS}")  # noqa: S608
        cursor.execute(f"DELETE FROM {STEMS}")  # noqa: S608
        cursor.execute(_FILL_ALL)
        cursor.execute(_ALL_WORDS)
        cursor.execute(_ALL_STEMS)
        # Fresh statistics, or the planner guesses match counts from the
        # old contents and may scan the GIN index for common words.
        cursor.execute(f"ANALYZE {TABLE}")
        cursor.execute(f"SELECT count(*) FROM {TABLE}")  # noqa: S608
        return cursor.fetchone()[0]

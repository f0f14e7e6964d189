"""Product search index: SQLite FTS5 or a PostgreSQL tsvector table.

The structures are not Django models (one per database, virtual tables,
triggers), so this migration checks the vendor and runs that vendor's SQL.
The SQL is a frozen copy: later changes to what is indexed belong in later
migrations (or just ``manage.py search_rebuild``), not in this file.

The index is filled from the catalogue on the way forward, so upgrading a
shop with products needs no extra step.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE catalog_product_fts USING fts5(
        name, skus, categories, description,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3 4 5 6 7 8'
    )
    """,
    # Weights of name, skus, categories, description for the ``rank`` column.
    """
    INSERT INTO catalog_product_fts(catalog_product_fts, rank)
    VALUES ('rank', 'bm25(20.0, 5.0, 2.0, 1.0)')
    """,
    """
    CREATE VIRTUAL TABLE catalog_product_fts_vocab
    USING fts5vocab(catalog_product_fts, 'row')
    """,
]
SQLITE_BACKWARD = [
    "DROP TABLE IF EXISTS catalog_product_fts_vocab",
    "DROP TABLE IF EXISTS catalog_product_fts",
]
SQLITE_FILL = """
WITH RECURSIVE
  chain(category_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM catalog_category
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
      FROM catalog_variant WHERE is_active
    )
    GROUP BY product_id
  )
INSERT INTO catalog_product_fts(rowid, name, skus, categories, description)
SELECT p.id, p.name, coalesce(v.skus, ''), coalesce(n.names, ''), p.description
FROM catalog_product p
LEFT JOIN variant_skus v ON v.product_id = p.id
LEFT JOIN category_names n ON n.category_id = p.category_id
WHERE p.is_active
"""

POSTGRES_FORWARD = [
    # No foreign key to catalog_product: Django's test flush truncates model
    # tables without CASCADE and would refuse a table it does not know about
    # that references one. The triggers below give the ON DELETE CASCADE.
    """
    CREATE TABLE catalog_product_search (
        product_id bigint PRIMARY KEY,
        name text NOT NULL,
        document tsvector NOT NULL
    )
    """,
    """
    CREATE INDEX catalog_product_search_document
    ON catalog_product_search USING gin (document)
    """,
    # Words for typo correction; "C" collation so a first-letter range scan
    # is a plain index range whatever the database's collation.
    """
    CREATE TABLE catalog_product_search_word (
        word text COLLATE "C" PRIMARY KEY,
        products integer NOT NULL
    )
    """,
    """
    CREATE FUNCTION catalog_product_search_forget() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            TRUNCATE catalog_product_search;
        ELSE
            DELETE FROM catalog_product_search
            WHERE product_id IN (SELECT id FROM gone);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_product_search_delete
    AFTER DELETE ON catalog_product
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_forget()
    """,
    """
    CREATE TRIGGER catalog_product_search_truncate
    AFTER TRUNCATE ON catalog_product
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_forget()
    """,
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_search_truncate ON catalog_product",
    "DROP TRIGGER IF EXISTS catalog_product_search_delete ON catalog_product",
    "DROP FUNCTION IF EXISTS catalog_product_search_forget()",
    "DROP TABLE IF EXISTS catalog_product_search_word",
    "DROP TABLE IF EXISTS catalog_product_search",
]
POSTGRES_FILL = """
WITH RECURSIVE
  chain(category_id, ancestor_id, depth) AS (
    SELECT id, id, 0 FROM catalog_category
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
      FROM catalog_variant WHERE is_active
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
WHERE p.is_active
"""

POSTGRES_FILL_WORDS = """
INSERT INTO catalog_product_search_word (word, products)
SELECT word, count(*)
FROM catalog_product_search, unnest(document) AS lexeme(word, positions, weights)
GROUP BY word
HAVING word ~ '^[[:alpha:]]+$'
"""

FORWARD = {
    "sqlite": SQLITE_FORWARD + [SQLITE_FILL],
    "postgresql": POSTGRES_FORWARD + [POSTGRES_FILL, POSTGRES_FILL_WORDS],
}
BACKWARD = {"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}


def forwards(apps, schema_editor):
    for sql in FORWARD.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    for sql in BACKWARD.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

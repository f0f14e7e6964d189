"""PostgreSQL search: whether each indexed product is listed (active and
priced), kept on its search row, so a search of the whole shop reads no
product row.

Every match a search reads was also looked up in ``catalog_product`` to
test the listing's base filter (active, priced): 501 lookups for the
newest matches of each search, two of every three pages it read
("takraw": 2,004 of 3,006). A search without filters now tests ``listed``
on the row it has read already; a search with filters (category, price,
stock) still joins its base.

``listed`` is written with the row (``kedai.catalog.search.postgres_index``)
and kept true to the product by a trigger on every UPDATE of
``catalog_product``, so a product hidden or left without a price leaves
the results at once, as it did through the join, before the index is
refreshed. It has no default: a row written without it fails loudly.
"""

from django.db import migrations

FORWARD = [
    # True for the existing rows without rewriting them, then false where
    # the product is not listed; no default from then on.
    """
    ALTER TABLE catalog_product_search
    ADD COLUMN listed boolean NOT NULL DEFAULT true
    """,
    """
    UPDATE catalog_product_search AS s SET listed = false
    FROM catalog_product AS p
    WHERE p.id = s.product_id AND NOT (p.is_active AND p.price IS NOT NULL)
    """,
    "ALTER TABLE catalog_product_search ALTER COLUMN listed DROP DEFAULT",
    """
    CREATE FUNCTION catalog_product_search_listed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE catalog_product_search AS s
        SET listed = fresh.is_active AND fresh.price IS NOT NULL
        FROM fresh
        WHERE s.product_id = fresh.id
          AND s.listed <> (fresh.is_active AND fresh.price IS NOT NULL);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER catalog_product_search_listed
    AFTER UPDATE ON catalog_product
    REFERENCING NEW TABLE AS fresh
    FOR EACH STATEMENT EXECUTE FUNCTION catalog_product_search_listed()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_search_listed ON catalog_product",
    "DROP FUNCTION IF EXISTS catalog_product_search_listed()",
    "ALTER TABLE catalog_product_search DROP COLUMN IF EXISTS listed",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0007_search_blocks"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

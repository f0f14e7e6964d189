"""PostgreSQL search: the id blocks of each indexed product, in the GIN index
beside its words, so a search for the newest matches reads only those.

A search ranks the newest matches (``kedai.catalog.search.postgres``), and
for a word in a few per cent of a million products it asked for the
matches above an id: the GIN index then gave every match (29,000 for
"takraw", 4-5 ms to collect) and the primary key every id above (1-2 ms),
or the planner walked the ids testing each document (20 ms). Each product
now also lies in three aligned blocks of ids, 4,096, 32,768 and 262,144
wide (a block is keyed by its first id plus its level, 0-2, so the levels
never share a key), and the GIN index covers ``(document, blocks)``: asked
for the words and a few blocks, it steps through both lists together and
collects only the matches in those blocks (3 ms for "takraw").

``blocks`` is a generated column, so every INSERT of the index fills it.
Nothing on SQLite, whose FTS5 word lists are kept in id order.
"""

from django.db import migrations

FORWARD = [
    """
    ALTER TABLE catalog_product_search ADD COLUMN blocks bigint[]
    GENERATED ALWAYS AS (ARRAY[
        product_id >> 12 << 12,
        (product_id >> 15 << 15) + 1,
        (product_id >> 18 << 18) + 2]) STORED
    """,
    "DROP INDEX IF EXISTS catalog_product_search_document",
    """
    CREATE INDEX catalog_product_search_document_blocks
    ON catalog_product_search USING gin (document, blocks)
    """,
    "ANALYZE catalog_product_search",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_document_blocks",
    """
    CREATE INDEX catalog_product_search_document
    ON catalog_product_search USING gin (document)
    """,
    "ALTER TABLE catalog_product_search DROP COLUMN blocks",
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
        ("catalog", "0006_search_stems"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

"""PostgreSQL search: the letter stems of indexed words that are not all
letters, so a typed prefix can be looked up as whole words.

The word list (``catalog_product_search_word``) holds the indexed words made
of letters only. A prefix such as "kurung" costs the GIN index about fifteen
times more as a prefix (``'kurung':*``) than as the whole words it stands
for (``'kurung' | 'kurungan'``), but the word list alone cannot tell whether
some code such as "kurung2" also starts so. This table holds the letters
that start every other indexed word ("kdbtk" of "kdbtk001mblu"): a prefix
that starts none of them is fully spelt out by the word list. Nothing on
SQLite, whose FTS5 prefix indexes make prefixes cheap already.

Also keeps parallel workers off the search table: a search reads a few
hundred rows, in less time than starting the workers takes, and plans
that divide a scan among workers looked cheaper than the GIN bitmap that
reads a hundredth of the rows.
"""

from django.db import migrations

FORWARD = [
    "ALTER TABLE catalog_product_search SET (parallel_workers = 0)",
    """
    CREATE TABLE catalog_product_search_stem (
        stem text COLLATE "C" PRIMARY KEY
    )
    """,
    """
    INSERT INTO catalog_product_search_stem (stem)
    SELECT DISTINCT substring(word from '^[[:alpha:]]+')
    FROM catalog_product_search, unnest(document) AS lexeme(word, positions, weights)
    WHERE word ~ '^[[:alpha:]]' AND word !~ '^[[:alpha:]]+$'
    """,
]
BACKWARD = [
    "ALTER TABLE catalog_product_search RESET (parallel_workers)",
    "DROP TABLE IF EXISTS catalog_product_search_stem",
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
        ("catalog", "0005_search_synonyms"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

"""Send catalogue reads to a read replica (DATABASE_REPLICA_URL).

Installed by the settings only when DATABASE_REPLICA_URL is set. Reads of
the ``catalog`` app's tables (products, variants, categories, search) go to
the ``replica`` alias, except inside a transaction on the primary: there a
stale stock figure or a row the transaction itself just wrote would be
wrong, so the primary answers. Every write, and every read of any other
app, goes to the primary. Migrations run on the primary only (the replica
copies them).

The replica must not lag behind a commit that bumps the catalogue version,
or a process could cache an old page under the new version: run it with
``synchronous_commit = remote_apply`` on the primary for that standby
(docs/capacity.md).
"""

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
REPLICA_APPS = frozenset({"catalog"})


class CatalogueReplicaRouter:
    """Catalogue reads from the replica; everything else on the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        if model._meta.app_label not in REPLICA_APPS:
            return DEFAULT_DB_ALIAS
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS

"""DATABASE_REPLICA_URL: catalogue reads go to the replica, everything else
(and reads inside a transaction) to the primary. Tested with a second
database on the same PostgreSQL server standing in for the replica, so a
row found there proves where the read went."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json
import django
django.setup()
from django.db import router, transaction
from kedai.catalog.models import Category, Product
from kedai.catalog.selectors import navigation_get
from kedai.orders.models import Order

Category.objects.using("replica").create(name="On the replica", slug="replica")
Category.objects.create(name="On the primary", slug="primary")  # a write
with transaction.atomic():
    in_transaction = sorted(Category.objects.values_list("slug", flat=True))
print(json.dumps({
    "read": sorted(Category.objects.values_list("slug", flat=True)),
    "navigation": sorted(c.slug for c in navigation_get().categories.values()),
    "in_transaction": in_transaction,
    "products": router.db_for_read(Product),
    "orders": router.db_for_read(Order),
    "order_write": router.db_for_write(Order),
}))
"""


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    return url.rsplit("/", 1)[0]


def test_catalogue_reads_go_to_the_replica(tmp_path):
    server = _server_url()
    primary = f"kedai_deploy_primary_{uuid.uuid4().hex[:8]}"
    replica = f"kedai_deploy_replica_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update({"DJANGO_SETTINGS_MODULE": "kedai.conf.settings",
                "DATABASE_URL": f"{server}/{primary}",
                "DATABASE_REPLICA_URL": f"{server}/{replica}",
                "CACHE_URL": "locmemcache://router-test",
                "KEDAI_VAR_DIR": str(tmp_path)})
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{primary}"')
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"],  # noqa: S603
                       cwd=ROOT, env=env, check=True, timeout=300)
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            # The same schema, as a streaming replica would have it.
            admin.execute(f'CREATE DATABASE "{replica}" TEMPLATE "{primary}"')
        result = subprocess.run([sys.executable, "-c", SCRIPT],  # noqa: S603
                                cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
        seen = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            for name in (primary, replica):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert seen["read"] == ["replica"]
    assert seen["navigation"] == ["replica"]
    assert seen["in_transaction"] == ["primary"]
    assert seen["products"] == "replica"
    assert seen["orders"] == seen["order_write"] == "default"


@pytest.mark.django_db(transaction=True)
def test_router_keeps_transactions_and_other_apps_on_the_primary():
    """The routing rules alone, on any database."""
    from django.db import transaction

    from kedai.catalog.models import Category, Variant
    from kedai.core.db_router import CatalogueReplicaRouter
    from kedai.orders.models import Order

    router = CatalogueReplicaRouter()
    assert router.db_for_read(Variant) == "replica"
    assert router.db_for_read(Order) == "default"
    assert router.db_for_write(Category) == "default"
    with transaction.atomic():
        assert router.db_for_read(Variant) == "default"
    loaded = Category(name="x", slug="x")
    loaded._state.db = "default"
    assert router.db_for_read(Category, instance=loaded) == "default"
    assert router.allow_migrate("default", "catalog")
    assert not router.allow_migrate("replica", "catalog")

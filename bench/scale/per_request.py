"""CPU time and SQL queries per request, in process, on PostgreSQL + Redis:
the inputs of docs/capacity.md. Run by hand:

    .venv/bin/python bench/scale/per_request.py [--products 10000]

Builds a scratch database (kedai_deploy_cap_<pid>) with seed_demo, then
drives Django's test client through a shopper's path, many times each, and
prints the median process CPU time and the query count per request kind.
The scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

PG = os.environ.get("KEDAI_SCALE_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("KEDAI_SCALE_REDIS", "redis://127.0.0.1:6379/10")
DETAILS = {"email": "siti@example.my", "name": "Siti Aminah",
           "phone": "012-345 6789", "line1": "12 Jalan Ampang", "line2": "",
           "city": "Kuala Lumpur", "postcode": "50450", "state": "KUL",
           "billing_same": "on"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    import psycopg

    name = f"kedai_deploy_cap_{os.getpid()}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    os.environ.update({
        "DJANGO_SETTINGS_MODULE": "kedai.conf.settings",
        "DATABASE_URL": f"{PG}/{name}", "CACHE_URL": REDIS,
        "KEDAI_VAR_DIR": tempfile.mkdtemp(prefix="kedai-cap-"),
        "ALLOWED_HOSTS": "testserver", "KEDAI_STATIC_FINDERS": "true",
        "CONN_MAX_AGE": "60", "LOG_LEVEL": "ERROR",
        "KEDAI_PAYMENT_METHODS": "bank_transfer"})
    try:
        import django

        django.setup()
        from django.conf import settings

        settings.STORAGES["staticfiles"] = {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        from django.core.cache import caches
        from django.core.management import call_command

        caches["default"].clear()
        call_command("migrate", verbosity=0)
        started = time.monotonic()
        call_command("seed_demo", products=args.products, images=False, verbosity=0)
        print(f"seed_demo --products {args.products}: "
              f"{time.monotonic() - started:.0f} s", flush=True)
        measure(args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        shutil.rmtree(os.environ["KEDAI_VAR_DIR"], ignore_errors=True)


def measure(rounds: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kedai.catalog.models import Category, Product

    client = Client()
    samples: dict[str, list[tuple[float, int]]] = {}

    def timed(kind, method, url, data=None, **extra):
        with CaptureQueriesContext(connection) as queries:
            cpu = time.process_time()
            response = getattr(client, method)(url, data, **extra)
            cpu = time.process_time() - cpu
        assert response.status_code < 500, (kind, response.status_code)
        samples.setdefault(kind, []).append((cpu * 1000, len(queries)))
        return response

    category = Category.objects.filter(parent=None).first()
    products = list(Product.objects.filter(in_stock=True, is_active=True)
                    .order_by("id")[:rounds])
    for i, product in enumerate(products):
        timed("public page, cache hit (/)", "get", "/")
        timed("category page, uncached", "get",
              f"/c/{category.slug}/?page={i + 2}")
        timed("product page, uncached", "get", f"/p/{product.slug}/")
        timed("search, uncached", "get", f"/search/?q=batik+{i}")
        variant = product.variants.filter(is_active=True, stock__gt=0).first()
        added = timed("add to cart (new cart)", "post", "/cart/add/",
                      {"product": product.pk, "variant": variant.pk, "quantity": 1})
        if added.status_code != 303 or not added["Location"].startswith("/s/"):
            continue
        cart = added["Location"]
        token = re.match(r"^/s/([A-Za-z0-9_-]{32})/", cart)[1]
        timed("cart page", "get", cart)
        start = timed("checkout start", "post", f"/s/{token}/checkout/start/")
        step = re.match(r"^(?:/s/[A-Za-z0-9_-]{32})?/checkout/[A-Za-z0-9_-]{32}/",
                        start["Location"])[0]
        timed("checkout details", "post", step + "details/", DETAILS)
        delivery = client.get(step + "delivery/").content.decode()
        method = re.search(r'name="shipping_method"[^>]*value="([^"]+)"', delivery)
        timed("checkout delivery", "post", step + "delivery/",
              {"shipping_method": method[1] if method else "",
               "payment_method": "bank_transfer"})
        review = timed("checkout review page", "get", step + "review/")
        total = re.search(r'name="expected_total" value="([0-9.]+)"',
                          review.content.decode())
        placed = timed("place order", "post", step + "review/",
                       {"accept_terms": "on", "expected_total": total[1]})
        timed("order page", "get", placed["Location"])
    print("\n| request | CPU ms (median) | queries (median) | n |")
    print("|---|---:|---:|---:|")
    for kind, values in samples.items():
        cpu = statistics.median(v[0] for v in values)
        queries = statistics.median(v[1] for v in values)
        print(f"| {kind} | {cpu:.1f} | {queries:.0f} | {len(values)} |")


if __name__ == "__main__":
    main()

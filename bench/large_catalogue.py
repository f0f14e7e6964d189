"""Catalogue pages and search on a large catalogue, in-process, uncached.

For issue 18's "1,000,000 products on PostgreSQL": run on a database filled
by ``manage.py seed_demo --products 1000000``::

    DATABASE_URL=postgres://…/kedai_big CACHE_URL=redis://… \\
        .venv/bin/python bench/large_catalogue.py [--runs 50]

Every catalogue page a shopper can reach — front page, the largest root
category and a leaf (first page, a deep page, each sort, a price filter),
a product page, search (common word, rare word, two words, in a category,
sorted by price) and the search suggestions — is requested ``--runs``
times through Django's test client with the page cache off
(``KEDAI_PAGE_CACHE_SECONDS=0``: every request renders and queries; the
navigation stays cached, as it is on a live shop). Reports wall-clock and
CPU milliseconds (median and p95) and the queries of one request. The
database's own time is in the wall-clock figure. Then run
``bench/search_latency.py`` on the same database for the 500-query mix.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedai.conf.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from kedai.catalog.models import Category, Product

    total = Product.objects.count()
    roots = (Category.objects.filter(parent=None, is_active=True)
             .annotate(n=Count("children__products")).order_by("-n"))
    root = roots.first()
    leaf = (Category.objects.filter(parent=root).annotate(n=Count("products"))
            .order_by("-n").first())
    product = Product.objects.filter(is_active=True, in_stock=True).order_by(
        "-id").first()
    if root is None or leaf is None or product is None:
        print("empty catalogue: run manage.py seed_demo first", file=sys.stderr)
        return 2
    word = product.name.split()[0].lower()
    rare = product.name.split()[-1].lower()
    pages = {
        "front page": "/",
        f"category {root.slug} ({root.n:,})": f"/c/{root.slug}/",
        "  page 40": f"/c/{root.slug}/?page=40",
        "  by price": f"/c/{root.slug}/?sort=price",
        "  by price, high first": f"/c/{root.slug}/?sort=-price",
        "  newest": f"/c/{root.slug}/?sort=newest",
        "  price RM20–50": f"/c/{root.slug}/?price_min=20&price_max=50",
        f"leaf {leaf.slug} ({leaf.n:,})": f"/c/{leaf.slug}/",
        "product": f"/p/{product.slug}/",
        f"search {word!r}": f"/search/?q={word}",
        f"search {rare!r}": f"/search/?q={rare}",
        f"search {word} {rare}": f"/search/?q={word}+{rare}",
        f"search {word} in {root.slug}": f"/search/?q={word}&category={root.slug}",
        f"search {word} by price": f"/search/?q={word}&sort=price",
        "suggestions": f"/search/suggest/?q={word[:3]}",
    }
    settings.KEDAI_PAGE_CACHE_SECONDS = 0
    client = Client()
    client.get("/")  # the navigation, cached as on a live shop
    print(f"{total:,} products, {connection.vendor}; {args.runs} runs per page, "
          "page cache off. ms per request:")
    print("| page | wall p50 | wall p95 | CPU p50 | queries |")
    print("|---|---:|---:|---:|---:|")
    for name, url in pages.items():
        response = client.get(url)
        if response.status_code != 200:
            print(f"{url} answered {response.status_code}", file=sys.stderr)
            return 1
        queries: list[str] = []

        def count(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        wall, cpu = [], []
        for _ in range(args.runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            client.get(url)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        print(f"| {name} | {statistics.median(wall):.1f} | {_p95(wall):.1f} | "
              f"{statistics.median(cpu):.1f} | {len(queries)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

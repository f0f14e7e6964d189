"""CPU time of rendering catalogue pages in-process, the page cache off.

Usage (on a database filled by ``manage.py seed_demo --products 10000``)::

    DATABASE_URL=sqlite:///… .venv/bin/python bench/render_cost.py [--runs 200]

Prints, per page, the median and p90 CPU time (``time.process_time``) of a
full request through Django's test client: middleware, view, queries and
templates. Issue 12 asks ≤ 8 ms for a category page of 24 cards whose
page is not cached. ``--token`` measures the page under a cart token.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedai.conf.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client  # needs "testserver" in ALLOWED_HOSTS

    from kedai.catalog.models import Category, Product

    category = (Category.objects.filter(parent=None, is_active=True)
                .order_by("position", "name").first())
    product = (Product.objects.filter(is_active=True, in_stock=True)
               .order_by("id").first())
    if category is None or product is None:
        print("empty catalogue: run manage.py seed_demo first", file=sys.stderr)
        return 2
    client = Client()
    pages = {
        "category (24 cards)": f"/c/{category.slug}/?per_page=24",
        "category, Malay": f"/ms/c/{category.slug}/?per_page=24",
        "product": f"/p/{product.slug}/",
        "front page": "/",
    }
    token = _cart_token(client, product)
    print(f"{args.runs} runs per page; navigation cached. CPU ms per request:")
    print(f"{'page':<22} {'page missed':>12} {'(p90)':>7} {'nothing cached':>15}"
          f" {'(p90)':>7}")
    for name, url in [*pages.items(), ("category under a token",
                                       f"/s/{token}{pages['category (24 cards)']}")]:
        row = []
        for seconds in (60, 0):
            # A page-cache miss whose listing is cached (a fresh query
            # string), then a render with no cache at all.
            settings.KEDAI_PAGE_CACHE_SECONDS = seconds
            sep = "&" if "?" in url else "?"
            for i in range(5):
                assert client.get(f"{url}{sep}_={i}").status_code == 200, url
            cpu = []
            for i in range(args.runs):
                started = time.process_time()
                client.get(f"{url}{sep}_={i + 10}")
                cpu.append((time.process_time() - started) * 1000)
            cpu.sort()
            row += [statistics.median(cpu), cpu[int(len(cpu) * 0.9)]]
        print(f"{name:<22} {row[0]:12.2f} {row[1]:7.2f} {row[2]:15.2f} {row[3]:7.2f}")
    cache.clear()
    return 0


def _cart_token(client, product) -> str:
    variant = product.variants.filter(is_active=True, stock__gt=0).first()
    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": 1},
                           HTTP_SEC_FETCH_SITE="same-origin")
    return response["Location"].split("/")[2]


if __name__ == "__main__":
    sys.exit(main())

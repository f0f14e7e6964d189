"""In-process CPU cost of the cart page and of add-to-cart (issue 12).

Django's test client in one thread (no server, no connection set-up), on
any Kedai database with stock (``seed_demo``)::

    DATABASE_URL=sqlite:////tmp/x/bench.sqlite3 KEDAI_VAR_DIR=/tmp/x \\
        .venv/bin/python bench/cart_cost.py [--runs 300] [--profile]

Makes a cart of 3 lines the way a shopper does (``POST /cart/add/``),
then reports the queries of its page and the median CPU milliseconds
(``time.process_time``) of ``GET /s/<token>/cart/`` in English and Malay,
of an add-to-cart (one unit, 8 carts × 64 variants in turn, 303 answer)
and, for scale, of the public front page served from the page cache.
``--profile`` prints the 40 costliest functions (cProfile, cumulative) of
the cart page and of add-to-cart (``--profile-filter kedai/``: only those
whose file path matches).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedai.conf.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-filter", default="",
                        help="only functions whose file matches (e.g. kedai)")
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from kedai.catalog.models import Variant

    variants = list(Variant.objects.filter(
        is_active=True, product__is_active=True, stock__gte=99)
        .order_by("id").values_list("id", flat=True)[:64])
    if len(variants) < 3:
        print("not enough stock: run manage.py seed_demo first", file=sys.stderr)
        return 2
    client = Client()
    headers = {"HTTP_SEC_FETCH_SITE": "same-origin"}

    def new_cart() -> str:
        made = client.post("/cart/add/", {"variant": variants[0], "quantity": 1},
                           **headers)
        return made["Location"].split("/s/", 1)[1].split("/", 1)[0]

    token = new_cart()
    for variant in variants[1:3]:
        client.post(f"/s/{token}/cart/add/", {"variant": variant, "quantity": 1},
                    **headers)
    carts = [new_cart() for _ in range(8)]

    def add(i: int) -> None:
        response = client.post(f"/s/{carts[i % 8]}/cart/add/",
                               {"variant": variants[(i // 8) % len(variants)],
                                "quantity": 1}, **headers)
        assert response.status_code == 303, response.status_code

    def get(url: str):
        def run(_i: int) -> None:
            assert client.get(url).status_code == 200, url
        return run

    cases = {"cart page (3 lines)": get(f"/s/{token}/cart/"),
             "cart page, Malay": get(f"/s/{token}/ms/cart/"),
             "add to cart (303)": add,
             "front page (page cache)": get("/")}
    for name, run in cases.items():
        for i in range(20):
            run(i)
        with CaptureQueriesContext(connection) as queries:
            run(20)
        count = len(queries.captured_queries)
        cpu = []
        for i in range(args.runs):
            started = time.process_time()
            run(i + 21)
            cpu.append((time.process_time() - started) * 1000)
        print(f"{name:<26} {statistics.median(cpu):6.2f} ms CPU (median of "
              f"{args.runs}), {count} queries")
    if args.profile:
        for name in ("cart page (3 lines)", "add to cart (303)"):
            profile = cProfile.Profile()
            profile.enable()
            for i in range(args.runs):
                cases[name](i + 1000)
            profile.disable()
            print(f"\n{name}:")
            stats = pstats.Stats(profile).sort_stats("cumulative")
            stats.print_stats(args.profile_filter, 40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""In-process CPU cost of add-to-cart: the storefront API against the form.

Django's test client in one thread (no server, no connection set-up, no
contention: the cost of the code path itself), on any Kedai database::

    DATABASE_URL=sqlite:////tmp/x/bench.sqlite3 KEDAI_VAR_DIR=/tmp/x \\
        .venv/bin/python bench/add_to_cart_cost.py [--adds 300] [--rounds 3]

Each round makes 8 carts each way and adds ``--adds`` units spread over 64
variants with stock (one unit per request, like bench/wrk_add_to_cart.lua);
it reports the median CPU milliseconds per request of each round and the
median of the rounds, API first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedai.conf.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--adds", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    import django

    django.setup()
    from django.test import Client

    from kedai.catalog.models import Variant

    variants = list(Variant.objects.filter(
        is_active=True, product__is_active=True, stock__gte=99)
        .order_by("id").values_list("id", flat=True)[:64])
    client = Client()
    html_headers = {"HTTP_SEC_FETCH_SITE": "same-origin"}

    def api_cart() -> str:
        made = client.post("/api/store/v1/carts", json.dumps(
            {"variant_id": variants[0]}), content_type="application/json")
        return made.json()["token"]

    def html_cart() -> str:
        made = client.post("/cart/add/", {"variant": variants[0], "quantity": 1},
                           **html_headers)
        return made["Location"].split("/s/", 1)[1].split("/", 1)[0]

    def api_add(token: str, variant: int) -> int:
        return client.post(f"/api/store/v1/carts/{token}/lines", json.dumps(
            {"variant_id": variant, "quantity": 1}),
            content_type="application/json").status_code

    def html_add(token: str, variant: int) -> int:
        return client.post(f"/s/{token}/cart/add/",
                           {"variant": variant, "quantity": 1},
                           **html_headers).status_code

    results: dict[str, list[float]] = {"API (POST JSON)": [], "HTML form (POST)": []}
    for _round in range(args.rounds):
        for name, make, add, ok in (("API (POST JSON)", api_cart, api_add, 201),
                                    ("HTML form (POST)", html_cart, html_add, 303)):
            carts = [make() for _ in range(8)]
            costs = []
            for i in range(args.adds):
                started = time.process_time()
                status = add(carts[i % 8], variants[(i // 8) % len(variants)])
                costs.append((time.process_time() - started) * 1000)
                if status != ok:
                    print(f"{name}: answered {status}", file=sys.stderr)
                    return 1
            results[name].append(statistics.median(costs))
    for name, medians in results.items():
        rounds = ", ".join(f"{m:.2f}" for m in medians)
        print(f"{name}: median {statistics.median(medians):.2f} ms CPU per add "
              f"(rounds: {rounds})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

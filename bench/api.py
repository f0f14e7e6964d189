"""Kedai API benchmark: the storefront API against the HTML pages and the
bare-Django ceiling, on the same gunicorn (see bench/README.md, "API").

Reuses bench/storefront.py's scratch site, gunicorn and wrk runner:

* ``GET /api/store/v1/products?category=<slug>`` (24 items) and
  ``GET /api/store/v1/products/<slug>`` against the ceiling (target 50%);
* add-to-cart through the API (JSON POST) against the HTML form POST.

Run ``.venv/bin/python bench/api.py`` (about three minutes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.storefront import (  # noqa: E402
    BENCH_DIR,
    CARTS,
    CEILING_TARGET,
    VARIANTS,
    BenchError,
    Gunicorn,
    Site,
    Wrk,
    cart_create,
    http_request,
    pick_targets,
)


def _api_cart(port: int, variant_id: int) -> str:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/store/v1/carts",
                     body=json.dumps({"variant_id": variant_id}),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 201:
        raise BenchError(f"POST /api/store/v1/carts answered {response.status}")
    return json.loads(body)["token"]


def run(args) -> list:
    workdir = Path(tempfile.mkdtemp(prefix="kedai-bench-api-"))
    try:
        site = Site(workdir, workdir / "bench.sqlite3")
        site.build(args.products, None, collectstatic=True)
        targets = pick_targets(site)
        wrk = Wrk(shutil.which("wrk") or "wrk", args.threads, args.connections,
                  args.duration, args.warmup)
        with Gunicorn(site, "bench.settings_bench", workdir / "gunicorn.log") as server:
            port = server.port
            api_tokens = [_api_cart(port, targets["cart_variants"][i % VARIANTS])
                          for i in range(CARTS)]
            html_tokens = [cart_create(port, targets["cart_variants"][i % VARIANTS])
                           for i in range(CARTS)]
            pages = [
                ("ceiling (start)", "/__ceiling__/"),
                ("API products ?category (24)",
                 f"/api/store/v1/products?category={targets['category']}"),
                ("API product", f"/api/store/v1/products/{targets['product']}"),
                ("HTML category page", f"/c/{targets['category']}/"),
                ("HTML product page", f"/p/{targets['product']}/"),
            ]
            for page, path in pages:
                status, _ = http_request(port, "GET", path)
                if status != 200:
                    raise BenchError(f"GET {path} ({page}) answered {status}")
            results = [wrk.measure(page, server, path) for page, path in pages]
            variants_csv = ",".join(map(str, targets["cart_variants"]))

            def args_for(tokens):
                return lambda sent: (str(wrk.threads), str(sent), ",".join(tokens),
                                     variants_csv)

            results.append(wrk.measure(
                "API add to cart (POST JSON)", server,
                f"/api/store/v1/carts/{api_tokens[0]}/lines",
                script=BENCH_DIR / "wrk_api_add_to_cart.lua",
                script_args=args_for(api_tokens)))
            results.append(wrk.measure(
                "HTML add to cart (POST form)", server,
                f"/s/{html_tokens[0]}/cart/add/",
                script=BENCH_DIR / "wrk_add_to_cart.lua",
                script_args=args_for(html_tokens)))
            results.append(wrk.measure("ceiling (end)", server, "/__ceiling__/"))
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure Kedai's storefront API.")
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--products", type=int, default=10_000)
    args = parser.parse_args(argv)
    try:
        results = run(args)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    by_page = {m.page: m for m in results}
    ceiling = (by_page["ceiling (start)"].rps + by_page["ceiling (end)"].rps) / 2
    print("\n| request | req/s | p50 ms | p99 ms | % of ceiling | failed |")
    print("|---|---:|---:|---:|---:|---:|")
    for m in results:
        print(f"| {m.page} | {m.rps:.0f} | {m.p50_ms:.1f} | {m.p99_ms:.1f} | "
              f"{100 * m.rps / ceiling:.0f}% | {m.failed + m.socket_errors} |")
    api_ok = all(by_page[p].rps >= CEILING_TARGET * ceiling
                 for p in ("API products ?category (24)", "API product"))
    add_ok = (by_page["API add to cart (POST JSON)"].rps
              >= by_page["HTML add to cart (POST form)"].rps)
    print(f"\nAPI reads >= {CEILING_TARGET:.0%} of ceiling: {api_ok}; "
          f"API add-to-cart >= HTML form: {add_ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

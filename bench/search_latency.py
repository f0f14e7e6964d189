"""In-process search latency: ~500 varied queries through product_listing().

Run by bench/storefront.py against its 100,000-product database; can also be
run by hand against any Kedai database::

    DATABASE_URL=sqlite:////tmp/x/bench-100k.sqlite3 KEDAI_VAR_DIR=/tmp/x \\
        .venv/bin/python bench/search_latency.py --queries 500

Queries are drawn (deterministically, from ``--seed``) from the catalogue
itself: common and rare single words of product names, two-word queries,
prefixes, SKUs and product codes, and one-letter typos that only the
spelling correction can rescue. Each is timed around
``kedai.catalog.selectors.product_listing(ListingParams(text=...))``: the
search backend's queries plus loading the page of products, i.e. everything
the search page does with the database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Share of each kind of query in the mix (sums to 1).
MIX = {
    "common word": 0.25,
    "rare word": 0.10,
    "two words": 0.20,
    "two unrelated words": 0.05,
    "prefix": 0.15,
    "sku": 0.10,
    "product code": 0.05,
    "typo": 0.10,
}
WARMUP_QUERIES = 50
_WORD = re.compile(r"[a-z]+")
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (what wrk reports too)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> dict:
    return {
        "count": len(values),
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": max(values),
        "mean_ms": statistics.fmean(values),
    }


def _typo(rng: random.Random, word: str, known_prefixes: set[str]) -> str | None:
    """One edit (swap, drop, replace) giving a string no product word starts with."""
    for _ in range(20):
        i = rng.randrange(1, len(word) - 1)
        how = rng.choice(("swap", "drop", "replace"))
        if how == "swap":
            typo = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        elif how == "drop":
            typo = word[:i] + word[i + 1:]
        else:
            typo = word[:i] + rng.choice(_ALPHABET) + word[i + 1:]
        if typo != word and typo not in known_prefixes:
            return typo
    return None


def build_queries(count: int, seed: int) -> list[tuple[str, str]]:
    """Return ``count`` (kind, text) pairs drawn from the catalogue."""
    from kedai.catalog.models import Product, Variant

    rng = random.Random(seed)
    names = list(Product.objects.filter(is_active=True)
                 .order_by("id").values_list("name", flat=True))
    skus = list(Variant.objects.filter(is_active=True, product__is_active=True)
                .order_by("id").values_list("sku", flat=True))
    if not names or not skus:
        raise SystemExit("search_latency: the catalogue is empty")
    words = Counter(w for name in names for w in _WORD.findall(name.lower())
                    if len(w) >= 3)
    ranked = [w for w, _ in words.most_common()]
    common, rare = ranked[:100], ranked[100:] or ranked
    prefixes = {w[:i] for w in words for i in range(1, len(w) + 1)}
    long_common = [w for w in common if len(w) >= 5] or common

    def one(kind: str) -> str:
        if kind == "common word":
            return rng.choice(common)
        if kind == "rare word":
            return rng.choice(rare)
        if kind == "two words":
            name_words = [w for w in _WORD.findall(rng.choice(names).lower())
                          if len(w) >= 3]
            if len(name_words) < 2:
                return " ".join(name_words) or rng.choice(common)
            i = rng.randrange(len(name_words) - 1)
            return f"{name_words[i]} {name_words[i + 1]}"
        if kind == "two unrelated words":
            return f"{rng.choice(common)} {rng.choice(ranked)}"
        if kind == "prefix":
            word = rng.choice(long_common)
            return word[:rng.randint(3, min(5, len(word) - 1))]
        if kind == "sku":
            return rng.choice(skus)
        if kind == "product code":  # KD-BTK-0012 of KD-BTK-0012-M-BLU
            return "-".join(rng.choice(skus).split("-")[:3])
        if kind == "typo":
            for _ in range(50):
                typo = _typo(rng, rng.choice(long_common), prefixes)
                if typo:
                    return typo
            return "zzqx"
        raise ValueError(kind)

    queries: list[tuple[str, str]] = []
    kinds = list(MIX)
    for kind in kinds:
        n = round(count * MIX[kind])
        queries.extend((kind, one(kind)) for _ in range(n))
    while len(queries) < count:
        kind = rng.choice(kinds)
        queries.append((kind, one(kind)))
    rng.shuffle(queries)
    return queries[:count]


def probe(text: str, repeat: int = 20) -> dict:
    """Time one query ``repeat`` times (the query the HTTP run sends)."""
    from kedai.catalog.selectors import ListingParams, product_listing

    timings, total = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        total = product_listing(ListingParams(text=text)).total
        timings.append((time.perf_counter() - started) * 1000)
    return {"text": text, "total": total, **summary(timings)}


def run(count: int, seed: int, probes: list[str] = ()) -> dict:
    from django.db import connection

    from kedai.catalog.search import get_search_backend
    from kedai.catalog.selectors import ListingParams, navigation_get, product_listing

    navigation_get()  # cached per process, as in a warm server
    for _, text in build_queries(WARMUP_QUERIES, seed + 1):
        product_listing(ListingParams(text=text))
    queries = build_queries(count, seed)
    timings: list[dict] = []
    for kind, text in queries:
        cpu_started = time.thread_time()
        started = time.perf_counter()
        page = product_listing(ListingParams(text=text))
        elapsed = (time.perf_counter() - started) * 1000
        cpu = (time.thread_time() - cpu_started) * 1000
        timings.append({"kind": kind, "text": text, "ms": elapsed, "cpu_ms": cpu,
                        "total": page.total, "shown": len(page.products),
                        "corrected": page.corrected_text})
    by_kind: dict[str, list[float]] = {}
    for t in timings:
        by_kind.setdefault(t["kind"], []).append(t["ms"])
    products = connection.cursor().execute(
        "SELECT count(*) FROM catalog_product WHERE is_active").fetchone()[0]
    return {
        "products": products,
        "backend": type(get_search_backend()).__name__,
        "overall": summary([t["ms"] for t in timings]),
        "without_typos": summary([t["ms"] for t in timings if t["kind"] != "typo"]),
        # CPU time of this thread (SQLite runs in it): what the latency would
        # be on an idle machine, whatever else competes for the CPUs.
        "cpu": summary([t["cpu_ms"] for t in timings]),
        "by_kind": {k: summary(v) for k, v in by_kind.items()},
        "no_results": sum(1 for t in timings if t["total"] == 0),
        "corrected": sum(1 for t in timings if t["corrected"]),
        "slowest": sorted(timings, key=lambda t: -t["ms"])[:10],
        "probes": [probe(text) for text in probes],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument("--probe", action="append", default=[], metavar="TEXT",
                        help="also time this query 20 times (repeatable)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kedai.conf.settings")
    import django

    django.setup()
    result = run(args.queries, args.seed, args.probe)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str))
    o = result["overall"]
    print(f"{result['products']} products, {o['count']} queries "
          f"({result['backend']}): p50 {o['p50_ms']:.2f} ms, "
          f"p95 {o['p95_ms']:.2f} ms, p99 {o['p99_ms']:.2f} ms, "
          f"max {o['max_ms']:.2f} ms; CPU time p50 "
          f"{result['cpu']['p50_ms']:.2f} ms, p95 {result['cpu']['p95_ms']:.2f} ms")
    for kind, s in result["by_kind"].items():
        print(f"  {kind:<20} n={s['count']:<4} p50 {s['p50_ms']:7.2f}  "
              f"p95 {s['p95_ms']:7.2f}  max {s['max_ms']:7.2f} ms")
    for p in result["probes"]:
        print(f"  {p['text']!r} ({p['total']} results) x{p['count']}: "
              f"p50 {p['p50_ms']:.2f} ms, max {p['max_ms']:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

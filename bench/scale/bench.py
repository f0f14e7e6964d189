"""Scale benchmark (bench/README.md, "Several servers"): orders placed per
second with 3 app servers against 1 on the same machine, with the CPU each
order costs, and public-page requests per second through nginx's cache
against straight from gunicorn. Run by hand:

    .venv/bin/python bench/scale/bench.py [--shoppers 40]

Needs PostgreSQL, Redis, nginx and wrk, like ``make scale-test``.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.scale.cluster import Cluster, ensure_nginx  # noqa: E402
from bench.scale.shopper import Shopper  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and its descendants."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICK
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return total
    return total + sum(_tree_cpu(int(c)) for c in children)


def _postgres_cpu() -> float:
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "comm").read_text().strip() != "postgres":
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICK
    return total


def _machine_busy() -> float:
    cols = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = cols[3] + cols[4]
    return (sum(cols) - idle) / TICK


def orders_per_second(servers: int, shoppers: int) -> dict:
    cluster = Cluster(servers=servers, workers=2)
    try:
        cluster.prepare()
        import django

        django.setup()
        from django.db import connections

        # The second cluster has a database of its own.
        connections.close_all()
        connections["default"].settings_dict["NAME"] = cluster.db_name
        from bench.scale.scale_test import seed

        ids = seed()
        cluster.start()
        warm = [Shopper(base=cluster.url, servers=servers, number=1000 + i,
                        product_id=ids["plain"][i % 8], pay=False) for i in range(3)]
        with ThreadPoolExecutor(3) as pool:
            list(pool.map(Shopper.run, warm))
        app_pids = [cluster.procs[f"server{i}"].pid for i in range(servers)]
        app0 = sum(_tree_cpu(p) for p in app_pids)
        pg0, busy0, load0 = _postgres_cpu(), _machine_busy(), os.getloadavg()[0]
        crowd = [Shopper(base=cluster.url, servers=servers, number=i,
                         product_id=ids["plain"][i % 8], pay=False)
                 for i in range(shoppers)]
        started = time.monotonic()
        with ThreadPoolExecutor(shoppers) as pool:
            outcomes = list(pool.map(Shopper.run, crowd))
        seconds = time.monotonic() - started
        placed = outcomes.count("placed")
        app = sum(_tree_cpu(p) for p in app_pids) - app0
        return {"servers": servers, "orders": placed, "seconds": seconds,
                "per_second": placed / seconds,
                "app_cpu_per_order": app / max(placed, 1),
                "pg_cpu_per_order": (_postgres_cpu() - pg0) / max(placed, 1),
                "machine_cpu_per_order": (_machine_busy() - busy0) / max(placed, 1),
                "requests_per_order": sum(len(s.statuses) for s in crowd) / shoppers,
                "load_before": load0, "load_after": os.getloadavg()[0],
                "failed": [o for o in outcomes if o != "placed"]}, cluster
    except BaseException:
        cluster.stop()
        raise


def wrk(url: str, headers: tuple[str, ...] = (), seconds: int = 10) -> dict:
    args = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(args, capture_output=True, text=True, check=True,  # noqa: S603
                         timeout=seconds + 30).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)[1]
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)[1]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99,
            "non2xx": int(non2xx[1]) if non2xx else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shoppers", type=int, default=40)
    args = parser.parse_args()
    ensure_nginx()
    results = []
    for servers in (1, 3):
        result, cluster = orders_per_second(servers, args.shoppers)
        try:
            results.append(result)
            print(result, flush=True)
            if servers == 3:
                for path in ("/", "/c/kopi/"):
                    urllib_warm = Shopper(base=cluster.url, servers=3, number=0,
                                          product_id=0)
                    urllib_warm.request("GET", path, pinned=False)
                    cached = wrk(cluster.url + path)
                    direct = wrk(cluster.server_urls[0] + path)
                    print(f"{path}: nginx cache {cached}; one gunicorn {direct}",
                          flush=True)
        finally:
            cluster.stop()
            from django.db import connections

            connections.close_all()


if __name__ == "__main__":
    main()

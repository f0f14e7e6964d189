"""Kedai storefront benchmark: throughput and latency of the shopper's pages.

Builds a demo catalogue in a scratch SQLite database with the project's own
commands (migrate, collectstatic, seed_demo), serves it with gunicorn in
production settings and measures each storefront page with wrk at 16
concurrent connections, against a "ceiling": a bare Django view served by
the same gunicorn through the same middleware. A second phase loads
100,000 products and measures search latency in-process and over HTTP.

Run ``make bench`` or ``.venv/bin/python bench/storefront.py --help``.
Results are printed and written to bench/results/latest.md (and .json).
See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
SEED_DEMO = REPO / "kedai/catalog/management/commands/seed_demo.py"
_VENV_PYTHON = REPO / ".venv/bin/python"
PYTHON = str(_VENV_PYTHON) if _VENV_PYTHON.exists() else sys.executable

# The process layout of deploy/systemd/kedai-web@.service (not its recycling
# options: --max-requests would restart workers in the middle of a round).
GUNICORN_OPTIONS = ["--workers", "2", "--threads", "4", "--worker-class", "gthread",
                    "--reuse-port"]
# Catalogue pages whose throughput must reach CEILING_TARGET of the ceiling.
CATALOGUE_PAGES = ("front page", "category", "product", "search",
                   "category (token)", "product (token)", "search (token)")
CEILING_TARGET = 0.50
# The same pages while a second client places an order every second.
DURING_ORDERS_TARGET = 0.40
SEARCH_P95_TARGET_MS = 15.0
# Add-to-cart rotates over CARTS x VARIANTS (cart, variant) pairs; each pair
# takes at most min(KEDAI_CART_MAX_LINE_QUANTITY, stock) adds before a 422.
CARTS = 32
# Token pages are measured under this many carts in turn.
TOKEN_CARTS = 200
VARIANTS = 64
MAX_LINE_QUANTITY = int(os.environ.get("KEDAI_CART_MAX_LINE_QUANTITY", "99"))
# Environment variables that change what is measured; recorded with results.
_SETTINGS_ENV = re.compile(r"^(KEDAI_|CONN_MAX_AGE$|CACHE_URL$|LOG_LEVEL$)")


class BenchError(Exception):
    """The benchmark cannot run or produced no usable figure."""


def log(message: str) -> None:
    stamp = time.strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


# --- The Django project --------------------------------------------------------


@dataclass
class Site:
    """A scratch Kedai install: one SQLite file in a scratch var dir, or
    the PostgreSQL database ``database_url`` (``--database-url``)."""

    var_dir: Path
    db: Path
    database_url: str = ""

    def env(self, settings: str = "kedai.conf.settings") -> dict[str, str]:
        env = dict(os.environ)
        for name in ("DATABASE_URL", "MEDIA_ROOT", "SECRET_KEY"):
            env.pop(name, None)
        env.update({
            "DATABASE_URL": self.database_url or f"sqlite:///{self.db}",
            "KEDAI_VAR_DIR": str(self.var_dir),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": settings,
            "PYTHONPATH": os.pathsep.join(
                [str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]),
        })
        return env

    def manage(self, *args: str) -> None:
        started = time.perf_counter()
        log(f"manage.py {' '.join(args)}")
        done = subprocess.run([PYTHON, "manage.py", *args], cwd=REPO,
                              env=self.env(), capture_output=True, text=True)
        if done.returncode:
            raise BenchError(f"manage.py {' '.join(args)} failed "
                             f"(exit {done.returncode}):\n{done.stdout}{done.stderr}")
        last = (done.stdout.strip().splitlines() or [""])[-1]
        log(f"  done in {time.perf_counter() - started:.1f}s {last}")

    def build(self, products: int, seed: int | None, collectstatic: bool) -> None:
        self.manage("migrate", "--noinput", "-v0")
        if collectstatic:
            self.manage("collectstatic", "--noinput", "-v0")
        extra = ["--seed", str(seed)] if seed is not None else []
        self.manage("seed_demo", "--flush", "--products", str(products),
                    "--no-images", *extra)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        if self.database_url:
            import psycopg  # the postgres extra

            url = self.database_url.replace("postgres://", "postgresql://", 1)
            with psycopg.connect(url) as db:
                return db.execute(sql.replace("?", "%s"), params).fetchall()
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro",
                                                uri=True)) as db:
            return db.execute(sql, params).fetchall()


_WORD = re.compile(r"[a-z]+")


def common_search_word(site: Site) -> str:
    """The most frequent word (4+ letters) of active product names."""
    words: Counter[str] = Counter()
    for (name,) in site.query("SELECT name FROM catalog_product WHERE is_active"):
        words.update(w for w in _WORD.findall(name.lower()) if len(w) >= 4)
    if not words:
        raise BenchError("no product names to search for")
    return words.most_common(1)[0][0]


def pick_targets(site: Site) -> dict:
    """The category, product, search word and variants the benchmark uses."""
    rows = site.query("""
        SELECT coalesce(c.parent_id, c.id) AS root, count(*) AS n
        FROM catalog_product p JOIN catalog_category c ON c.id = p.category_id
        WHERE p.is_active AND p.price IS NOT NULL
        GROUP BY root ORDER BY n DESC LIMIT 1""")
    if not rows:
        raise BenchError("the catalogue is empty: did seed_demo run?")
    root_id, in_category = rows[0]
    (category,) = site.query("SELECT slug FROM catalog_category WHERE id = ?",
                             (root_id,))[0]
    product_rows = site.query("""
        SELECT slug, n FROM (
            SELECT p.id, p.slug, (SELECT count(*) FROM catalog_variant v
                                  WHERE v.product_id = p.id AND v.is_active) AS n
            FROM catalog_product p WHERE p.is_active AND p.in_stock
            AND p.price IS NOT NULL) AS t
        WHERE n >= 3 ORDER BY id LIMIT 1""")
    if not product_rows:
        product_rows = site.query("""SELECT slug, 1 FROM catalog_product
            WHERE is_active AND in_stock ORDER BY id LIMIT 1""")
    # Variants a cart line can take MAX_LINE_QUANTITY of, spread over the
    # catalogue (every k-th by id).
    candidates = [v for (v,) in site.query("""
        SELECT v.id FROM catalog_variant v JOIN catalog_product p
        ON p.id = v.product_id
        WHERE v.is_active AND p.is_active AND v.stock >= ? ORDER BY v.id""",
        (MAX_LINE_QUANTITY,))]
    if len(candidates) < VARIANTS + 3:
        raise BenchError(f"only {len(candidates)} variants have stock >= "
                         f"{MAX_LINE_QUANTITY}; the add-to-cart run needs "
                         f"{VARIANTS + 3}")
    step = len(candidates) // (VARIANTS + 3)
    spread = candidates[::step][:VARIANTS + 3]
    return {
        "category": category,
        "category_products": in_category,
        "product": product_rows[0][0],
        "product_variants": product_rows[0][1],
        "search_word": common_search_word(site),
        "cart_variants": spread[:VARIANTS],
        "cart_page_variants": spread[VARIANTS:],
    }


# --- HTTP -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_request(port: int, method: str, path: str, body: str | None = None
                 ) -> tuple[int, str]:
    """One request, redirects not followed: (status, Location header)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Sec-Fetch-Site": "same-origin"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


_TOKEN_IN_LOCATION = re.compile(r"/s/([A-Za-z0-9_-]{32})/cart/")


def cart_create(port: int, variant_id: int) -> str:
    """POST /cart/add/ without a cart; return the new cart's token."""
    status, location = http_request(port, "POST", "/cart/add/",
                                    f"variant={variant_id}&quantity=1")
    match = _TOKEN_IN_LOCATION.search(urlsplit(location).path)
    if status != 303 or not match:
        raise BenchError(f"POST /cart/add/ answered {status} {location!r}, "
                         "expected 303 to /s/<token>/cart/")
    return match[1]


def cart_add(port: int, token: str, variant_id: int) -> None:
    status, location = http_request(port, "POST", f"/s/{token}/cart/add/",
                                    f"variant={variant_id}&quantity=1")
    if status != 303:
        raise BenchError(f"POST /s/…/cart/add/ answered {status}, expected 303")


class Gunicorn:
    """``python -m gunicorn kedai.conf.wsgi`` in its own process group."""

    def __init__(self, site: Site, settings: str, log_path: Path) -> None:
        self.site, self.settings, self.log_path = site, settings, log_path
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Gunicorn:
        cmd = [PYTHON, "-m", "gunicorn", "kedai.conf.wsgi",
               "--bind", f"127.0.0.1:{self.port}", *GUNICORN_OPTIONS]
        if _gunicorn_has_control_socket():
            # Not the shared ~/.gunicorn/gunicorn.ctl of other servers.
            cmd += ["--control-socket", str(self.site.var_dir / "gunicorn.ctl")]
        log(f"gunicorn on port {self.port} ({self.settings})")
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                cmd, cwd=REPO, env=self.site.env(self.settings), stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.proc.returncode}):\n"
                                 + self.log_tail())
            with contextlib.suppress(OSError, http.client.HTTPException):
                if http_request(self.port, "GET", "/__ceiling__/")[0] == 200:
                    return
            time.sleep(0.2)
        raise BenchError("gunicorn did not answer within "
                         f"{timeout:.0f}s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """CPU time used so far by the arbiter and its workers (Linux /proc)."""
        if self.proc is None:
            return 0.0
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                # After "(command)": state, ppid, ... utime (11), stime (12).
                fields = stat.read_text().rsplit(")", 1)[1].split()
                pid, ppid = int(stat.parent.name), int(fields[1])
            except (OSError, ValueError, IndexError):
                continue
            if self.proc.pid in (pid, ppid):
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # the arbiter stops its workers
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # our own session only
            proc.wait(timeout=5)


def _gunicorn_has_control_socket() -> bool:
    global _CONTROL_SOCKET
    if _CONTROL_SOCKET is None:
        out = subprocess.run([PYTHON, "-m", "gunicorn", "--help"],
                             capture_output=True, text=True).stdout
        _CONTROL_SOCKET = "--control-socket" in out
    return _CONTROL_SOCKET


_CONTROL_SOCKET: bool | None = None


# --- wrk ---------------------------------------------------------------------------


@dataclass
class Measure:
    page: str
    url: str
    requests: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    failed: int = 0  # non-2xx/3xx responses
    socket_errors: int = 0
    cpu_ms: float = 0.0  # gunicorn CPU time (all processes) per request
    load_before: float = 0.0
    # --paired: the ceiling measured right after this page (req/s, CPU).
    pair_rps: float = 0.0
    pair_cpu_ms: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        """req/s over the paired ceiling's (0 when not paired)."""
        return self.rps / self.pair_rps if self.pair_rps else 0.0

    @property
    def failed_share(self) -> float:
        return (self.failed + self.socket_errors) / max(1, self.requests)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(number: str, unit: str) -> float:
    return float(number) * _UNITS_MS[unit]


def parse_wrk(output: str, measure: Measure) -> Measure:
    """Fill ``measure`` from wrk's report (and our scripts' KEDAI-BENCH line)."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    if not rps:
        raise BenchError(f"no Requests/sec in wrk's output:\n{output}")
    measure.rps = float(rps[1])
    for pct, attr in (("50", "p50_ms"), ("99", "p99_ms")):
        found = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        if found:
            setattr(measure, attr, _ms(found[1], found[2]))
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    measure.requests = int(total[1]) if total else 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    measure.failed = int(non2xx[1]) if non2xx else 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                     r"timeout (\d+)", output)
    measure.socket_errors = sum(map(int, sock.groups())) if sock else 0
    ours = re.search(r"^KEDAI-BENCH (.*)$", output, re.M)
    if ours:
        fields = dict(kv.split("=") for kv in ours[1].split())
        measure.p95_ms = int(fields["p95_us"]) / 1000
        measure.max_ms = int(fields["max_us"]) / 1000
    return measure


@dataclass
class Wrk:
    binary: str
    threads: int
    connections: int
    duration: int
    warmup: int

    def run(self, url: str, seconds: int, script: Path,
            script_args: tuple[str, ...] = ()) -> str:
        cmd = [self.binary, f"-t{self.threads}", f"-c{self.connections}",
               f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(script),
               url]
        if script_args:
            cmd += ["--", *script_args]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode:
            raise BenchError(f"wrk failed ({done.returncode}): {done.stderr}")
        return done.stdout

    def measure(self, page: str, server: Gunicorn, path: str, *,
                script: Path = BENCH_DIR / "wrk_report.lua",
                script_args=None) -> Measure:
        """Warm up, then measure; ``script_args(sent_so_far)`` for POSTs."""
        url = server.base_url + path
        sent = 0
        if self.warmup:
            out = self.run(url, self.warmup, script,
                           script_args(sent) if script_args else ())
            sent = parse_wrk(out, Measure(page, path)).requests
        measure = Measure(page, path, load_before=os.getloadavg()[0])
        cpu = server.cpu_seconds()
        out = self.run(url, self.duration, script,
                       script_args(sent) if script_args else ())
        cpu = server.cpu_seconds() - cpu
        parse_wrk(out, measure)
        measure.cpu_ms = cpu * 1000 / max(1, measure.requests)
        log(f"  {page:<28} {measure.rps:8.1f} req/s  p50 {measure.p50_ms:7.1f} ms"
            f"  p99 {measure.p99_ms:7.1f} ms  CPU {measure.cpu_ms:5.1f} ms/req"
            + (f"  {measure.failed + measure.socket_errors} FAILED"
               if measure.failed_share else ""))
        return measure


def _medians(rounds: list[list[Measure]]) -> list[Measure]:
    """Per page, the round with the median req/s (rounds list pages alike);
    with paired ceilings, the round with the median share of its ceiling."""
    out = []
    for same in zip(*rounds, strict=True):
        paired = all(m.pair_rps for m in same)
        ranked = sorted(same, key=lambda m: m.share if paired else m.rps)
        median = ranked[len(ranked) // 2]
        if len(ranked) > 1:
            median.notes.append("req/s of the rounds: " + ", ".join(
                _fmt(m.rps) for m in same) + ("; share of the paired ceiling: "
                + ", ".join(f"{m.share:.0%}" for m in same) if paired else ""))
        out.append(median)
    return out


# --- The two phases -----------------------------------------------------------------


def phase_pages(args, wrk: Wrk, workdir: Path) -> dict:
    site = Site(workdir, workdir / "bench.sqlite3", args.database_url)
    site.build(args.products, args.seed, collectstatic=True)
    targets = pick_targets(site)
    log(f"category /c/{targets['category']}/ ({targets['category_products']} "
        f"products), product /p/{targets['product']}/, "
        f"search q={targets['search_word']!r}")
    with Gunicorn(site, "bench.settings_bench", workdir / "gunicorn.log") as server:
        port = server.port
        # Carts for the add-to-cart run: one per pair column, each made by a
        # first add of its own variant.
        tokens = [cart_create(port, targets["cart_variants"][i % VARIANTS])
                  for i in range(CARTS)]
        # The cart page shows a cart of three lines.
        extra = targets["cart_page_variants"]
        cart_token = cart_create(port, extra[0])
        for variant in extra[1:3]:
            cart_add(port, cart_token, variant)

        # Token pages rotate over TOKEN_CARTS carts of one line each.
        token_carts = [cart_create(port, extra[i % len(extra)])
                       for i in range(TOKEN_CARTS)]
        category = f"/c/{targets['category']}/"
        product = f"/p/{targets['product']}/"
        search = f"/search/?q={quote(targets['search_word'])}"
        pages = [
            ("front page", "/"),
            ("category", category),
            ("product", product),
            ("search", search),
            ("cart page", f"/s/{cart_token}/cart/"),
        ]
        token_pages = [("category (token)", category), ("product (token)", product),
                       ("search (token)", search)]
        for page, path in pages + [(p, f"/s/{cart_token}{u}") for p, u in token_pages]:
            status, _ = http_request(port, "GET", path)
            if status != 200:
                raise BenchError(f"GET {path} ({page}) answered {status}, not 200")
        cart_add(port, tokens[0], targets["cart_variants"][1])  # smoke test

        variants_csv = ",".join(map(str, targets["cart_variants"]))
        tokens_csv = ",".join(tokens)
        token_pages_csv = ",".join(token_carts)
        capacity = CARTS * VARIANTS * (MAX_LINE_QUANTITY - 1) - 1
        sent_adds = 0

        def cart_args(sent: int) -> tuple[str, ...]:
            return (str(wrk.threads), str(sent + sent_adds), tokens_csv,
                    variants_csv)

        def token_args(path: str):
            return lambda sent: (str(wrk.threads), path, token_pages_csv)

        def wanted(page: str) -> bool:
            return not args.only or page in args.only

        def paired(measure: Measure) -> Measure:
            """With --paired, the ceiling measured right after ``measure``'s
            page."""
            if args.paired:
                ceiling = wrk.measure("  (its ceiling)", server, "/__ceiling__/")
                measure.pair_rps, measure.pair_cpu_ms = ceiling.rps, ceiling.cpu_ms
            return measure

        def one_round(suffix: str) -> list[Measure]:
            nonlocal sent_adds
            out = [wrk.measure("ceiling" + suffix, server, "/__ceiling__/")]
            out += [paired(wrk.measure(page + suffix, server, path))
                    for page, path in pages if wanted(page)]
            out += [paired(wrk.measure(page + suffix, server,
                                       f"/s/{token_carts[0]}{path}",
                                       script=BENCH_DIR / "wrk_token_pages.lua",
                                       script_args=token_args(path)))
                    for page, path in token_pages if wanted(page)]
            if not suffix and wanted("add to cart"):
                add = paired(wrk.measure("add to cart (POST)", server,
                                         f"/s/{tokens[0]}/cart/add/",
                                         script=BENCH_DIR / "wrk_add_to_cart.lua",
                                         script_args=cart_args))
                sent_adds += add.requests * 2
                add.url = "POST /s/<token>/cart/add/"
                out.append(add)
            return out

        log(f"measuring: wrk -t{wrk.threads} -c{wrk.connections} "
            f"-d{wrk.duration}s after a {wrk.warmup}s warm-up per page, "
            f"{args.rounds} rounds")
        rounds = [one_round("") for _ in range(args.rounds)]
        during: list[list[Measure]] = []
        orders = ""
        if args.orders:
            log("measuring again while a second client places an order a second")
            client = subprocess.Popen(
                [PYTHON, str(BENCH_DIR / "order_client.py"), targets["category"]],
                cwd=REPO, env=site.env(), stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True, start_new_session=True)
            try:
                during = [one_round(" + orders") for _ in range(args.rounds)]
            finally:
                client.terminate()
                orders = client.communicate(timeout=30)[0].strip()
            log(f"  {orders}")
        results = _medians(rounds) + (_medians(during) if during else [])
        if any(m.requests > capacity for m in results if m.page.startswith("add")):
            results[-1].notes.append("more adds than the cart lines can take")
    for m in results:
        if m.url.startswith("/s/"):
            m.url = re.sub(r"/s/[A-Za-z0-9_-]{32}/", "/s/<token>/", m.url)
    return {"targets": {k: v for k, v in targets.items()
                        if k not in ("cart_variants", "cart_page_variants")},
            "measures": results, "orders": orders}


def phase_search(args, wrk: Wrk, workdir: Path) -> dict:
    site = Site(workdir, workdir / "bench-100k.sqlite3")
    site.build(args.search_products, args.seed, collectstatic=False)
    word = common_search_word(site)
    log(f"search latency in-process: {args.queries} queries")
    out_json = workdir / "search-latency.json"
    done = subprocess.run(
        [PYTHON, str(BENCH_DIR / "search_latency.py"), "--queries",
         str(args.queries), "--json", str(out_json), "--probe", word],
        cwd=REPO, env=site.env(), capture_output=True, text=True)
    if done.returncode:
        raise BenchError(f"search_latency.py failed:\n{done.stdout}{done.stderr}")
    for line in done.stdout.strip().splitlines():
        log(f"  {line}")
    in_process = json.loads(out_json.read_text())
    with Gunicorn(site, "bench.settings_bench", workdir / "gunicorn-100k.log") as srv:
        path = f"/search/?q={quote(word)}"
        status, _ = http_request(srv.port, "GET", path)
        if status != 200:
            raise BenchError(f"GET {path} answered {status}, not 200")
        http_measures = [
            wrk.measure(f"search {word!r}, {args.search_products:,} products",
                        srv, path),
            wrk.measure("ceiling", srv, "/__ceiling__/"),
        ]
    return {"in_process": in_process, "http": http_measures, "word": word}


# --- Report --------------------------------------------------------------------------


def machine_facts(wrk_binary: str) -> dict:
    probe = subprocess.run([PYTHON, "-c", (
        "import sys, sqlite3, django, gunicorn; "
        "print(sys.version.split()[0]); print(sqlite3.sqlite_version); "
        "print(django.get_version()); print(gunicorn.__version__)")],
        capture_output=True, text=True, check=True).stdout.split()
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    wrk_version = subprocess.run([wrk_binary, "-v"], capture_output=True,
                                 text=True).stdout.split(" Copyright")[0].strip()
    git = [subprocess.run(["git", "--no-optional-locks", *cmd], cwd=REPO,
                          capture_output=True, text=True).stdout.rstrip()
           for cmd in (["rev-parse", "--short", "HEAD"], ["status", "--porcelain"])]
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": usable,
        "cpu": cpu,
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": probe[0],
        "sqlite": probe[1],
        "django": probe[2],
        "gunicorn": probe[3],
        "wrk": wrk_version,
        "commit": git[0].strip() or "unknown",
        "uncommitted": [line[3:] for line in git[1].splitlines()
                        if not line[3:].startswith("bench/")],
        "settings_env": {k: v for k, v in os.environ.items()
                         if _SETTINGS_ENV.match(k)},
    }


def _fmt(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def pages_table(measures: list[Measure]) -> tuple[list[str], dict]:
    ceilings = [m.rps for m in measures if m.page.startswith("ceiling")]
    ceiling = sum(ceilings) / len(ceilings)
    cpus = [m.cpu_ms for m in measures if m.page.startswith("ceiling")]
    ceiling_cpu = sum(cpus) / len(cpus)
    lines = ["| page | req/s | p50 ms | p99 ms | % of ceiling | p95 ms | failed "
             "| server CPU ms/req | % of ceiling by CPU |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    verdicts = {}
    for m in measures:
        share = m.share or (m.rps / ceiling if ceiling else 0.0)
        share_cell = f"{share:.1%}" if share < 0.1 else f"{share:.0%}"
        by_cpu = ((m.pair_cpu_ms or ceiling_cpu) / m.cpu_ms) if m.cpu_ms else 0.0
        by_cpu_cell = f"{by_cpu:.1%}" if by_cpu < 0.1 else f"{by_cpu:.0%}"
        failed = m.failed + m.socket_errors
        failed_cell = f"{failed} ({m.failed_share:.0%})" if failed else "0"
        lines.append(f"| {m.page} `{m.url}` | {_fmt(m.rps)} | {_fmt(m.p50_ms)} | "
                     f"{_fmt(m.p99_ms)} | {share_cell} | {_fmt(m.p95_ms)} | "
                     f"{failed_cell} | {m.cpu_ms:.1f} | {by_cpu_cell} |")
        if m.page.split(" + ")[0] in CATALOGUE_PAGES:
            verdicts[m.page] = (share, by_cpu)
    return lines, {"ceiling_rps": ceiling, "ceilings": ceilings, "shares": verdicts}


def search_table(in_process: dict) -> list[str]:
    lines = ["| queries | n | p50 ms | p95 ms | p99 ms | max ms |",
             "|---|---:|---:|---:|---:|---:|"]
    rows = [("**all**", in_process["overall"]),
            *sorted(in_process["by_kind"].items())]
    for kind, s in rows:
        lines.append(f"| {kind} | {s['count']} | {s['p50_ms']:.2f} | "
                     f"{s['p95_ms']:.2f} | {s['p99_ms']:.2f} | {s['max_ms']:.2f} |")
    return lines


def report(args, facts: dict, pages: dict, search: dict | None,
           loads: tuple[float, float]) -> tuple[str, bool]:
    ok = True
    out = [f"# Kedai storefront benchmark, {facts['date']}", ""]
    out += [
        f"Machine: {facts['nproc']} CPUs ({facts['cpu'] or 'unknown CPU'}), "
        f"{facts['memory']}, {facts['os']}; Python {facts['python']}, "
        f"SQLite {facts['sqlite']}, Django {facts['django']}, "
        f"gunicorn {facts['gunicorn']}, {facts['wrk']}.",
        f"Code: commit {facts['commit']}"
        + (f" plus uncommitted changes to {len(facts['uncommitted'])} paths "
           f"({', '.join(facts['uncommitted'][:8])}"
           f"{', …' if len(facts['uncommitted']) > 8 else ''})."
           if facts["uncommitted"] else "."),
        f"Load average (1 min) at start {loads[0]:.2f}, at end {loads[1]:.2f}"
        + (" — other work was running: compare pages with the ceiling of the "
           "same run rather than across runs." if max(loads) > 0.5 else "."),
        "",
        f"Server: `gunicorn kedai.conf.wsgi {' '.join(GUNICORN_OPTIONS)}`, "
        "production settings (DEBUG off) plus `/__ceiling__/` "
        "(bench/settings_bench.py), "
        + ("PostgreSQL (`--database-url`)" if args.database_url else "SQLite")
        + ". Load: "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s` after "
        f"a {args.warmup}s warm-up per page.",
    ]
    if facts["settings_env"]:
        out.append("Settings from the environment: " + ", ".join(
            f"`{k}={v}`" for k, v in sorted(facts["settings_env"].items())) + ".")
    targets = pages["targets"]
    out += ["", f"## Storefront pages, {args.products:,} products", "",
            f"Category: the largest root category ({targets['category_products']:,}"
            f" products in its tree); product: {targets['product_variants']} "
            f"variants; search: `q={targets['search_word']}`, the most common word "
            "of product names; cart page: 3 lines; add-to-cart: one unit of "
            f"{VARIANTS} variants in turn into {CARTS} carts; “(token)” pages: the "
            f"same URL under /s/<token>/, rotating over {TOKEN_CARTS} carts. "
            f"Each figure is the median of {args.rounds} rounds.", ""]
    lines, summary = pages_table(pages["measures"])
    out += lines
    if pages.get("orders"):
        out += ["", "Pages marked “+ orders” were measured while a second client "
                "(bench/order_client.py) placed an order every second: "
                f"`{pages['orders']}`."]
    out += ["", f"Ceiling: mean of {', '.join(_fmt(c) for c in summary['ceilings'])}"
            " req/s (start, end of the run). Server CPU ms/req is the CPU time "
            "of gunicorn's processes divided by the requests served; the last "
            "column is the ceiling's CPU per request over the page's, what the "
            "share of the ceiling would be if the CPUs were not shared with "
            "other work (or wrk)."
            + (" With --paired, each page's two shares are of the ceiling "
               "measured right after it instead." if args.paired else ""),
            "", "Targets:", ""]
    for page, (share, by_cpu) in summary["shares"].items():
        target = DURING_ORDERS_TARGET if " + orders" in page else CEILING_TARGET
        passed = share >= target
        ok &= passed
        out.append(f"- {page}: {share:.1%} of the ceiling ({by_cpu:.1%} by CPU "
                   f"time; target >= {target:.0%}): "
                   f"{'PASS' if passed else 'FAIL'}")
    for m in pages["measures"]:
        if m.failed_share > 0.01:
            ok = False
            out.append(f"- **{m.page}: {m.failed_share:.0%} of requests failed; "
                       "its figures are not meaningful.**")
        for note in m.notes:
            out.append(f"- {m.page}: {note}")
    if search:
        ip = search["in_process"]
        p95 = ip["overall"]["p95_ms"]
        passed = p95 <= SEARCH_P95_TARGET_MS
        ok &= passed
        out += ["", f"## Search, {ip['products']:,} products ({ip['backend']})", "",
                f"In-process, `product_listing(ListingParams(text=...))`, "
                f"{ip['overall']['count']} varied queries after "
                "50 warm-up queries "
                f"({ip['no_results']} found nothing, {ip['corrected']} were "
                "spelling-corrected):", ""]
        out += search_table(ip)
        rest = ip["without_typos"]
        out += ["", f"Target: p95 <= {SEARCH_P95_TARGET_MS:.0f} ms: p95 is "
                f"{p95:.2f} ms: {'PASS' if passed else 'FAIL'} (without the "
                f"typos, which need a second search: p95 {rest['p95_ms']:.2f} ms)."
                f" CPU time per query (unaffected by other work on the machine):"
                f" p50 {ip['cpu']['p50_ms']:.2f} ms, p95 {ip['cpu']['p95_ms']:.2f}"
                f" ms, p99 {ip['cpu']['p99_ms']:.2f} ms.",
                "",
                "Slowest queries: " + ", ".join(
                    f"`{t['text']}` ({t['kind']}, {t['ms']:.0f} ms)"
                    for t in ip["slowest"][:5]) + ".", "",
                "Over HTTP (same server configuration):", ""]
        lines, _ = pages_table(search["http"])
        out += lines
        for p in ip.get("probes", []):
            out += ["", f"The same query in-process (`{p['text']}`, "
                    f"{p['total']:,} results, {p['count']} runs): "
                    f"p50 {p['p50_ms']:.1f} ms, max {p['max_ms']:.1f} ms."]
    return "\n".join(out) + "\n", ok


# --- Main ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure Kedai's storefront pages (see bench/README.md).")
    parser.add_argument("--duration", type=int, default=10, metavar="S",
                        help="seconds measured per page (default 10)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure every page this many times; report the "
                        "median (default 3)")
    parser.add_argument("--no-orders", dest="orders", action="store_false",
                        help="skip measuring again while a second client "
                        "places an order every second")
    parser.add_argument("--only", type=lambda v: [p.strip() for p in v.split(",")],
                        default=[], metavar="PAGES",
                        help="measure only these pages besides the ceiling, e.g. "
                             "'cart page,add to cart' (names as in the report)")
    parser.add_argument("--paired", action="store_true",
                        help="measure the ceiling again right after every page and "
                             "give each page's share of that ceiling (for machines "
                             "whose speed drifts within a run)")
    parser.add_argument("--warmup", type=int, default=2, metavar="S",
                        help="seconds of warm-up before each page (default 2)")
    parser.add_argument("--connections", type=int, default=16,
                        help="concurrent connections (default 16)")
    parser.add_argument("--threads", type=int, default=2,
                        help="wrk threads (default 2)")
    parser.add_argument("--products", type=int, default=10_000,
                        help="catalogue size for the page run (default 10000)")
    parser.add_argument("--search-products", type=int, default=100_000,
                        help="catalogue size for the search phase (default 100000)")
    parser.add_argument("--queries", type=int, default=500,
                        help="in-process search queries (default 500)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed_demo --seed (default: seed_demo's own)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--search-100k", dest="search_phase", action="store_true",
                       default=True, help="run the search phase (default)")
    group.add_argument("--skip-100k", dest="search_phase", action="store_false",
                       help="skip the search phase")
    parser.add_argument("--workdir", type=Path,
                        help="scratch directory (default: a new temporary one, "
                        "deleted at the end)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch directory (databases, logs)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target is missed")
    parser.add_argument("--database-url", default="", metavar="URL",
                        help="phase 1 on this PostgreSQL database (emptied of "
                        "its catalogue) instead of a scratch SQLite file; "
                        "with CACHE_URL=redis://… for the Redis cache")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.md",
                        help="report file (default bench/results/latest.md)")
    return parser.parse_args(argv)


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk_binary = shutil.which("wrk")
    if not wrk_binary:
        print("wrk, the HTTP load generator, is not installed.\n"
              "Install it with:  sudo apt-get install wrk   (Debian/Ubuntu)\n"
              "               or brew install wrk         (macOS)",
              file=sys.stderr)
        return 2
    if not SEED_DEMO.exists():
        print(f"{SEED_DEMO.relative_to(REPO)} is missing: the benchmark needs "
              "`manage.py seed_demo`.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)

    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        workdir, temporary = args.workdir.resolve(), False
    else:
        workdir = Path(tempfile.mkdtemp(prefix="kedai-bench-"))
        temporary = not args.keep
    log(f"scratch directory {workdir}")
    wrk = Wrk(wrk_binary, args.threads, args.connections, args.duration,
              args.warmup)
    load_start = os.getloadavg()[0]
    try:
        facts = machine_facts(wrk_binary)
        pages = phase_pages(args, wrk, workdir)
        search = phase_search(args, wrk, workdir) if args.search_phase else None
        text, ok = report(args, facts, pages, search,
                          (load_start, os.getloadavg()[0]))
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        if not temporary:
            print(f"(scratch directory kept: {workdir})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)

    print("\n" + text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    raw = {"facts": facts, "pages": pages, "search": search}
    args.output.with_suffix(".json").write_text(
        json.dumps(raw, indent=2, default=lambda o: asdict(o)
                   if isinstance(o, Measure) else str(o)))
    log(f"written {args.output}")
    return 1 if (args.check and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())

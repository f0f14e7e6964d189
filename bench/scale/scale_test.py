"""``make scale-test``: Kedai on several processes behaves as one shop.

PostgreSQL + Redis; nginx balancing 3 gunicorn servers; 2 task workers;
the scheduler; the sandbox; aiosmtpd. 100 scripted shoppers buy at once
(each request on another server), 20 of them racing for 10 units. One
worker is killed with SIGKILL while it delivers a message. Then:

- exactly 10 contested units sold, never more, and every shopper who
  did not get one was told so (no 5xx anywhere);
- every paid order's invoice and receipt reached the SMTP server exactly
  once (by Message-ID), none lost to the killed worker;
- the owner's front-page edit shows on every server's next request.

Exits non-zero with the reasons when an assertion fails. Bounded: every
wait has a deadline; the whole run takes a few minutes on 2 cores.
"""

from __future__ import annotations

import asyncio
import collections
import os
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes, policy
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.scale.cluster import Cluster, ensure_nginx  # noqa: E402
from bench.scale.shopper import Shopper  # noqa: E402

SHOPPERS = int(os.environ.get("KEDAI_SCALE_SHOPPERS", "100"))
RACERS = 20
CONTESTED_STOCK = 10
SMTP_DELAY_TO_KILL = 3.0  # seconds the victim's RCPT waits for its SIGKILL
MAIL_DEADLINE = 180


class Inbox:
    """aiosmtpd handler: records every accepted message by Message-ID, and
    holds one chosen delivery at RCPT until its worker has been killed."""

    def __init__(self, cluster: Cluster):
        self.cluster = cluster
        self.received: collections.Counter[str] = collections.Counter()
        self.subjects: dict[str, str] = {}
        self.lock = threading.Lock()
        self.arm_after: int | None = None
        self.killed: str = ""
        self.kill_done = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        envelope.rcpt_tos.append(address)
        if self.arm_after is not None and not self.killed \
                and len(self.received) >= self.arm_after:
            victim = _process_of_peer(self.cluster, session.peer[1])
            if victim:
                # The worker waits for "250" here; kill it before the
                # message is transmitted, as a crash mid-delivery.
                self.killed = victim
                await asyncio.get_running_loop().run_in_executor(
                    None, self.cluster.kill, victim)
                self.kill_done.set()
                await asyncio.sleep(0.1)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received[message["Message-ID"]] += 1
            self.subjects[message["Message-ID"]] = str(message["Subject"])
        return "250 Message accepted for delivery"


def _process_of_peer(cluster: Cluster, port: int) -> str:
    """Which task worker owns the TCP connection from 127.0.0.1:port."""
    inode = ""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            if int(cols[1].rsplit(":", 1)[1], 16) == port:
                inode = cols[9]
    if not inode:
        return ""
    for name in cluster.worker_names:
        proc = cluster.procs[name]
        if proc.poll() is not None:
            continue
        fd_dir = Path(f"/proc/{proc.pid}/fd")
        try:
            links = [os.readlink(fd) for fd in fd_dir.iterdir()]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            return name
    return ""


def seed() -> dict:
    """The shop: a seller, flat shipping, one contested and many plain
    products, and the front page."""
    from decimal import Decimal

    from kedai.catalog.models import FrontPage
    from kedai.catalog.services import catalog_changed
    from kedai.invoicing.models import SellerProfile
    from tests.factories import CategoryFactory, flat_shipping, make_product

    SellerProfile.objects.create(
        legal_name="Kedai Scale Sdn. Bhd.", registration_number="202601000001",
        tin="C2584563200", address_line1="12 Jalan Telawi 3", city="Kuala Lumpur",
        postcode="59100", state_code="KUL", phone="+60312345678",
        email="hello@kedai.example", owner_email="owner@example.com")
    flat_shipping()
    category = CategoryFactory(name="Kopi", slug="kopi")
    contested = make_product(name="Limited batik", slug="limited-batik",
                             category=category, variants=[
                                 {"sku": "LTD-1", "price": Decimal("150.00"),
                                  "stock": CONTESTED_STOCK}])
    plain = [make_product(name=f"Kopi {i}", slug=f"kopi-{i}", category=category,
                          variants=[{"sku": f"KOPI-{i}", "price": Decimal("25.00"),
                                     "stock": 10_000}])
             for i in range(8)]
    FrontPage.objects.update_or_create(pk=1, defaults={
        "store_name": "Kedai Scale", "announcement": "Welcome"})
    catalog_changed()
    return {"contested": contested.pk, "plain": [p.pk for p in plain]}


def fetch_text(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return response.read().decode()


def main() -> int:
    ensure_nginx()
    started = time.monotonic()
    cluster = Cluster(servers=3, workers=2)
    problems: list[str] = []
    controller = None
    try:
        cluster.prepare()
        import django

        django.setup()
        from aiosmtpd.controller import Controller

        inbox = Inbox(cluster)
        controller = Controller(inbox, hostname="127.0.0.1", port=cluster.smtp_port)
        controller.start()
        ids = seed()
        cluster.start()
        print(f"cluster up in {time.monotonic() - started:.0f} s: {cluster.url}",
              flush=True)

        # Kill a worker at the 5th delivery that one of them makes.
        inbox.arm_after = 5
        shoppers = [Shopper(base=cluster.url, servers=3, number=i,
                            product_id=ids["contested"] if i < RACERS
                            else ids["plain"][i % len(ids["plain"])])
                    for i in range(SHOPPERS)]
        shop_start = time.monotonic()
        with ThreadPoolExecutor(max_workers=SHOPPERS) as pool:
            outcomes = list(pool.map(Shopper.run, shoppers))
        shop_seconds = time.monotonic() - shop_start
        print(f"{SHOPPERS} shoppers done in {shop_seconds:.1f} s: "
              f"{collections.Counter(outcomes)}", flush=True)

        problems += _check_shoppers(shoppers)
        problems += _check_stock(shoppers, ids)
        problems += _check_front_page_edit(cluster)
        problems += _check_mail(cluster, inbox)
        dead = [n for n in cluster.dead() if n != inbox.killed]
        if dead:
            problems.append(f"processes died: {dead}")
            for name in dead:
                print(f"--- {name} log ---\n{cluster.log(name)[-3000:]}")
    except Exception as exc:
        problems.append(f"{type(exc).__name__}: {exc}")
        import traceback

        traceback.print_exc()
    finally:
        if controller is not None:
            controller.stop()
        for name in [n for n in cluster.procs if n.startswith("server")]:
            errors = [line for line in cluster.log(name).splitlines()
                      if "Traceback" in line or "ERROR" in line]
            if errors:
                problems.append(f"{name} logged errors: {errors[:3]}")
        cluster.stop()
    took = time.monotonic() - started
    if problems:
        print(f"\nSCALE TEST FAILED after {took:.0f} s:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(f"\nscale test passed in {took:.0f} s")
    return 0


def _check_shoppers(shoppers: list[Shopper]) -> list[str]:
    problems = []
    server_errors = [s.number for s in shoppers if any(c >= 500 for c in s.statuses)]
    if server_errors:
        problems.append(f"5xx answers to shoppers {server_errors}")
    for s in shoppers:
        expected = ("paid", "sold out") if s.number < RACERS else ("paid",)
        if s.outcome not in expected:
            problems.append(f"shopper {s.number}: {s.outcome}")
        pairs = zip(s.upstreams, s.upstreams[1:], strict=False)
        if any(a == b for a, b in pairs):
            problems.append(f"shopper {s.number} met one server twice in a row")
    return problems


def _check_stock(shoppers: list[Shopper], ids: dict) -> list[str]:
    from kedai.catalog.models import Variant
    from kedai.orders.models import OrderLine

    sold = sum(OrderLine.objects.filter(variant__product_id=ids["contested"])
               .values_list("quantity", flat=True))
    winners = sum(1 for s in shoppers[:RACERS] if s.outcome == "paid")
    stock = Variant.objects.get(product_id=ids["contested"]).stock
    print(f"contested: {sold} sold, {winners} racers paid, stock left {stock}")
    if not (sold == CONTESTED_STOCK == winners and stock == 0):
        return [f"contested units sold {sold}, paid racers {winners}, "
                f"stock {stock}; expected {CONTESTED_STOCK}, {CONTESTED_STOCK}, 0"]
    return []


def _check_front_page_edit(cluster: Cluster) -> list[str]:
    from kedai.shopsettings.services import front_page_update

    for url in cluster.server_urls:  # every server has the old page cached
        assert "Welcome" in fetch_text(url + "/")
    front_page_update(fields={"announcement": "Raya sale from today"},
                      featured_categories=[], featured_products=[])
    stale = [url for url in cluster.server_urls
             if "Raya sale from today" not in fetch_text(url + "/")]
    return [f"front-page edit not visible on {stale}"] if stale else []


def _check_mail(cluster: Cluster, inbox: Inbox) -> list[str]:
    from kedai.notifications.models import Message
    from kedai.orders.models import Order

    problems = []
    deadline = time.monotonic() + MAIL_DEADLINE
    while time.monotonic() < deadline:
        waiting = Message.objects.exclude(status__in=("sent", "failed")).count()
        if not waiting:
            break
        time.sleep(1)
    messages = list(Message.objects.all())
    if not inbox.killed:
        problems.append("no worker was killed mid-delivery")
    else:
        print(f"killed {inbox.killed} mid-delivery", flush=True)
    not_sent = [(m.kind, m.status) for m in messages if m.status != "sent"]
    if not_sent:
        problems.append(f"{len(not_sent)} messages not sent: {not_sent[:5]}")
    doubled = {mid: n for mid, n in inbox.received.items() if n > 1}
    if doubled:
        problems.append(f"mailed more than once: {doubled}")
    lost = [m.kind for m in messages if m.message_id not in inbox.received]
    if lost:
        problems.append(f"{len(lost)} messages never reached SMTP: {lost[:5]}")
    paid = Order.objects.filter(status="paid")
    kinds = collections.Counter(m.kind for m in messages)
    print(f"orders paid {paid.count()}, messages by kind {dict(kinds)}, "
          f"SMTP received {sum(inbox.received.values())}", flush=True)
    for order in paid:
        mine = [m.kind for m in messages if m.reference == order.number
                and m.to_email == order.email]
        for kind in ("invoice", "receipt"):
            if sum(1 for k in mine if kind in k) != 1:
                problems.append(f"{order.number}: {kind} mails {mine}")
                break
    return problems


if __name__ == "__main__":
    sys.exit(main())

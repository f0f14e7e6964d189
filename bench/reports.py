"""Sales dashboard benchmark: the report's queries on many orders.

Run by hand (not a test); figures depend on the machine::

    .venv/bin/python bench/reports.py                   # 100,000 orders, SQLite
    .venv/bin/python bench/reports.py --orders 20000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kedai_bench_reports \\
        .venv/bin/python bench/reports.py               # an empty database

In a scratch directory (SQLite) or the given database it migrates, then
bulk-inserts ``--orders`` orders of 1–3 lines each, spread evenly over the
last 60 days (one in ten cancelled, 5,000 customers, four payment methods,
all sixteen states, 200 products) and 500 refunds. It then times, per
period (today, 7 and 30 days), everything the dashboard page computes:
``sales_metrics`` (both periods), ``sales_over_time``, sales by payment
method and by state, and top products both ways; median of ``--runs``
runs after one warm-up, and the number of queries.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STATES = ["JHR", "KDH", "KTN", "MLK", "NSN", "PHG", "PRK", "PLS", "PNG", "SBH",
          "SRW", "SGR", "TRG", "KUL", "LBN", "PJY"]
METHODS = ["bank_transfer", "cod", "billplz", "stripe"]


def _setup(workdir: Path) -> None:
    os.environ["KEDAI_VAR_DIR"] = str(workdir)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kedai.conf.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fill(orders: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from kedai.customers.models import Customer
    from kedai.orders.models import Order, OrderLine
    from kedai.payments.models import Payment, Refund

    rng = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        customers = Customer.objects.bulk_create(
            [Customer(number=f"C-{i:06d}", email=f"c{i}@example.my", name=f"C {i}")
             for i in range(5000)], batch_size=2000)
        batch: list[Order] = []
        for i in range(orders):
            state = STATES[i % len(STATES)]
            address = {"name": "B", "line1": "1 Jalan", "city": "X",
                       "postcode": "50450", "state_code": state, "phone": "+60123"}
            total = Decimal(rng.randrange(1000, 50000)) / 100
            batch.append(Order(
                number=f"KD-B-{i:07d}", token_hash=f"{i:064d}",
                checkout_key=f"{i:064d}",
                customer=customers[rng.randrange(len(customers))],
                status="cancelled" if i % 10 == 0 else "paid", email="b@example.my",
                phone="+60123", billing_address=address, shipping_address=address,
                currency="MYR", prices_include_tax=True, subtotal=total,
                tax_total=Decimal(0), shipping_method="Flat", shipping_total=Decimal(0),
                rounding=Decimal(0), total=total, payment_method=METHODS[i % 4]))
        created = Order.objects.bulk_create(batch, batch_size=2000)
        span = timedelta(days=60).total_seconds()
        # created_at is auto_now_add: spread the orders afterwards, in chunks.
        for start in range(0, len(created), 2000):
            for j, order in enumerate(created[start:start + 2000], start):
                order.created_at = now - timedelta(seconds=span * j / len(created))
            Order.objects.bulk_update(created[start:start + 2000], ["created_at"])
        lines = []
        for order in created:
            for k in range(1 + order.pk % 3):
                product = rng.randrange(200)
                lines.append(OrderLine(
                    order=order, sku=f"SKU-{product}", name=f"Product {product}",
                    quantity=1 + k, unit_price=order.total, line_net=order.total,
                    line_tax=Decimal(0), line_total=order.total, tax_kind="none",
                    tax_rate=Decimal(0)))
        OrderLine.objects.bulk_create(lines, batch_size=5000)
        payments = Payment.objects.bulk_create([
            Payment(order=o, gateway=o.payment_method, reference=f"P-{o.pk}",
                    status="refunded", amount=o.total, currency="MYR",
                    refunded_amount=o.total, pays_order=True)
            for o in created[1:5001:10]])
        Refund.objects.bulk_create([
            Refund(payment=p, reference=f"R-{p.pk}", amount=p.amount,
                   status="succeeded", actor="bench") for p in payments])


def _dashboard(key: str) -> None:
    from kedai.reports import selectors
    from kedai.reports.periods import period_get

    period = period_get(key)
    selectors.sales_metrics(period=period)
    selectors.sales_over_time(period=period)
    selectors.sales_by_payment_method(period=period)
    selectors.sales_by_state(period=period)
    selectors.top_products(period=period, by="revenue")
    selectors.top_products(period=period, by="quantity")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kedai-bench-reports-") as tmp:
        _setup(Path(tmp))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        started = time.perf_counter()
        _fill(args.orders)
        print(f"{connection.vendor}: {args.orders:,} orders inserted in "
              f"{time.perf_counter() - started:.1f} s")
        for key in ("today", "7d", "30d"):
            _dashboard(key)  # warm-up
            times = []
            for _run in range(args.runs):
                with CaptureQueriesContext(connection) as queries:
                    t0 = time.perf_counter()
                    _dashboard(key)
                    times.append(time.perf_counter() - t0)
            print(f"  {key:>5}: median {statistics.median(times) * 1000:7.1f} ms, "
                  f"max {max(times) * 1000:7.1f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()

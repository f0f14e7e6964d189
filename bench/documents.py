"""Documents and outbox benchmark: PDF render time and SMTP throughput.

Run by hand (not a test); figures depend on the machine::

    .venv/bin/python bench/documents.py            # defaults below
    .venv/bin/python bench/documents.py --renders 300 --messages 1000

In a scratch directory it migrates a fresh SQLite database, fills in a
seller profile and one order of 10 lines (and one of 20), issues their
invoices through ``kedai.invoicing.services.order_placed`` and then:

1. **PDF render time**: ``render_pdf(invoice.data)`` ``--renders`` times per
   order after 5 warm-up renders; median and 95th percentile. Target:
   median ≤ 50 ms for the 10-line invoice.
2. **Outbox throughput**: ``--messages`` outbox rows to an aiosmtpd server
   on 127.0.0.1, delivered by one ``outbox_deliver_due()`` call (claim,
   SMTP, record per message; batches of KEDAI_OUTBOX_BATCH_SIZE): once as
   plain messages, once with the invoice PDF attached (rendered per send).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _setup(workdir: Path) -> None:
    os.environ["KEDAI_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kedai.conf.settings"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from kedai.invoicing.models import SellerProfile

    SellerProfile.objects.create(
        legal_name="Kedai Nusantara Sdn. Bhd.", registration_number="202301012345",
        sst_number="W10-1808-32000123", tin="C25845632020",
        address_line1="Lot 5, Jalan Tun Razak", city="Kuala Lumpur",
        postcode="50400", state_code="KUL", phone="+60321234567",
        owner_email="owner@example.my",
        invoice_footer="Goods sold are not returnable after 14 days.")


def _order(lines: int, key: str):
    from django.db import transaction

    from kedai.core.numbering import number_allocate
    from kedai.core.tokens import token_hash
    from kedai.customers.services import customer_get_or_create
    from kedai.invoicing.services import order_placed
    from kedai.orders.models import Order, OrderLine

    address = {"name": "Siti Aminah", "line1": "12 Jalan Ampang", "line2": "",
               "city": "Kuala Lumpur", "postcode": "50450", "state_code": "KUL",
               "country": "MY", "phone": "+60123456789"}
    with transaction.atomic():
        customer = customer_get_or_create(email="siti@example.my", name="Siti Aminah")
        net = Decimal("20.00")
        tax = Decimal("2.00")
        order = Order.objects.create(
            number=number_allocate(series="KD", year=2026),
            token_hash=token_hash(f"bench-{key}-token-{'x' * 20}"),
            checkout_key=key, customer=customer, email=customer.email,
            phone="+60123456789", billing_address=address, shipping_address=address,
            currency="MYR", prices_include_tax=True,
            subtotal=net * lines, tax_total=tax * lines, shipping_method="Pos Laju",
            shipping_total=Decimal("8.00"), rounding=Decimal("0"),
            total=(net + tax) * lines + Decimal("8.00"),
            payment_method="bank_transfer")
        OrderLine.objects.bulk_create([
            OrderLine(order=order, sku=f"BATIK-{i:03d}",
                      name=f"Batik shirt, hand-drawn, pattern {i}",
                      variant_label="M / Blue", quantity=1, unit_price=net + tax,
                      line_net=net, line_tax=tax, line_total=net + tax,
                      tax_kind="sales", tax_rate=Decimal("10"))
            for i in range(lines)])
        return order_placed(order)


def bench_pdf(renders: int) -> dict[str, dict[str, float]]:
    from kedai.invoicing.pdf import render_pdf

    results = {}
    for lines in (10, 20):
        invoice = _order(lines, f"pdf-{lines}")
        for _ in range(5):
            render_pdf(invoice.data)
        times = []
        for _ in range(renders):
            start = time.perf_counter()
            render_pdf(invoice.data)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        results[f"{lines} lines"] = {
            "median_ms": statistics.median(times),
            "p95_ms": times[int(len(times) * 0.95) - 1],
            "bytes": len(render_pdf(invoice.data).content)}
    return results


class _Count:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.count += 1
        return "250 OK"


def bench_outbox(messages: int) -> dict[str, dict[str, float]]:
    import socket

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import transaction

    from kedai.notifications.attachments import Attachment
    from kedai.notifications.delivery import outbox_deliver_due
    from kedai.notifications.models import Message
    from kedai.notifications.services import message_queue

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = _Count()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    invoice = _order(10, "outbox")
    results = {}
    try:
        for label, attach in (("plain", False), ("with PDF", True)):
            Message.objects.all().delete()
            attachments = ([Attachment(f"{invoice.number}.pdf", "application/pdf",
                                       "invoicing.document", invoice.number)]
                           if attach else [])
            with transaction.atomic():
                for i in range(messages):
                    message_queue(kind="bench", to=f"buyer{i}@example.my",
                                  subject=f"Invoice {invoice.number}",
                                  body_text="Thank you for your order.",
                                  body_html="<p>Thank you for your order.</p>",
                                  attachments=attachments)
            before = handler.count
            start = time.perf_counter()
            report = outbox_deliver_due()
            elapsed = time.perf_counter() - start
            assert report.sent == messages == handler.count - before, report
            results[label] = {"messages": messages, "seconds": elapsed,
                              "per_second": messages / elapsed}
    finally:
        controller.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the 10-line median exceeds 50 ms")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kedai-bench-docs-") as tmp:
        _setup(Path(tmp))
        # The wake-up task would deliver inline or enqueue; the benchmark
        # measures the worker loop alone.
        import kedai.notifications.services as services

        services.wake_delivery = lambda *a, **k: None  # type: ignore[assignment]
        pdf = bench_pdf(args.renders)
        outbox = bench_outbox(args.messages)
    print("| PDF render | median | p95 | size |")
    print("|---|---|---|---|")
    for label, row in pdf.items():
        print(f"| {label} | {row['median_ms']:.1f} ms | {row['p95_ms']:.1f} ms "
              f"| {row['bytes'] / 1024:.0f} KB |")
    print()
    print("| Outbox to local aiosmtpd | messages | time | messages/s |")
    print("|---|---|---|---|")
    for label, row in outbox.items():
        print(f"| {label} | {row['messages']:.0f} | {row['seconds']:.2f} s "
              f"| {row['per_second']:.0f} |")
    if args.check and pdf["10 lines"]["median_ms"] > 50:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

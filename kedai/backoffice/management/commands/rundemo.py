"""``manage.py rundemo``: the demo shop, web server and worker in one command.

Migrates, collects static files, loads the demo catalogue once, gives the
owner account a fresh password (printed), then runs gunicorn, the task
worker and the gateway/carrier sandbox (``kedai.sandbox``, on PORT + 1,
unless KEDAI_SANDBOX_URL points elsewhere) side by side until Ctrl-C,
which stops them all. A child that exits is restarted with backoff
(kedai.core.supervisor).
"""

import logging
import os
import secrets
import signal
import sys
import time
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kedai.backoffice.roles import OWNER, roles_sync
from kedai.core.supervisor import Supervisor
from kedai.shipping.services import shipping_demo_setup

logger = logging.getLogger(__name__)

OWNER_USERNAME = "owner"
SWEEP_SECONDS = 300
DEMO_PAYMENT_METHODS = ("billplz", "ipay88", "fiuu", "senangpay", "stripe",
                        "bank_transfer", "cod")


class Command(BaseCommand):
    help = "Run the demo shop: web server and background worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--no-serve", action="store_true",
                            help="Prepare the shop and exit (for scripts).")

    def handle(self, *args, host, port, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("seed_demo", if_empty=True)
        shipping_demo_setup()  # both carriers offered (sample cards, warned)
        call_command("seed_demo_promotions", verbosity=0)
        call_command("purge_carts")
        self._demo_seller()
        password = self._owner_password()
        base = f"http://{host}:{port}"
        if "KEDAI_SITE_URL" not in os.environ:  # links in the demo's emails
            settings.KEDAI_SITE_URL = os.environ["KEDAI_SITE_URL"] = base
        sandbox_port = None
        if not settings.KEDAI_SANDBOX_URL:
            sandbox_port = int(port) + 1
            # This process (the sweep) and its children talk to the sandbox.
            settings.KEDAI_SANDBOX_URL = f"http://{host}:{sandbox_port}"
            os.environ["KEDAI_SANDBOX_URL"] = settings.KEDAI_SANDBOX_URL
            # Webhooks to the sandbox's receiver on this machine.
            settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = True
            os.environ["KEDAI_WEBHOOK_ALLOW_PRIVATE"] = "1"
            if "KEDAI_PAYMENT_METHODS" not in os.environ:
                # Every gateway, paid on the sandbox's hosted pages.
                settings.KEDAI_PAYMENT_METHODS = list(DEMO_PAYMENT_METHODS)
                os.environ["KEDAI_PAYMENT_METHODS"] = ",".join(DEMO_PAYMENT_METHODS)
        self.stdout.write(self.style.SUCCESS(
            "\nKedai demo shop is starting.\n"
            f"  Shop:         {base}/\n"
            f"  Back office:  {base}/office/ (and {base}/admin/)\n"
            f"  User name:    {OWNER_USERNAME}\n"
            f"  Password:     {password}\n"
            f"  Sandbox:      {settings.KEDAI_SANDBOX_URL}/ (simulated gateways "
            "and carriers)\n"
            "Stop with Ctrl-C.\n"
        ))
        if no_serve:
            return
        self._serve(host, port, sandbox_port)

    def _demo_seller(self) -> None:
        """A made-up seller identity for the demo's invoices, once; the owner
        edits it under Invoicing → Seller profile."""
        from kedai.invoicing.models import SellerProfile

        if SellerProfile.objects.exists():
            return
        SellerProfile.objects.create(
            legal_name="Kedai Demo Sdn. Bhd.", registration_number="202601000001",
            tin="C2584563200", address_line1="12 Jalan Telawi 3", city="Kuala Lumpur",
            postcode="59100", state_code="KUL", phone="+60312345678",
            email="hello@kedai.example", owner_email="owner@example.com",
            invoice_footer="Demo shop: these documents are not real.")

    def _owner_password(self) -> str:
        """Create the owner or reset its password; return the password."""
        password = os.environ.get("KEDAI_OWNER_PASSWORD") or secrets.token_urlsafe(12)
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(
            username=OWNER_USERNAME,
            defaults={"email": "owner@example.com", "is_staff": True,
                      "is_superuser": True},
        )
        user.set_password(password)
        user.save(update_fields=["password"])
        roles_sync()
        user.groups.add(Group.objects.get(name=OWNER))
        return password

    def _sweep(self):
        """Scheduled upkeep (cron's job in production, see docs)."""
        call_command("cancel_unpaid_orders", verbosity=0)
        call_command("promotions_sync", verbosity=0)
        call_command("purge_carts", verbosity=0)
        # At most one low-stock digest a day, from 08:00 shop time.
        call_command("low_stock_digest", verbosity=0)
        # Mail whose task wake-up was lost still goes out (docs/notifications.md).
        call_command("outbox_deliver", verbosity=0)
        call_command("purge_checkouts", verbosity=0)
        call_command("requery_payments", verbosity=0)

    def _serve(self, host, port, sandbox_port):
        python = sys.executable
        # Fixed argument lists built here, no shell and no user input.
        commands: dict[str, Sequence[str]] = {} if sandbox_port is None else {
            "sandbox": [python, "-m", "kedai.sandbox", "--host", host,
                        "--port", str(sandbox_port)],
        }
        commands |= {
            # db_worker that waits out a busy database instead of exiting.
            "worker": [python, "manage.py", "task_worker", "--no-reload"],
            "web": [python, "-m", "gunicorn", "kedai.conf.wsgi",
                    "--bind", f"{host}:{port}", "--workers", "2", "--threads", "4",
                    "--worker-class", "gthread", "--timeout", "30",
                    "--log-level", "warning"],
        }
        # A child that dies is restarted with backoff: one crash (a worker
        # that met a locked database) must not stop the shop. Ctrl-C stops all.
        supervisor = Supervisor(commands)  # logs each restart
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)
        next_sweep = 0.0

        def tick():
            nonlocal next_sweep
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + SWEEP_SECONDS
                try:
                    self._sweep()
                except Exception:  # a busy database: try at the next sweep
                    logger.exception("scheduled upkeep failed; retried later")

        supervisor.run(tick)

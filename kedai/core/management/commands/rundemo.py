"""``manage.py rundemo``: the demo shop, web server and worker in one command.

Migrates, collects static files, loads the demo catalogue once, gives the
owner account a fresh password (printed), then runs gunicorn, the task
worker and the gateway/carrier sandbox (``kedai.sandbox``, on PORT + 1,
unless KEDAI_SANDBOX_URL points elsewhere) side by side until Ctrl-C,
which stops them all.
"""

import os
import secrets
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kedai.backoffice.roles import OWNER, roles_sync

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
        children = [] if sandbox_port is None else [
            subprocess.Popen([python, "-m", "kedai.sandbox",  # noqa: S603
                              "--host", host, "--port", str(sandbox_port)]),
        ]
        children += [
            subprocess.Popen([python, "manage.py", "task_worker", "--no-reload"]),  # noqa: S603
            subprocess.Popen([  # noqa: S603
                python, "-m", "gunicorn", "kedai.conf.wsgi",
                "--bind", f"{host}:{port}", "--workers", "2", "--threads", "4",
                "--worker-class", "gthread", "--timeout", "30",
                "--log-level", "warning",
            ]),
        ]

        def stop(*_):
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        next_sweep = 0.0
        try:
            # If one dies, stop the others: a shop without its worker
            # silently stops sending mail.
            while all(child.poll() is None for child in children):
                if time.monotonic() >= next_sweep:
                    self._sweep()
                    next_sweep = time.monotonic() + SWEEP_SECONDS
                time.sleep(0.5)
        finally:
            stop()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

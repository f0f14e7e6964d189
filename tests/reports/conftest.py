"""Orders built by hand at chosen shop times, and back-office users."""

import itertools
import secrets
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.utils import timezone

from kedai.backoffice.roles import STAFF, roles_sync
from kedai.customers.services import customer_get_or_create
from kedai.orders.models import Order, OrderLine
from kedai.payments.models import Payment, PaymentStatus, Refund

KL = ZoneInfo("Asia/Kuala_Lumpur")
_numbers = itertools.count(1)


def kl(*args: int) -> datetime:
    """A moment in shop time: ``kl(2026, 3, 15, 9, 30)``."""
    return datetime(*args, tzinfo=KL)


def address(state_code: str) -> dict:
    return {"name": "Buyer", "line1": "1 Jalan Satu", "city": "Somewhere",
            "postcode": "50450", "state_code": state_code, "phone": "+60123456789"}


def make_order(*, email: str, at: datetime, total: str, status: str = "paid",
               method: str = "bank_transfer", state: str = "KUL",
               lines: list[tuple[str, int, str]] | tuple = (), variants=None,
               currency: str = "MYR") -> Order:
    """An order placed at ``at``; ``lines`` are (name, quantity, line total).

    ``variants`` maps a line name to the Variant it sold (for top products).
    """
    n = next(_numbers)
    customer = customer_get_or_create(email=email, name=email.split("@")[0])
    order = Order.objects.create(
        number=f"KD-TEST-{n:06d}", token_hash=secrets.token_hex(32),
        checkout_key=secrets.token_hex(16), customer=customer, status=status,
        email=email, phone="+60123456789", billing_address=address(state),
        shipping_address=address(state), currency=currency,
        prices_include_tax=True, subtotal=Decimal(total), tax_total=Decimal("0"),
        shipping_method="Flat rate", shipping_total=Decimal("0"),
        rounding=Decimal("0"), total=Decimal(total), payment_method=method)
    OrderLine.objects.bulk_create([
        OrderLine(order=order, variant=(variants or {}).get(name), sku=name[:64],
                  name=name, quantity=qty, unit_price=Decimal(line_total) / qty,
                  line_net=Decimal(line_total), line_tax=Decimal("0"),
                  line_total=Decimal(line_total), tax_kind="none",
                  tax_rate=Decimal("0"))
        for name, qty, line_total in lines])
    Order.objects.filter(pk=order.pk).update(created_at=at)
    order.created_at = at
    return order


def make_refund(*, order: Order, amount: str, at: datetime,
                status: str = Refund.Status.SUCCEEDED) -> Refund:
    """A captured payment of the order's total, refunded by ``amount`` at ``at``."""
    payment = Payment.objects.create(
        order=order, gateway=order.payment_method, reference=f"P-{order.number}",
        status=PaymentStatus.REFUNDED, amount=order.total, currency=order.currency,
        refunded_amount=Decimal(amount), pays_order=True, captured_at=order.created_at)
    refund = Refund.objects.create(payment=payment, reference=f"R-{order.number}",
                                   amount=Decimal(amount), status=status,
                                   actor="owner")
    Refund.objects.filter(pk=refund.pk).update(created_at=at)
    return refund


def office_user(username: str, *, group: str | None = STAFF,
                permissions: tuple[str, ...] = ()) -> User:
    roles_sync()
    user = User.objects.create_user(username, password=f"pw-{username}-2026",
                                    is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    for codename in permissions:
        user.user_permissions.add(Permission.objects.get(
            content_type__app_label="backoffice", codename=codename))
    return user


@pytest.fixture
def staff_client(client, db):
    client.force_login(office_user("aisyah"))
    return client


@pytest.fixture
def now() -> datetime:
    """Sunday 15 March 2026, 14:00 in Kuala Lumpur (06:00 UTC)."""
    return kl(2026, 3, 15, 14, 0)


@pytest.fixture
def frozen_now(monkeypatch, now):
    """``timezone.now()`` is ``now`` for the views (no clock library)."""
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(ZoneInfo("UTC")))
    return now

"""Orders in every state, and staff with and without the orders permission."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import STAFF, roles_sync
from kedai.checkout.placing import checkout_complete
from kedai.orders.models import Order
from kedai.payments.services import payment_mark_received
from tests.checkout.test_services import cart_with, details
from tests.factories import make_product

_keys = itertools.count(1)


def place(*, items=(("20.00", 2),), method: str = "bank_transfer",
          **overrides) -> Order:
    """An order awaiting payment: one product per (price, quantity) item,
    each with stock 10, plus RM8.00 flat shipping."""
    lines = []
    for price, quantity in items:
        product = make_product(variants=[{"price": price, "stock": 10}])
        lines.append((product.variants.get(), quantity))
    placed = checkout_complete(cart=cart_with(*lines),
                               details=details(payment_method=method, **overrides),
                               checkout_key=f"office-{next(_keys)}")
    return placed.order


def pay(order: Order) -> Order:
    payment_mark_received(order=order, amount=order.total, reference="MBB-1",
                          actor="test")
    order.refresh_from_db()
    return order


@pytest.fixture
def staff(db):
    roles_sync()
    user = User.objects.create_user("aisyah", password="pw-aisyah-2026",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=STAFF))
    return user


@pytest.fixture
def office(staff) -> Client:
    """A client signed in as staff (Staff role: manage_orders)."""
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def no_orders_user(db):
    """Staff who may use the back office but not manage orders."""
    roles_sync()
    user = User.objects.create_user("rahman", password="pw-rahman-2026",
                                    is_staff=True)
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(
        content_type__app_label="backoffice", codename="use_backoffice"))
    return user

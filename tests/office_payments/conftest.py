"""Owners and staff of the back office, and orders paid through the
gateway simulators (over real HTTP)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import OWNER, STAFF, roles_sync
from kedai.payments.callbacks import payment_requery
from kedai.payments.services import payment_start
from tests.e2e.conftest import (  # noqa: F401 - the browser fixtures
    chromium_executable,
    office_browser,
    playwright_driver,
    screenshot,
)
from tests.payments.conftest import (  # noqa: F401
    fetch,
    first_form,
    gateways,
    place_order,
)


def paid_through(*, chosen: str, paid_with: str, price: str = "92.00"):
    """An order placed with method ``chosen`` and paid at the gateway
    ``paid_with`` (the shopper changed their mind on the payment page)."""
    placed = place_order(method=chosen, price=price)
    started = payment_start(order=placed.order, method=paid_with,
                            site_url="http://testserver/")
    redirect = started.redirect
    decide = redirect.url
    if redirect.method.upper() == "POST":  # an auto-posting form (Fiuu)
        hosted = fetch("POST", redirect.url, form=dict(redirect.fields))
        decide = first_form(hosted.text)[0]
    fetch("POST", decide, form={"decision": "approve", "callback": "none"})
    payment_requery(payment=started.payment)
    started.payment.refresh_from_db()
    assert started.payment.status == "captured"
    placed.order.refresh_from_db()
    return placed.order, started.payment


def _user(name: str, role: str) -> User:
    roles_sync()
    user = User.objects.create_user(name, password=f"pw-{name}-2026", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def owner(db) -> Client:
    client = Client()
    client.force_login(_user("siti", OWNER))
    return client


@pytest.fixture
def staff(db) -> Client:
    client = Client()
    client.force_login(_user("aisyah", STAFF))
    return client

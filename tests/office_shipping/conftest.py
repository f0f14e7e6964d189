"""Owner and staff clients for the office's shipping, labels and mailbox."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import OWNER, STAFF, roles_sync


@pytest.fixture
def owner_user(db):
    roles_sync()
    user = User.objects.create_user("siti", password="pw-siti-2026", is_staff=True)
    user.groups.add(Group.objects.get(name=OWNER))
    return user


@pytest.fixture
def owner(owner_user) -> Client:
    """A client signed in as the shop owner (all back-office permissions)."""
    client = Client()
    client.force_login(owner_user)
    return client


@pytest.fixture
def staff(db) -> Client:
    """A client signed in as staff (orders, no settings)."""
    roles_sync()
    user = User.objects.create_user("aisyah", password="pw-aisyah-2026",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=STAFF))
    client = Client()
    client.force_login(user)
    return client

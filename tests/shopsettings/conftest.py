"""Signed-in back-office users: the Owner (manage_settings) and Staff."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import OWNER, STAFF, roles_sync


def _user(username: str, role: str) -> User:
    roles_sync()
    user = User.objects.create_user(username, password=f"pw-{username}-2026",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def owner(db) -> User:
    return _user("nurul", OWNER)


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def staff_client(db) -> Client:
    client = Client()
    client.force_login(_user("aisyah", STAFF))
    return client


def errors_of(response) -> str:
    """The page's text, for asserting on shown error messages."""
    return response.content.decode()

"""The back office speaks the language its user chose (issue 14)."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = get_user_model().objects.create_superuser(
        "owner", "o@example.my", "pw-123456")
    client.force_login(user)
    return user


def test_switch_to_malay_and_back(client, owner):
    page = client.get("/office/")
    assert page.status_code == 200
    assert 'lang="ms">Bahasa Melayu</button>' in page.content.decode()
    switched = client.post("/office/language/", {"language": "ms", "next": "/office/"})
    assert switched.status_code == 302 and switched["Location"] == "/office/"
    malay = client.get("/office/")
    text = malay.content.decode()
    assert '<html lang="ms"' in text or malay["Content-Language"] == "ms"
    assert "Log keluar" in text and "Pejabat belakang Kedai" in text
    client.post("/office/language/", {"language": "en", "next": "/office/"})
    assert "Sign out" in client.get("/office/").content.decode()


def test_browser_language_is_the_default(client, owner):
    page = client.get("/office/", HTTP_ACCEPT_LANGUAGE="ms-MY,ms;q=0.9,en;q=0.5")
    assert "Log keluar" in page.content.decode()


def test_the_storefront_ignores_the_staff_language(client, owner, shop):
    client.post("/office/language/", {"language": "ms", "next": "/office/"})
    front = client.get("/", HTTP_ACCEPT_LANGUAGE="ms")
    assert '<html lang="en">' in front.content.decode()
    assert not front.cookies

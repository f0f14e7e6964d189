"""Only signed-in users with manage_settings reach the settings pages;
every form needs the CSRF token."""

import pytest
from django.test import Client

from kedai.shopsettings.models import PaymentMethodSwitch

pytestmark = pytest.mark.django_db

PAGES = ["/office/settings/", "/office/settings/identity/",
         "/office/settings/front-page/", "/office/settings/shipping/",
         "/office/settings/payments/", "/office/settings/numbering/",
         "/office/settings/emails/", "/office/settings/emails/invoice/"]
POSTS = ["/office/settings/identity/", "/office/settings/front-page/",
         "/office/settings/payments/cod/", "/office/settings/numbering/",
         "/office/settings/emails/invoice/", "/office/settings/emails/invoice/test/"]


@pytest.mark.parametrize("url", PAGES)
def test_the_owner_sees_every_settings_page(owner_client, url):
    assert owner_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES + POSTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/office/login/?next=")


@pytest.mark.parametrize("url", PAGES)
def test_staff_without_manage_settings_get_403(staff_client, url):
    assert staff_client.get(url).status_code == 403


@pytest.mark.parametrize("url", POSTS)
def test_staff_cannot_post_settings_either(staff_client, url):
    assert staff_client.post(url, {"enabled": ""}).status_code == 403
    assert not PaymentMethodSwitch.objects.exists()


def test_the_settings_section_is_in_the_owners_navigation(owner_client, staff_client):
    assert 'href="/office/settings/"' in owner_client.get("/office/").content.decode()
    assert ('href="/office/settings/"'
            not in staff_client.get("/office/").content.decode())


@pytest.mark.parametrize("url", POSTS)
def test_posts_without_the_csrf_token_are_refused(owner, url):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    response = strict.post(url, {"enabled": "on"})
    assert response.status_code == 403
    assert not PaymentMethodSwitch.objects.exists()


def test_a_post_with_the_csrf_token_goes_through(owner):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(owner)
    strict.get("/office/settings/payments/")
    token = strict.cookies["csrftoken"].value
    response = strict.post("/office/settings/payments/cod/",
                           {"enabled": "on", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert PaymentMethodSwitch.objects.get(code="cod").enabled

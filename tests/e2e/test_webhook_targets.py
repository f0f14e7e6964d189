"""The owner tries to register a webhook aimed at the server's own network
and is told why it is refused (Debian Chromium, back office)."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from kedai.api.models import WebhookEndpoint
from kedai.backoffice.roles import OWNER, roles_sync

pytestmark = pytest.mark.e2e


def test_owner_cannot_point_a_webhook_at_the_metadata_service(
        live_server, office_browser, settings, screenshot):
    settings.KEDAI_WEBHOOK_ALLOW_PRIVATE = False
    roles_sync()
    owner = User.objects.create_user("farah", password="pw-farah-2026",
                                     is_staff=True)
    owner.groups.add(Group.objects.get(name=OWNER))
    page, base = office_browser, live_server.url
    page.goto(f"{base}/office/api/")
    page.wait_for_url(re.compile(r"/office/login/"))
    page.get_by_label("User name").fill("farah")
    page.get_by_label("Password").fill("pw-farah-2026")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/office/api/$"))
    page.get_by_label("URL").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_label("Order paid").check()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.get_by_text("internal or reserved address")).to_be_visible()
    screenshot(page, "office-webhook-refused")
    assert not WebhookEndpoint.objects.exists()

"""The Django admin is themed by django-unfold and every page still works."""

import pytest
from django.contrib import admin
from django.urls import reverse

from kedai.catalog.models import FrontPage
from kedai.shopsettings.models import EmailWording, NumberingStart, PaymentMethodSwitch
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_the_admin_site_is_unfolds():
    from unfold.sites import UnfoldAdminSite

    assert isinstance(admin.site, UnfoldAdminSite)


def test_every_changelist_and_add_page_renders(admin_client):
    make_product(name="Batik shirt")
    FrontPage.objects.create(pk=1)
    failures = []
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        response = admin_client.get(url, follow=True)
        if response.status_code != 200:
            failures.append((url, response.status_code))
        if model_admin.has_add_permission(response.wsgi_request):
            add = reverse("admin:{}_{}_add".format(*info))
            status = admin_client.get(add, follow=True).status_code
            if status != 200:
                failures.append((add, status))
    assert failures == []


def test_admin_pages_carry_the_theme(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "unfold/css/styles.css" in page
    assert "Kedai admin" in page


def test_the_front_page_admin_still_shows_the_snippets(admin_client):
    front = FrontPage.objects.create(pk=1)
    page = admin_client.get(
        reverse("admin:catalog_frontpage_change", args=[front.pk])).content.decode()
    assert "Search box for other websites" in page


def test_the_settings_models_are_in_the_admin_for_repair():
    for model in (EmailWording, NumberingStart, PaymentMethodSwitch):
        assert model in admin.site._registry

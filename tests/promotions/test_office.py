"""The back office's promotions page: report, CSV, pause; the dashboard."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import OWNER, STAFF, roles_sync
from kedai.checkout.placing import checkout_complete
from kedai.promotions.models import Campaign, Voucher
from kedai.promotions.office import vouchers_generate
from kedai.promotions.services import cart_code_apply
from kedai.reports.periods import period_get
from kedai.reports.selectors import sales_metrics
from tests.factories import make_product
from tests.promotions.conftest import cart_with, details, voucher


def _client(role: str) -> Client:
    roles_sync()
    user = User.objects.create_user(f"u-{role}", password="pw-2026-xyz",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def used(db):
    raya = Campaign.objects.create(name="Raya 2026")
    voucher("RAYA10", campaign=raya)
    batik = make_product(variants=[{"sku": "B", "price": "80.00",
                                    "stock": 9}]).variants.get()
    for n in range(2):
        cart = cart_with((batik, 1))
        cart_code_apply(cart=cart, code="RAYA10")
        checkout_complete(cart=cart, details=details(), checkout_key=f"k{n}")
    return raya


@pytest.mark.django_db
def test_report_shows_uses_revenue_and_discount(used):
    office = _client(STAFF)
    body = office.get("/office/promotions/").content.decode()
    assert "RAYA10" in body and "Raya 2026" in body
    assert "RM16.00" in body  # 2 × 10% of RM80
    assert "RM160.00" in body  # 2 × (72 + 8 shipping)
    csv = office.get("/office/promotions/report.csv?by=campaign")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Raya 2026,Live,2,160.00,16.00" in csv.content.decode()
    assert office.get("/office/promotions/report.csv?by=nope").status_code == 404


@pytest.mark.django_db
def test_only_the_owner_pauses_and_a_paused_code_is_refused(used):
    code = Voucher.objects.get()
    assert _client(STAFF).post(f"/office/promotions/vouchers/{code.pk}/pause/",
                               {"paused": "1"}).status_code == 403
    owner = _client(OWNER)
    response = owner.post(f"/office/promotions/vouchers/{code.pk}/pause/",
                          {"paused": "1"})
    assert response.status_code == 302
    assert Voucher.objects.get().is_paused


@pytest.mark.django_db
def test_dashboard_shows_discounts_given(used):
    metrics = {m.key: m for m in sales_metrics(period=period_get("today"))}
    assert metrics["discounts"].current == Decimal("16.00")


@pytest.mark.django_db
def test_bulk_codes_are_single_use_and_unique():
    template = Voucher(kind="fixed", value=Decimal("5"))
    made = vouchers_generate(prefix="cny", count=200, template=template)
    codes = {v.code for v in made}
    assert len(codes) == 200 and all(c.startswith("CNY-") for c in codes)
    assert set(Voucher.objects.values_list("usage_limit", flat=True)) == {1}

"""Creating and editing promotions in the back office (not the admin)."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from kedai.backoffice.roles import OWNER, STAFF, roles_sync
from kedai.checkout.placing import checkout_complete
from kedai.promotions.models import (
    AutomaticDiscount,
    Campaign,
    DiscountUse,
    FreeDeliveryThreshold,
    Voucher,
)
from kedai.promotions.services import cart_code_apply
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
def owner(db):
    return _client(OWNER)


def _counts():
    return (Campaign.objects.count(), Voucher.objects.count(),
            AutomaticDiscount.objects.count(), FreeDeliveryThreshold.objects.count())


@pytest.mark.django_db
def test_each_kind_made_in_the_office_applies_at_checkout(owner):
    batik = make_product(variants=[{"sku": "B", "price": "80.00", "stock": 9}])
    page = owner.get("/office/promotions/").content.decode()
    for kind in ("campaigns", "vouchers", "automatic", "thresholds"):
        assert f"/office/promotions/{kind}/new/" in page
        assert owner.get(f"/office/promotions/{kind}/new/").status_code == 200

    r = owner.post("/office/promotions/campaigns/new/", {
        "name": "Raya 2026", "banner": "", "starts_at": "2026-01-01T00:00",
        "ends_at": "2036-01-01T00:00"})
    assert r.status_code == 302, r.content.decode()
    raya = Campaign.objects.get()
    # Typed in Malaysia time (UTC+8), stored in UTC.
    assert raya.starts_at == datetime(2025, 12, 31, 16, 0, tzinfo=UTC)
    edit = owner.get(f"/office/promotions/campaigns/{raya.pk}/edit/")
    assert 'value="2026-01-01T00:00"' in edit.content.decode()

    r = owner.post("/office/promotions/vouchers/new/", {
        "code": " raya10 ", "campaign": raya.pk, "kind": "percent", "value": "10",
        "scope": "order", "min_spend": "", "starts_at": "", "ends_at": "",
        "usage_limit": "", "per_customer_limit": "1"})
    assert r.status_code == 302, r.content.decode()
    code = Voucher.objects.get()
    assert (code.code, code.value, code.campaign) == ("RAYA10", Decimal("10.00"), raya)

    r = owner.post("/office/promotions/automatic/new/", {
        "name": "Batik week", "kind": "percent", "value": "5", "buy_quantity": "2",
        "get_quantity": "1", "scope": "categories",
        "categories": [batik.category_id]})
    assert r.status_code == 302, r.content.decode()
    r = owner.post("/office/promotions/thresholds/new/", {
        "zone": "peninsular", "min_subtotal": "50.00"})
    assert r.status_code == 302, r.content.decode()

    page = owner.get("/office/promotions/").content.decode()
    assert "RAYA10" in page and "Batik week" in page
    assert f"/office/promotions/vouchers/{code.pk}/edit/" in page

    cart = cart_with((batik.variants.get(), 1))
    cart_code_apply(cart=cart, code="Raya10")
    order = checkout_complete(cart=cart, details=details(), checkout_key="k").order
    sources = DiscountUse.objects.filter(order=order)
    assert sources.filter(voucher=code).exists()
    assert sources.filter(automatic__name="Batik week").exists()
    assert sources.filter(threshold__isnull=False).exists()
    assert order.discount_total > 0 and order.shipping_discount == Decimal("8.00")

    # Editing changes the stored voucher.
    r = owner.post(f"/office/promotions/vouchers/{code.pk}/edit/", {
        "code": "RAYA10", "kind": "fixed", "value": "12.50", "scope": "order"})
    assert r.status_code == 302, r.content.decode()
    code.refresh_from_db()
    assert (code.kind, code.value, code.campaign) == ("fixed", Decimal("12.50"), None)


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "data", "field"), [
    ("vouchers", {"code": "BAD CODE", "kind": "percent", "value": "10",
                  "scope": "order"}, "code"),
    ("vouchers", {"code": "BIG", "kind": "percent", "value": "101",
                  "scope": "order"}, "value"),
    ("vouchers", {"code": "NEG", "kind": "fixed", "value": "-1",
                  "scope": "order"}, "value"),
    ("vouchers", {"code": "TAKEN", "kind": "fixed", "value": "1",
                  "scope": "order", "min_spend": "abc"}, "min_spend"),
    ("vouchers", {"code": "taken", "kind": "fixed", "value": "1",
                  "scope": "order"}, "code"),
    ("vouchers", {"code": "CATS", "kind": "fixed", "value": "1",
                  "scope": "categories"}, "categories"),
    ("vouchers", {"code": "LATE", "kind": "fixed", "value": "1", "scope": "order",
                  "starts_at": "2026-12-01T10:00",
                  "ends_at": "2026-12-01T09:00"}, "ends_at"),
    ("automatic", {"name": "A", "kind": "percent", "value": "150",
                   "buy_quantity": "2", "get_quantity": "1",
                   "scope": "order"}, "value"),
    ("automatic", {"name": "A", "kind": "buy_x_get_y", "value": "0",
                   "buy_quantity": "0", "get_quantity": "1",
                   "scope": "order"}, "buy_quantity"),
    ("thresholds", {"zone": "peninsular", "min_subtotal": "-5"}, "min_subtotal"),
    ("thresholds", {"zone": "mars", "min_subtotal": "5"}, "zone"),
    ("campaigns", {"name": "", "starts_at": "2026-01-01T00:00"}, "name"),
    ("campaigns", {"name": "C", "starts_at": "not a date"}, "starts_at"),
])
def test_bad_input_is_refused_by_its_field_and_nothing_is_saved(owner, kind, data,
                                                                 field):
    voucher("TAKEN")
    before = _counts()
    r = owner.post(f"/office/promotions/{kind}/new/", data)
    assert r.status_code == 400
    assert field in r.context["form"].errors
    assert f'id="id_{field}_errors"' in r.content.decode()
    assert _counts() == before


@pytest.mark.django_db
def test_a_bad_edit_changes_nothing(owner):
    code = voucher("RAYA10")
    r = owner.post(f"/office/promotions/vouchers/{code.pk}/edit/", {
        "code": "RAYA10", "kind": "percent", "value": "250", "scope": "order"})
    assert r.status_code == 400
    code.refresh_from_db()
    assert code.value == Decimal("10.00")


@pytest.mark.django_db
def test_staff_may_not_create_edit_or_generate(db):
    code = voucher("RAYA10")
    staff = _client(STAFF)
    assert "/office/promotions/vouchers/new/" not in staff.get(
        "/office/promotions/").content.decode()
    assert staff.get("/office/promotions/vouchers/new/").status_code == 403
    assert staff.post("/office/promotions/vouchers/new/", {
        "code": "X", "kind": "fixed", "value": "1", "scope": "order"}
    ).status_code == 403
    assert staff.post(f"/office/promotions/vouchers/{code.pk}/edit/", {
        "code": "X", "kind": "fixed", "value": "1", "scope": "order"}
    ).status_code == 403
    assert staff.post(f"/office/promotions/vouchers/{code.pk}/generate/",
                      {"count": "3"}).status_code == 403
    assert Voucher.objects.get().code == "RAYA10"


@pytest.mark.django_db
def test_generating_n_codes_downloads_a_csv_of_n_unique_codes(owner):
    batik = make_product()
    model = voucher("RAYA10", scope="categories")
    model.categories.set([batik.category])
    assert owner.get(f"/office/promotions/vouchers/{model.pk}/generate/"
                     ).status_code == 200
    r = owner.post(f"/office/promotions/vouchers/{model.pk}/generate/",
                   {"code_prefix": "raya", "count": "250"})
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    assert r["Content-Disposition"].startswith('attachment; filename="RAYA-')
    rows = list(csv.DictReader(io.StringIO(r.content.decode())))
    codes = {row["code"] for row in rows}
    assert len(rows) == len(codes) == 250
    assert all(c.startswith("RAYA-") for c in codes)
    made = Voucher.objects.filter(code__in=codes)
    assert made.count() == 250
    assert set(made.values_list("usage_limit", flat=True)) == {1}
    assert all(list(v.categories.all()) == [batik.category]
               for v in made.prefetch_related("categories")[:5])


@pytest.mark.django_db
@pytest.mark.parametrize(("data", "field"), [
    ({"code_prefix": "RAYA", "count": "0"}, "count"),
    ({"code_prefix": "RAYA", "count": "10001"}, "count"),
    ({"code_prefix": "no way", "count": "5"}, "code_prefix"),
])
def test_bad_generation_makes_no_codes(owner, data, field):
    model = voucher("RAYA10")
    r = owner.post(f"/office/promotions/vouchers/{model.pk}/generate/", data)
    assert r.status_code == 400
    assert field in r.context["form"].errors
    assert Voucher.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_code_taken_by_a_concurrent_save_is_refused_not_a_crash(owner,
                                                                  monkeypatch):
    from kedai.backoffice.promotions import forms

    # The uniqueness check passed, then another save took the code.
    def clean_code(self):
        voucher("RACE")
        return "RACE"

    monkeypatch.setattr(forms.VoucherForm, "clean_code", clean_code)
    r = owner.post("/office/promotions/vouchers/new/", {
        "code": "RACE", "kind": "fixed", "value": "1", "scope": "order"})
    assert r.status_code == 400
    assert "code" in r.context["form"].errors
    assert Voucher.objects.count() == 1

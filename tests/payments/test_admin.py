"""The back office: offline payments received, refunds, settlement upload."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from kedai.orders.models import Order, OrderStatus
from kedai.payments.models import Payment, PaymentStatus, SettlementReport
from tests.payments.conftest import captured_payment, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    user = User.objects.create_superuser("owner", "owner@example.my", "pw")
    client.force_login(user)
    return client


def test_owner_records_a_bank_transfer(owner):
    placed = place_order(method="bank_transfer")
    url = "/admin/payments/payment/record-offline/"
    assert owner.get(url).status_code == 200
    response = owner.post(url, {"order_number": placed.order.number,
                                "amount": "100.00", "reference": "MBB-1"})
    assert response.status_code == 302
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    response = owner.post(url, {"order_number": placed.order.number,
                                "amount": "100.00", "reference": "MBB-1"})
    assert b"not awaiting payment" in response.content


def test_owner_refunds_part_of_a_payment(owner, gateways):
    placed, payment = captured_payment("billplz")
    page = owner.get(f"/admin/payments/payment/{payment.pk}/change/")
    assert b"/refund/" in page.content
    response = owner.post(f"/admin/payments/payment/{payment.pk}/refund/",
                          {"amount": "25.00", "reason": "broken", "manual": "on"})
    assert response.status_code == 302
    assert Payment.objects.get().status == PaymentStatus.PARTIALLY_REFUNDED
    response = owner.post(f"/admin/payments/payment/{payment.pk}/refund/",
                          {"amount": "80.00"})
    assert b"left to refund" in response.content


def test_owner_uploads_and_downloads_a_settlement(owner, gateways):
    placed, payment = captured_payment("billplz")
    csv = ("payout_id,settled_on,reference,gateway_reference,gross,fee,net,currency\n"
           f"PO-9,2026-11-20,{payment.reference},,100.00,1.00,99.00,MYR\n")
    response = owner.post("/admin/payments/settlementreport/upload/", {
        "gateway": "billplz",
        "file": SimpleUploadedFile("po.csv", csv.encode(), "text/csv")})
    assert response.status_code == 302
    report = SettlementReport.objects.get()
    page = owner.get(f"/admin/payments/settlementreport/{report.pk}/change/")
    assert page.status_code == 200 and b"PO-9" in page.content
    download = owner.get(f"/admin/payments/settlementreport/{report.pk}/csv/")
    assert download["Content-Type"].startswith("text/csv")
    assert b"matched" in download.content
    bad = owner.post("/admin/payments/settlementreport/upload/", {
        "gateway": "billplz", "file": SimpleUploadedFile("x.csv", b"a,b\n")})
    assert bad.status_code == 200 and b"Unknown columns" in bad.content


def test_payment_and_callback_lists_render(owner, gateways):
    captured_payment("billplz")
    assert owner.get("/admin/payments/payment/").status_code == 200
    assert owner.get("/admin/payments/callbacklog/").status_code == 200
    assert owner.get("/admin/payments/settlementreport/").status_code == 200

"""Bad replies from (or pretending to be) every gateway: malformed,
unsigned, mis-signed, wrong amount, wrong currency, unknown status,
replayed. Each is refused with a log line naming the gateway and why,
never a 500, and the order is unchanged (issue 11, "Bad input"; 13.20).
"""

import logging

import pytest
from django.test import Client

from kedai.orders.models import Order, OrderStatus
from kedai.payments.gateways.fiuu import skey
from kedai.payments.gateways.ipay88 import response_signature
from kedai.payments.gateways.senangpay import response_hash
from kedai.payments.models import CallbackLog, Payment, PaymentFlag, PaymentStatus
from kedai.payments.services import payment_start
from kedai.sandbox import billplz as billplz_sim
from tests.payments.conftest import place_order

pytestmark = pytest.mark.django_db


def _started(method):
    placed = place_order(method=method)
    payment = payment_start(order=placed.order, method=method,
                            site_url="http://testserver/").payment
    return placed, payment


def fiuu(payment, **changes):
    f = {"tranID": "5551234567", "orderid": payment.reference, "status": "00",
         "domain": "ACME", "amount": f"{payment.amount:.2f}", "currency": "RM",
         "appcode": "AB12", "paydate": "2026-11-26 10:00:00", "nbcb": "1", **changes}
    f["skey"] = skey(tran_id=f["tranID"], order_id=f["orderid"], status=f["status"],
                     domain=f["domain"], amount=f["amount"], currency=f["currency"],
                     paydate=f["paydate"], appcode=f["appcode"],
                     secret_key="secretkey123")
    return f


def ipay88(payment, **changes):
    f = {"MerchantCode": "M00003", "PaymentId": "2", "RefNo": payment.reference,
         "Amount": f"{payment.amount:,.2f}", "Currency": "MYR", "Status": "1",
         "TransId": "T0001", **changes}
    f["Signature"] = response_signature("apple", "M00003", f["PaymentId"], f["RefNo"],
                                        f["Amount"], f["Currency"], f["Status"])
    return f


def senangpay(payment, **changes):
    f = {"status_id": "1", "order_id": payment.reference, "transaction_id": "77",
         "msg": "Payment_was_successful", **changes}
    f["hash"] = response_hash("53-784", f["status_id"], f["order_id"],
                              f["transaction_id"], f["msg"])
    return f


def billplz(payment, **changes):
    bill = {"id": payment.gateway_reference, "collection_id": "inbmmepb",
            "paid": "true", "state": "paid", "amount": str(int(payment.amount * 100)),
            "paid_amount": str(int(payment.amount * 100)), "due_at": "2026-01-01",
            "email": "", "mobile": "", "name": "X", "url": "u", "paid_at": "",
            **changes}
    bill["x_signature"] = billplz_sim.x_signature(bill, billplz_sim.X_SIGNATURE_KEY)
    return bill


CASES = [
    # (gateway, builder, changes, what the log must say)
    ("fiuu", fiuu, {"skey": None}, "missing skey"),
    ("fiuu", fiuu, {"skey": "0" * 32}, "skey does not match"),
    ("fiuu", fiuu, {"amount": "1.00"}, "amount 1.00 differs"),
    ("fiuu", fiuu, {"currency": "USD"}, "currency USD differs"),
    ("fiuu", fiuu, {"status": "99"}, "unknown status"),
    ("fiuu", fiuu, {"amount": "NaN"}, "amount or currency unreadable"),
    ("fiuu", fiuu, {"paydate": None}, "missing paydate"),
    ("ipay88", ipay88, {"Signature": "0" * 64}, "Signature does not match"),
    ("ipay88", ipay88, {"Signature": None}, "missing Signature"),
    ("ipay88", ipay88, {"Currency": "USD"}, "currency USD differs"),
    ("ipay88", ipay88, {"Status": "7"}, "unknown Status"),
    ("ipay88", ipay88, {"Amount": "1.00"}, "amount 1.00 differs"),
    ("senangpay", senangpay, {"hash": "0" * 64}, "hash does not match"),
    ("senangpay", senangpay, {"status_id": "9"}, "unknown status_id"),
    ("senangpay", senangpay, {"msg": None}, "missing msg"),
    ("billplz", billplz, {"x_signature": "0" * 64}, "x_signature does not match"),
    ("billplz", billplz, {"amount": "100", "paid_amount": "100"},
     "amount 1 differs"),
    ("billplz", billplz, {"amount": "abc", "paid_amount": "abc"}, "not whole sen"),
]


@pytest.mark.parametrize(("gateway", "build", "changes", "why"), CASES,
                         ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_bad_reply_is_refused_logged_and_changes_nothing(
        gateways, caplog, gateway, build, changes, why):
    placed, payment = _started(gateway)
    signature = {"skey", "Signature", "hash", "x_signature"}
    fields = build(payment, **{k: v for k, v in changes.items()
                               if v is not None and k not in signature})
    for key, value in changes.items():
        if value is None:
            fields.pop(key)  # unsigned / field missing
        elif key in signature:
            fields[key] = value  # mis-signed
    with caplog.at_level(logging.WARNING, logger="kedai.payments"):
        response = Client().post(f"/pay/callback/{gateway}/", fields)
    assert 400 <= response.status_code < 600 and response.status_code != 500
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith(gateway) and why in line for line in lines), lines


def test_a_reply_shaped_like_nothing_known_is_refused_not_a_500(gateways):
    for gateway in ("billplz", "ipay88", "fiuu", "senangpay", "stripe"):
        response = Client().post(f"/pay/callback/{gateway}/", {"x": "y"},
                                 HTTP_STRIPE_SIGNATURE="t=1,v1=00")
        assert response.status_code in (400, 403), gateway
    assert not CallbackLog.objects.filter(verified=True).exists()


def test_ipay88_replay_with_the_decimal_point_moved_leaves_a_captured_payment_alone(
        gateways):
    """13.20: "10000" carries the signature of "100.00": refused, and the
    correct captured payment is not flagged amount_mismatch."""
    placed, payment = _started("ipay88")
    assert Client().post("/pay/callback/ipay88/", ipay88(payment)).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED and payment.amount == 100
    replay = ipay88(payment, Amount="10000")
    response = Client().post("/pay/callback/ipay88/", replay)
    assert response.status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED and payment.flag == PaymentFlag.NONE
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID
    assert "2-decimal form" in CallbackLog.objects.filter(
        kind="callback").latest("id").outcome


def test_a_replayed_capture_is_acknowledged_and_changes_nothing(gateways):
    placed, payment = _started("fiuu")
    fields = fiuu(payment)
    for _ in range(3):
        assert Client().post("/pay/callback/fiuu/", fields).status_code == 200
    payment.refresh_from_db()
    assert payment.flag == PaymentFlag.NONE
    assert Order.objects.get(pk=placed.order.pk).status == OrderStatus.PAID

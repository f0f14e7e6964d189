"""Fiuu as published: docs.fiuu.dev ("vcode" example; "skey"; "Direct
Status Requery" and "Indirect Status Requery" formulas; "Advanced
Full/Partial Refund"), the RazerMS SDK READMEs ("default RM (indicating
MYR) for Malaysia channels") and Fiuu's WooCommerce plugin (repository
``FiuuPayment/Shopping-Cart-Plugins-Fiuu_WooCommerce``, the IPN echo with
``treq=1`` for ``nbcb=2``)."""

import json
import urllib.parse

import pytest

from kedai.core.money import Money
from kedai.payments.gateways.fiuu import (
    FiuuGateway,
    query_skey,
    query_vrfkey,
    refund_signature,
    skey,
    vcode,
)
from kedai.payments.ports import Incoming, ResultStatus
from tests.contracts.conftest import adapter

VERIFY = "f5bb0c8de146c67b44babbf4e6584cc0"  # the docs' vcode example key


def test_published_vcode_example():
    # "vcode": amount 27.60, merchant ACME, order OD8842, with currency MYR
    # (the extended form).
    assert vcode("27.60", "ACME", "OD8842", VERIFY, "MYR") == (
        "5bf33e6500a53830d4f80087b67e13de")


@pytest.fixture
def fiuu(settings):
    def build(url="", extended=False):
        return adapter(FiuuGateway, "fiuu", BASE_URL=url, MERCHANT_ID="kedaimy",
                       VERIFY_KEY="v" * 32, SECRET_KEY="s" * 32,
                       EXTENDED_VCODE=extended)
    return build


def signed(**fields):
    data = {"tranID": "123456789", "orderid": "OD8842", "status": "00",
            "domain": "kedaimy", "amount": "27.60", "currency": "RM",
            "paydate": "2025-01-01 12:00:00", "appcode": "ABC123", **fields}
    data["skey"] = skey(tran_id=data["tranID"], order_id=data["orderid"],
                        status=data["status"], domain=data["domain"],
                        amount=data["amount"], currency=data["currency"],
                        paydate=data["paydate"], appcode=data["appcode"],
                        secret_key="s" * 32)
    return data


def test_the_plain_vcode_is_the_default_and_the_extended_one_a_setting(fiuu):
    from tests.contracts.test_stripe import payment_request

    plain = dict(fiuu().payment_create(payment_request("27.60")).fields)
    extended = dict(fiuu(extended=True).payment_create(payment_request("27.60")).fields)
    ref = "KD-2026-000001-P1"
    assert plain["vcode"] == vcode("27.60", "kedaimy", ref, "v" * 32)
    assert extended["vcode"] == vcode("27.60", "kedaimy", ref, "v" * 32, "MYR")


def test_a_callback_naming_rm_is_read_as_myr(fiuu):
    result = fiuu().callback_verify(Incoming("POST", {**signed(), "nbcb": "1"}))
    assert result.status == ResultStatus.CAPTURED
    assert result.amount == Money("27.60", "MYR")


def test_a_notification_is_echoed_back_with_treq_1(fiuu, canned):
    canned.reply("OK")
    data = {**signed(), "nbcb": "2"}
    ack = fiuu(canned.url).callback_ack(Incoming("POST", data))
    assert ack.status == 200
    (echo,) = canned.requests
    assert echo["path"] == "/MOLPay/API/chkstat/returnipn.php"
    assert dict(urllib.parse.parse_qsl(echo["body"].decode())) == {**data, "treq": "1"}
    assert fiuu().callback_ack(Incoming("POST", {**data, "nbcb": "1"})).body == \
        "CBTOKEN:MPSTATOK"


def _reply(status="00", tran="123456789", key="s" * 32, order_line=""):
    vrf = query_vrfkey(amount="27.60", secret_key=key, domain="kedaimy",
                       tran_or_order_id=tran if not order_line else "OD8842",
                       stat_code=status)
    return (f"StatCode: {status}\nStatName: captured\nTranID: {tran}\n{order_line}"
            f"Amount: 27.60\nCurrency: MYR\nDomain: kedaimy\nVrfKey: {vrf}\n")


def test_status_query_by_tran_id_goes_to_gate_query_and_checks_vrfkey(fiuu, canned):
    canned.reply(_reply())
    result = fiuu(canned.url).payment_query(reference="OD8842",
                                            gateway_reference="123456789",
                                            amount=Money("27.60"))
    assert result.status == ResultStatus.CAPTURED and result.amount == Money("27.60")
    (query,) = canned.requests
    assert query["path"] == "/RMS/API/gate-query/index.php"
    form = dict(urllib.parse.parse_qsl(query["body"].decode()))
    assert form["txID"] == "123456789"
    assert form["skey"] == query_skey("123456789", "kedaimy", "v" * 32, "27.60")


def test_status_query_by_order_id_goes_to_q_by_oid(fiuu, canned):
    canned.reply(_reply(order_line="OrderID: OD8842\n"))
    result = fiuu(canned.url).payment_query(reference="OD8842", gateway_reference="",
                                            amount=Money("27.60"))
    assert result.status == ResultStatus.CAPTURED
    assert canned.requests[0]["path"] == "/RMS/query/q_by_oid.php"


def test_a_reply_with_a_wrong_vrfkey_is_not_believed(fiuu, canned):
    from kedai.payments.exceptions import GatewayError

    canned.reply(_reply(key="not-the-secret"))
    with pytest.raises(GatewayError, match="VrfKey"):
        fiuu(canned.url).payment_query(reference="OD8842",
                                       gateway_reference="123456789",
                                       amount=Money("27.60"))


def test_refund_api_request_and_signed_reply(fiuu, canned):
    reply = {"RefundType": "P", "MerchantID": "kedaimy", "RefID": "RF-1",
             "RefundID": "556", "TxnID": "123456789", "Amount": "10.00",
             "Status": "00"}
    reply["Signature"] = refund_signature(
        refund_type="P", merchant_id="kedaimy", ref_id="RF-1", refund_id="556",
        txn_id="123456789", amount="10.00", status="00", secret_key="s" * 32)
    canned.reply(json.dumps(reply), content_type="application/json")
    result = fiuu(canned.url).refund_create(
        reference="OD8842", gateway_reference="123456789", transaction_id="123456789",
        amount=Money("10.00"), refund_reference="RF-1")
    assert result.succeeded and result.refund_reference == "556"
    (request,) = canned.requests
    assert request["path"] == "/RMS/API/refundAPI/index.php"
    form = dict(urllib.parse.parse_qsl(request["body"].decode()))
    assert form["Signature"] == refund_signature(
        refund_type="P", merchant_id="kedaimy", ref_id="RF-1", txn_id="123456789",
        amount="10.00", secret_key="s" * 32)

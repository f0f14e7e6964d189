"""senangPay as published: developer.senangpay.my "Generate Secure Hash"
(the MD5 and HMAC-SHA256 examples with secret "53-784") and the status
values of repository ``senangpay/api_catalog``,
``integration-api/manual-integration-api-open-api/README.md`` ("2 for
pending authorization, 1 for successful and 0 for failed")."""

import json

import pytest

from kedai.core.money import Money
from kedai.payments.gateways.senangpay import (
    SenangPayGateway,
    request_hash,
    response_hash,
)
from kedai.payments.ports import Incoming, ResultStatus
from tests.contracts.conftest import adapter


def test_published_hash_examples_md5_and_hmac_sha256():
    # secret 53-784, detail "Shopping_cart_id_30", amount 24.50, order 56
    assert request_hash("53-784", "Shopping_cart_id_30", "24.50", "56", "md5") == (
        "0bde51ff340f110ab7331a902aa969e7")
    assert request_hash("53-784", "Shopping_cart_id_30", "24.50", "56") == (
        "74422328b44d30bf150fffbae89bbb42b885f9ac0960e2a3ddccc0cf9aa48e39")
    # return: status 1, order 56143635388, transaction 40, "Payment_was_successful"
    args = ("53-784", "1", "56143635388", "40", "Payment_was_successful")
    assert response_hash(*args, "md5") == "69686562c29ad3f7955b1843a5c275ca"
    assert response_hash(*args) == (
        "4ca7837c6c4ddb5f6ba573ea701235b2d04bc6400d32787539e07aaf319eb70f")


@pytest.fixture
def senangpay(settings):
    settings.KEDAI_SANDBOX_URL = "http://127.0.0.1:9"  # published keys: sandbox only

    def build(url="", hash_type="hmac-sha256"):
        return adapter(SenangPayGateway, "senangpay", BASE_URL=url, MERCHANT_ID="534",
                       SECRET_KEY="53-784", HASH_TYPE=hash_type)
    return build


@pytest.mark.parametrize("hash_type", ["hmac-sha256", "md5"])
def test_status_id_2_is_pending_authorisation_not_a_failure(senangpay, hash_type):
    data = {"status_id": "2", "order_id": "KD-1-P1", "transaction_id": "40",
            "msg": "Payment_is_pending"}
    data["hash"] = response_hash("53-784", *data.values(), hash_type)
    result = senangpay(hash_type=hash_type).callback_verify(Incoming("POST", data))
    assert result.status == ResultStatus.PENDING


def test_query_reply_without_an_amount_confirms_the_amount_sent(senangpay, canned):
    # "Query order status": data[].payment_info without any amount field.
    canned.reply(json.dumps({"status": True, "msg": "Query Success", "data": [
        {"payment_info": {"transaction_reference": "40", "status": "paid",
                          "payment_mode": "fpx"}}]}), content_type="application/json")
    result = senangpay(canned.url).payment_query(
        reference="KD-1-P1", gateway_reference="", amount=Money("24.50"))
    assert result.status == ResultStatus.CAPTURED and result.amount == Money("24.50")
    path = canned.requests[0]["path"]
    assert path.startswith("/apiv1/query_order_status?merchant_id=534&order_id=KD-1-P1")


def test_query_reply_pending_stays_pending(senangpay, canned):
    canned.reply(json.dumps({"status": True, "msg": "Query Success", "data": [
        {"payment_info": {"transaction_reference": "40", "status": "pending"}}]}),
        content_type="application/json")
    result = senangpay(canned.url).payment_query(
        reference="KD-1-P1", gateway_reference="", amount=Money("24.50"))
    assert result.status == ResultStatus.PENDING

"""iPay88 as published: the Technical Specification (MT) v1.0.6 signature
examples (merchant M00003, key "apple"), the re-query replies, and the
HMAC-SHA512 signature of OPSG v1.6.4.4 as the omnipay-ipay88 forks build
it (repository ``masdimdev/omnipay-ipay88``,
``src/Message/AbstractRequest.php``, ``src/Enum/ErrorDescription.php``)."""

import hashlib
import hmac

import pytest

from kedai.core.money import Money
from kedai.payments.exceptions import CallbackRejected
from kedai.payments.gateways.ipay88 import (
    IPay88Gateway,
    request_signature,
    response_signature,
)
from kedai.payments.ports import Incoming, ResultStatus
from tests.contracts.conftest import adapter


def test_published_sha256_signature_examples():
    assert request_signature("apple", "M00003", "A00000001", "1.00", "MYR") == (
        "110f0be755ccfa9373aa38104bafbc5c6e5462344e44bcfbb70439c82b4b07fa")
    assert response_signature("apple", "M00003", "2", "A00000001", "1.00", "MYR",
                              "1") == (
        "f173a2521d178574caab19ab7ddd04b299dbc0d656a26c1d1aabf9187dfbf352")


def test_hmac_sha512_signs_the_same_string_keyed_by_the_merchant_key():
    expected = hmac.new(b"apple", b"appleM00003A00000001100MYR",
                        hashlib.sha512).hexdigest()
    assert request_signature("apple", "M00003", "A00000001", "1.00", "MYR",
                             "HMACSHA512") == expected


@pytest.fixture
def ipay88(settings):
    settings.KEDAI_SANDBOX_URL = "http://127.0.0.1:9"  # published keys: sandbox only

    def build(url="", signature_type="SHA256"):
        return adapter(IPay88Gateway, "ipay88", BASE_URL=url, MERCHANT_CODE="M00003",
                       MERCHANT_KEY="apple", SIGNATURE_TYPE=signature_type)
    return build


def response(amount="1.00", signature_type="SHA256", status="1"):
    data = {"MerchantCode": "M00003", "PaymentId": "2", "RefNo": "A00000001",
            "Amount": amount, "Currency": "MYR", "Status": status, "TransId": "T1"}
    data["Signature"] = response_signature("apple", "M00003", "2", "A00000001",
                                           amount, "MYR", status, signature_type)
    return data


@pytest.mark.parametrize("signature_type", ["SHA256", "HMACSHA512"])
def test_a_published_style_response_verifies(ipay88, signature_type):
    result = ipay88(signature_type=signature_type).callback_verify(
        Incoming("POST", response(signature_type=signature_type)))
    assert result.status == ResultStatus.CAPTURED and result.amount == Money("1.00")


@pytest.mark.parametrize("moved", ["100", "10.0", "0.100", "1,00", "100.", ".100"])
def test_amount_with_the_decimal_point_moved_is_refused_though_signed(ipay88, moved):
    """13.20: only the digits are signed, so "100" carries the signature
    of "1.00": refused before any payment is looked at."""
    with pytest.raises(CallbackRejected, match="2-decimal form"):
        ipay88().callback_verify(Incoming("POST", response(amount=moved)))


def test_thousands_separated_amounts_are_read(ipay88):
    result = ipay88().callback_verify(Incoming("POST", response(amount="1,278.99")))
    assert result.amount == Money("1278.99")


@pytest.mark.parametrize(("reply", "status"), [
    ("00", ResultStatus.CAPTURED),
    ("Payment Fail", ResultStatus.FAILED),
    ("M88Admin", ResultStatus.FAILED),
    ("Record not found", ResultStatus.PENDING),
    ("Payment Pending", ResultStatus.PENDING),
    ("Payment In Progress", ResultStatus.PENDING),
    ("haven't paid", ResultStatus.PENDING),
])
def test_requery_replies(ipay88, canned, reply, status):
    canned.reply(reply)
    result = ipay88(canned.url).payment_query(reference="A00000001",
                                              gateway_reference="",
                                              amount=Money("1278.99"))
    assert result.status == status
    assert canned.requests[0]["path"] == "/epayment/enquiry.asp"
    assert b"Amount=1%2C278.99" in canned.requests[0]["body"]


@pytest.mark.parametrize("reply", ["Invalid parameters", "Incorrect amount"])
def test_requery_replies_that_say_nothing_are_errors(ipay88, canned, reply):
    from kedai.payments.exceptions import GatewayError

    canned.reply(reply)
    with pytest.raises(GatewayError):
        ipay88(canned.url).payment_query(reference="A00000001", gateway_reference="",
                                         amount=Money("1.00"))

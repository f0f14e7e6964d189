"""Billplz API v3, as published in Billplz's own API docs (repository
``Billplz/api_slate``, ``source/index.html.md``; www.billplz.com/api)."""

import json
import urllib.parse

import pytest

from kedai.payments.gateways.billplz import (
    BillplzGateway,
    x_signature,
    x_signature_source,
)
from kedai.payments.ports import Incoming, ResultStatus
from tests.contracts.conftest import adapter

KEY = "S-s7b4yWpp9h7rrkNM1i3Z_g"  # the docs' example X Signature Key


def test_published_x_signature_vectors():
    # "X Signature" section: bill creation, callback and redirect examples.
    create = {"amount": "200", "callback_url": "https://example.com/webhook",
              "collection_id": "inbmmepb", "description": "testing",
              "email": "api@billplz.com", "name": "Michael"}
    assert x_signature(create, "abc123cde456") == (
        "ef5e54a22af0925cba88fab467119742e90262e3646eea1dee3949938daf3a38")
    callback = {"id": "zq0tm2wc", "collection_id": "yhx5t1pp", "paid": "true",
                "state": "paid", "amount": "100", "paid_amount": "100",
                "due_at": "2018-9-27", "email": "tester@test.com", "mobile": "",
                "name": "TESTER", "url": "http://www.billplz-sandbox.com/bills/zq0tm2wc",
                "paid_at": "2018-09-27 15:15:09 +0800"}
    assert x_signature_source(callback).startswith("amount100|collection_idyhx5t1pp|")
    assert x_signature(callback, KEY) == (
        "0fe0a20b8d557eeae570377783d062a3816a9ea80f368860bacfa7ec3ca4d00e")
    redirect = {"billplz[id]": "zq0tm2wc", "billplz[paid]": "true",
                "billplz[paid_at]": "2018-09-27 15:15:09 +0800"}
    assert x_signature(redirect, KEY) == (
        "4aab095fe5a39b1d534500988f9a0cb085cd1b6d5bbb55dd4e02ea6fa102b47b")


# "Example Server Side Request from Billplz": a paid bill, paid_amount "0".
PAID_AMOUNT_ZERO = {
    "id": "W_79pJDk", "collection_id": "599", "paid": "true", "state": "paid",
    "amount": "200", "paid_amount": "0", "due_at": "2020-12-31",
    "email": "api@billplz.com", "mobile": "+60112223333", "name": "MICHAEL API",
    "url": "http://billplz.dev/bills/W_79pJDk", "paid_at": "2015-03-09 16:23:59 +0800",
    "x_signature": "f0ff6c564f98d5403e2b26fbd3d45309c76eb68d8c5bcda0d48b541c3502a396"}


def billplz(url="http://127.0.0.1:9", key="abc123cde456", collection="599"):
    return adapter(BillplzGateway, "billplz", BASE_URL=url, API_KEY="k",
                   COLLECTION_ID=collection, X_SIGNATURE_KEY=key)


def test_paid_bill_with_paid_amount_zero_is_not_refused_but_confirmed():
    """paid_amount 0 on a paid bill: judged by ``amount`` once Get a Bill
    confirms it; the callback alone gives no amount (so it is confirmed)."""
    result = billplz().callback_verify(Incoming("POST", dict(PAID_AMOUNT_ZERO)))
    assert result.status == ResultStatus.CAPTURED
    assert result.gateway_reference == "W_79pJDk" and result.amount is None


def test_get_a_bill_reply_paid_amount_zero_is_read_by_amount(canned):
    # "Get a Bill" response shape (id, collection_id, paid, state, amount,
    # paid_amount as numbers), here paid with paid_amount 0.
    canned.reply(json.dumps({"id": "8X0Iyzaw", "collection_id": "inbmmepb",
                             "paid": True, "state": "paid", "amount": 200,
                             "paid_amount": 0, "due_at": "2015-3-9",
                             "url": "https://www.billplz.com/bills/8X0Iyzaw"}),
                 content_type="application/json")
    from kedai.core.money import Money

    result = billplz(canned.url, collection="inbmmepb").payment_query(
        reference="", gateway_reference="8X0Iyzaw", amount=Money("2.00"))
    assert result.status == ResultStatus.CAPTURED and result.amount == Money("2.00")
    (request,) = canned.requests
    assert request["path"] == "/api/v3/bills/8X0Iyzaw"
    assert request["headers"]["Authorization"].startswith("Basic ")


@pytest.mark.parametrize("change", [{"amount": "20000"}, {"paid": "false"},
                                    {"x_signature": "0" * 64}])
def test_a_changed_field_breaks_the_published_signature(change):
    from kedai.payments.exceptions import CallbackRejected

    with pytest.raises(CallbackRejected):
        billplz().callback_verify(Incoming("POST", {**PAID_AMOUNT_ZERO, **change}))


def test_create_bill_sends_integer_sen_with_basic_auth(canned):
    # "Create a Bill": amount in sen; reply carries id and url.
    canned.reply(json.dumps({"id": "8X0Iyzaw", "url":
                             "https://www.billplz.com/bills/8X0Iyzaw"}),
                 content_type="application/json")
    from tests.contracts.test_stripe import payment_request

    redirect = billplz(canned.url).payment_create(payment_request("2.00"))
    assert redirect.url == "https://www.billplz.com/bills/8X0Iyzaw"
    form = dict(urllib.parse.parse_qsl(canned.requests[0]["body"].decode()))
    assert form["amount"] == "200" and form["collection_id"] == "599"

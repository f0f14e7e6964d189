"""The carrier simulator answers like the EasyParcel quotation API."""

import json
import urllib.error
import urllib.request

import pytest

PATH = "/carrier/open_api/2025-09/shipment/quotations"
SHIPMENT = {"sender": {"postcode": "50000", "subdivison_code": "MY-14",
                       "country": "MY"},
            "receiver": {"postcode": "93000", "subdivison_code": "MY-13",
                         "country": "MY"},
            "weight": 2.5}


def post(url, body, headers=None, bearer="t"):
    request = urllib.request.Request(  # noqa: S310 - the sandbox
        url + PATH, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 **({"Authorization": f"Bearer {bearer}"} if bearer else {}),
                 **(headers or {})})
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return response.status, response.read()


def test_quotations_echo_input_and_price_every_courier(sandbox):
    status, raw = post(sandbox.url, {"shipment": [SHIPMENT]})
    document = json.loads(raw)
    assert status == 200 and document["status_code"] == 200
    assert document["message"] == "1 requests success, 0 request error."
    (item,) = document["data"]
    assert item["status"] == "success" and item["input"] == SHIPMENT
    pos = next(q for q in item["quotations"]
               if q["courier"]["courier_name"] == "Poslaju")
    # 3 kg (rounded up) across the sea: 5.80 + 2 x 2.00 + 6.00.
    assert pos["pricing"] == {"currency": "MYR", "total_amount": "15.80",
                              "shipment_price": "15.80",
                              "total_features_price": "0.00"}


def test_per_shipment_errors_come_with_http_200(sandbox):
    bad = {**SHIPMENT, "weight": -1, "receiver": {"country": "MY"}}
    status, raw = post(sandbox.url, {"shipment": [SHIPMENT, bad]})
    document = json.loads(raw)
    assert status == 200
    assert document["message"] == "1 requests success, 1 request error."
    errors = document["data"][1]["errors"]
    assert "The receiver postcode field is required" in errors
    assert "The weight must be a positive number" in errors


@pytest.mark.parametrize(("headers", "token", "code"), [
    ({"X-Sandbox-Mode": "error"}, "t", 500),
    ({"X-Sandbox-Mode": "ratelimit"}, "t", 429),
    ({}, "", 401),
])
def test_fault_modes_by_header(sandbox, headers, token, code):
    with pytest.raises(urllib.error.HTTPError) as caught:
        post(sandbox.url, {"shipment": [SHIPMENT]}, headers, token)
    assert caught.value.code == code


def test_malformed_and_currency_modes(sandbox):
    _status, raw = post(sandbox.url, {"shipment": [SHIPMENT]},
                        {"X-Sandbox-Mode": "malformed"})
    with pytest.raises(ValueError):
        json.loads(raw)
    _status, raw = post(sandbox.url, {"shipment": [SHIPMENT]},
                        bearer="sandbox-currency")
    quotations = json.loads(raw)["data"][0]["quotations"]
    assert {q["pricing"]["currency"] for q in quotations} == {"USD"}


def test_bad_bodies_and_paths(sandbox):
    with pytest.raises(urllib.error.HTTPError) as caught:
        post(sandbox.url, {"nothing": []})
    assert caught.value.code == 400
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(sandbox.url + "/carrier/elsewhere")  # noqa: S310
    assert caught.value.code == 404

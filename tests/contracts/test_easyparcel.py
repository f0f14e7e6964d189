"""EasyParcel OpenAPI 2025-09 as published (repository ``easyparcel/OpenAPI``,
``source/includes/2025-09/_quotation.md`` example request and response,
``_authentication.md`` token response; the refresh call as EasyParcel's
CLI makes it, repository ``easyparcel/easyparcel-cli``,
``src/core/oauth.ts``)."""

import base64
import json
import urllib.parse
from decimal import Decimal

import pytest

from kedai.core.money import Money
from kedai.shipping.carriers.easyparcel import EasyParcelCarrier, _dumps, _parse
from kedai.shipping.ports import RateRequest

# The page's example response, trimmed to what Kedai reads.
EXAMPLE = {
    "status_code": 200,
    "request_id": "1770285829860.591d8c4f-ca8d-4e8b-9871-28e86ae541d9",
    "message": "1 request success, 0 request error.",
    "data": [{"status": "success", "input": {}, "quotations": [{
        "courier": {"service_id": "EP-CS096", "service_name": "Aramex (Pick Up)",
                    "courier_id": "EP-CR0AP", "courier_name": "Aramex",
                    "delivery_duration": None},
        "pricing": {"currency": "MYR", "total_amount": "10.84",
                    "shipment_price": "9.80", "shipment_tax": "0.59",
                    "total_features_price": "0.45", "total_features_tax": "0.00"},
        "features": []}]}]}


def test_the_published_quotation_response_is_read():
    (rate,) = _parse(json.dumps(EXAMPLE).encode(), "MYR")
    assert rate.service_id == "EP-CS096" and rate.charge == Money("10.84")
    assert rate.eta == ""


def test_the_request_matches_the_published_example_and_both_spellings():
    request = RateRequest(origin_postcode="10150", origin_state="PNG",
                          dest_postcode="11950", dest_state="PNG",
                          weight_kg=Decimal("1.5"), parcel_value=Money("50.00"),
                          width_cm=Decimal(5), length_cm=Decimal(5),
                          height_cm=Decimal(5))
    body = json.loads(_dumps({"shipment": [EasyParcelCarrier()._shipment(request)]}))
    sender = body["shipment"][0]["sender"]
    assert sender == {"postcode": "10150", "subdivision_code": "MY-07",
                      "subdivison_code": "MY-07", "country": "MY"}
    assert body["shipment"][0]["weight"] == 1.5


@pytest.mark.django_db
def test_refresh_with_the_published_token_response(canned):
    # _authentication.md: token_type, expires_in 36000, access_token,
    # refresh_token, refresh_token_expires_in.
    canned.reply(json.dumps({"token_type": "Bearer", "expires_in": 36000,
                             "expires_at": "2024-12-12T13:03:23.013Z",
                             "access_token": "your access token",
                             "refresh_token": "Your refresh token",
                             "refresh_token_expires_in": 31557600}),
                 content_type="application/json")
    carrier = EasyParcelCarrier("easyparcel", {
        "BASE_URL": canned.url, "CLIENT_ID": "cid",
        "CLIENT_SECRET": "csecret",  # noqa: S106 - test value
        "REFRESH_TOKEN": "first-refresh"})
    assert carrier.access_token() == "your access token"
    (request,) = canned.requests
    assert request["path"] == "/oauth/token"
    assert request["headers"]["Authorization"] == "Basic " + base64.b64encode(
        b"cid:csecret").decode()
    assert dict(urllib.parse.parse_qsl(request["body"].decode())) == {
        "grant_type": "refresh_token", "refresh_token": "first-refresh"}

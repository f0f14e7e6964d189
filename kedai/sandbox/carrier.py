"""Carrier rate API simulator: EasyParcel OpenAPI 2025-09 quotations.

Serves ``POST /open_api/2025-09/shipment/quotations`` with the request and
response shapes of ``easyparcel/OpenAPI``,
``source/includes/2025-09/_quotation.md`` (see docs/reference/shipping.md and
:mod:`kedai.shipping.carriers.easyparcel`): a bearer token is required
(401 otherwise), each shipment of the ``shipment`` list is answered by one
``data`` item with ``status`` "success" and ``quotations`` or "error" and
``errors``. Prices are a made-up but stable formula (below), in MYR; they
are not any courier's real prices.

Fault modes, chosen per request by the ``X-Sandbox-Mode`` header or by a
bearer token ``sandbox-<mode>`` (so an adapter configured with that token
drives the mode without code changes):

``normal``     quotations as documented (the default);
``slow``       the normal answer after ``X-Sandbox-Delay`` seconds (default 4;
               token ``sandbox-slow-<seconds>``);
``error``      HTTP 500 with a JSON error body;
``malformed``  HTTP 200 with a truncated, invalid JSON body;
``currency``   normal quotations priced in USD;
``refused``    HTTP 200 whose data item has ``status`` "error";
``ratelimit``  HTTP 429.

``GET /_sandbox/stats`` returns how many quotation requests were served,
so tests can check that identical quotes are cached by the shop.

OAuth as EasyParcel's (``source/includes/2025-09/_authentication.md``):
``POST /oauth/token`` (HTTP Basic client id and secret;
``grant_type=refresh_token``) issues ``ep-access-…`` tokens that expire
after ``expires_in`` seconds (36,000, or what ``POST /_sandbox/token``
``ttl=`` sets, so the demo and tests see one expire) and replaces the
refresh token each time; the first refresh token is ``sandbox-refresh``.
A quotation with an expired or unknown ``ep-access-…`` token answers 401.
Parties may spell ``subdivision_code`` or ``subdivison_code`` (sic), as
the 2025-09 pages have.
A plain WSGI app without Django; mounted at ``/carrier`` by the sandbox.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from typing import Any

QUOTATIONS_PATH = "/open_api/2025-09/shipment/quotations"
MODES = ("normal", "slow", "error", "malformed", "currency", "refused", "ratelimit")
DEFAULT_DELAY = 4.0
MAX_DELAY = 30.0
EAST_MALAYSIA = {"MY-12", "MY-13", "MY-15"}  # Sabah, Sarawak, Labuan (ISO 3166-2)

# courier_id, courier_name, service_id, service_name, first kg, per extra kg,
# Peninsular<->East extra, delivery_duration. Sandbox prices only.
SERVICES: tuple[tuple[str, str, str, str, str, str, str, str], ...] = (
    ("EP-CR05", "Poslaju", "EP-CS0PL", "Poslaju Next Day (Drop-Off)",
     "5.80", "2.00", "6.00", "1-3 working day(s)"),
    ("EP-CR0SK", "Skynet", "EP-CS0SK", "Skynet Express (Pick Up)",
     "6.50", "2.20", "7.00", "1-2 working day(s)"),
    ("EP-CR0JT", "J&T Express", "EP-CS0JT", "J&T Express (Drop-Off)",
     "5.50", "1.80", "5.50", "2-4 working day(s)"),
)

_lock = threading.Lock()
_stats = {"quotations": 0, "token_refreshes": 0}
TOKEN_TTL = 36000  # seconds, as EasyParcel's tokens
FIRST_REFRESH_TOKEN = "sandbox-refresh"  # noqa: S105 - the sandbox's, public
_tokens: dict[str, float] = {}  # access token -> expiry (time.time())
_refresh_tokens = {FIRST_REFRESH_TOKEN}
_token_ttl = [TOKEN_TTL]

StartResponse = Callable[..., Any]


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
    if path == "/_sandbox/stats" and method == "GET":
        with _lock:
            return _json(start_response, "200 OK", dict(_stats))
    if path == "/_sandbox/token" and method == "POST":
        return _set_token_ttl(environ, start_response)
    if path == "/oauth/token" and method == "POST":
        return _token(environ, start_response)
    if path != QUOTATIONS_PATH:
        return _json(start_response, "404 Not Found",
                     {"status_code": 404, "message": "Not Found"})
    if method != "POST":
        return _json(start_response, "405 Method Not Allowed",
                     {"status_code": 405, "message": "Method Not Allowed"})
    with _lock:
        _stats["quotations"] += 1
    token = _bearer(environ)
    if not token:
        return _json(start_response, "401 Unauthorized",
                     {"status_code": 401, "message": "Unauthenticated."})
    if token.startswith("ep-access-"):
        with _lock:
            expiry = _tokens.get(token)
        if expiry is None or expiry <= time.time():
            return _json(start_response, "401 Unauthorized",
                         {"status_code": 401, "message": "Unauthenticated."})
    mode, delay = _mode(environ, token)
    if mode == "slow":
        time.sleep(delay)
    if mode == "error":
        return _json(start_response, "500 Internal Server Error",
                     {"status_code": 500, "message": "Server Error"})
    if mode == "ratelimit":
        return _json(start_response, "429 Too Many Requests",
                     {"status_code": 429, "message": "Too Many Attempts."})
    if mode == "malformed":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"status_code": 200, "message": "1 requests success", "data": [{"sta']
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        document = json.loads(environ["wsgi.input"].read(length) or b"null")
        shipments = document.get("shipment", document.get("list"))
        if not isinstance(shipments, list) or not shipments:
            raise ValueError
    except (ValueError, AttributeError):
        return _json(start_response, "400 Bad Request",
                     {"status_code": 400, "message": "The shipment field is required."})
    currency = "USD" if mode == "currency" else "MYR"
    data = [_answer(shipment, currency, refused=mode == "refused")
            for shipment in shipments]
    ok = sum(1 for item in data if item["status"] == "success")
    return _json(start_response, "200 OK", {
        "status_code": 200,
        "message": f"{ok} requests success, {len(data) - ok} request error.",
        "data": data,
    })


def _form(environ: dict[str, Any]) -> dict[str, str]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length).decode() if length else ""
    return dict(urllib.parse.parse_qsl(body))


def _token(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    scheme, _sep, encoded = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    try:
        client_id, _colon, secret = base64.b64decode(encoded).decode().partition(":")
    except ValueError:
        client_id = secret = ""
    if scheme.lower() != "basic" or not client_id or not secret:
        return _json(start_response, "401 Unauthorized",
                     {"error": "invalid_client"})
    form = _form(environ)
    with _lock:
        known = form.get("refresh_token") in _refresh_tokens
        if form.get("grant_type") != "refresh_token" or not known:
            return _json(start_response, "400 Bad Request", {"error": "invalid_grant"})
        _refresh_tokens.discard(form["refresh_token"])
        access, refresh = "ep-access-" + secrets.token_hex(12), \
            "ep-refresh-" + secrets.token_hex(12)
        ttl = _token_ttl[0]
        _tokens[access] = time.time() + ttl
        _refresh_tokens.add(refresh)
        _stats["token_refreshes"] += 1
    return _json(start_response, "200 OK", {
        "token_type": "Bearer", "expires_in": ttl, "access_token": access,
        "refresh_token": refresh, "refresh_token_expires_in": 31557600})


def _set_token_ttl(environ: dict[str, Any],
                   start_response: StartResponse) -> list[bytes]:
    """``ttl``: lifetime of tokens issued from now on; ``reset=1`` also
    forgets every token and restores the first refresh token."""
    form = _form(environ)
    with _lock:
        if form.get("ttl"):
            _token_ttl[0] = max(1, int(float(form["ttl"])))
        if form.get("reset"):
            _tokens.clear()
            _refresh_tokens.clear()
            _refresh_tokens.add(FIRST_REFRESH_TOKEN)
            _stats["token_refreshes"] = 0
            _token_ttl[0] = int(form.get("ttl") or TOKEN_TTL)
    return _json(start_response, "200 OK", {"ttl": _token_ttl[0]})


def requests_served() -> int:
    """Quotation requests served since the process started."""
    with _lock:
        return _stats["quotations"]


def _bearer(environ: dict[str, Any]) -> str:
    header = environ.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _mode(environ: dict[str, Any], token: str) -> tuple[str, float]:
    mode, delay = environ.get("HTTP_X_SANDBOX_MODE", "").strip().lower(), None
    match = re.fullmatch(r"sandbox-([a-z]+)(?:-([0-9.]+))?", token)
    if not mode and match:
        mode = match.group(1)
        delay = match.group(2)
    delay = environ.get("HTTP_X_SANDBOX_DELAY") or delay
    try:
        seconds = min(float(delay), MAX_DELAY) if delay else DEFAULT_DELAY
    except ValueError:
        seconds = DEFAULT_DELAY
    return (mode if mode in MODES else "normal"), seconds


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise ValueError(value)
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(value) from None
    if not result.is_finite() or result < 0:
        raise ValueError(value)
    return result


def _subdivision(info: dict[str, Any]) -> Any:
    # The corrected spelling first, then the one the 2025-09 pages had.
    return info.get("subdivision_code") or info.get("subdivison_code")


def _answer(shipment: Any, currency: str, *, refused: bool) -> dict[str, Any]:
    errors: list[str] = []
    if not isinstance(shipment, dict):
        return {"status": "error", "input": shipment,
                "errors": ["The shipment must be an object"]}
    for party in ("sender", "receiver"):
        info = shipment.get(party)
        if not isinstance(info, dict):
            errors.append(f"The {party} field is required")
            continue
        for field in ("postcode", "subdivision_code", "country"):
            value = (_subdivision(info) if field == "subdivision_code"
                     else info.get(field))
            if not value:
                errors.append(f"The {party} {field} field is required")
    try:
        weight = _decimal(shipment.get("weight"))
        if weight <= 0:
            raise ValueError
    except ValueError:
        errors.append("The weight must be a positive number")
        weight = Decimal(0)
    dims = []
    for field in ("length", "width", "height"):
        if field in shipment:
            try:
                dims.append(_decimal(shipment[field]))
            except ValueError:
                errors.append(f"The {field} must be a number")
    if refused and not errors:
        errors.append("No courier service is available for this route")
    if errors:
        return {"status": "error", "input": shipment, "errors": errors}
    volumetric = (dims[0] * dims[1] * dims[2] / 5000) if len(dims) == 3 else Decimal(0)
    kg = max(weight, volumetric).to_integral_value(rounding=ROUND_CEILING) or Decimal(1)
    crossing = ((_subdivision(shipment["sender"]) in EAST_MALAYSIA)
                != (_subdivision(shipment["receiver"]) in EAST_MALAYSIA))
    quotations = []
    for (courier_id, courier_name, service_id, service_name, first, extra,
         east, duration) in SERVICES:
        price = Decimal(first) + (kg - 1) * Decimal(extra)
        if crossing:
            price += Decimal(east)
        features = Decimal("0.00")
        quotations.append({
            "courier": {
                "service_id": service_id, "service_name": service_name,
                "courier_id": courier_id, "courier_name": courier_name,
                "courier_logo": "", "delivery_duration": duration,
                "service_tag": [
                    {"name": "Service Label", "value": "Standard"},
                    {"name": "Service Destinations", "value": "Domestic"},
                    {"name": "Service Methods", "value": "Drop-Off"},
                ],
            },
            "pricing": {
                "currency": currency, "total_amount": f"{price + features:.2f}",
                "shipment_price": f"{price:.2f}",
                "total_features_price": f"{features:.2f}",
            },
            "features": [{"cod": {"available": False, "min_cod_amount": "",
                                  "max_cod_amount": "", "charges_description": ""}}],
        })
    return {"status": "success", "input": shipment, "quotations": quotations}


def _json(start_response: StartResponse, status: str,
          payload: dict[str, Any]) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]

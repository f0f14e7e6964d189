"""EasyParcel rate quotes (OpenAPI 2025-09 "Shipment Quotations").

Implements ``POST {BASE_URL}/open_api/2025-09/shipment/quotations`` as
documented in the official repository ``easyparcel/OpenAPI``,
``source/includes/2025-09/_quotation.md`` (summarised in docs/reference/shipping.md):

* request headers ``Authorization: Bearer <access token>`` and
  ``Content-Type: application/json``; body ``{"shipment": [{"sender":
  {"postcode", "subdivision_code" (ISO 3166-2), "country"}, "receiver":
  {...}, "weight" (kg), "width"/"length"/"height" (cm), "parcel_value"}]}``.
  The 2025-09 pages first spelt the field ``subdivison_code`` and now
  ``subdivision_code``; both spellings are sent, so either reading works;
* response ``{"status_code", "message", "data": [{"status": "success" |
  "error", "input", "quotations": [{"courier": {"service_id",
  "service_name", "courier_id", "courier_name", "delivery_duration", ...},
  "pricing": {"currency", "total_amount", "shipment_price",
  "total_features_price"}, "features": [...]}], "errors": [...]}]}``.
  HTTP 200 may still carry a per-shipment error: each ``status`` is checked.
  Amounts are strings ("21.50") and are read as Decimal.

EasyParcel covers Pos Laju and Skynet among others (its courier list,
docs/reference/shipping.md); courier names are mapped to Kedai carrier codes.

OAuth 2.0 (``source/includes/2025-09/_authentication.md``; the refresh
call as in EasyParcel's own CLI, repository ``easyparcel/easyparcel-cli``,
``src/core/oauth.ts``): ``POST {BASE_URL}/oauth/token`` with HTTP Basic
``client_id:client_secret`` and ``grant_type=refresh_token``,
``refresh_token``; the reply's ``access_token`` lasts ``expires_in``
(36,000) s and may come with a new ``refresh_token``. With ``CLIENT_ID``,
``CLIENT_SECRET`` and ``REFRESH_TOKEN`` configured, the current tokens
live in ``shipping.CarrierToken`` and are refreshed ``REFRESH_MARGIN``
before they expire (or after a 401). A failed refresh is logged, kept on
the token row for the owner (go-live page) and raised as
``CarrierError(reason="auth")``: never a silent fallback. Without a
client id, ``OPTIONS["TOKEN"]`` is sent as it is. Production and demo
accounts share the host ``api.easyparcel.com``; which one a token opens
was chosen when it was authorised (``OPTIONS["MODE"]`` records it).

Every failure leaves this module as :class:`CarrierError`; the stdlib
``urllib`` is used so Kedai needs no HTTP client dependency. The
simulator in ``kedai.sandbox.carrier`` implements the same API.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone

from kedai.core.money import Money, round_places
from kedai.customers.addressing import ISO_3166_2
from kedai.shipping.exceptions import CarrierError
from kedai.shipping.ports import CarrierRate, RateRequest

logger = logging.getLogger("kedai.shipping")

API_VERSION = "2025-09"
API_HOST = "https://api.easyparcel.com"
TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret
# Refresh this long before the access token expires (it lasts 36,000 s).
REFRESH_MARGIN = timedelta(minutes=10)
QUOTATIONS_PATH = f"/open_api/{API_VERSION}/shipment/quotations"
MAX_TIMEOUT = 3.0  # seconds; issue 4: a live quote never holds checkout longer
MAX_RESPONSE_BYTES = 1_000_000

# EasyParcel courier_name -> Kedai carrier code (kedai.shipping.models.Carrier).
_COURIERS: tuple[tuple[str, str], ...] = (
    ("poslaju", "poslaju"),
    ("posmalaysia", "poslaju"),
    ("skynet", "skynet"),
    ("j&t", "jnt"),
    ("jnt", "jnt"),
    ("ninjavan", "ninjavan"),
    ("citylink", "citylink"),
    ("gdex", "gdex"),
    ("dhl", "dhl"),
)


def courier_code(courier_name: str) -> str:
    """Kedai carrier code of an EasyParcel ``courier_name`` ("" if unknown)."""
    squashed = re.sub(r"[\s\-_.]", "", courier_name.lower())
    return next((code for needle, code in _COURIERS if needle in squashed), "")


class EasyParcelCarrier:
    """RateProvider for the EasyParcel OpenAPI (see the module docstring)."""

    def __init__(self, name: str = "easyparcel",
                 options: Mapping[str, Any] | None = None) -> None:
        options = options or {}
        self.name = name
        self.options = options
        self._base_url = str(options.get("BASE_URL") or "").rstrip("/")
        self._token = str(options.get("TOKEN") or "")
        self._client_id = str(options.get("CLIENT_ID") or "")
        self._client_secret = str(options.get("CLIENT_SECRET") or "")
        self._refresh_token = str(options.get("REFRESH_TOKEN") or "")
        self._timeout = min(float(options.get("TIMEOUT") or MAX_TIMEOUT), MAX_TIMEOUT)

    @property
    def base_url(self) -> str:
        # BASE_URL, else (not live) the simulator of the demo and tests,
        # else EasyParcel's API host (demo and live accounts share it).
        if self._base_url:
            return self._base_url
        sandbox = getattr(settings, "KEDAI_SANDBOX_URL", "")
        live = str(self.options.get("MODE") or "").lower() == "live"
        return f"{sandbox.rstrip('/')}/carrier" if sandbox and not live else API_HOST

    @property
    def uses_oauth(self) -> bool:
        return bool(self._client_id)

    def rates(self, request: RateRequest, *, currency: str) -> list[CarrierRate]:
        """Quote ``request``; raise CarrierError on any failure.

        Keeps only quotations in ``currency`` -- a response with any other
        currency is refused as a whole (``reason="currency"``), since its
        amounts cannot be trusted. Never books a shipment.
        """
        if not self.base_url:
            raise CarrierError("EasyParcel base URL is not configured",
                               reason="config")
        if not self.base_url.startswith(("https://", "http://")):
            raise CarrierError("EasyParcel base URL must be http(s)", reason="config")
        body = _dumps({"shipment": [self._shipment(request)]})
        try:
            raw = self._quote(body, self.access_token())
        except _Unauthorised:
            if not self.uses_oauth:
                raise CarrierError("EasyParcel answered HTTP 401",
                                   reason="http_401") from None
            # Revoked or expired early: one refresh, one retry.
            try:
                raw = self._quote(body, self.access_token(force_refresh=True))
            except _Unauthorised:
                raise CarrierError("EasyParcel refused a fresh token (401)",
                                   reason="auth") from None
        return _parse(raw, currency)

    def _quote(self, body: str, token: str) -> bytes:
        http_request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.base_url + QUOTATIONS_PATH, data=body.encode(), method="POST",
            headers={"Authorization": f"Bearer {token}",
                     "Content-Type": "application/json",
                     "Accept": "application/json"})
        raw = self._send(http_request)
        if len(raw) > MAX_RESPONSE_BYTES:
            raise CarrierError("EasyParcel response too large", reason="malformed")
        return raw

    def _send(self, http_request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(  # noqa: S310 - URL from settings
                    http_request, timeout=self._timeout) as response:
                return response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 401:
                raise _Unauthorised from None
            raise CarrierError(f"EasyParcel answered HTTP {exc.code}",
                               reason=f"http_{exc.code}") from None
        except TimeoutError as exc:
            raise CarrierError(f"EasyParcel timed out: {exc}",
                               reason="timeout") from None
        except urllib.error.URLError as exc:
            timed_out = isinstance(exc.reason, TimeoutError)
            reason = "timeout" if timed_out else "unreachable"
            raise CarrierError(f"EasyParcel unreachable: {exc.reason}",
                               reason=reason) from None
        except (OSError, ValueError) as exc:
            raise CarrierError(f"EasyParcel request failed: {exc}",
                               reason="unreachable") from None

    # --- OAuth tokens -------------------------------------------------------------

    def access_token(self, *, force_refresh: bool = False) -> str:
        """The bearer token to send, refreshed first when it is about to
        expire. Raises CarrierError(reason="auth") when it cannot be had."""
        if not self.uses_oauth:
            # The sandbox wants some token; any non-empty one is a normal answer.
            return self._token or ("sandbox-normal" if not self._base_url else "")
        from kedai.shipping.models import CarrierToken

        row, _created = CarrierToken.objects.get_or_create(
            carrier=self.name, defaults={"access_token": self._token,
                                         "refresh_token": self._refresh_token})
        due = (not row.access_token or force_refresh
               or (row.expires_at is not None
                   and row.expires_at - timezone.now() <= REFRESH_MARGIN))
        if not due:
            return row.access_token
        return self._refresh(row)

    def _refresh(self, row: Any) -> str:
        from kedai.shipping.models import CarrierToken

        used = row.refresh_token or self._refresh_token
        try:
            if not used:
                raise CarrierError("no refresh token configured", reason="auth")
            reply = self._token_request(used)
        except CarrierError as exc:
            # Another process may have refreshed with the same (now spent)
            # refresh token a moment ago: use its token if it is fresh.
            current = CarrierToken.objects.get(pk=row.pk)
            if (current.access_token and current.expires_at
                    and current.expires_at - timezone.now() > REFRESH_MARGIN
                    and current.access_token != row.access_token):
                return str(current.access_token)
            message = f"token refresh failed: {exc}"[:255]
            logger.error("easyparcel: %s", message)
            CarrierToken.objects.filter(pk=row.pk).update(
                last_error=message, last_error_at=timezone.now())
            raise CarrierError(f"EasyParcel {message}", reason="auth") from None
        now = timezone.now()
        CarrierToken.objects.filter(pk=row.pk).update(
            access_token=reply["access_token"],
            refresh_token=reply.get("refresh_token") or used,
            expires_at=now + timedelta(seconds=reply["expires_in"]),
            refreshed_at=now, last_error="", last_error_at=None)
        logger.info("easyparcel: access token refreshed, valid %s s",
                    reply["expires_in"])
        return str(reply["access_token"])

    def _token_request(self, refresh_token: str) -> dict[str, Any]:
        credentials = base64.b64encode(
            f"{self._client_id}:{self._client_secret}".encode()).decode()
        http_request = urllib.request.Request(  # noqa: S310 - URL from settings
            self.base_url + TOKEN_PATH, method="POST",
            data=urllib.parse.urlencode({"grant_type": "refresh_token",
                                         "refresh_token": refresh_token}).encode(),
            headers={"Authorization": f"Basic {credentials}",
                     "Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/json"})
        try:
            raw = self._send(http_request)
        except _Unauthorised:
            raise CarrierError("client credentials refused (401)",
                               reason="auth") from None
        try:
            reply = json.loads(raw)
            token = str(reply["access_token"])
            seconds = int(reply["expires_in"])
        except (ValueError, KeyError, TypeError):
            raise CarrierError("token reply has an unexpected shape",
                               reason="auth") from None
        if not token or seconds <= 0:
            raise CarrierError("token reply without a usable token", reason="auth")
        return {"access_token": token, "expires_in": seconds,
                "refresh_token": str(reply.get("refresh_token") or "")}

    def token_state(self) -> dict[str, Any]:
        """What the go-live check shows: where the tokens stand."""
        from kedai.shipping.models import CarrierToken

        row = CarrierToken.objects.filter(carrier=self.name).first()
        return {"oauth": self.uses_oauth,
                "expires_at": row.expires_at if row else None,
                "refreshed_at": row.refreshed_at if row else None,
                "last_error": row.last_error if row else "",
                "last_error_at": row.last_error_at if row else None}

    def _shipment(self, request: RateRequest) -> dict[str, Any]:
        shipment: dict[str, Any] = {
            "sender": _party(request.origin_postcode, request.origin_state),
            "receiver": _party(request.dest_postcode, request.dest_state),
            "weight": _number(request.weight_kg),
        }
        for key, value in (("width", request.width_cm), ("length", request.length_cm),
                           ("height", request.height_cm)):
            if value:
                shipment[key] = _number(value)
        if request.parcel_value is not None:
            shipment["parcel_value"] = _number(request.parcel_value.quantized().amount)
        return shipment


class _Unauthorised(Exception):
    """EasyParcel answered 401: the token is expired or revoked."""


def _party(postcode: str, state: str) -> dict[str, str]:
    code = ISO_3166_2[state]
    # Both spellings the 2025-09 API has used ("subdivison_code", sic, and
    # the corrected "subdivision_code").
    return {"postcode": postcode, "subdivision_code": code,
            "subdivison_code": code, "country": "MY"}


class _Number(str):
    """A Decimal written into JSON as a bare number (never via float)."""


def _number(value: Decimal) -> _Number:
    return _Number(format(round_places(value), "f"))


def _dumps(payload: dict[str, Any]) -> str:
    numbers: list[str] = []

    def walk(value: Any) -> Any:
        if isinstance(value, _Number):
            numbers.append(str(value))
            return f"\x00{len(numbers) - 1}\x00"
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    text = json.dumps(walk(payload), separators=(",", ":"))
    return re.sub(r'"\\u0000(\d+)\\u0000"', lambda m: numbers[int(m.group(1))], text)


def _parse(raw: bytes, currency: str) -> list[CarrierRate]:
    try:
        document = json.loads(raw, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise CarrierError("EasyParcel sent invalid JSON", reason="malformed") from None
    try:
        if int(document["status_code"]) != 200:
            raise CarrierError(f"EasyParcel status_code {document['status_code']}",
                               reason="status")
        (item,) = document["data"]
        if item["status"] != "success":
            raise CarrierError(f"EasyParcel refused the parcel: {item.get('errors')}",
                               reason="refused")
        rates = []
        for quotation in item["quotations"]:
            courier, pricing = quotation["courier"], quotation["pricing"]
            if pricing["currency"] != currency:
                raise CarrierError(
                    f"EasyParcel quoted in {pricing['currency']}, not {currency}",
                    reason="currency")
            amount = Decimal(str(pricing["total_amount"]))
            if not amount.is_finite() or amount < 0:
                raise CarrierError(f"EasyParcel amount {amount!r}", reason="malformed")
            rates.append(CarrierRate(
                carrier=courier_code(str(courier["courier_name"])),
                service_id=str(courier["service_id"]),
                service_name=str(courier["service_name"]),
                charge=Money(amount, currency),
                eta=str(courier.get("delivery_duration") or ""),
            ))
    except CarrierError:
        raise
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as exc:
        raise CarrierError(f"EasyParcel response has an unexpected shape: {exc!r}",
                           reason="malformed") from None
    return rates

"""EasyParcel rate quotes (OpenAPI 2025-09 "Shipment Quotations").

Implements ``POST {BASE_URL}/open_api/2025-09/shipment/quotations`` as
documented in the official repository ``easyparcel/OpenAPI``,
``source/includes/2025-09/_quotation.md`` (summarised in docs/reference/shipping.md):

* request headers ``Authorization: Bearer <access token>`` and
  ``Content-Type: application/json``; body ``{"shipment": [{"sender":
  {"postcode", "subdivison_code" (ISO 3166-2, sic), "country"}, "receiver":
  {...}, "weight" (kg), "width"/"length"/"height" (cm), "parcel_value"}]}``
  (the page's example request uses ``shipment``; its code samples say
  ``list``, the example is followed here);
* response ``{"status_code", "message", "data": [{"status": "success" |
  "error", "input", "quotations": [{"courier": {"service_id",
  "service_name", "courier_id", "courier_name", "delivery_duration", ...},
  "pricing": {"currency", "total_amount", "shipment_price",
  "total_features_price"}, "features": [...]}], "errors": [...]}]}``.
  HTTP 200 may still carry a per-shipment error: each ``status`` is checked.
  Amounts are strings ("21.50") and are read as Decimal.

EasyParcel covers Pos Laju and Skynet among others (its courier list,
docs/reference/shipping.md); courier names are mapped to Kedai carrier codes.

Not implemented here: the OAuth 2.0 flow that obtains the access token
(``/oauth/token``); configure a current token as ``OPTIONS["TOKEN"]``.

Every failure leaves this module as :class:`CarrierError`; the stdlib
``urllib`` is used so Kedai needs no HTTP client dependency. The
simulator in ``kedai.sandbox.carrier`` implements the same API.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings

from kedai.core.money import Money, round_places
from kedai.customers.addressing import ISO_3166_2
from kedai.shipping.exceptions import CarrierError
from kedai.shipping.ports import CarrierRate, RateRequest

API_VERSION = "2025-09"
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
        self._base_url = str(options.get("BASE_URL") or "").rstrip("/")
        self._token = str(options.get("TOKEN") or "")
        self._timeout = min(float(options.get("TIMEOUT") or MAX_TIMEOUT), MAX_TIMEOUT)

    @property
    def base_url(self) -> str:
        # Without a configured URL, the demo and tests use the sandbox.
        if self._base_url:
            return self._base_url
        sandbox = getattr(settings, "KEDAI_SANDBOX_URL", "")
        return f"{sandbox.rstrip('/')}/carrier" if sandbox else ""

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
        # The sandbox wants some token; any non-empty one is a normal answer.
        token = self._token or ("sandbox-normal" if not self._base_url else "")
        http_request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.base_url + QUOTATIONS_PATH, data=body.encode(), method="POST",
            headers={"Authorization": f"Bearer {token}",
                     "Content-Type": "application/json",
                     "Accept": "application/json"})
        try:
            with urllib.request.urlopen(  # noqa: S310 - URL from settings
                    http_request, timeout=self._timeout) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
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
        if len(raw) > MAX_RESPONSE_BYTES:
            raise CarrierError("EasyParcel response too large", reason="malformed")
        return _parse(raw, currency)

    def _shipment(self, request: RateRequest) -> dict[str, Any]:
        shipment: dict[str, Any] = {
            "sender": {"postcode": request.origin_postcode,
                       "subdivison_code": ISO_3166_2[request.origin_state],
                       "country": "MY"},
            "receiver": {"postcode": request.dest_postcode,
                         "subdivison_code": ISO_3166_2[request.dest_state],
                         "country": "MY"},
            "weight": _number(request.weight_kg),
        }
        for key, value in (("width", request.width_cm), ("length", request.length_cm),
                           ("height", request.height_cm)):
            if value:
                shipment[key] = _number(value)
        if request.parcel_value is not None:
            shipment["parcel_value"] = _number(request.parcel_value.quantized().amount)
        return shipment


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

"""Payment methods and gateway adapters chosen in settings.

``KEDAI_PAYMENT_GATEWAYS`` has the shape of Django's ``STORAGES``:
``{"billplz": {"BACKEND": "kedai.payments.gateways.billplz.BillplzGateway",
"OPTIONS": {...}}}``. ``KEDAI_PAYMENT_METHODS`` lists the codes offered
to shoppers, in order. The owner's switches in the back office
(``kedai.shopsettings``) can withhold a listed method and point a gateway
at the sandbox: that app sits above payments, so it plugs its switches in
here from its ``AppConfig.ready`` (:func:`owner_switches_register`) rather
than payments importing it. Nothing is read at import time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from kedai.core.labels import (
    PAYMENT_METHODS,
    payment_method_choice_label,
    payment_method_label,
)
from kedai.core.registry import adapter_get
from kedai.payments.gateways.offline import OFFLINE_METHODS as _OFFLINE
from kedai.payments.ports import PaymentGateway

OFFLINE_METHODS = tuple(_OFFLINE)

CodesOffered = Callable[[Iterable[str]], list[str]]
GatewayOptions = Callable[[str, Mapping[str, Any]], dict[str, Any]]
_switches: dict[str, Any] = {}


def owner_switches_register(*, codes_offered: CodesOffered,
                            gateway_options: GatewayOptions) -> None:
    """Let the owner's switches filter the offered codes (in order) and
    adjust a gateway's OPTIONS. Both must never raise on odd data."""
    _switches.update(codes_offered=codes_offered, gateway_options=gateway_options)


def payment_codes_offered(codes: Iterable[str]) -> list[str]:
    """``codes`` less those the owner switched off (all, without switches)."""
    source: CodesOffered | None = _switches.get("codes_offered")
    return source(codes) if source is not None else list(codes)


def gateway_options(code: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The OPTIONS the adapter of ``code`` gets: keys stored in the back
    office filled in where the environment sets none
    (:mod:`kedai.payments.secrets`), then the owner's switches."""
    from kedai.payments.secrets import options_with_stored_keys

    merged = options_with_stored_keys(code, options)
    source: GatewayOptions | None = _switches.get("gateway_options")
    return source(code, merged) if source is not None else merged


@dataclass(frozen=True)
class PaymentMethodInfo:
    """A payment method as offered at checkout."""

    code: str
    label: str
    cash: bool = False  # paid in cash: the bill is rounded to 5 sen
    online: bool = False  # paid on a gateway's hosted page


def _offline_info(code: str) -> PaymentMethodInfo:
    method = _OFFLINE[code]
    return PaymentMethodInfo(
        method.code, payment_method_label(code, fallback=str(method.label)),
        cash=method.cash)


def gateway_get(code: str) -> PaymentGateway | None:
    """The configured adapter for ``code``, or None if there is none.

    A gateway the owner switched to the sandbox gets no BASE_URL. Switching
    a method off does not remove its adapter: callbacks of payments already
    started still need it.
    """
    return adapter_get("KEDAI_PAYMENT_GATEWAYS", code,
                       options_filter=gateway_options)


def payment_methods() -> list[PaymentMethodInfo]:
    """The methods enabled in ``KEDAI_PAYMENT_METHODS``, in that order,
    less those the owner switched off in the back office.

    Offline methods are always known; an online method needs an entry in
    ``KEDAI_PAYMENT_GATEWAYS``. Unknown codes are left out (the system
    check reports them).
    """
    methods = []
    for code in payment_codes_offered(settings.KEDAI_PAYMENT_METHODS):
        if code in OFFLINE_METHODS:
            methods.append(_offline_info(code))
        elif (gateway := gateway_get(code)) is not None:
            methods.append(PaymentMethodInfo(
                code, payment_method_choice_label(code, fallback=str(gateway.label)),
                online=True))
    return methods


def method_label(code: str) -> str:
    """The shopper-facing name of a payment method, offered or not (a
    receipt names the method a payment was made with, even one switched
    off since)."""
    if code in OFFLINE_METHODS or code in PAYMENT_METHODS:
        return payment_method_label(code)
    gateway = gateway_get(code)
    return str(gateway.label) if gateway is not None else code


def online_methods() -> list[PaymentMethodInfo]:
    return [m for m in payment_methods() if m.online]

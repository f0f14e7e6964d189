"""Reads of the shop's settings, for the back office and for the domain
apps that honour them (payments, invoicing).

The functions other apps call (``payment_codes_offered``,
``gateway_options``, ``email_wording_apply``) never raise on odd data: a
setting that cannot be applied is ignored and the configured behaviour
stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from kedai.core.models import NumberSequence
from kedai.core.numbering import number_format
from kedai.payments.secrets import options_with_stored_keys
from kedai.shopsettings.models import EmailWording, NumberingStart, PaymentMethodSwitch
from kedai.shopsettings.wording import event_for, wording_fill, wording_values

logger = logging.getLogger(__name__)

# --- Payment methods ---------------------------------------------------------------


def payment_switches() -> dict[str, PaymentMethodSwitch]:
    """The owner's switches by method code (methods without a row: none)."""
    return {s.code: s for s in PaymentMethodSwitch.objects.all()}


def payment_codes_offered(codes: Iterable[str]) -> list[str]:
    """``codes`` (KEDAI_PAYMENT_METHODS, in order) minus those the owner
    switched off."""
    switches = payment_switches()
    return [c for c in codes if c not in switches or switches[c].enabled]


def gateway_options(code: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """The OPTIONS a gateway adapter gets: as configured, except that a
    gateway switched to the sandbox gets MODE "sandbox" and no BASE_URL
    (the adapters then talk to KEDAI_SANDBOX_URL, or the gateway's own
    sandbox host)."""
    result = dict(options)
    switch = PaymentMethodSwitch.objects.filter(code=code).first()
    if switch is not None and switch.sandbox:
        result["BASE_URL"] = ""
        result["MODE"] = "sandbox"
    return result


def mask_secret(value: object) -> str:
    """Show at most the last 4 characters of a credential, and none of a
    short one (a 5-character key would be nearly shown in full)."""
    text = str(value or "")
    if not text:
        return ""
    return "••••" + (text[-4:] if len(text) >= 12 else "")


_SANDBOX_HOST_WORDS = ("sandbox", "staging", "test", "127.0.0.1", "localhost")
_NOT_SECRET = frozenset({"BASE_URL", "PAYMENT_METHOD_TYPES", "TIMEOUT", "MODE",
                         "HASH_TYPE", "SIGNATURE_TYPE", "API_URL"})


def base_url_is_sandbox(base_url: str, options: Mapping[str, Any]) -> bool:
    """Whether a gateway configured with ``options`` talks to a sandbox."""
    if not base_url:
        return str(options.get("MODE") or "sandbox").lower() != "live"
    if any(word in base_url.lower() for word in _SANDBOX_HOST_WORDS):
        return True
    secret = str(options.get("SECRET_KEY", ""))
    return secret.startswith("sk_test_")  # Stripe: test keys on the live URL


@dataclass(frozen=True)
class PaymentMethodRow:
    """One payment method as the settings page shows it."""

    code: str
    label: str
    online: bool
    listed: bool  # in KEDAI_PAYMENT_METHODS
    configured: bool  # offline, or a gateway entry exists
    enabled: bool  # the owner's switch
    sandbox_switch: bool
    sandbox: bool  # where the gateway really points now
    base_url: str
    live_possible: bool  # a BASE_URL is configured
    credentials: list[tuple[str, str]] = field(default_factory=list)

    @property
    def offered(self) -> bool:
        return self.listed and self.configured and self.enabled


def payment_method_rows() -> list[PaymentMethodRow]:
    """Every known payment method: offline ones, configured gateways and
    codes listed in KEDAI_PAYMENT_METHODS, listed ones first."""
    from kedai.payments.gateways.offline import OFFLINE_METHODS

    gateways = getattr(settings, "KEDAI_PAYMENT_GATEWAYS", {}) or {}
    listed = list(settings.KEDAI_PAYMENT_METHODS)
    codes = listed + [c for c in (*OFFLINE_METHODS, *gateways) if c not in listed]
    switches = payment_switches()
    rows = []
    for code in codes:
        switch = switches.get(code)
        enabled = switch.enabled if switch else True
        if code in OFFLINE_METHODS:
            rows.append(PaymentMethodRow(
                code=code, label=str(OFFLINE_METHODS[code].label), online=False,
                listed=code in listed, configured=True, enabled=enabled,
                sandbox_switch=False, sandbox=False, base_url="",
                live_possible=False))
            continue
        conf = gateways.get(code)
        if not conf:
            rows.append(PaymentMethodRow(
                code=code, label=str(_("Unknown method")), online=True,
                listed=code in listed, configured=False, enabled=enabled,
                sandbox_switch=False, sandbox=False, base_url="",
                live_possible=False))
            continue
        options = conf.get("OPTIONS", {}) or {}
        try:
            label = str(getattr(import_string(conf["BACKEND"]), "label", code))
        except (ImportError, KeyError):
            label = str(_("Adapter not found: %(backend)s")
                        % {"backend": conf.get("BACKEND", "")})
        configured_url = str(options.get("BASE_URL") or "")
        live_mode = str(options.get("MODE") or "").lower() == "live"
        sandbox_switch = bool(switch and switch.sandbox)
        effective = gateway_options(code, options)
        effective_url = str(effective.get("BASE_URL") or "")
        shown_url = effective_url or _built_in_url(conf, code, effective)
        rows.append(PaymentMethodRow(
            code=code, label=label, online=True, listed=code in listed,
            configured=True, enabled=enabled, sandbox_switch=sandbox_switch,
            sandbox=base_url_is_sandbox(effective_url, effective),
            base_url=shown_url,
            live_possible=bool(configured_url) or live_mode,
            credentials=[(name, mask_secret(value))
                         for name, value in options_with_stored_keys(
                             code, options).items()
                         if name not in _NOT_SECRET and isinstance(value, str)]))
    return rows


def _built_in_url(conf: Mapping[str, Any], code: str,
                  options: Mapping[str, Any]) -> str:
    """Where a gateway without BASE_URL talks to (its MODE's built-in host,
    or the simulator)."""
    from kedai.payments.exceptions import GatewayError
    from kedai.payments.gateways import transport

    try:
        hosts = getattr(import_string(conf["BACKEND"]), "hosts", None)
        return transport.base_url(options, code, hosts)
    except (ImportError, KeyError, GatewayError):
        return str(_("sandbox (KEDAI_SANDBOX_URL)"))


# --- Document numbers ---------------------------------------------------------------

SERIES: tuple[tuple[str, Any, bool], ...] = (
    # (series, label, numbered per year)
    ("KD", _("Orders"), True),
    ("INV", _("Invoices"), True),
    ("RCT", _("Receipts"), True),
    ("SHP", _("Shipping notices"), True),
    ("CXL", _("Cancellation notices"), True),
    ("CN", _("Credit notes"), True),
    ("C", _("Customers"), False),
)
SERIES_PER_YEAR = {code: per_year for code, _label, per_year in SERIES}


@dataclass(frozen=True)
class SeriesRow:
    series: str
    label: str
    year: int  # 0: not per year
    last_value: int
    issued: bool  # a number of this series and year has been handed out
    next_number: str


def series_state(*, series: str, year: int) -> tuple[int, bool]:
    """(counter value, whether any number was handed out) of a series."""
    last = (NumberSequence.objects.filter(series=series, year=year)
            .values_list("last_value", flat=True).first()) or 0
    if not last:
        return 0, False
    preset = (NumberingStart.objects.filter(series=series, year=year)
              .order_by("-created_at", "-id")
              .values_list("last_value", flat=True).first())
    return last, preset != last


def numbering_rows(*, today: date) -> list[SeriesRow]:
    """Every series with its next number, this year and next year."""
    rows = []
    for series, label, per_year in SERIES:
        for year in ((today.year, today.year + 1) if per_year else (0,)):
            last, issued = series_state(series=series, year=year)
            rows.append(SeriesRow(
                series=series, label=str(label), year=year, last_value=last,
                issued=issued,
                next_number=number_format(series=series, year=year or None,
                                          value=last + 1)))
    return rows


# --- Email wording ------------------------------------------------------------------


@dataclass(frozen=True)
class FilledWording:
    """The owner's words with placeholders filled; "" keeps the built-in."""

    subject: str
    intro: str
    footer: str


def email_wording_get(event: str) -> EmailWording | None:
    return EmailWording.objects.filter(event=event).first()


def email_wording_apply(*, kind: str, role: str, data: dict[str, Any],
                        number: str) -> FilledWording | None:
    """The owner's wording for the email of a document (``kind``, ``data``,
    ``number``) to ``role``, filled in; None when there is none.

    Runs inside the transaction of an order event, so it never raises: a
    text that cannot be filled is logged and the built-in wording is used.
    """
    event = event_for(kind=kind, role=role)
    if event is None:
        return None
    row = email_wording_get(event)
    if row is None:
        return None
    try:
        values = wording_values(data=data, number=number)
        return FilledWording(
            subject=wording_fill(row.subject, values) if row.subject else "",
            intro=wording_fill(row.intro, values) if row.intro else "",
            footer=wording_fill(row.footer, values) if row.footer else "")
    except (KeyError, ValueError, IndexError, AttributeError, TypeError,
            ArithmeticError):
        logger.exception("shopsettings: wording of %s cannot be filled", event)
        return None

"""System checks: payment methods and gateway settings are usable."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from kedai.core.registry import adapter_get
from kedai.payments.registry import OFFLINE_METHODS


@register(Tags.compatibility)
def check_payment_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    gateways = getattr(settings, "KEDAI_PAYMENT_GATEWAYS", {})
    # Each BACKEND is checked by kedai.core.registry.check_adapters.
    for code in settings.KEDAI_PAYMENT_METHODS:
        if code not in OFFLINE_METHODS and code not in gateways:
            messages.append(Error(
                f"KEDAI_PAYMENT_METHODS lists {code!r}, which is neither an "
                "offline method nor in KEDAI_PAYMENT_GATEWAYS.", id="payments.E002"))
        elif (code in gateways and not gateways[code].get("OPTIONS", {}).get("BASE_URL")
              and not settings.KEDAI_SANDBOX_URL):
            messages.append(Warning(
                f"Payment method {code!r} has no BASE_URL and no sandbox is "
                "configured (KEDAI_SANDBOX_URL): it cannot take payments.",
                id="payments.W001"))
    for code in settings.KEDAI_PAYMENT_METHODS:
        if code in gateways:
            # Builds the adapter (no network): a missing optional package
            # (kedai[stripe]) or OPTIONS key shows here, not at checkout.
            try:
                adapter_get("KEDAI_PAYMENT_GATEWAYS", code)
            except (ImproperlyConfigured, KeyError) as exc:
                messages.append(Error(
                    f"Payment method {code!r} cannot be used: {exc}",
                    id="payments.E003"))
    return messages

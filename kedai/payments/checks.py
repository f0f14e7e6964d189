"""System checks: payment methods and gateway settings are usable, and no
gateway outside the sandbox trusts a published demo secret."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from kedai.core.registry import adapter_get
from kedai.payments.gateways import transport
from kedai.payments.registry import OFFLINE_METHODS


@register(Tags.compatibility)
def check_payment_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    gateways = getattr(settings, "KEDAI_PAYMENT_GATEWAYS", {})
    # Each BACKEND is checked by kedai.core.registry.check_adapters.
    backends = {}
    for code, conf in gateways.items():
        try:
            backends[code] = import_string(conf["BACKEND"])
        except (ImportError, KeyError):
            continue  # reported by the registry's check
    for code in settings.KEDAI_PAYMENT_METHODS:
        if code not in OFFLINE_METHODS and code not in gateways:
            messages.append(Error(
                f"KEDAI_PAYMENT_METHODS lists {code!r}, which is neither an "
                "offline method nor in KEDAI_PAYMENT_GATEWAYS.", id="payments.E002"))
        elif (code in gateways and not gateways[code].get("OPTIONS", {}).get("BASE_URL")
              and not settings.KEDAI_SANDBOX_URL
              and transport.mode(gateways[code].get("OPTIONS", {})) == "sandbox"):
            messages.append(Warning(
                f"Payment method {code!r} is in sandbox mode and no simulator is "
                "configured (KEDAI_SANDBOX_URL): it talks to the gateway's own "
                "sandbox and takes no real payments.", id="payments.W001"))
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
    for code, backend in backends.items():
        options = gateways[code].get("OPTIONS", {}) or {}
        messages.extend(_mode_and_secrets(code, backend, options))
    return messages


def _mode_and_secrets(code: str, backend, options) -> list[CheckMessage]:
    """MODE is "live" or "sandbox"; a gateway that is offered or live and
    does not talk to Kedai's simulator must not use a published demo
    secret: anyone could sign its callbacks (issue 13, defect 17)."""
    messages: list[CheckMessage] = []
    raw_mode = str(options.get("MODE") or "sandbox").strip().lower()
    if raw_mode not in transport.MODES:
        messages.append(Error(
            f"KEDAI_PAYMENT_GATEWAYS[{code!r}] MODE is {raw_mode!r}; use "
            '"live" or "sandbox".', id="payments.E005"))
    offered = code in settings.KEDAI_PAYMENT_METHODS
    live = transport.mode(options) == "live"
    demo = transport.demo_secrets_in_use(options, getattr(backend, "demo_secrets", {}))
    if demo and (offered or live) and not transport.talks_to_simulator(options, code):
        messages.append(Error(
            f"Payment gateway {code!r} uses the published demo value of "
            f"{', '.join(demo)} outside the sandbox"
            f"{' in live mode' if live else ''}: anyone could sign a callback "
            "that marks an order paid.",
            hint=f"Set KEDAI_{code.upper()}_* from the gateway's dashboard.",
            id="payments.E004"))
    return messages

"""System checks of the shipping settings (run by ``manage.py check``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured, ValidationError

from kedai.customers.addressing import normalise_postcode, validate_postcode_state


@register()
def check_shipping_settings(app_configs: Any = None,
                            **kwargs: Any) -> list[CheckMessage]:
    """Origin address and KEDAI_RATE_PROVIDERS must be usable.

    Reads settings only; never imports adapters' dependencies beyond the
    adapter module, never calls a carrier.
    """
    from kedai.shipping.providers import rate_providers

    errors: list[CheckMessage] = []
    postcode = settings.KEDAI_SHIPPING_ORIGIN_POSTCODE
    state = settings.KEDAI_SHIPPING_ORIGIN_STATE
    try:
        validate_postcode_state(normalise_postcode(postcode), state)
    except ValidationError as exc:
        errors.append(Error(
            f"KEDAI_SHIPPING_ORIGIN_POSTCODE/STATE ({postcode}, {state}): "
            f"{' '.join(exc.messages)}", id="shipping.E001"))
    try:
        rate_providers()
    except (ImproperlyConfigured, TypeError) as exc:
        errors.append(Error(str(exc), id="shipping.E002"))
    return errors

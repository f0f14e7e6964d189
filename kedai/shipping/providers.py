"""Live rate providers: loading them from settings, caching their answers.

``KEDAI_RATE_PROVIDERS`` (shape of Django's ``STORAGES``) names the
adapters; :mod:`kedai.core.registry` imports them on first use, never at
import time. Answers are
cached in Django's cache under a key of the provider and the whole request,
so identical quotes (the shipping step re-rendered, re-validation at order
acceptance) ask the carrier once. Failures are cached too, for a shorter
time, so a carrier that is down costs one timeout, not one per page view.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from kedai.core.registry import adapters_all
from kedai.shipping.exceptions import CarrierError
from kedai.shipping.ports import CarrierRate, RateProvider, RateRequest

logger = logging.getLogger(__name__)

_FAILED = "failed"


def rate_providers() -> list[RateProvider]:
    """The configured live providers, in settings order (may be empty)."""
    providers = []
    for provider in adapters_all("KEDAI_RATE_PROVIDERS"):
        if not isinstance(provider, RateProvider):
            raise ImproperlyConfigured(
                f"KEDAI_RATE_PROVIDERS[{provider.name!r}] is not a RateProvider")
        providers.append(provider)
    return providers


def _cache_key(provider: RateProvider, request: RateRequest, currency: str) -> str:
    digest = hashlib.sha256(
        f"{provider.name}|{currency}|{request.cache_key()}".encode()).hexdigest()
    return f"kedai:shipping:live:{digest}"


def live_rates(provider: RateProvider, request: RateRequest, *,
               currency: str) -> list[CarrierRate]:
    """Rates from ``provider``, from the cache when asked the same before.

    Raises CarrierError when the provider failed now or within the last
    ``KEDAI_SHIPPING_LIVE_RETRY_SECONDS``; never any other exception.
    """
    key = _cache_key(provider, request, currency)
    cached = cache.get(key)
    if cached == _FAILED:
        raise CarrierError(f"{provider.name} failed recently", reason="recent_failure")
    if cached is not None:
        return list(cached)
    try:
        rates = provider.rates(request, currency=currency)
    except CarrierError as exc:
        logger.warning("Live rates from %s failed (%s): %s", provider.name,
                       exc.reason, exc)
        cache.set(key, _FAILED, settings.KEDAI_SHIPPING_LIVE_RETRY_SECONDS)
        raise
    except Exception as exc:
        # An adapter bug must not take checkout down: same as a failure.
        logger.exception("Live rates from %s raised", provider.name)
        cache.set(key, _FAILED, settings.KEDAI_SHIPPING_LIVE_RETRY_SECONDS)
        raise CarrierError(str(exc), reason="adapter") from exc
    cache.set(key, tuple(rates), settings.KEDAI_SHIPPING_QUOTE_CACHE_SECONDS)
    return rates

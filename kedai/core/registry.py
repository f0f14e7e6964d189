"""The one loader of adapters named in settings (ARCHITECTURE.md §2).

Every kind of adapter -- payment gateways, live shipping-rate providers,
search backends -- is configured in the shape of Django's ``STORAGES``::

    KEDAI_PAYMENT_GATEWAYS = {
        "billplz": {
            "BACKEND": "kedai.payments.gateways.billplz.BillplzGateway",
            "OPTIONS": {"API_KEY": "...", ...},
        },
    }

and built with one constructor convention, ``Backend(name, options)``: the
entry's key and a dict of its OPTIONS (like Django's cache backends,
``Backend(location, params)``). Nothing is imported at import time: an
adapter module is imported when first needed, so an adapter whose optional
dependency is missing costs nothing until it is configured.

Each app that owns a port registers its setting from its
``AppConfig.ready`` (:func:`adapter_kind_register`), and
:func:`check_adapters` validates every registered setting as a system
check (``manage.py check``, run by ``migrate`` and the test runner).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

OptionsFilter = Callable[[str, Mapping[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class AdapterKind:
    """A setting of adapters and the port (a Protocol) they implement."""

    setting: str
    port: type


_kinds: dict[str, AdapterKind] = {}


def adapter_kind_register(*, setting: str, port: type) -> None:
    """Have :func:`check_adapters` check ``setting`` against ``port``."""
    _kinds[setting] = AdapterKind(setting, port)


def adapter_configs(setting: str) -> dict[str, dict[str, Any]]:
    """The entries of ``setting`` ({name: {"BACKEND", "OPTIONS"}}), in
    order; {} when the setting is absent. Raises ImproperlyConfigured on
    a malformed entry."""
    config = getattr(settings, setting, None) or {}
    if not isinstance(config, Mapping):
        raise ImproperlyConfigured(f"{setting} must be a dict of adapters")
    for name, entry in config.items():
        if not isinstance(entry, Mapping) or not isinstance(
                entry.get("BACKEND"), str) or not entry["BACKEND"]:
            raise ImproperlyConfigured(
                f"{setting}[{name!r}] needs a BACKEND dotted path")
        if not isinstance(entry.get("OPTIONS", {}), Mapping):
            raise ImproperlyConfigured(f"{setting}[{name!r}]['OPTIONS'] must be a dict")
    return {name: dict(entry) for name, entry in config.items()}


def adapter_class(setting: str, name: str) -> type | None:
    """The BACKEND class of ``setting[name]``, or None if not configured.

    Raises ImproperlyConfigured when it cannot be imported.
    """
    entry = adapter_configs(setting).get(name)
    if entry is None:
        return None
    try:
        return import_string(entry["BACKEND"])
    except ImportError as exc:
        raise ImproperlyConfigured(f"{setting}[{name!r}]: {exc}") from exc


def adapter_get(setting: str, name: str, *,
                options_filter: OptionsFilter | None = None) -> Any | None:
    """A new adapter for ``setting[name]``, or None if not configured.

    Built as ``Backend(name, options)``; ``options_filter(name, options)``
    may adjust the OPTIONS first (the owner's switches do for gateways).
    """
    backend = adapter_class(setting, name)
    if backend is None:
        return None
    options: Mapping[str, Any] = adapter_configs(setting)[name].get("OPTIONS", {})
    if options_filter is not None:
        options = options_filter(name, options)
    return backend(name, dict(options))


def adapters_all(setting: str) -> list[Any]:
    """A new adapter for every entry of ``setting``, in settings order."""
    return [adapter_get(setting, name) for name in adapter_configs(setting)]


def check_adapters(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every adapter setting is well formed, and each BACKEND imports and
    implements its port's methods. Never builds an adapter or calls out."""
    messages: list[CheckMessage] = []
    for kind in _kinds.values():
        try:
            configs = adapter_configs(kind.setting)
        except ImproperlyConfigured as exc:
            messages.append(Error(str(exc), id="core.E001"))
            continue
        methods = [m for m, value in vars(kind.port).items()
                   if callable(value) and not m.startswith("_")]
        for name in configs:
            try:
                backend = adapter_class(kind.setting, name)
            except ImproperlyConfigured as exc:
                messages.append(Error(str(exc), id="core.E002"))
                continue
            missing = [m for m in methods if not callable(getattr(backend, m, None))]
            if missing:
                messages.append(Error(
                    f"{kind.setting}[{name!r}]: {configs[name]['BACKEND']} lacks "
                    f"{', '.join(sorted(missing))} of {kind.port.__qualname__}",
                    id="core.E003"))
    return messages

"""What the back office's home page shows besides orders: warnings and
tiles that other apps provide.

Apps above the back office (reports) or beside it (shipping set-up) plug
in from their ``AppConfig.ready`` instead of being imported here:

    from kedai.backoffice.dashboard import warning_provider_register
    warning_provider_register(my_warnings)

A warning provider returns an iterable of :class:`DashboardWarning`,
plain strings, or objects/dicts with ``text`` (or ``message``) and
optionally ``url`` and ``level`` ("warn" or "error"). A tile provider
returns :class:`Tile` objects. A provider that raises is logged and
skipped: one broken provider never breaks the home page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DashboardWarning:
    text: str
    url: str = ""
    level: str = "warn"  # "warn" or "error"


@dataclass(frozen=True)
class TileItem:
    text: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Tile:
    """A count with a link and a few example rows (e.g. low stock)."""

    key: str
    title: str
    count: int
    url: str = ""
    items: list[TileItem] = field(default_factory=list)
    order: int = 50


_warning_providers: list[Callable[[], Iterable[Any]]] = []
_tile_providers: list[Callable[[], Iterable[Tile]]] = []


def warning_provider_register(provider: Callable[[], Iterable[Any]]) -> None:
    """Add a source of warnings for the home page (once per callable)."""
    if provider not in _warning_providers:
        _warning_providers.append(provider)


def tile_provider_register(provider: Callable[[], Iterable[Tile]]) -> None:
    """Add a source of tiles for the home page (once per callable)."""
    if provider not in _tile_providers:
        _tile_providers.append(provider)


def _warning(item: Any) -> DashboardWarning | None:
    if isinstance(item, DashboardWarning):
        return item
    if isinstance(item, str):
        return DashboardWarning(text=item)
    get = item.get if isinstance(item, dict) else (
        lambda name, default="": getattr(item, name, default))
    text = get("text", "") or get("message", "") or str(item)
    level = str(get("level", "warn") or "warn")
    return DashboardWarning(text=str(text), url=str(get("url", "") or ""),
                            level="error" if level in ("error", "fail") else "warn")


def dashboard_warnings() -> list[DashboardWarning]:
    """Every provider's warnings, errors first, in registration order."""
    found: list[DashboardWarning] = []
    for provider in list(_warning_providers):
        try:
            found.extend(w for w in map(_warning, provider() or ()) if w)
        except Exception:
            logger.exception("dashboard warning provider %r failed", provider)
    return sorted(found, key=lambda w: w.level != "error")


def dashboard_tiles() -> list[Tile]:
    tiles: list[Tile] = []
    for provider in list(_tile_providers):
        try:
            tiles.extend(provider() or ())
        except Exception:
            logger.exception("dashboard tile provider %r failed", provider)
    return sorted(tiles, key=lambda t: t.order)

"""Version stamps of what cached catalogue pages show.

Cached pages and fragments are keyed by these stamps instead of being
deleted: bumping a stamp retires every entry built on the old one, and the
entries expire on their own. Three kinds:

* the catalogue version (``catalog_changed``): navigation, names, settings —
  anything that can show on every page;
* the listings version: what a listing card shows changed for some product
  (price, in stock or not, thumbnail);
* one version per product (by slug): its product page, which also shows
  stock counts ("only 3 left").

The stamps live in the cache alias ``version_cache()`` returns, so every
process sees a bump at once when that cache is shared (Redis).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import BaseCache, caches

CATALOG_KEY = "catalog:version"
LISTINGS_KEY = "catalog:listings"


def version_cache() -> BaseCache:
    """The cache holding version stamps (KEDAI_VERSION_CACHE_ALIAS)."""
    return caches[settings.KEDAI_VERSION_CACHE_ALIAS]


def product_key(slug: str) -> str:
    return f"catalog:product:{slug}"


def catalog_version() -> int:
    """The current catalogue version: an integer that grows by one at each
    bump, and starts afresh at a random value when the stamp is lost."""
    cache = version_cache()
    version = cache.get(CATALOG_KEY)
    if version is None:
        cache.add(CATALOG_KEY, _fresh_catalog_version(), timeout=None)
        version = cache.get(CATALOG_KEY)
    return version if version is not None else _fresh_catalog_version()


def catalog_bump() -> None:
    cache = version_cache()
    try:
        cache.incr(CATALOG_KEY)
    except ValueError:  # lost: no version a page was cached under can return
        cache.set(CATALOG_KEY, _fresh_catalog_version(), timeout=None)


def _fresh_catalog_version() -> int:
    """A starting catalogue version for a stamp that is missing.

    Never 1 or any small number: a stamp is lost when Redis evicts it under
    memory pressure or the file cache culls it, and a counter restarted at
    1 would bring back what was cached under 1, 2, … before (a theme
    stylesheet at ``theme.css?v=2`` cached by browsers, a navigation kept
    an hour). A random start in 2**52 does not come back in practice.
    """
    return secrets.randbelow(2**52) + 2


def stamps_get(keys: list[str], *, known: dict | None = None) -> str:
    """The stamps of ``keys`` joined into one key part (one cache round trip).

    ``known``: stamps the caller already read from the same cache in this
    request (a missing one is absent); only the others are read. A stamp
    that is missing (never bumped, or evicted) is created, so a page cached
    under it is retired by the next bump.
    """
    cache = version_cache()
    found = {k: known[k] for k in keys if k in known} if known else {}
    if len(found) < len(keys):
        found.update(cache.get_many([k for k in keys if k not in found]))
    for key in keys:
        if key not in found:
            # The catalogue version is a counter (catalog_bump increments it).
            cache.add(key, _fresh_catalog_version() if key == CATALOG_KEY
                      else secrets.token_hex(4), timeout=None)
            found[key] = cache.get(key, "0")
    return ".".join(str(found[k]) for k in keys)


def stamps_bump(keys: Iterable[str]) -> None:
    """Give ``keys`` new stamps (retiring what was cached under the old)."""
    stamps = {key: secrets.token_hex(4) for key in keys}
    if stamps:
        version_cache().set_many(stamps, timeout=None)

"""Fixed-window rate limits kept in a cache, and the client address they
are keyed by.

A count lives in the ``default`` cache unless the caller names another
alias: per process with the default locmem cache, shared with Redis. The
limits against guessing tokens use the ``shared`` alias (settings.py),
which every process of the machine sees even without Redis.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def rate_limit_key(key: str) -> str:
    """The cache key holding the count of ``key`` (to read it with others)."""
    return f"ratelimit:{key}"


def rate_limit_exceeded(*, key: str, limit: int, window_seconds: int,
                        alias: str = "default") -> bool:
    """Count one attempt for ``key``; True once more than ``limit`` were made
    within the window."""
    cache, full_key = caches[alias], rate_limit_key(key)
    cache.add(full_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.set(full_key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def rate_limit_blocked(*, key: str, limit: int, alias: str = "default") -> bool:
    """True when ``key`` already has ``limit`` events in its window (counted
    with :func:`rate_limit_record`); counts nothing itself."""
    return rate_limit_reached(caches[alias].get(rate_limit_key(key)), limit=limit)


def rate_limit_reached(count: int | None, *, limit: int) -> bool:
    """True when a count read from the cache (None: no events) is at ``limit``."""
    return (count or 0) >= limit


def rate_limit_record(*, key: str, window_seconds: int, alias: str = "default") -> None:
    """Count one event (a failure, say) for ``key`` in a fixed window."""
    rate_limit_exceeded(key=key, limit=0, window_seconds=window_seconds, alias=alias)


def client_address(request) -> str:
    """The address of the client that made ``request``, for rate limits.

    Without trusted proxies (the default) this is the TCP peer,
    ``REMOTE_ADDR``; ``X-Forwarded-For`` is ignored because any client can
    send it. ``KEDAI_TRUSTED_PROXIES`` names the proxies in front of the
    shop, either as a count (``1``: one nginx; ``2``: a CDN, then nginx) or
    as addresses and networks (``10.0.0.0/8, 192.0.2.7``). The chain
    ``X-Forwarded-For, REMOTE_ADDR`` is then read from the right, skipping
    one trusted proxy per hop; the first hop not skipped is the client. Only
    the entries the trusted proxies appended are believed, so a forged
    header cannot choose the address a client is counted under.
    """
    peer = request.META.get("REMOTE_ADDR", "") or ""
    setting = getattr(settings, "KEDAI_TRUSTED_PROXIES", "")
    if isinstance(setting, list | tuple):
        setting = ",".join(setting)
    trusted = _trusted_proxies(str(setting))
    if not trusted or not _is_address(peer):
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    chain = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    chain.append(peer)
    if isinstance(trusted, int):
        # The last ``trusted`` hops are our proxies; the one before them
        # is what the outermost proxy saw.
        index = max(len(chain) - 1 - trusted, 0)
        candidate = chain[index]
        return candidate if _is_address(candidate) else chain[index + 1]
    client = peer
    for hop in reversed(chain):
        if not _is_address(hop):
            break  # a garbled entry: believe only what came after it
        client = hop
        if not any(ipaddress.ip_address(hop) in net for net in trusted):
            break
    return client


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8)
def _trusted_proxies(raw: str) -> int | tuple[_Network, ...]:
    """Parse KEDAI_TRUSTED_PROXIES: a count, or a comma-separated list of
    addresses and CIDR networks; empty or 0 trusts none."""
    raw = raw.strip()
    if raw.isascii() and raw.isdigit():
        return int(raw)
    try:
        return tuple(ipaddress.ip_network(item.strip(), strict=False)
                     for item in raw.split(",") if item.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"KEDAI_TRUSTED_PROXIES must be a count or a list of addresses "
            f"and networks: {exc}") from exc

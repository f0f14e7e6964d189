"""Fixed-window rate limits kept in the cache (shared when it is Redis)."""

from django.core.cache import cache


def rate_limit_exceeded(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt for ``key``; True once more than ``limit`` were made
    within the window. The count lives in the cache, so it is per process
    with the default locmem cache and shared with Redis."""
    full_key = f"ratelimit:{key}"
    cache.add(full_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.set(full_key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def rate_limit_blocked(*, key: str, limit: int) -> bool:
    """True when ``key`` already has ``limit`` events in its window (counted
    with :func:`rate_limit_record`); counts nothing itself."""
    return (cache.get(f"ratelimit:{key}") or 0) >= limit


def rate_limit_record(*, key: str, window_seconds: int) -> None:
    """Count one event (a failure, say) for ``key`` in a fixed window."""
    rate_limit_exceeded(key=key, limit=0, window_seconds=window_seconds)

"""The Redis cache backend keeps one client per pool (core.redis_cache),
and still behaves as Django's, against a real Redis."""

import socket

import pytest

from kedai.core.redis_cache import KedaiRedisCache

URL = "redis://127.0.0.1:6379/9"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis on 6379")


@pytest.fixture
def cache():
    cache = KedaiRedisCache(URL, {"KEY_PREFIX": "kedai-test-redis-cache"})
    yield cache
    cache.clear()
    cache.close()


def test_every_operation_shares_one_client(cache):
    cache.set("a", {"n": 1})
    first = cache._cache.get_client()
    assert cache.get("a") == {"n": 1}
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first  # one server: one pool


def test_it_behaves_as_djangos_redis_cache(cache):
    assert cache.add("n", 1) and not cache.add("n", 5)
    assert cache.incr("n") == 2
    cache.set_many({"x": "ä", "y": [1, 2]})
    assert cache.get_many(["n", "x", "y", "z"]) == {"n": 2, "x": "ä", "y": [1, 2]}
    cache.delete("x")
    assert cache.get("x", "gone") == "gone"
    cache.set("t", 1, timeout=0)  # expires at once, as in Django
    assert cache.get("t") is None


def test_settings_use_it_for_a_redis_cache_url(monkeypatch):
    """CACHE_URL=redis://… gives this backend for both aliases."""
    import importlib

    import kedai.conf.settings as module

    monkeypatch.setenv("CACHE_URL", URL)
    try:
        reloaded = importlib.reload(module)
        backends = {alias: conf["BACKEND"] for alias, conf in reloaded.CACHES.items()}
    finally:
        monkeypatch.undo()
        importlib.reload(module)
    assert backends == {"default": "kedai.core.redis_cache.KedaiRedisCache",
                        "shared": "kedai.core.redis_cache.KedaiRedisCache"}

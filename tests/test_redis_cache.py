"""The Redis cache the settings configure from REDIS_URL (CI runs it; without Redis it skips)."""

import os
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from territoire.cache import RedisCache
from tests.conftest import require_service

pytestmark = pytest.mark.services


def test_the_configured_redis_cache_counts_and_forgets():
    if not os.environ.get("REDIS_URL"):
        require_service("REDIS_URL is not set: no Redis cache to check")
    from territoire import settings as project_settings

    config = dict(project_settings.CACHES["default"])
    assert config.pop("BACKEND") == "territoire.cache.RedisCache"
    cache = RedisCache(config.pop("LOCATION"), config)
    key = f"test:{uuid.uuid4().hex}"

    assert isinstance(cache, DjangoRedisCache)
    assert cache.add(key, 1, timeout=30) is True
    assert cache.add(key, 1, timeout=30) is False  # what the rate limiter relies on
    assert cache.incr(key) == 2
    raw_keys = redis.Redis.from_url(os.environ["REDIS_URL"]).keys(f"territoire:*{key}")
    cache.delete(key)

    assert len(raw_keys) == 1  # the key prefix keeps us apart from other Redis users
    assert cache.get(key) is None


def test_the_cache_reuses_one_redis_client_per_pool():
    """Django builds a client per call (~0.25 ms each here); ours keeps one (no Redis needed)."""
    cache = RedisCache("redis://127.0.0.1:6379/0", {})

    assert cache._cache.get_client("a") is cache._cache.get_client("b", write=True)


def test_the_rate_limit_counter_counts_in_one_window_and_expires():
    if not os.environ.get("REDIS_URL"):
        require_service("REDIS_URL is not set: no Redis cache to check")
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "territoire"})
    key = f"test:hits:{uuid.uuid4().hex}"

    counts = [cache.count_hit(key, 30) for _ in range(3)]
    ttl = redis.Redis.from_url(os.environ["REDIS_URL"]).ttl(cache.make_key(key))

    assert counts == [1, 2, 3]
    assert cache.get(key) == 3
    assert 0 < ttl <= 30  # the window is set once, by the first hit
    cache.delete(key)

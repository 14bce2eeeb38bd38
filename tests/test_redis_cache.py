"""The Redis cache the settings configure from REDIS_URL (CI runs it; without Redis it skips)."""

import os
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from tests.conftest import require_service

pytestmark = pytest.mark.services


def test_the_configured_redis_cache_counts_and_forgets():
    if not os.environ.get("REDIS_URL"):
        require_service("REDIS_URL is not set: no Redis cache to check")
    from territoire import settings as project_settings

    config = dict(project_settings.CACHES["default"])
    assert config.pop("BACKEND") == "django.core.cache.backends.redis.RedisCache"
    cache = RedisCache(config.pop("LOCATION"), config)
    key = f"test:{uuid.uuid4().hex}"

    assert cache.add(key, 1, timeout=30) is True
    assert cache.add(key, 1, timeout=30) is False  # what the rate limiter relies on
    assert cache.incr(key) == 2
    raw_keys = redis.Redis.from_url(os.environ["REDIS_URL"]).keys(f"territoire:*{key}")
    cache.delete(key)

    assert len(raw_keys) == 1  # the key prefix keeps us apart from other Redis users
    assert cache.get(key) is None

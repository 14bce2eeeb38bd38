"""A small fixed-window rate limiter on the cache, for public forms (sign-ups, contributions)."""

import hashlib

from django.core.cache import cache
from django.http import HttpRequest

from territoire.clientip import client_address


def client_key(request: HttpRequest) -> str:
    """Who is asking, without keeping their address: a hash of the client's address, read
    through our reverse proxies (territoire.clientip, TRUSTED_PROXY_COUNT)."""
    return hashlib.sha256(client_address(request).encode()).hexdigest()[:24]


def allow(scope: str, who: str, *, limit: int, window: int) -> bool:
    """Count one hit of ``who`` on ``scope``; False once ``limit`` hits happened in ``window`` s."""
    key = f"ratelimit:{scope}:{who}"
    count_hit = getattr(cache, "count_hit", None)
    if count_hit is not None:  # territoire.cache.RedisCache: one round trip
        return count_hit(key, window) <= limit
    if cache.add(key, 1, timeout=window):
        return True
    try:
        hits = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return True
    return hits <= limit

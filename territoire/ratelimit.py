"""A small fixed-window rate limiter on the cache, for public forms (sign-ups, contributions)."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_key(request: HttpRequest) -> str:
    """Who is asking, without keeping their address: a hash of the client IP.

    Behind our reverse proxy (TRUST_X_FORWARDED_FOR), the client is the last address the proxy
    appended to X-Forwarded-For; the earlier ones are whatever the client chose to send.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        address = forwarded.rsplit(",", 1)[-1].strip() or address
    return hashlib.sha256(address.encode()).hexdigest()[:24]


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

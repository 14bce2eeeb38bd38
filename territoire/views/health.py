"""``/healthz``: the state of the database, the cache and the broker, for load balancers.

The database is a hard dependency: without it ``/healthz`` answers 503. The cache is a soft one
(territoire/cache.py: the site reads from the database while Redis is away): ``/healthz`` answers
200 with ``"cache": "down"`` and ``"status": "degraded"``, and ``/healthz?strict=1`` answers 503
for a check that must act on it (docs/production.md).
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from territoire.cache import cache_is_down
from territoire.celery import app

logger = logging.getLogger(__name__)


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("healthz: database unavailable: %s", exc)
        return "error"
    return "ok"


def _check_cache() -> str:
    if cache_is_down():  # a Redis that does not answer (one PING, or none while it is away)
        return "down"
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:
        logger.warning("healthz: cache unavailable: %s", exc)
        return "down"
    return "ok" if ok else "down"


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("healthz: broker unavailable: %s", exc)
        return "error"
    return "ok"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while the database answers (a cache or broker failure shows as degraded); else 503.

    ``?strict=1``: 503 as soon as anything fails, the cache included. ``failing`` names what did.
    """
    checks = {"database": _check_database(), "cache": _check_cache(), "broker": _check_broker()}
    failing = [name for name, state in checks.items() if state in {"error", "down"}]
    if checks["database"] != "ok":
        status = "down"
    elif failing:
        status = "degraded"
    else:
        status = "ok"
    unhealthy = status == "down" or (status == "degraded" and request.GET.get("strict") == "1")
    body = {"status": status, **checks, "failing": failing}
    return JsonResponse(body, status=503 if unhealthy else 200)

"""Django's Redis cache, keeping one client per connection pool, and optional: the evening goes
on when Redis does not answer.

Django 5.2's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
call, and each one fills its table of ~170 response callbacks: ~0.25 ms of CPU per call here,
more than the round trip to Redis. A board poll answered 304 makes three cache calls
(docs/benchmarks.md). ``redis.Redis`` is thread-safe over its pool, so one per pool is enough.

Every call goes through ``RedisCache._run``, the one place where a Redis failure is caught: it is
logged and answered as a miss (a read gives its default, a write did not happen), so callers read
from PostgreSQL instead. After a failure the cache is not asked again for ``RETRY_AFTER``
seconds (a circuit breaker: no request waits for a socket timeout while Redis is away); the
first call after that tries again. Writes missed while Redis was away may leave stale entries
behind (a board version that was not dropped), so the first call that gets through after them
empties our namespace (``KEY_PREFIX``; the Celery broker's keys are not ours) before anything
reads it.

Rate limits must hold while Redis is away. Ours count with ``count_hit``, which then falls back
to this process's counter (``local_hits``). allauth's sign-in limits do not count: each keeps a
list of attempt times under ``allauth:rl:…``, guarded by a lock taken with ``cache.add``. Answered
as misses, every ``add`` of that lock would fail, and allauth, after waiting a second for it,
would refuse every sign-in as "too many attempts" (fail closed, for everybody). So while Redis is
away those keys, and only those, live in a local-memory cache of this process (``_local``):
limits still hold, per worker, and sign-in still works.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.core.cache import cache
from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.locmem import LocMemCache

logger = logging.getLogger(__name__)

# How long the cache is left alone after a failure, in seconds.
RETRY_AFTER = 2.0
# What "Redis is away" looks like (a refused or cut connection, a timeout, Redis loading).
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
_MISSING = object()
# Keys kept in this process's memory while Redis is away: allauth's rate limits and their locks.
LOCAL_WHILE_AWAY = "allauth:rl:"


class ReusedClientRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class Breaker:
    """This process's view of one Redis: open (do not ask) until ``open_until``; ``stale`` once a
    write was missed, until the namespace is emptied."""

    def __init__(self) -> None:
        self.open_until = 0.0
        self.stale = False
        self.lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def trip(self) -> None:
        self.open_until = time.monotonic() + RETRY_AFTER


# One breaker per Redis location and process, shared by the threads' cache objects.
_breakers: dict[str, Breaker] = {}


class _LocalHits:
    """A per-process fixed-window counter, for rate limits while Redis is away."""

    def __init__(self) -> None:
        self._hits: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def count(self, key: str, timeout: int) -> int:
        now = time.monotonic()
        with self._lock:
            if len(self._hits) > 10_000:  # forget the windows that are over
                self._hits = {k: v for k, v in self._hits.items() if v[0] > now}
            ends, hits = self._hits.get(key, (0.0, 0))
            if ends <= now:
                ends, hits = now + timeout, 0
            self._hits[key] = (ends, hits + 1)
            return hits + 1


local_hits = _LocalHits()


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with its clients reused, a counter for
    rate limits in one round trip, and every call answered as a miss while Redis is away."""

    # Django's cached property, the client built from ``_class``; the stubs leave it out.
    _cache: ReusedClientRedisCacheClient

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._breaker = _breakers.setdefault(str(server), Breaker())
        self._local = LocMemCache(f"territoire-while-away:{server}", {"MAX_ENTRIES": 10_000})

    # The one place a Redis failure is caught ---------------------------------------------------

    def _run(
        self, default: Any, write: bool, call: Callable, *args, local: Callable | None = None
    ) -> Any:
        """``call(*args)``, or, while Redis is away, ``local(*args)`` when given (a key kept in
        this process's memory), else ``default``."""
        breaker = self._breaker
        if breaker.is_open():
            breaker.stale = breaker.stale or write
            return local(*args) if local else default
        try:
            if breaker.stale:
                self._forget_stale_entries()
            result = call(*args)
        except UNAVAILABLE as exc:
            if not breaker.is_open():
                logger.warning("cache unavailable, reading from the database: %s", exc)
            breaker.trip()
            breaker.stale = breaker.stale or write
            return local(*args) if local else default
        if breaker.open_until:
            breaker.open_until = 0.0
            logger.warning("cache available again")
        return result

    def _forget_stale_entries(self) -> None:
        """Drop every key of ours (never the broker's): entries a missed write left stale."""
        with self._breaker.lock:
            if not self._breaker.stale:
                return
            client = self._cache.get_client(write=True)
            pattern = f"{self.key_prefix}:*"
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) == 1000:
                    client.unlink(*batch)
                    batch = []
            if batch:
                client.unlink(*batch)
            self._breaker.stale = False
            logger.warning("cache back: entries written before the outage dropped")

    def is_available(self) -> bool:
        """Whether Redis answers now (a PING; False at once while the breaker is open)."""
        client = self._cache.get_client()
        return bool(self._run(False, False, client.ping))

    # Django's cache API, each call through _run ----------------------------------------------

    def _local_for(self, key, method: str) -> Callable | None:
        """The local-memory cache's ``method`` for a key kept there while Redis is away."""
        return getattr(self._local, method) if str(key).startswith(LOCAL_WHILE_AWAY) else None

    def add(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        local = self._local_for(key, "add")
        return self._run(False, True, super().add, key, value, timeout, version, local=local)

    def get(self, key, default=None, version=None):
        local = self._local_for(key, "get")
        return self._run(default, False, super().get, key, default, version, local=local)

    def set(self, key, value, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        local = self._local_for(key, "set")
        self._run(None, True, super().set, key, value, timeout, version, local=local)

    def touch(self, key, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._run(False, True, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        local = self._local_for(key, "delete")
        return self._run(False, True, super().delete, key, version, local=local)

    def get_many(self, keys, version=None):
        return self._run({}, False, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._run(False, False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        result = self._run(_MISSING, True, super().incr, key, delta, version)
        if result is _MISSING:  # as for a key that is not there: callers already handle it
            raise ValueError(f"Key '{key}' not found (cache unavailable).")
        return result

    def set_many(self, data, timeout=django_redis.DEFAULT_TIMEOUT, version=None):
        return self._run(list(data), True, super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._run(None, True, super().delete_many, keys, version)

    def clear(self):
        return self._run(False, True, super().clear)

    def count_hit(self, key: str, timeout: int) -> int:
        """Add one to the counter ``key`` (created for ``timeout`` s) and return its value.

        One round trip (SET NX EX then INCR, in a MULTI): Django's ``add`` then ``incr`` take
        three, ``incr`` checking that the key exists first. While Redis is away, the count is
        this process's own (``local_hits``): a limit still holds, per worker.
        """
        key = self.make_and_validate_key(key)
        count = self._run(None, True, self._count_in_redis, key, timeout)
        return local_hits.count(key, timeout) if count is None else count

    def _count_in_redis(self, key: str, timeout: int) -> int:
        pipe = self._cache.get_client(key, write=True).pipeline()
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]


def cache_is_down() -> bool:
    """Whether the default cache is a Redis that does not answer (never for a local cache)."""
    is_available = getattr(cache, "is_available", None)
    return is_available is not None and not is_available()

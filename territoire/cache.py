"""Django's Redis cache, keeping one client per connection pool.

Django 5.2's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` object for every cache
call, and each one fills its table of ~170 response callbacks: ~0.25 ms of CPU per call here,
more than the round trip to Redis. A board poll answered 304 makes three cache calls
(docs/benchmarks.md). ``redis.Redis`` is thread-safe over its pool, so one per pool is enough.
"""

from django.core.cache.backends import redis as django_redis


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


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with its clients reused, and a counter
    for rate limits in one round trip."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def count_hit(self, key: str, timeout: int) -> int:
        """Add one to the counter ``key`` (created for ``timeout`` s) and return its value.

        One round trip (SET NX EX then INCR, in a MULTI): Django's ``add`` then ``incr`` take
        three, ``incr`` checking that the key exists first.
        """
        key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(key, write=True).pipeline()
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]

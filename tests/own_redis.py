"""A redis-server of the test's own, to kill, freeze and restart: the tests of the evening and of
sign-in while the cache is away (tests/events/test_redis_outage.py, tests/territoire/
test_sign_in_limits_without_redis.py). Use the ``own_redis`` fixture: the site's cache is that
Redis for the test, and the breaker retries after 0.3 s instead of 2."""

import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis

import territoire.cache
from tests.conftest import require_service


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A throwaway redis-server: no file, nothing shared with any other Redis."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def freeze(self) -> None:  # alive but silent: connections hang until the socket timeout
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(settings, monkeypatch):
    if shutil.which("redis-server") is None:
        require_service("redis-server is not installed")
    server = OwnRedis()
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "territoire.cache.RedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "territoire",
            "OPTIONS": dict(settings.REDIS_CACHE_OPTIONS),
        }
    }
    monkeypatch.setattr(territoire.cache, "RETRY_AFTER", 0.3)
    yield server
    if server.process.poll() is None:
        server.thaw()
        server.kill()


def wait_for_the_breaker() -> None:
    time.sleep(territoire.cache.RETRY_AFTER + 0.1)

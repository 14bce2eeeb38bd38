"""allauth's sign-in limits while Redis is away: they neither lock everybody out (allauth's lock,
taken with ``cache.add``, would never be had) nor fail open; they count in the worker's memory
(territoire/cache.py, LOCAL_WHILE_AWAY) until Redis is back."""

import time

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.own_redis import own_redis, wait_for_the_breaker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.services

ATTACKER = "203.0.113.66"
COACH_AT_HOME = "198.51.100.7"


def _sign_in(client, email: str, password: str, address: str):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def test_sign_in_works_and_its_limits_hold_while_redis_is_away(
    own_redis,  # noqa: F811
    client,
    cast,
    django_assert_max_num_queries,
):
    own_redis.kill()
    started = time.monotonic()
    with django_assert_max_num_queries(25):
        signed_in = _sign_in(client, cast.coach.email, PASSWORD, COACH_AT_HOME)
    seconds = time.monotonic() - started
    client.logout()
    failures = [
        _sign_in(client, f"inconnu{attempt}@example.org", "faux", ATTACKER) for attempt in range(10)
    ]
    limited = _sign_in(client, cast.organiser.email, PASSWORD, ATTACKER)
    elsewhere = _sign_in(client, cast.organiser.email, PASSWORD, COACH_AT_HOME)

    assert signed_in.status_code == 302 and signed_in.url == reverse("space")
    assert seconds < 1  # allauth did not wait for a lock it could never take
    assert all("Trop de tentatives" not in r.content.decode() for r in failures)
    assert limited.status_code == 200
    assert "Trop de tentatives" in limited.content.decode()  # not open while Redis is away
    assert elsewhere.status_code == 302


def test_sign_in_limits_count_in_redis_again_once_it_is_back(
    own_redis,  # noqa: F811
    client,
    cast,
):
    own_redis.kill()
    _sign_in(client, cast.coach.email, "faux", ATTACKER)
    own_redis.start()
    wait_for_the_breaker()

    for attempt in range(10):
        _sign_in(client, f"inconnu{attempt}@example.org", "faux", ATTACKER)
    limited = _sign_in(client, cast.organiser.email, PASSWORD, ATTACKER)

    assert "Trop de tentatives" in limited.content.decode()

"""The evening survives its cache: phones at a table post ideas, vote and poll their board while
a Redis of the test's own is killed (or frozen) and comes back. Nothing acknowledged is lost or
doubled, nothing answers 5xx, ``/healthz`` says the cache is down then up, the control room
shows its degraded-mode banner, and everything recovers by itself."""

import json
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections import Counter

import pytest
import redis
from django.test import Client
from django.urls import reverse

import territoire.cache
from events.enums import Phase
from events.models import Idea, Table, Vote
from territoire.cache import RedisCache
from tests.conftest import require_service
from tests.events.factories import EventFactory, IdeaFactory, TableFactory
from tests.events.test_participant import HTMX, board_url, idea_url, join, vote_url

pytestmark = pytest.mark.services

PHONES = 3
# The control room's live part: the session, the user, the event, the user's roles, the tables
# and their facilitators; the cache's state costs none.
LIVE_QUERIES = 6


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A throwaway redis-server: no file, nothing shared with any other Redis."""

    def __init__(self) -> None:
        self.port = _free_port()
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


def _wait_for_the_breaker() -> None:
    time.sleep(territoire.cache.RETRY_AFTER + 0.1)


def _healthz_cache(client: Client) -> tuple[int, str, int]:
    response = client.get("/healthz")
    strict = client.get("/healthz?strict=1")
    return response.status_code, json.loads(response.content)["cache"], strict.status_code


@pytest.mark.parametrize("outage", ["killed", "frozen"])
def test_phones_keep_posting_voting_and_polling_while_redis_is_away(
    own_redis, transactional_db, outage
):
    table = TableFactory()
    phones = [Client(raise_request_exception=False) for _ in range(PHONES)]
    for index, phone in enumerate(phones):
        join(phone, table, name=f"Personne {index}")
    acknowledged: list[str] = []
    statuses: dict[str, Counter] = {"up": Counter(), "down": Counter(), "back": Counter()}

    def post_ideas_and_poll(moment: str, round_: int) -> None:
        for index, phone in enumerate(phones):
            text = f"Idée {moment} {round_} de {index}"
            data = {"text": text, "client_key": str(uuid.uuid4())}
            posted = phone.post(idea_url(table), data, headers=HTMX)
            retried = phone.post(idea_url(table), data, headers=HTMX)  # a double tap
            for response in (posted, retried):
                statuses[moment][response.status_code] += 1
            if posted.status_code == 200 and "Votre idée est au tableau" in posted.content.decode():
                acknowledged.append(text)
            board = phone.get(board_url(table), headers=HTMX)
            statuses[moment][board.status_code] += 1
            assert board.status_code == 200
            assert text in board.content.decode()  # the phone sees its idea on the board

    for round_ in range(2):
        post_ideas_and_poll("up", round_)
    assert _healthz_cache(phones[0]) == (200, "ok", 200)

    own_redis.kill() if outage == "killed" else own_redis.freeze()
    started = time.monotonic()
    for round_ in range(3):
        post_ideas_and_poll("down", round_)
    health_down = _healthz_cache(phones[0])
    seconds_down = time.monotonic() - started

    own_redis.start() if outage == "killed" else own_redis.thaw()
    _wait_for_the_breaker()
    polled_back = [phone.get(board_url(table), headers=HTMX) for phone in phones]
    acknowledged_before = list(acknowledged)
    for round_ in range(2):
        post_ideas_and_poll("back", round_)
    health_back = _healthz_cache(phones[0])

    # Back at once, before any new write: no board left stale by the writes Redis missed.
    assert [response.status_code for response in polled_back] == [200] * PHONES
    for response in polled_back:
        assert all(text in response.content.decode() for text in acknowledged_before)
    stored = Counter(Idea.objects.filter(table=table).values_list("text", flat=True))
    assert len(acknowledged) == 7 * PHONES
    assert [text for text in acknowledged if stored[text] != 1] == []  # none lost, none doubled
    assert sum(stored.values()) == len(acknowledged)
    assert statuses["down"] == Counter({200: 3 * 3 * PHONES})  # no 5xx, no refusal
    assert health_down == (200, "down", 503)
    assert health_back == (200, "ok", 200)
    assert seconds_down < 10  # slower, not stuck: the breaker spares each call its timeout
    board = phones[1].get(board_url(table), headers=HTMX).content.decode()
    assert all(text in board for text in acknowledged)  # after recovery, nothing stale


def test_dots_are_cast_once_while_redis_is_away(own_redis, transactional_db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    ideas = IdeaFactory.create_batch(2, table=table)
    phone = Client(raise_request_exception=False)
    participant = join(phone, table)
    phone.get(board_url(table), headers=HTMX)  # the dots and the board now sit in Redis

    own_redis.kill()
    statuses = Counter()
    for idea in (ideas[0], ideas[1]):
        data = {"client_key": str(uuid.uuid4())}
        statuses[phone.post(vote_url(table, idea), data).status_code] += 1
        statuses[phone.post(vote_url(table, idea), data).status_code] += 1  # a double tap
        statuses[phone.get(board_url(table), headers=HTMX).status_code] += 1
    own_redis.start()
    _wait_for_the_breaker()
    board = phone.get(board_url(table), headers=HTMX)

    participant.refresh_from_db()
    assert statuses == Counter({303: 4, 200: 2})
    assert Vote.objects.filter(participant=participant).count() == 2
    assert participant.dots_left == 1
    assert board.status_code == 200
    assert Table.objects.get(pk=table.pk).vote_count == 2


def test_the_control_room_shows_degraded_mode_while_redis_is_away(
    own_redis, client, cast, django_assert_max_num_queries
):
    event = EventFactory(territory=cast.territory, slug="roubaix")
    TableFactory(event=event)
    client.force_login(cast.organiser)
    live = reverse("control_live", kwargs={"slug": event.slug})
    banner = "Mode dégradé\xa0: le cache est indisponible"
    before = client.get(reverse("control_room", kwargs={"slug": event.slug}))

    own_redis.kill()
    with django_assert_max_num_queries(LIVE_QUERIES):
        during = client.get(live, headers={**HTMX, "If-None-Match": before["ETag"]})
    own_redis.start()
    _wait_for_the_breaker()
    after = client.get(live, headers={**HTMX, "If-None-Match": during["ETag"]})

    assert before.status_code == 200 and banner not in before.content.decode()
    assert during.status_code == 200 and banner in during.content.decode()
    assert after.status_code == 200 and banner not in after.content.decode()


def test_entries_a_missed_write_left_stale_are_dropped_when_redis_answers_again(own_redis):
    cache = RedisCache(own_redis.url, {"KEY_PREFIX": "territoire"})
    raw = redis.Redis.from_url(own_redis.url)
    raw.set("celery", "a queued task")  # the broker's keys are not ours
    cache.set("board-version", 1)
    cache._breaker.trip()  # a blip: Redis is back, the breaker not yet

    cache.delete("board-version")  # missed
    _wait_for_the_breaker()

    assert cache.get("board-version") is None
    assert raw.get("celery") == b"a queued task"


def test_rate_limits_count_per_process_while_redis_is_away(own_redis):
    cache = RedisCache(own_redis.url, {"KEY_PREFIX": "territoire"})
    key = f"hits:{uuid.uuid4().hex}"
    in_redis = [cache.count_hit(key, 60) for _ in range(2)]

    own_redis.kill()
    in_process = [cache.count_hit(key, 60) for _ in range(3)]

    assert in_redis == [1, 2]
    assert in_process == [1, 2, 3]  # still counted, so a flood is still refused

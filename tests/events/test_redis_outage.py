"""The evening survives its cache: phones at their tables post ideas, vote and poll their boards,
all at once through a threaded server on PostgreSQL, while a Redis of the test's own is killed
(or frozen) mid-run and comes back. Nothing acknowledged is lost or doubled, nothing answers 5xx,
``/healthz`` says the cache is down then up, the control room shows its degraded-mode banner, and
everything recovers by itself: a board polled after the restart shows the ideas posted during
the outage."""

import re
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
import redis
import requests
from django.db import connection
from django.test import Client
from django.urls import reverse

from events.enums import Phase
from events.models import Idea, Table, Vote
from events.views.participant_actions import vote_key
from territoire.cache import RedisCache
from tests.conftest import require_service
from tests.events.factories import EventFactory, IdeaFactory, TableFactory
from tests.events.test_participant import HTMX, board_url, join, vote_url
from tests.own_redis import own_redis, wait_for_the_breaker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.services

# The control room's live part: the session, the user, the event, the user's roles, the tables
# and their facilitators; the cache's state costs none.
LIVE_QUERIES = 6
# The load: phones posting ideas at two tables, phones voting at a third.
IDEA_TABLES, PHONES_PER_TABLE, VOTING_PHONES = 2, 4, 2
# Seconds of each moment of the run: Redis up, away, back.
UP, DOWN, BACK = 1.5, 3.0, 2.0
# Under the flood limit (events.domain.participation.IDEAS_PER_WINDOW), whatever the pace.
IDEAS_PER_PHONE = 15
IDEA_ACKNOWLEDGED = "Votre idée est au tableau"
DOT_ACKNOWLEDGED = "Gommette posée"
REFUSAL = re.compile(r'message--error"[^>]*>\s*([^<]{1,200})')


@pytest.fixture
def on_postgresql(transactional_db):
    """Phones writing at once need PostgreSQL (SQLite locks its whole file: not production)."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: run with DATABASE_URL=postgres://… (as CI does)")


@dataclass
class Phone:
    """One participant's browser: its cookies, what it was told, what it last saw."""

    base: str
    code: str
    name: str
    session: requests.Session = field(default_factory=requests.Session)
    etag: str = ""
    etag_before_outage: str = ""

    def join(self) -> None:
        page = self.session.get(f"{self.base}/t/{self.code}/", timeout=10)
        assert page.status_code == 200
        joined = self.session.post(
            f"{self.base}/t/{self.code}/",
            {"display_name": self.name, "csrfmiddlewaretoken": self.session.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=10,
        )
        assert joined.status_code == 303, joined.status_code

    def post(self, path: str, data: dict) -> requests.Response:
        headers = {**HTMX, "X-CSRFToken": self.session.cookies["csrftoken"]}
        return self.session.post(f"{self.base}{path}", data, headers=headers, timeout=10)

    def poll(self, *, etag: str | None = None) -> requests.Response:
        headers = dict(HTMX)
        if etag if etag is not None else self.etag:
            headers["If-None-Match"] = etag if etag is not None else self.etag
        board = self.session.get(f"{self.base}/t/{self.code}/tableau/", headers=headers, timeout=10)
        self.etag = board.headers.get("ETag", self.etag)
        return board


@dataclass
class Tally:
    """Every answer of the run, by moment (up, down, back), and what was acknowledged."""

    moment: str = "up"
    statuses: dict[str, Counter] = field(
        default_factory=lambda: {"up": Counter(), "down": Counter(), "back": Counter()}
    )
    ideas: dict[str, list[str]] = field(default_factory=dict)  # table code: acknowledged texts
    idea_keys: list[str] = field(default_factory=list)
    vote_keys: list[uuid.UUID] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)  # refused without saying why
    failures: list[str] = field(default_factory=list)  # exceptions in the phones' threads
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response: requests.Response) -> None:
        with self.lock:
            self.statuses[self.moment][response.status_code] += 1

    def check_refusal(self, response: requests.Response, acknowledged: str) -> bool:
        """Whether the answer acknowledges the action; a refusal must say why."""
        page = response.text
        if response.status_code == 200 and acknowledged in page:
            return True
        if not REFUSAL.search(page):
            with self.lock:
                self.unexplained.append(f"{response.status_code} {page[:200]}")
        return False


def _post_ideas(phone: Phone, tally: Tally, stop: threading.Event) -> None:
    for number in range(IDEAS_PER_PHONE):
        if stop.is_set():
            break
        moment = tally.moment
        text = f"Idée {number} de {phone.name} ({moment})"
        data = {"text": text, "client_key": str(uuid.uuid4())}
        posted = phone.post(f"/t/{phone.code}/idees/", data)
        retried = phone.post(f"/t/{phone.code}/idees/", data)  # a double tap
        for response in (posted, retried):
            tally.record(response)
        if tally.check_refusal(posted, IDEA_ACKNOWLEDGED):
            with tally.lock:
                tally.ideas.setdefault(phone.code, []).append(text)
                tally.idea_keys.append(data["client_key"])
        board = phone.poll()
        tally.record(board)
        if moment == "up":
            phone.etag_before_outage = phone.etag
        time.sleep(0.2)
    while not stop.is_set():  # the phone stays on its board
        tally.record(phone.poll())
        time.sleep(0.3)


def _cast_dots(phone: Phone, idea_ids: list[int], tally: Tally, stop: threading.Event) -> None:
    for idea_id in idea_ids:
        if stop.is_set():
            break
        form_key = uuid.uuid4()
        data = {"client_key": str(form_key)}
        cast = phone.post(f"/t/{phone.code}/idees/{idea_id}/gommette/", data)
        retried = phone.post(f"/t/{phone.code}/idees/{idea_id}/gommette/", data)
        for response in (cast, retried):
            tally.record(response)
        if tally.check_refusal(cast, DOT_ACKNOWLEDGED):
            with tally.lock:
                tally.vote_keys.append(vote_key(form_key, idea_id))
        tally.record(phone.poll())
        time.sleep(0.3)


def _run(target, *args) -> threading.Thread:
    tally = args[-2]

    def guarded() -> None:
        try:
            target(*args)
        except Exception as exc:
            with tally.lock:
                tally.failures.append(repr(exc))

    thread = threading.Thread(target=guarded, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("outage", ["killed", "frozen"])
def test_phones_keep_posting_voting_and_polling_under_load_while_redis_is_away(
    own_redis,  # noqa: F811
    on_postgresql,
    live_server,
    outage,
):
    event = EventFactory()
    idea_tables = [TableFactory(event=event) for _ in range(IDEA_TABLES)]
    vote_table = TableFactory(event=event, phase=Phase.VOTE, dots_per_participant=20)
    voted = [idea.pk for idea in IdeaFactory.create_batch(12, table=vote_table)]
    base = live_server.url
    phones = [
        Phone(base, table.code, f"Personne {t}-{n}")
        for t, table in enumerate(idea_tables)
        for n in range(PHONES_PER_TABLE)
    ]
    voters = [Phone(base, vote_table.code, f"Votant {n}") for n in range(VOTING_PHONES)]
    for phone in [*phones, *voters]:
        phone.join()
    tally, stop = Tally(), threading.Event()
    threads = [_run(_post_ideas, phone, tally, stop) for phone in phones]
    threads += [
        _run(_cast_dots, voter, voted[n::VOTING_PHONES], tally, stop)
        for n, voter in enumerate(voters)
    ]

    time.sleep(UP)
    health_up = requests.get(f"{base}/healthz?strict=1", timeout=10)
    tally.moment = "down"
    own_redis.kill() if outage == "killed" else own_redis.freeze()
    time.sleep(DOWN / 2)
    health_down = requests.get(f"{base}/healthz", timeout=10).json()
    time.sleep(DOWN / 2)
    tally.moment = "back"
    own_redis.start() if outage == "killed" else own_redis.thaw()
    wait_for_the_breaker()
    time.sleep(BACK)
    stop.set()
    for thread in threads:
        thread.join(timeout=20)
    health_back = requests.get(f"{base}/healthz?strict=1", timeout=10)
    # After recovery, each phone asks with the version it saw before the outage: never a 304
    # (a version Redis missed the drop of), always the ideas posted while it was away.
    after = {phone.name: phone.poll(etag=phone.etag_before_outage) for phone in phones}

    answers = sum(tally.statuses.values(), Counter())
    assert tally.failures == []
    assert [status for status in answers if status >= 500] == []
    assert tally.statuses["down"] and tally.statuses["back"]  # the load went on throughout
    assert tally.unexplained == []  # nothing refused without saying so
    stored = Counter(Idea.objects.values_list("client_key", flat=True))
    acknowledged = [uuid.UUID(key) for key in tally.idea_keys]
    assert [key for key in acknowledged if stored[key] != 1] == []  # none lost, none doubled
    assert sum(stored[key] for key in acknowledged) == len(acknowledged)
    ideas_during_outage = [
        text for texts in tally.ideas.values() for text in texts if "(down)" in text
    ]
    assert ideas_during_outage  # phones kept posting while Redis was away
    dots = Counter(Vote.objects.values_list("client_key", flat=True))
    assert tally.vote_keys and all(dots[key] == 1 for key in tally.vote_keys)
    assert Vote.objects.count() == len(tally.vote_keys)
    assert Table.objects.get(pk=vote_table.pk).vote_count == len(tally.vote_keys)
    for phone in phones:
        board = after[phone.name]
        assert board.status_code == 200, phone.name
        assert all(text in board.text for text in tally.ideas[phone.code]), phone.name
    assert health_up.status_code == 200
    assert health_down["cache"] == "down"
    assert health_back.status_code == 200 and health_back.json()["cache"] == "ok"


def test_dots_are_cast_once_while_redis_is_away(
    own_redis,  # noqa: F811
    transactional_db,
):
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
    wait_for_the_breaker()
    board = phone.get(board_url(table), headers=HTMX)

    participant.refresh_from_db()
    assert statuses == Counter({303: 4, 200: 2})
    assert Vote.objects.filter(participant=participant).count() == 2
    assert participant.dots_left == 1
    assert board.status_code == 200
    assert Table.objects.get(pk=table.pk).vote_count == 2


def test_the_control_room_shows_degraded_mode_while_redis_is_away(
    own_redis,  # noqa: F811
    client,
    cast,
    django_assert_max_num_queries,
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
    wait_for_the_breaker()
    after = client.get(live, headers={**HTMX, "If-None-Match": during["ETag"]})

    assert before.status_code == 200 and banner not in before.content.decode()
    assert during.status_code == 200 and banner in during.content.decode()
    assert after.status_code == 200 and banner not in after.content.decode()


def test_entries_a_missed_write_left_stale_are_dropped_when_redis_answers_again(
    own_redis,  # noqa: F811
):
    cache = RedisCache(own_redis.url, {"KEY_PREFIX": "territoire"})
    raw = redis.Redis.from_url(own_redis.url)
    raw.set("celery", "a queued task")  # the broker's keys are not ours
    cache.set("board-version", 1)
    cache._breaker.trip()  # a blip: Redis is back, the breaker not yet

    cache.delete("board-version")  # missed
    wait_for_the_breaker()

    assert cache.get("board-version") is None
    assert raw.get("celery") == b"a queued task"


def test_rate_limits_count_per_process_while_redis_is_away(
    own_redis,  # noqa: F811
):
    cache = RedisCache(own_redis.url, {"KEY_PREFIX": "territoire"})
    key = f"hits:{uuid.uuid4().hex}"
    in_redis = [cache.count_hit(key, 60) for _ in range(2)]

    own_redis.kill()
    in_process = [cache.count_hit(key, 60) for _ in range(3)]

    assert in_redis == [1, 2]
    assert in_process == [1, 2, 3]  # still counted, so a flood is still refused

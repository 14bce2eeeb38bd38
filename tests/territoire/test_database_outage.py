"""PostgreSQL away: a 503 "réessayez dans un instant" page with Retry-After, never a traceback,
and the site back by itself once the database is. A PostgreSQL cluster of the test's own
(initdb + pg_ctl into a temporary folder, as the ``postgres`` user when the tests run as root)
serves the site for the test, is stopped the hard way (``-m immediate``, as a crash) and
restarted, once between pages and once under load (phones posting and polling from threads)."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from django.apps import apps
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from events.models import Idea
from territoire.outage import server_error
from tests.conftest import require_service
from tests.events.factories import EventFactory, TableFactory
from tests.events.test_participant import HTMX, board_url, idea_url, join
from tests.factories import UserFactory

pytestmark = pytest.mark.services

UNAVAILABLE = "Le service est momentanément indisponible, réessayez dans un instant"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnPostgres:
    def __init__(self, bin_dir: Path) -> None:
        self.bin = bin_dir
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="territoire-pg-"))
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            os.chown(self.dir, user.pw_uid, user.pw_gid)

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_postgres else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.dir / "data"), "-A", "trust",
            "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-o", options,
            "-l", str(self.dir / "log"), "-w", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "-w", "stop"
        )

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def own_postgres(django_db_blocker):
    """The site's ``default`` database is, for this test, a fresh cluster with every table."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        require_service("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)")
    server = OwnPostgres(Path(found[-1]).parent)
    server.init()
    server.start()
    previous = connections["default"]
    settings_dict = dict(previous.settings_dict) | {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "postgres",
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "127.0.0.1",
        "PORT": str(server.port),
        "OPTIONS": {},
        "CONN_MAX_AGE": 600,  # as in production: a kept connection that the crash breaks
        "CONN_HEALTH_CHECKS": True,
        "ATOMIC_REQUESTS": False,
    }
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, "default")
    connections["default"] = wrapper
    # Other threads (the phones of the load test) open their own connections, from these.
    previous_settings = connections.settings["default"]
    connections.settings["default"] = settings_dict
    try:
        with django_db_blocker.unblock():
            with wrapper.schema_editor() as editor:
                for model in apps.get_models():
                    if model._meta.managed and not model._meta.proxy:
                        editor.create_model(model)
            yield server
            wrapper.close()
    finally:
        connections["default"] = previous
        connections.settings["default"] = previous_settings
        server.stop()
        server.remove()


class Browser(Client):
    """A test client that, as the WSGI handler does around each request and the test client
    does not, drops a database connection that stopped working."""

    def __init__(self) -> None:
        super().__init__(raise_request_exception=False)

    def request(self, **request):
        close_old_connections()
        try:
            return super().request(**request)
        finally:
            close_old_connections()


def test_pages_answer_a_503_retry_page_while_postgresql_is_down_then_recover(own_postgres):
    table = TableFactory(code="ROUBAIX1", event=EventFactory(slug="roubaix"))
    organiser = UserFactory(email="orga@example.org", is_superuser=True, is_staff=True)
    phone, desk = Browser(), Browser()
    desk.force_login(organiser)
    join = reverse("table_join", kwargs={"code": table.code})
    control = reverse("control_room", kwargs={"slug": "roubaix"})
    before = [phone.get(join), desk.get(control)]

    own_postgres.stop()
    during = [
        phone.get(join),
        phone.post(join, {"display_name": "Awa", "key": str(uuid.uuid4())}),
        desk.get(control),  # a signed-in page: its session lives in the database
        phone.get("/", headers={"Accept-Language": "en"}),
    ]
    health = phone.get("/healthz")
    own_postgres.start()
    after = [phone.get(join), desk.get(control), phone.get("/healthz")]

    assert [response.status_code for response in before] == [200, 200]
    assert [response.status_code for response in during] == [503] * 4
    for response in during:
        page = response.content.decode()
        assert UNAVAILABLE in page and "The service is briefly unavailable" in page
        assert "Traceback" not in page and "OperationalError" not in page
        assert response["Retry-After"] == "10"
    assert health.status_code == 503 and health.json()["failing"] == ["database"]
    assert [response.status_code for response in after] == [200, 200, 200]


IDEA_ACKNOWLEDGED = "Votre idée est au tableau"
# Ideas each phone posts (then it only polls): with those sent again, under the flood limit
# (events.domain.participation.IDEAS_PER_WINDOW).
IDEAS_PER_PHONE = 10


def test_phones_posting_and_polling_get_503s_only_while_postgresql_is_down_then_recover(
    own_postgres,
):
    """Six phones at two tables post ideas (double taps included) and poll their boards from
    threads while the cluster is stopped the hard way and restarted: 503 retry pages only, never
    a 500 or a traceback; every acknowledged idea stored once; the ideas refused while it was
    down (a 503 says "réessayez") posted again by their phone with the same key, stored once."""
    tables = [TableFactory(event=EventFactory(slug=f"soiree-{n}")) for n in range(2)]
    phones = []
    for n in range(6):
        phone = Browser()
        join(phone, tables[n % 2], name=f"Personne {n}")
        phones.append((phone, tables[n % 2]))
    moment = {"now": "up"}
    statuses = {"up": Counter(), "down": Counter(), "back": Counter()}
    acknowledged, to_retry, leaks, failures = [], [], [], []
    lock, stop = threading.Lock(), threading.Event()

    def phone_at_work(phone: Browser, table, number: int) -> None:
        try:
            for round_ in range(1000):
                if stop.is_set():
                    break
                now = moment["now"]
                if round_ >= IDEAS_PER_PHONE:
                    with lock:
                        statuses[now][phone.get(board_url(table), headers=HTMX).status_code] += 1
                    time.sleep(0.2)
                    continue
                data = {
                    "text": f"Idée {round_} de {number} ({now})",
                    "client_key": str(uuid.uuid4()),
                }
                answers = [phone.post(idea_url(table), data, headers=HTMX) for _ in range(2)]
                answers.append(phone.get(board_url(table), headers=HTMX))
                with lock:
                    for response in answers:
                        statuses[now][response.status_code] += 1
                        page = response.content.decode()
                        if "Traceback" in page or "OperationalError" in page:
                            leaks.append(page[:200])
                    if IDEA_ACKNOWLEDGED in answers[0].content.decode():
                        acknowledged.append(data["client_key"])
                    else:  # said so: the phone keeps the idea and sends it again later
                        assert answers[0].status_code == 503
                        assert UNAVAILABLE in answers[0].content.decode()
                        to_retry.append((phone, table, data))
                time.sleep(0.3)
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=phone_at_work, args=(phone, table, n), daemon=True)
        for n, (phone, table) in enumerate(phones)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    moment["now"] = "down"
    own_postgres.stop()
    time.sleep(2.0)
    own_postgres.start()
    moment["now"] = "back"
    time.sleep(1.5)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    retried = [phone.post(idea_url(table), data, headers=HTMX) for phone, table, data in to_retry]
    close_old_connections()

    assert failures == []
    assert leaks == []
    answers = sum(statuses.values(), Counter())
    assert set(answers) <= {200, 503}  # never a 500
    assert statuses["down"][503] > 0  # the phones were at work while it was down
    assert to_retry  # ideas among what it refused
    assert statuses["back"][200] > 0
    assert all(response.status_code == 200 for response in retried)
    assert all(IDEA_ACKNOWLEDGED in response.content.decode() for response in retried)
    stored = Counter(str(key) for key in Idea.objects.values_list("client_key", flat=True))
    sent = acknowledged + [data["client_key"] for _phone, _table, data in to_retry]
    assert [key for key in sent if stored[key] != 1] == []  # none lost, none doubled
    assert sum(stored.values()) == len(sent)


# Without a cluster of its own: the same answers, the database refused by a patched cursor ------


def test_a_view_that_cannot_reach_the_database_answers_the_503_page(db, monkeypatch):
    table = TableFactory()
    phone = Client(raise_request_exception=False)

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "cursor", refuse)
        response = phone.get(reverse("table_join", kwargs={"code": table.code}))

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert UNAVAILABLE in response.content.decode()


@pytest.mark.parametrize(
    ("raised", "status", "shown"),
    [
        (OperationalError("server closed the connection"), 503, UNAVAILABLE),
        (InterfaceError("connection already closed"), 503, UNAVAILABLE),
        (ValueError("a bug"), 500, "Une erreur est survenue"),
    ],
)
def test_a_middleware_failure_answers_503_for_the_database_and_500_otherwise(
    rf, raised, status, shown
):
    try:
        raise raised
    except Exception:
        response = server_error(rf.get("/"))

    assert response.status_code == status
    assert shown in response.content.decode()
    assert ("Retry-After" in response) is (status == 503)

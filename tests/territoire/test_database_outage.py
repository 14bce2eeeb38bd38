"""PostgreSQL away: a 503 "réessayez dans un instant" page with Retry-After, never a traceback,
and the site back by itself once the database is. A PostgreSQL cluster of the test's own
(initdb + pg_ctl into a temporary folder, as the ``postgres`` user when the tests run as root)
serves the site for the test, is stopped the hard way (``-m immediate``, as a crash) and
restarted."""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from territoire.outage import server_error
from tests.conftest import require_service
from tests.events.factories import EventFactory, TableFactory
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

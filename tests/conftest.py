import os
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from projects.models import Project
from territoire.celery import app as celery_app
from territoire.enums import Role
from territoire.models import Territory, User
from tests.factories import MembershipFactory, TerritoryFactory, UserFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Generated examples per property (tests/test_no_server_error.py: per role and endpoint): few in
# `make test`, where speed keeps the suite run often; the full count in CI (.ci/run sets
# HYPOTHESIS_PROFILE=ci).
hypothesis_settings.register_profile("dev", max_examples=2)
hypothesis_settings.register_profile("ci", max_examples=6)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def require_service(reason: str) -> None:
    """Skip a test whose service is missing on a developer's machine; fail it in CI."""
    if IN_CI:
        pytest.fail(f"CI must provide this service: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _tasks_in_process():
    """Tasks run in the test's process, even when REDIS_URL points at a real broker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test starts with an empty local cache: rate limits and counters never leak from one
    test (or one CI run, when REDIS_URL points at a shared Redis) into the next, and neither do
    the boards a process keeps. The Redis cache itself is proven by tests/test_redis_cache.py."""
    from django.core.cache import cache

    from events.live_board import forget_in_process_boards

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    forget_in_process_boards()
    yield
    cache.clear()
    forget_in_process_boards()


@pytest.fixture(autouse=True)
def _french_first():
    """Each test starts in the site's language (French): a test that activated English, in
    the same process, never decides the language of the next one (tests run in parallel
    workers, in an order that changes with the split)."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads and rendered reports go to the test's own folder, never the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # A deliberately slow password hash is production's business, not the tests'.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The Roubaix demo (``load_demo``) loaded once for a whole test module, inside a transaction
    rolled back after the module's last test: each test (``db``) runs in a savepoint of it, so
    what one test writes is undone before the next, and the next module starts empty. Yields
    the media folder holding the demo's files (its rendered reports).

    Loading the demo takes seconds; once a module rather than once a test, the modules that only
    read it (tests/*/test_demo.py) run several times faster. Mark such a module
    ``xdist_group`` so that its tests share one worker, hence one load.
    """
    media = tmp_path_factory.mktemp("demo-media")
    module_settings = override_settings(
        DEBUG=True,
        MEDIA_ROOT=media,
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    output = StringIO()
    loaded = transaction.atomic()
    with django_db_blocker.unblock():
        loaded.__enter__()
    try:
        with django_db_blocker.unblock(), module_settings, translation.override("fr"):
            call_command("load_demo", stdout=output)
        yield media, output.getvalue()
    finally:  # a failed load too: nothing of it reaches the next module
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            loaded.__exit__(None, None, None)


@dataclass
class Cast:
    """Two territories and one person per role, plus outsiders (healthchecks' Alice/Bob/Charlie)."""

    territory: Territory
    other_territory: Territory
    organiser: User
    facilitator: User
    coach: User
    official: User
    other_organiser: User
    stranger: User
    superuser: User
    # A published project of ``territory``, coached by ``coach``, whose team ``team_member``
    # joined (an account and no role in any territory).
    project: Project
    team_member: User

    def role_users(self) -> dict[str, User | None]:
        return {
            "anonymous": None,
            "stranger": self.stranger,
            "organiser": self.organiser,
            "facilitator": self.facilitator,
            "coach": self.coach,
            "official": self.official,
            "other_organiser": self.other_organiser,
            "superuser": self.superuser,
            "team_member": self.team_member,
        }


def member(territory: Territory, role: str, **user_fields) -> User:
    return MembershipFactory(territory=territory, role=role, user=UserFactory(**user_fields)).user


def build_cast() -> Cast:
    """The cast's rows, written to the database (the ``cast`` fixture; the permission matrix
    builds it once for all its URLs)."""
    territory = TerritoryFactory(name="Métropole A", slug="metropole-a")
    other = TerritoryFactory(name="Vallée B", slug="vallee-b")
    cast = {
        "territory": territory,
        "other_territory": other,
        "organiser": member(territory, Role.ORGANISER, email="orga@example.org"),
        "facilitator": member(territory, Role.FACILITATOR, email="anim@example.org"),
        "coach": member(territory, Role.COACH, email="coach@example.org"),
        "official": member(territory, Role.OFFICIAL, email="elu@example.org"),
        "other_organiser": member(other, Role.ORGANISER, email="orga-b@example.org"),
        "stranger": UserFactory(email="inconnu@example.org"),
        "superuser": UserFactory(email="root@example.org", is_superuser=True, is_staff=True),
    }
    project = ProjectFactory(
        territory=territory, name="Bus numérique", slug="bus-numerique", coach=cast["coach"]
    )
    team_member = ProjectMemberFactory(
        project=project, user=UserFactory(email="equipe@example.org"), full_name="Awa Équipe"
    ).user
    return Cast(**cast, project=project, team_member=team_member)


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()

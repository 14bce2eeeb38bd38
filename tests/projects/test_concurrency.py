"""Two team members saving the page at once, on PostgreSQL: one save wins, the other is refused
with the winner's version (the conditional UPDATE decides, whatever the timing); publishing the
same formed project twice at once makes one project."""

import threading

import pytest
from django.db import connection, connections

from projects.domain.page import update_project_page
from projects.domain.publishing import publish_formed_project
from projects.models import Project
from territoire.errors import StaleEdit
from tests.conftest import require_service
from tests.events.factories import FormedProjectFactory, TeamMemberFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.services


def _race(target, args_list) -> list:
    barrier = threading.Barrier(len(args_list), timeout=10)
    outcomes: list = []
    lock = threading.Lock()

    def run(*args) -> None:
        try:
            barrier.wait()
            outcome = target(*args)
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=args) for args in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_saves_from_the_same_revision_one_wins_one_is_told():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for a real concurrent save")
    project = ProjectFactory()

    def save(pitch: str) -> str:
        mine = Project.objects.get(pk=project.pk)
        try:
            update_project_page(project=mine, by=None, revision=1, pitch=pitch)
        except StaleEdit as stale:
            return f"refused, saw {stale.current['pitch']}"
        return f"saved {pitch}"

    outcomes = _race(save, [("Version A",), ("Version B",)])

    project.refresh_from_db()
    assert project.revision == 2
    winner = project.pitch
    loser = "Version B" if winner == "Version A" else "Version A"
    assert sorted(outcomes) == sorted([f"saved {winner}", f"refused, saw {winner}"])
    assert project.history.filter(pitch=loser).count() == 0


@pytest.mark.django_db(transaction=True)
def test_publishing_the_same_formed_project_twice_at_once_makes_one_project():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for a real concurrent publish")
    formed = FormedProjectFactory(name="Numéribus")
    TeamMemberFactory(project=formed, email="awa@example.org")

    def publish(name: str) -> int:
        return publish_formed_project(
            formed_project=formed,
            by=None,
            name=name,
            pitch="Un bus.",
            challenge=None,
            domain=None,
            lead_organisation=None,
        ).pk

    outcomes = _race(publish, [("Numéribus",), ("Numéribus bis",)])

    assert len(outcomes) == 2 and len(set(outcomes)) == 1
    project = Project.objects.get(formed_project=formed)
    assert project.members.count() == 1

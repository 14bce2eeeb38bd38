"""Two people saving the same milestone at once, on PostgreSQL: the conditional UPDATE on
``revision`` lets exactly one save through; the other is refused with the winner's version.
And a job record verified and sent back at the same moment ends in one state, not both."""

import datetime
import threading

import pytest
from django.db import connection, connections

from accompaniment.domain import jobs, plans
from accompaniment.domain.errors import Refused, StaleEdit
from accompaniment.enums import JobStatus
from accompaniment.models import JobRecord, Milestone
from tests.accompaniment.factories import JobRecordFactory, MilestoneFactory, PlanFactory
from tests.conftest import require_service
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.services


def _race(*targets) -> list[str]:
    barrier = threading.Barrier(len(targets), timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(target) -> None:
        try:
            prepared = target()
            barrier.wait()
            try:
                prepared()
                outcome = "saved"
            except StaleEdit:
                outcome = "stale"
            except Refused:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_revision_make_one_change_and_one_refusal():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for a real concurrent save")
    project = ProjectFactory()
    PlanFactory(project=project)
    milestone = MilestoneFactory(project=project, title="Prototype")
    revision = milestone.revision
    people = UserFactory.create_batch(2)

    def save_as(title: str, person):
        def prepare():
            mine = Milestone.objects.select_related("project__plan").get(pk=milestone.pk)
            return lambda: plans.edit_milestone(
                milestone=mine,
                revision=revision,
                title=title,
                due_on=datetime.date(2026, 10, 1),
                by=person,
            )

        return prepare

    outcomes = _race(save_as("Version A", people[0]), save_as("Version B", people[1]))

    milestone.refresh_from_db()
    assert outcomes == ["saved", "stale"]
    assert milestone.revision == revision + 1
    assert milestone.title in {"Version A", "Version B"}
    assert milestone.history.filter(history_type="~").count() == 1


@pytest.mark.django_db(transaction=True)
def test_verify_and_return_at_once_end_in_one_state():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for a real concurrent review")
    job = JobRecordFactory()
    coach, organiser = UserFactory.create_batch(2)

    def verify():
        mine = JobRecord.objects.get(pk=job.pk)
        return lambda: jobs.verify_job(job=mine, by=coach)

    def send_back():
        mine = JobRecord.objects.get(pk=job.pk)
        return lambda: jobs.return_job(job=mine, reason="Contrat manquant", by=organiser)

    outcomes = _race(verify, send_back)

    job.refresh_from_db()
    assert outcomes == ["refused", "saved"]
    assert job.status in {JobStatus.VERIFIED, JobStatus.RETURNED}
    assert job.history.count() == 2

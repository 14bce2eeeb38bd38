import datetime

import pytest
from django.utils import timezone

from accompaniment.domain.plans import start_plan
from accompaniment.enums import JobStatus
from accompaniment.queries import Health, portfolio
from projects.enums import ProjectStatus
from tests.accompaniment.conftest import EVENING
from tests.accompaniment.factories import (
    JobRecordFactory,
    MilestoneFactory,
    ProjectUpdateFactory,
)
from tests.projects.factories import ProjectFactory

NOW = timezone.make_aware(datetime.datetime(2026, 11, 30, 12))


def _project(territory, name, **fields):
    project = ProjectFactory(territory=territory, name=name, **fields)
    start_plan(project=project, months=18, starts_on=EVENING, by=None)
    return project


def test_health_late_silent_and_on_track(cast):
    late = _project(cast.territory, "En retard")
    MilestoneFactory(project=late, due_on=datetime.date(2026, 11, 1))
    silent = _project(cast.territory, "Silencieux")
    on_track = _project(cast.territory, "Dans les temps")
    ProjectUpdateFactory(project=on_track, month=datetime.date(2026, 11, 1))
    MilestoneFactory(project=on_track, due_on=datetime.date(2027, 1, 1), title="Premier CDI")
    JobRecordFactory(project=on_track, number=3, fte=3, status=JobStatus.VERIFIED)
    JobRecordFactory(project=on_track, number=2, fte=1)

    rows = {row.project.name: row for row in portfolio(cast.territory, now=NOW)}

    assert rows["En retard"].health == Health.LATE
    assert rows["Silencieux"].health == Health.SILENT
    assert rows["Dans les temps"].health == Health.ON_TRACK
    assert rows["Dans les temps"].month == 6
    assert rows["Dans les temps"].project.next_milestone_title == "Premier CDI"
    assert (
        rows["Dans les temps"].project.verified_jobs,
        rows["Dans les temps"].project.declared_jobs,
    ) == (3, 2)
    assert silent.pk == rows["Silencieux"].project.pk


@pytest.mark.parametrize("item_count", (1, 3))
def test_portfolio_page_runs_the_same_queries_whatever_the_projects(
    client, cast, django_assert_num_queries, item_count
):
    for n in range(item_count):
        project = _project(cast.territory, f"Projet {n}")
        MilestoneFactory(project=project, due_on=datetime.date(2026, 8, 1))
        JobRecordFactory(project=project, status=JobStatus.VERIFIED)
        ProjectUpdateFactory(project=project)
    _project(cast.other_territory, "Ailleurs")
    client.force_login(cast.coach)

    with django_assert_num_queries(6):
        response = client.get(f"/espace/territoires/{cast.territory.slug}/portefeuille/")

    assert response.status_code == 200
    assert len(response.context["rows"]) == item_count + 1  # cast.project has no plan
    assert response.context["totals"]["verified_jobs"] == item_count


def test_portfolio_filters_by_health_and_status(client, cast):
    late = _project(cast.territory, "En retard")
    MilestoneFactory(project=late, due_on=datetime.date(2026, 7, 1))
    _project(cast.territory, "En pause", status=ProjectStatus.PAUSED)
    client.force_login(cast.official)
    url = f"/espace/territoires/{cast.territory.slug}/portefeuille/"

    by_health = client.get(url, {"sante": "late"}).context["rows"]
    by_status = client.get(url, {"statut": "paused"}).context["rows"]
    ignored = client.get(url, {"sante": "<script>", "statut": "nope"}).context["rows"]

    assert [row.project.name for row in by_health] == ["En retard"]
    assert [row.project.name for row in by_status] == ["En pause"]
    assert len(ignored) == 3

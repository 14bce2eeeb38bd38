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


@pytest.mark.parametrize("item_count", (1, 52))
def test_portfolio_page_runs_the_same_queries_whatever_the_projects(
    client, cast, django_assert_max_num_queries, item_count
):
    for n in range(item_count):
        project = _project(cast.territory, f"Projet {n}")
        MilestoneFactory(project=project, due_on=datetime.date(2026, 8, 1))
        JobRecordFactory(project=project, status=JobStatus.VERIFIED)
        ProjectUpdateFactory(project=project)
    _project(cast.other_territory, "Ailleurs")
    client.force_login(cast.coach)

    # session, user, roles, territory, job totals, the count, one page of projects
    with django_assert_max_num_queries(7):
        response = client.get(f"/espace/territoires/{cast.territory.slug}/portefeuille/")

    assert response.status_code == 200
    assert len(response.context["rows"]) == min(item_count + 1, 50)  # cast.project has no plan
    assert response.context["projects"].count == item_count + 1
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


def test_the_health_filter_agrees_with_each_rows_health(cast):
    """The filter runs in the database (a page is a slice): it must say what ``health_of``
    says, at the 30 days' edge too."""
    cutoff_day = (NOW - datetime.timedelta(days=30)).date()
    for name, starts_on in [("Début juste avant", cutoff_day), ("Début après", NOW.date())]:
        project = ProjectFactory(territory=cast.territory, name=name)
        start_plan(project=project, months=18, starts_on=starts_on, by=None)
    old_news = _project(cast.territory, "Nouvelles anciennes")
    ProjectUpdateFactory(project=old_news, month=datetime.date(2026, 9, 1))
    old_news.updates.update(created_at=NOW - datetime.timedelta(days=31))
    fresh_news = _project(cast.territory, "Nouvelles fraîches")
    ProjectUpdateFactory(project=fresh_news, month=datetime.date(2026, 11, 1))
    fresh_news.updates.update(created_at=NOW - datetime.timedelta(days=29))
    late = _project(cast.territory, "En retard")
    MilestoneFactory(project=late, due_on=datetime.date(2026, 11, 1))
    every = {row.project.name: row.health for row in portfolio(cast.territory, now=NOW)}

    for health in (Health.LATE, Health.SILENT, Health.ON_TRACK):
        filtered = [row.project.name for row in portfolio(cast.territory, now=NOW, health=health)]
        assert filtered == sorted(name for name, h in every.items() if h == health), health
    assert every["Début juste avant"] == Health.SILENT
    assert every["Début après"] == Health.ON_TRACK
    assert every["Nouvelles anciennes"] == Health.SILENT
    assert every["Nouvelles fraîches"] == Health.ON_TRACK


def test_the_portfolio_pages_keep_the_filters(client, cast):
    for n in range(51):
        _project(cast.territory, f"Pause {n:02}", status=ProjectStatus.PAUSED)
    client.force_login(cast.coach)
    url = f"/espace/territoires/{cast.territory.slug}/portefeuille/"

    first = client.get(url, {"statut": "paused", "sante": "silent"})
    second = client.get(url, {"statut": "paused", "sante": "silent", "page": "2"})
    beyond = client.get(url, {"statut": "paused", "sante": "silent", "page": "7"})

    assert [row.project.name for row in second.context["rows"]] == ["Pause 50"]
    assert len(first.context["rows"]) == 50
    assert "51 projets" in first.content.decode()
    assert 'href="?statut=paused&amp;sante=silent&amp;page=2"' in first.content.decode()
    assert beyond.status_code == 200
    assert [row.project.name for row in beyond.context["rows"]] == ["Pause 50"]

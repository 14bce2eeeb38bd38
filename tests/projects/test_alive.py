"""Projects alive at a date: read from each project's history, in one query."""

import datetime

import pytest
from django.utils import timezone

from projects.domain.publishing import set_project_status
from projects.enums import ProjectStatus
from projects.models import Project
from projects.queries import projects_alive_at, projects_alive_on
from tests.factories import TerritoryFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2025, 1, 15)


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _dated(project: Project, *days: datetime.date) -> None:
    """Date the project's history rows, oldest first, and its creation."""
    rows = list(project.history.order_by("history_date", "history_id"))
    assert len(rows) == len(days)
    for row, day in zip(rows, days, strict=True):
        project.history.filter(history_id=row.history_id).update(history_date=_at(day))
    Project.objects.filter(pk=project.pk).update(created_at=_at(days[0]))


def test_a_project_stopped_at_month_six_is_alive_at_three_months_not_at_twelve(
    django_assert_num_queries,
):
    territory = TerritoryFactory()
    stopped = ProjectFactory(territory=territory)
    set_project_status(project=stopped, by=None, status=ProjectStatus.STOPPED)
    _dated(stopped, JAN, JAN + datetime.timedelta(days=180))
    graduated = ProjectFactory(territory=territory)
    set_project_status(project=graduated, by=None, status=ProjectStatus.GRADUATED)
    _dated(graduated, JAN, JAN + datetime.timedelta(days=300))
    late_comer = ProjectFactory(territory=territory)  # created after month three
    _dated(late_comer, JAN + datetime.timedelta(days=120))
    draft = ProjectFactory(territory=territory, status=ProjectStatus.DRAFT)
    _dated(draft, JAN)
    ProjectFactory()  # another territory's

    projects = Project.objects.filter(territory=territory)
    with django_assert_num_queries(1):
        alive = projects_alive_on(
            projects,
            {
                "3": JAN + datetime.timedelta(days=90),
                "12": JAN + datetime.timedelta(days=365),
            },
        )

    assert alive == {"3": 2, "12": 2}  # month 3: stopped, graduated; month 12: graduated, late
    assert projects_alive_at(projects, JAN + datetime.timedelta(days=200)) == 2
    assert projects_alive_at(projects, JAN - datetime.timedelta(days=1)) == 0
    assert projects_alive_on(projects, {}) == {}

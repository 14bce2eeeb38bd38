"""The followed projects on the impact page: the funnel's steps and the projects by domain
and by challenge."""

import datetime

import pytest
from django.utils import timezone

from projects.domain.publishing import set_project_status
from projects.enums import ProjectStatus
from projects.impact import months_after, project_steps, projects_section
from projects.models import Project
from territoire.impact.registry import ImpactFilter
from tests.challenges.factories import ChallengeFactory
from tests.factories import DomainFactory, TerritoryFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

EVENING = datetime.date(2025, 6, 4)


def _history_at(project: Project, *days: datetime.date) -> None:
    rows = list(project.history.order_by("history_date", "history_id"))
    for row, day in zip(rows, days, strict=True):
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(20)))
        project.history.filter(history_id=row.history_id).update(history_date=moment)
    first = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time(20)))
    Project.objects.filter(pk=project.pk).update(created_at=first)


@pytest.fixture
def territory():
    """Born on the evening: a project stopped at month 8, one graduated at month 14, one
    accompanied; a draft never counts."""
    territory = TerritoryFactory(
        evening_on=EVENING,
        launched_on=datetime.date(2025, 1, 6),
        job_target_deadline=datetime.date(2028, 1, 6),
        accompaniment_ends_on=datetime.date(2027, 6, 4),
    )
    health = DomainFactory(name="Santé")
    mobility = ChallengeFactory(territory=territory, title="Mobilité")
    stopped = ProjectFactory(territory=territory, domain=health, challenge=mobility)
    set_project_status(project=stopped, by=None, status=ProjectStatus.STOPPED)
    _history_at(stopped, EVENING, months_after(EVENING, 8))
    graduated = ProjectFactory(territory=territory, domain=health)
    set_project_status(project=graduated, by=None, status=ProjectStatus.GRADUATED)
    _history_at(graduated, EVENING, months_after(EVENING, 14))
    active = ProjectFactory(territory=territory, challenge=mobility)
    _history_at(active, EVENING)
    ProjectFactory(territory=territory, status=ProjectStatus.DRAFT)
    return territory


def test_the_funnel_counts_the_projects_alive_at_each_horizon_reached(
    territory, django_assert_num_queries
):
    impact = ImpactFilter(territory=territory, today=datetime.date(2026, 9, 1))  # month 15

    with django_assert_num_queries(2):
        steps = project_steps(impact)

    assert [(step.label, step.value) for step in steps] == [
        ("Projets publiés et suivis", 3),
        ("Vivants 6 mois après la soirée", 3),
        ("Vivants 12 mois après la soirée", 2),
        ("Autonomes aujourd'hui", 1),
        ("Arrêtés", 1),
    ]
    assert steps[2].note == "au 4 juin 2026"


def test_a_challenge_narrows_the_funnel(territory):
    mobility = territory.challenges.get()
    impact = ImpactFilter(
        territory=territory, challenge_id=mobility.pk, today=datetime.date(2027, 7, 1)
    )

    values = {step.label: step.value for step in project_steps(impact)}

    assert values["Projets publiés et suivis"] == 2
    assert values["Vivants 24 mois après la soirée"] == 1
    assert values["Arrêtés"] == 1


def test_no_horizon_before_the_evening_has_six_months(territory):
    impact = ImpactFilter(territory=territory, today=datetime.date(2025, 7, 1))

    labels = [step.label for step in project_steps(impact)]

    assert not [label for label in labels if label.startswith("Vivants")]


def test_projects_by_domain_and_by_challenge_with_those_alive(territory, django_assert_num_queries):
    with django_assert_num_queries(2):
        (section,) = projects_section(ImpactFilter(territory=territory))

    by_domain, by_challenge = section.charts
    assert [(b.label, b.value, b.part) for b in by_domain.bars] == [
        ("Santé", 2, 1),
        ("sans domaine", 1, 1),
    ]
    assert [(b.label, b.value, b.part) for b in by_challenge.bars] == [
        ("Mobilité", 2, 1),
        ("sans défi", 1, 1),
    ]


def test_months_after_keeps_the_day_or_the_month_s_last():
    assert months_after(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert months_after(datetime.date(2025, 6, 4), 12) == datetime.date(2026, 6, 4)

"""The data builder of ``make bench-dashboard`` at a tiny size: every kind of row, the history
"alive at N months" reads, and the measured territory's impact page answering its official."""

import datetime

import pytest
from django.urls import reverse

from accompaniment.models import JobRecord, Milestone, Need, Plan, ProjectUpdate
from bench.dashboard_data import MEASURED_EVENING_MONTHS, build, months_before
from projects.models import Project
from territoire.models import Territory, User

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)


def test_the_builder_makes_every_kind_of_row_for_each_territory():
    made = build(
        first=0, count=2, projects_each=8, milestones_each=4, jobs_each=12, seed=3, today=TODAY
    )

    assert made["territories"] == 2
    assert Project.objects.count() == made["projects"] == 16
    assert Milestone.objects.count() == made["milestones"] == 64
    assert JobRecord.objects.count() == made["jobs"] == 24
    assert Plan.objects.count() == made["plans"] > 0
    assert Need.objects.count() == made["needs"]
    assert ProjectUpdate.objects.count() == made["updates"] > 0
    # Every project has its creation in its history; a changed status has its change too.
    history = Project.history.model.objects
    assert set(history.filter(history_type="+").values_list("id", flat=True)) == set(
        Project.objects.values_list("pk", flat=True)
    )
    assert history.count() == made["history"]
    measured = Territory.objects.get(slug="territoire-0")
    assert measured.evening_on == months_before(TODAY, MEASURED_EVENING_MONTHS)
    assert not Project.objects.filter(
        created_at__date__lt=measured.evening_on, territory=measured
    ).exists()


def test_the_measured_territory_s_impact_page_answers_its_official(
    client, django_assert_max_num_queries
):
    build(first=0, count=1, projects_each=6, milestones_each=3, jobs_each=10, seed=1)
    client.force_login(User.objects.get(email="elu-0@bench.example"))

    with django_assert_max_num_queries(30):
        response = client.get(reverse("impact", kwargs={"territory": "territoire-0"}))

    assert response.status_code == 200
    assert "Les emplois" in response.content.decode()

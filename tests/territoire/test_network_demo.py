"""The demo's network: four territories at different stages, so that the network page compares
something, and a network member to open it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import JobStatus
from accompaniment.models import JobRecord, Milestone, Plan
from challenges.models import Challenge, SignUp
from projects.enums import ProjectStatus
from projects.models import Project
from territoire.models import Territory, User

pytestmark = pytest.mark.xdist_group("demo-territoire")


@pytest.fixture
def demo(demo_loaded, db, settings):
    """The demo, loaded once for this module (tests/conftest.py: demo_loaded)."""
    settings.DEBUG = True
    settings.MEDIA_ROOT, output = demo_loaded
    return output


def test_the_demo_network_has_four_territories_at_different_stages(demo, client):
    today = timezone.localdate()
    territories = {t.slug: t for t in Territory.objects.all()}
    phases = {slug: t.phase_on(today) for slug, t in territories.items()}

    assert set(phases) == {"metropole-lilloise", "pays-de-figeac", "lons-le-saunier", "romans"}
    # The network's territories are dated from the day the demo is loaded; the Lille metropolis
    # and Pays de Figeac keep the fixed dates of their evenings (2026 and 2027).
    assert (phases["lons-le-saunier"], phases["romans"]) == ("accompaniment", "done")
    figeac = territories["pays-de-figeac"]
    if today <= figeac.evening_on:
        assert phases["pays-de-figeac"] == "mobilisation"
    # Pays de Figeac mobilises: challenges and sign-ups, no project yet.
    assert Challenge.objects.filter(territory=figeac).exists()
    assert SignUp.objects.filter(territory=figeac).count() >= 10
    assert not Project.objects.filter(territory=figeac).exists()
    # Lons-le-Saunier accompanies its projects: plans, milestones done, jobs verified and declared.
    lons = territories["lons-le-saunier"]
    assert 13 <= (today - lons.evening_on).days // 30 <= 15
    assert Plan.objects.filter(project__territory=lons).count() == 5
    assert Milestone.objects.filter(project__territory=lons, done_on__isnull=False).exists()
    assert {JobStatus.VERIFIED, JobStatus.DECLARED} <= set(
        JobRecord.objects.filter(project__territory=lons).values_list("status", flat=True)
    )
    # Romans is done: projects autonomous or stopped, some stopped within their first year.
    romans = territories["romans"]
    assert set(Project.objects.filter(territory=romans).values_list("status", flat=True)) == {
        ProjectStatus.GRADUATED,
        ProjectStatus.STOPPED,
    }
    assert {t.job_target for t in (lons, romans)} == {60, 80}
    for territory in (lons, romans):
        assert territory.job_target_deadline.year - territory.launched_on.year == 3

    member = User.objects.get(email="reseau@territoire.demo")
    assert member.is_network_member
    assert "reseau@territoire.demo" in demo
    client.force_login(member)
    response = client.get(reverse("network"))
    rows = {row["standing"].territory.slug: row["standing"] for row in response.context["rows"]}
    assert set(rows) == set(territories)
    assert rows["romans"].progress.projects_alive_one_year == 6  # of its 8 projects
    assert rows["lons-le-saunier"].progress.projects_alive_one_year == 4  # of its 5
    assert rows["metropole-lilloise"].progress.projects_alive_one_year is None
    assert rows["romans"].progress.jobs_verified == 66
    assert rows["lons-le-saunier"].progress.jobs_verified == 13
    assert rows["lons-le-saunier"].accompaniment_month in (14, 15, 16)

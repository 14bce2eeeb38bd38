import pytest
from django.urls import reverse

from events.models import FormedProject
from projects.enums import ProjectStatus
from projects.models import Project
from territoire.models import User

pytestmark = pytest.mark.xdist_group("demo-projects")


@pytest.fixture
def demo(demo_loaded, db, settings):
    """The demo, loaded once for this module (tests/conftest.py: demo_loaded)."""
    settings.DEBUG = True
    settings.MEDIA_ROOT, output = demo_loaded
    return output


def test_demo_publishes_the_roubaix_projects(demo):
    projects = {p.slug: p for p in Project.objects.filter(territory__slug="metropole-lilloise")}

    assert set(projects) == {
        "numeribus",
        "orientation-partagee",
        "six-mois-pour-rebondir",
        "les-repriseuses",
        "ressourcerie-de-l-epeule",
    }
    numeribus = projects["numeribus"]
    assert numeribus.formed_project.name == "Numéribus"
    assert numeribus.source_table.event.slug == "soiree-velodrome-roubaix"
    assert numeribus.ideas.count() == 2
    assert numeribus.coach.email == "coach@territoire.demo"
    assert numeribus.is_public and numeribus.status == ProjectStatus.ACTIVE
    assert projects["orientation-partagee"].formed_project.name == "Boussole"
    assert projects["six-mois-pour-rebondir"].formed_project.name == "Un toit pour rebondir"
    assert projects["les-repriseuses"].status == ProjectStatus.DRAFT
    later = projects["ressourcerie-de-l-epeule"]
    assert (later.formed_project, later.source_table, later.is_public) == (None, None, True)
    # One formed project is left for the organisers' review.
    assert FormedProject.objects.filter(
        name="Tandems numériques", published_project__isnull=True
    ).exists()


def test_demo_team_member_works_on_numeribus(demo, client):
    user = User.objects.get(email="equipe@territoire.demo")
    numeribus = Project.objects.get(slug="numeribus")
    member = numeribus.members.get(user=user)
    assert member.joined_at is not None
    assert numeribus.members.count() == 4  # three people of the table and the demo account
    client.force_login(user)

    space = client.get(reverse("space")).content.decode()
    page = client.get(reverse("project_page_edit", args=["metropole-lilloise", "numeribus"]))

    assert "Numéribus" in space
    assert page.status_code == 200


def test_demo_showcase_shows_the_public_projects(demo, client):
    html = client.get(reverse("project_showcase", args=["metropole-lilloise"])).content.decode()

    for name in ("Numéribus", "Orientation partagée", "Six mois pour rebondir"):
        assert name in html
    assert "Les Repriseuses" not in html


def test_the_demo_public_project_pages_name_the_members_who_agreed(demo, client):
    from projects.models import Project, ProjectMember
    from projects.queries import NAME_IS_PUBLIC, public_team

    numeribus = Project.objects.get(slug="numeribus")
    shown = [member.full_name for member in public_team(numeribus)]
    html = client.get(numeribus.get_absolute_url()).content.decode()

    assert User.objects.get(email="equipe@territoire.demo").full_name in shown
    assert all(name in html for name in shown)
    # Only those who agreed: some members of the demo's teams did not.
    members = ProjectMember.objects.filter(project__is_public=True)
    assert 0 < members.filter(NAME_IS_PUBLIC).count() < members.count()

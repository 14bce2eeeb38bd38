"""The impact page: who reads it, what it shows, its filter, its cache."""

import pytest
from django.urls import reverse

from accompaniment.domain.jobs import verify_job
from accompaniment.enums import JobStatus
from projects.models import Project
from tests.accompaniment.factories import JobRecordFactory
from tests.challenges.factories import ChallengeFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def url(cast, **query) -> str:
    base = reverse("impact", kwargs={"territory": cast.territory.slug})
    if query:
        base += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return base


@pytest.fixture
def two_challenges(cast):
    mobility = ChallengeFactory(territory=cast.territory, title="Mobilité")
    food = ChallengeFactory(territory=cast.territory, title="Alimentation")
    Project.objects.filter(pk=cast.project.pk).update(challenge=mobility)
    JobRecordFactory(project=cast.project, number=2, status=JobStatus.VERIFIED)
    kitchen = ProjectFactory(territory=cast.territory, challenge=food, name="Cuisine partagée")
    JobRecordFactory(project=kitchen, number=5, status=JobStatus.VERIFIED)
    return mobility, food


@pytest.mark.parametrize("role", ["official", "organiser", "coach", "superuser"])
def test_the_territory_s_readers_open_its_impact_page(
    client, cast, two_challenges, role, django_assert_max_num_queries
):
    client.force_login(getattr(cast, role))

    with django_assert_max_num_queries(30):
        response = client.get(url(cast))

    assert response.status_code == 200
    assert "territoire/impact/page.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "L'impact de Métropole A" in page
    assert "7 / 250" in page
    assert "À ce rythme" in page or "échéance" in page
    for title in ("Les emplois", "Des idées aux projets", "Le suivi des projets"):
        assert title in page


@pytest.mark.parametrize("role", ["other_organiser", "stranger", "facilitator", "team_member"])
def test_everyone_else_gets_a_404(client, cast, role):
    client.force_login(getattr(cast, role))

    assert client.get(url(cast)).status_code == 404


def test_anonymous_visitors_are_asked_to_sign_in(client, cast):
    response = client.get(url(cast))

    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_a_challenge_narrows_every_figure_and_the_form_keeps_it(
    client, cast, two_challenges, django_assert_max_num_queries
):
    _mobility, food = two_challenges
    client.force_login(cast.official)

    with django_assert_max_num_queries(30):
        response = client.get(url(cast, defi=food.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "5 / 250" in page
    assert "5 emplois créés et vérifiés pour ce défi." in page
    assert "ils se lisent sans filtre" in page
    assert f'<option value="{food.pk}" selected>Alimentation</option>' in page
    assert "Tout le territoire, toute la période" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"depuis": "2026-13-45"}, "Saisissez une date valide."),
        (
            {"depuis": "2027-02-01", "jusqua": "2027-01-01"},
            "La fin de la période doit venir après son début (01/02/2027).",
        ),
        ({"defi": "abc"}, "Sélectionnez un choix valide."),
    ],
)
def test_bad_input_says_what_is_wrong_keeps_what_was_typed_and_shows_every_figure(
    client, cast, two_challenges, query, message
):
    client.force_login(cast.official)

    response = client.get(url(cast, **query))

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page.replace("&#x27;", "'")
    if "depuis" in query:
        assert f'value="{query["depuis"]}"' in page
    assert "7 / 250" in page  # not narrowed


def test_the_second_visit_is_served_from_the_cache_until_a_write_moves_it(
    client, cast, two_challenges, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(cast.official)
    client.get(url(cast))
    declared = JobRecordFactory(project=cast.project, number=10)

    with django_assert_max_num_queries(8):
        cached = client.get(url(cast))
    assert "7 / 250" in cached.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        verify_job(job=declared, by=cast.coach)
    assert "17 / 250" in client.get(url(cast)).content.decode()


def test_the_official_reaches_the_page_from_their_space(client, cast):
    client.force_login(cast.official)

    space = client.get(reverse("space")).content.decode()

    assert "Ouvrir la page d&#x27;impact" in space or "Ouvrir la page d'impact" in space
    assert url(cast) in space


def test_the_organiser_s_space_links_the_impact_page(client, cast):
    client.force_login(cast.organiser)

    assert url(cast) in client.get(reverse("space")).content.decode()


def test_the_downloads_keep_the_filter_and_personal_data_stay_with_the_organisers(
    client, cast, two_challenges
):
    _mobility, food = two_challenges
    slug = cast.territory.slug
    client.force_login(cast.official)

    official = client.get(url(cast, defi=food.pk)).content.decode()

    xlsx = reverse("impact_export_xlsx", kwargs={"territory": slug})
    jobs = reverse("impact_export_csv", kwargs={"territory": slug, "kind": "emplois"})
    registrations = reverse("impact_export_csv", kwargs={"territory": slug, "kind": "inscriptions"})
    assert f"{xlsx}?defi={food.pk}" in official
    assert f"{jobs}?defi={food.pk}" in official
    assert registrations not in official
    assert reverse("open_data", kwargs={"territory": slug}) in official

    client.force_login(cast.organiser)
    assert registrations in client.get(url(cast)).content.decode()


def test_a_target_changed_in_the_admin_reaches_the_cached_page(
    client, cast, two_challenges, django_capture_on_commit_callbacks
):
    from tests.accompaniment.test_milestone_templates import _territory_form

    client.force_login(cast.superuser)
    assert "7 / 250" in client.get(url(cast)).content.decode()
    territory = cast.territory
    form = _territory_form(
        name=territory.name,
        slug=territory.slug,
        job_target="300",
        job_target_deadline=territory.job_target_deadline.isoformat(),
        launched_on=territory.launched_on.isoformat(),
        evening_on=territory.evening_on.isoformat(),
        accompaniment_ends_on=territory.accompaniment_ends_on.isoformat(),
    )
    for field in ("privacy_controller", "privacy_contact"):
        form[field] = ""

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:territoire_territory_change", args=[territory.pk]), form
        )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "7 / 300" in client.get(url(cast)).content.decode()

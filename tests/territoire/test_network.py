"""The network: its members read every territory's impact (never personal data) and see every
territory side by side on ``reseau/``; the home page and the territory page show the same in
brief. Figures are compared with a hand-counted fixture."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import JobKind, JobStatus
from projects.enums import ProjectStatus
from projects.models import Project
from projects.queries import projects_alive_by_territory
from territoire.demo import months_from
from territoire.impact.network import expected_jobs, months_between
from territoire.models import Territory, User
from tests.accompaniment.factories import JobRecordFactory
from tests.factories import TerritoryFactory, UserFactory
from tests.projects.factories import ProjectFactory


def _at(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def project_living(
    territory: Territory,
    born: datetime.date,
    *changes: tuple[datetime.date, str],
    status: str = ProjectStatus.ACTIVE,
) -> Project:
    """A project created on ``born`` with ``status``, then moved on each change's day (each
    status saved, simple_history dating its row with ``_history_date``)."""
    project = ProjectFactory(territory=territory, status=status)
    Project.objects.filter(pk=project.pk).update(created_at=_at(born))
    Project.history.filter(id=project.pk).update(history_date=_at(born))
    project.refresh_from_db()
    for day, new_status in changes:
        project.status = new_status
        project._history_date = _at(day)
        project.save()
    return project


def jobs(project: Project, verified: int = 0, kept: int = 0, returned: int = 0, declared: int = 0):
    for number, kind, status in (
        (verified, JobKind.CREATED, JobStatus.VERIFIED),
        (kept, JobKind.KEPT, JobStatus.VERIFIED),
        (returned, JobKind.CREATED, JobStatus.RETURNED),
        (declared, JobKind.CREATED, JobStatus.DECLARED),
    ):
        if number:
            JobRecordFactory(project=project, number=number, kind=kind, status=status)


@pytest.fixture
def network_member(db) -> User:
    return UserFactory(email="reseau@example.org", is_network_member=True)


@pytest.fixture
def two_territories(db) -> dict[str, Territory]:
    """Vallée A: evening 13 months ago (its first year passed), 6 projects; Plateau B: evening
    three months ago, one project. Hand-counted:

    A: jobs created and verified 3 + 1 + 2 = 6 (kept, returned and declared ones left out);
       accompanied now: P1, P4 = 2; alive now: P1, P3, P4, P6 = 4; alive one year after the
       evening: P1, P3 (graduated at month 10), P6 (paused) = 3 — P2 stopped at month 6, P4 was
       born after that year, P5 is a draft.
    B: 4 jobs verified; its first year has not passed.
    """
    today = timezone.localdate()
    evening = months_from(today, -13)
    a = TerritoryFactory(
        name="Vallée A",
        slug="vallee-a",
        job_target=60,
        launched_on=months_from(evening, -3),
        evening_on=evening,
        accompaniment_ends_on=months_from(evening, 24),
        job_target_deadline=months_from(evening, 33),
    )
    born = evening + datetime.timedelta(days=10)
    p1 = project_living(a, born)
    jobs(p1, verified=3, kept=2, returned=4, declared=5)
    p2 = project_living(a, born, (months_from(evening, 6), ProjectStatus.STOPPED))
    jobs(p2, verified=1)
    p3 = project_living(a, born, (months_from(evening, 10), ProjectStatus.GRADUATED))
    jobs(p3, verified=2)
    project_living(a, months_from(evening, 12) + datetime.timedelta(days=10))  # P4
    project_living(a, born, status=ProjectStatus.DRAFT)  # P5
    project_living(a, born, (months_from(evening, 3), ProjectStatus.PAUSED))  # P6
    b_evening = months_from(today, -3)
    b = TerritoryFactory(
        name="Plateau B",
        slug="plateau-b",
        job_target=40,
        launched_on=months_from(b_evening, -3),
        evening_on=b_evening,
        accompaniment_ends_on=months_from(b_evening, 18),
        job_target_deadline=months_from(b_evening, 33),
    )
    jobs(project_living(b, b_evening + datetime.timedelta(days=5)), verified=4)
    return {"a": a, "b": b}


# Rules


def test_network_member_reads_every_impact_but_no_personal_data(network_member, cast):
    for territory in (cast.territory, cast.other_territory):
        assert network_member.has_perm("territoire.view_impact", territory)
        assert network_member.has_perm("territoire.export_impact", territory)
        assert not network_member.has_perm("territoire.export_personal_data", territory)
        # The territory's own people ask for its impact report (and download its reports).
        assert not network_member.has_perm("territoire.request_impact_report", territory)
        assert not network_member.has_perm("territoire.view_reports", territory)
    assert network_member.has_perm("territoire.view_network")
    assert not network_member.has_perm("territoire.change_territory", cast.territory)


def test_only_network_members_and_superusers_see_the_network(cast, network_member):
    assert cast.superuser.has_perm("territoire.view_network")
    for person in (cast.organiser, cast.coach, cast.official, cast.stranger, cast.team_member):
        assert not person.has_perm("territoire.view_network")
    # Roles stay what they were: an official reads her territory's impact, not another's.
    assert cast.official.has_perm("territoire.view_impact", cast.territory)
    assert not cast.official.has_perm("territoire.view_impact", cast.other_territory)


def _impact_urls(territory: Territory) -> list[str]:
    return [
        reverse("impact", kwargs={"territory": territory.slug}),
        reverse("impact_export_xlsx", kwargs={"territory": territory.slug}),
        reverse("impact_export_csv", kwargs={"territory": territory.slug, "kind": "projets"}),
    ]


def test_network_member_opens_the_network_and_every_territorys_impact(client, cast, network_member):
    client.force_login(network_member)

    assert client.get(reverse("network")).status_code == 200
    for territory in (cast.territory, cast.other_territory):
        for url in _impact_urls(territory):
            response = client.get(url)
            assert response.status_code == 200, url
            if response.streaming:  # read to the end: the test client then closes the file
                b"".join(response.streaming_content)
        # Registrations and attendees carry personal data: organisers only.
        for kind in ("inscriptions", "presences"):
            personal = reverse(
                "impact_export_csv", kwargs={"territory": territory.slug, "kind": kind}
            )
            assert client.get(personal).status_code == 404, kind


@pytest.mark.parametrize("role", ["stranger", "organiser", "coach", "official", "team_member"])
def test_the_network_page_is_refused_to_everyone_else(client, cast, role):
    client.force_login(getattr(cast, role))

    assert client.get(reverse("network")).status_code == 403


def test_the_network_page_needs_a_sign_in(client, db):
    response = client.get(reverse("network"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_space_leads_network_members_and_superusers_to_the_network(
    client, cast, network_member
):
    for person, sees in ((network_member, True), (cast.superuser, True), (cast.organiser, False)):
        client.force_login(person)
        html = client.get(reverse("space")).content.decode()
        assert (f'href="{reverse("network")}"' in html) is sees, person
    client.force_login(network_member)
    assert "pas encore de rôle" not in client.get(reverse("space")).content.decode()


def test_superusers_make_someone_a_network_member_in_the_admin(client, cast):
    client.force_login(cast.superuser)

    html = client.get(reverse("admin:territoire_user_change", args=[cast.stranger.pk]))

    assert 'name="is_network_member"' in html.content.decode()
    assert "membre du réseau start-up de territoire" in html.content.decode().lower()


# Figures


def test_projects_alive_by_territory_reads_the_status_on_the_day(two_territories):
    a, b = two_territories["a"], two_territories["b"]
    one_year = months_from(a.evening_on, 12)

    alive = projects_alive_by_territory(
        {a.pk: one_year, b.pk: timezone.localdate() - datetime.timedelta(days=400)}
    )
    before_stop = projects_alive_by_territory({a.pk: months_from(a.evening_on, 5)})

    assert alive == {a.pk: 3}  # B had no project yet
    assert before_stop == {a.pk: 4}  # P1, P2, P3, P6: P2 not stopped yet


def test_network_page_figures_against_the_hand_count(
    client, two_territories, network_member, django_assert_max_num_queries
):
    client.force_login(network_member)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("network"))

    rows = {row["standing"].territory.slug: row["standing"] for row in response.context["rows"]}
    a, b = rows["vallee-a"], rows["plateau-b"]
    assert (a.progress.jobs_verified, b.progress.jobs_verified) == (6, 4)
    assert (a.progress.projects_accompanied, a.progress.projects_alive) == (2, 4)
    assert a.progress.projects_alive_one_year == 3
    assert b.progress.projects_alive_one_year is None
    assert a.on_track is False and b.on_track is True
    html = response.content.decode()
    assert "6 / 60" in html and "4 / 40" in html
    assert "10\u00a0% de l'objectif" in html.replace("&#x27;", "'")
    assert "Accompagnement, mois 14 sur 24" in html
    assert "En retard" in html and "Sur la trajectoire" in html
    assert "—" in html  # B's year has not passed


def test_expected_jobs_follow_the_straight_path_from_the_evening():
    territory = Territory(
        job_target=60,
        launched_on=datetime.date(2025, 10, 1),
        evening_on=datetime.date(2026, 1, 1),
        job_target_deadline=datetime.date(2026, 1, 1) + datetime.timedelta(days=1000),
    )

    assert expected_jobs(territory, datetime.date(2025, 12, 1)) is None
    assert expected_jobs(territory, datetime.date(2026, 1, 1) + datetime.timedelta(days=400)) == 24
    assert expected_jobs(territory, datetime.date(2031, 1, 1)) == 60
    assert months_between(datetime.date(2026, 1, 31), datetime.date(2026, 3, 1)) == 1


def test_network_page_queries_do_not_grow_with_territories(client, db, network_member):
    def queries_for(count: int) -> int:
        Territory.objects.all().delete()
        for index in range(count):
            territory = TerritoryFactory(
                launched_on=datetime.date(2024, 1, 1), evening_on=(datetime.date(2024, 3, 1))
            )
            jobs(ProjectFactory(territory=territory, slug=f"p-{index}"), verified=1)
        client.force_login(network_member)
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("network")).status_code == 200
        return len(context.captured_queries)

    assert queries_for(100) == queries_for(2)


def test_home_shows_the_network_in_brief(client, two_territories, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))

    html = response.content.decode()
    brief = html[html.index('id="network-brief-title"') :]
    assert "6 / 60</strong>" in brief and "4 projets en vie" in brief
    assert "4 / 40</strong>" in brief and "1 projet en vie" in brief
    assert two_territories["a"].get_absolute_url() in brief
    assert '<meter min="0" max="60" value="6"' in brief


def test_territory_page_shows_jobs_against_the_target_and_projects_alive(
    client, two_territories, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = client.get(two_territories["a"].get_absolute_url())

    html = response.content.decode().replace("&#x27;", "'")
    assert "6 / 60</strong> <span>emplois créés et vérifiés, sur l'objectif" in html
    assert '<meter min="0" max="60" value="6"' in html
    assert "10\u00a0% de l'objectif" in html
    assert "4</strong> <span>projets en vie" in html

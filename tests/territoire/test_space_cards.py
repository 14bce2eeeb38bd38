"""Each role's space says what to do next, as cards, in a number of queries that does not grow
with the number of events, tables or projects."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import JobStatus
from events.domain.plenary import renew_screen_link
from events.enums import EventStatus
from territoire.enums import Role
from tests.accompaniment.factories import (
    JobRecordFactory,
    MilestoneFactory,
    MilestoneTemplateFactory,
    NeedFactory,
    NeedMatchFactory,
    PlanFactory,
    ResourceOfferFactory,
)
from tests.events.factories import EventFactory, FormedProjectFactory, TableFactory
from tests.factories import MembershipFactory, TerritoryFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def space(client, user):
    client.force_login(user)
    return client.get(reverse("space"))


@pytest.mark.parametrize("item_count", (1, 3))
def test_facilitator_space_opens_each_table_console(
    client, cast, django_assert_num_queries, item_count
):
    tonight = EventFactory(territory=cast.territory, starts_at=in_days(-1 / 24))
    tables = [
        TableFactory(event=tonight, name=f"Table du soir {i}", facilitators=[cast.facilitator])
        for i in range(item_count)
    ]
    later = EventFactory(territory=cast.territory)
    tables.append(TableFactory(event=later, name="Table à venir", facilitators=[cast.facilitator]))
    past = EventFactory(
        territory=cast.territory, starts_at=in_days(-40), status=EventStatus.FINISHED
    )
    old = TableFactory(event=past, facilitators=[cast.facilitator])
    TableFactory(event=tonight, name="Table d'un autre")
    client.force_login(cast.facilitator)

    # session, user, memberships, roles, invitations, team projects, the facilitator's tables
    with django_assert_num_queries(7):
        response = client.get(reverse("space"))

    html = response.content.decode()
    for table in tables:
        assert reverse("console", args=[table.code]) in html
    assert reverse("console", args=[old.code]) not in html
    assert "Table d&#x27;un autre" not in html
    assert html.count("Ouvrir la console") == item_count + 1
    assert "Votre table ce soir : Table du soir 0" in html
    assert html.index("Table du soir 0") < html.index("Table à venir")


@pytest.mark.parametrize("item_count", (1, 3))
def test_organiser_space_shows_the_night_screens_and_the_to_dos(
    client, cast, django_assert_num_queries, item_count
):
    events = [
        EventFactory(territory=cast.territory, title=f"Soirée {i}", starts_at=in_days(i))
        for i in range(item_count)
    ]
    for event in events:
        FormedProjectFactory(table=TableFactory(event=event))
    ResourceOfferFactory.create_batch(
        item_count, territory=cast.territory, proposed_publicly=True, is_available=False
    )
    JobRecordFactory.create_batch(item_count, project=cast.project, status=JobStatus.DECLARED)
    PlanFactory(project=cast.project)
    EventFactory(territory=cast.other_territory, title="Soirée d'ailleurs")
    client.force_login(cast.organiser)

    # session, user, memberships, roles, invitations, team projects; evenings; to-dos: formed
    # projects, offers, jobs, indicator values, empty plans, default milestones
    with django_assert_num_queries(6 + 1 + 6):
        response = client.get(reverse("space"))

    html = response.content.decode()
    for event in events:
        for name in ("control_room", "checkin_desk", "plenary", "table_signs"):
            assert reverse(name, args=[event.slug]) in html
    assert "Soirée d&#x27;ailleurs" not in html
    todos = [(t.label, t.count) for t in response.context["territories"][0]["todos"]]
    plural = item_count > 1
    assert todos == [
        (
            "projets nés aux tables à publier" if plural else "projet né aux tables à publier",
            item_count,
        ),
        (
            "ressources proposées à examiner" if plural else "ressource proposée à examiner",
            item_count,
        ),
        (
            "emplois déclarés en attente de vérification"
            if plural
            else "emploi déclaré en attente de vérification",
            item_count,
        ),
        ("plan sans aucun jalon", 1),
        ("territoire sans jalons par défaut : chargez le modèle 18/24 mois", 1),
    ]
    assert reverse("project_review", args=[cast.territory.slug]) in html
    assert reverse("admin:territoire_territory_change", args=[cast.territory.pk]) in html


def test_organiser_with_nothing_waiting_is_told_so(client, cast):
    MilestoneTemplateFactory(territory=cast.territory)

    html = space(client, cast.organiser).content.decode()

    assert "Rien n'attend pour l'instant." in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_coach_space_lists_her_projects_and_the_jobs_to_verify(
    client, cast, django_assert_num_queries, item_count
):
    projects = [cast.project] + [
        ProjectFactory(territory=cast.territory, coach=cast.coach, name=f"Projet coaché {i}")
        for i in range(item_count - 1)
    ]
    for project in projects:
        JobRecordFactory(project=project, number=2, status=JobStatus.DECLARED)
        PlanFactory(project=project)
        MilestoneFactory(project=project, due_on=timezone.localdate() - datetime.timedelta(days=3))
    ProjectFactory(territory=cast.territory, name="Projet d'une autre")
    client.force_login(cast.coach)

    # session, user, memberships, roles, invitations, team projects; the coached projects
    with django_assert_num_queries(7):
        response = client.get(reverse("space"))

    html = response.content.decode()
    for project in projects:
        kwargs = {"territory": project.territory.slug, "slug": project.slug}
        assert reverse("job_list", kwargs=kwargs) in html
        assert reverse("project_space", kwargs=kwargs) in html
    assert f"{cast.project.name} : 2 emplois déclarés" in html
    assert "1 jalon en retard, 2 emplois à vérifier" in html
    assert "Projet d&#x27;une autre" not in html


def test_coach_without_projects_is_told_so(client, db):
    territory = TerritoryFactory()
    coach = MembershipFactory(territory=territory, role=Role.COACH).user

    html = space(client, coach).content.decode()

    assert "Aucun projet ne vous est encore confié." in html
    assert (
        "Aucun emploi ni aucune valeur d&#x27;indicateur n&#x27;attend votre vérification." in html
    )


@pytest.mark.parametrize("item_count", (1, 3))
def test_team_space_says_what_is_late_due_and_answered(
    client, cast, django_assert_num_queries, item_count
):
    projects = [cast.project] + [
        ProjectMemberFactory(
            project=ProjectFactory(territory=cast.territory), user=cast.team_member
        ).project
        for _ in range(item_count - 1)
    ]
    for project in projects:
        PlanFactory(project=project)
        MilestoneFactory(project=project, due_on=timezone.localdate() - datetime.timedelta(days=3))
        NeedMatchFactory(need=NeedFactory(project=project))
    client.force_login(cast.team_member)

    # session, user, memberships, roles, invitations, team projects; the projects' follow-up
    with django_assert_num_queries(7):
        response = client.get(reverse("space"))

    html = response.content.decode()
    assert html.count("Ouvrir l&#x27;espace du projet") == item_count
    for project in projects:
        kwargs = {"territory": project.territory.slug, "slug": project.slug}
        assert reverse("project_space", kwargs=kwargs) in html
        assert reverse("update_list", kwargs=kwargs) in html
        assert reverse("need_list", kwargs=kwargs) in html
    assert "1 jalon en retard" in html
    assert "Les nouvelles du mois sont à écrire" in html
    assert "1 ressource proposée pour vos besoins" in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_official_space_shows_jobs_against_the_target(
    client, cast, django_assert_num_queries, item_count
):
    cast.territory.job_target = 250
    cast.territory.save()
    for _ in range(item_count):
        JobRecordFactory(project=cast.project, number=2, status=JobStatus.VERIFIED)
    JobRecordFactory(project=cast.project, number=9, status=JobStatus.DECLARED)
    client.force_login(cast.official)

    # session, user, memberships, roles, invitations, team projects; the jobs, the projects
    with django_assert_num_queries(8):
        response = client.get(reverse("space"))

    html = response.content.decode()
    assert f"{2 * item_count} / 250</strong>" in html
    assert "9</strong> <span>emplois déclarés, en cours de vérification" in html
    assert "1</strong> <span>projet accompagné" in html
    assert reverse("portfolio", args=[cast.territory.slug]) in html


def test_kit_links_the_facilitator_console(client, cast):
    table = TableFactory(
        event=EventFactory(territory=cast.territory), facilitators=[cast.facilitator]
    )
    client.force_login(cast.facilitator)

    index = client.get(reverse("kit_index", args=[cast.territory.slug])).content.decode()
    detail = client.get(
        reverse("kit_detail", args=[cast.territory.slug, table.challenge.slug])
    ).content.decode()

    assert reverse("console", args=[table.code]) in index
    assert reverse("console", args=[table.code]) in detail


def test_table_poster_has_the_console_in_its_facilitator_corner(client, cast, settings):
    settings.SITE_URL = "https://territoire.example.org"
    table = TableFactory(event=EventFactory(territory=cast.territory))
    client.force_login(cast.organiser)

    html = client.get(reverse("table_signs", args=[table.event.slug])).content.decode()

    assert f"https://territoire.example.org{reverse('console', args=[table.code])}" in html


def test_organiser_without_an_evening_is_offered_to_create_one(client, cast):
    EventFactory(territory=cast.territory, starts_at=in_days(-90), status=EventStatus.FINISHED)

    html = space(client, cast.organiser).content.decode()

    assert "Pas de soirée à venir" in html
    assert reverse("admin:events_event_add") in html


def test_organiser_copies_the_plenary_screen_link_from_her_space(client, cast, settings):
    settings.SITE_URL = "https://territoire.example"
    with_link = EventFactory(territory=cast.territory, title="Soirée A", starts_at=in_days(2))
    without_link = EventFactory(territory=cast.territory, title="Soirée B", starts_at=in_days(3))
    token = renew_screen_link(event=with_link, by=cast.organiser)
    client.force_login(cast.organiser)

    html = client.get(reverse("space")).content.decode()

    screen_url = "https://territoire.example" + reverse("plenary_screen", kwargs={"token": token})
    assert f'href="{screen_url}"' in html
    assert "Lien d&#x27;écran du vidéoprojecteur (sans connexion)" in html
    create_here = reverse("control_room", args=[without_link.slug]) + "#screen-link"
    assert f'href="{create_here}"' in html


def test_organiser_is_led_to_set_up_an_evening_without_tables(client, cast):
    event = EventFactory(territory=cast.territory, title="Soirée à préparer", starts_at=in_days(9))
    client.force_login(cast.organiser)

    html = client.get(reverse("space")).content.decode()
    add_table = reverse("admin:events_table_add") + f"?event={event.pk}"
    form = client.get(add_table).content.decode()

    assert "Ajouter les tables de la soirée" in html
    assert f'href="{add_table}"' in html
    tables = reverse("admin:events_table_changelist") + f"?event__id__exact={event.pk}"
    assert f'href="{tables}"' in html
    assert f'<option value="{event.pk}" selected>' in form
    challenges = reverse("admin:challenges_challenge_changelist")
    assert f'href="{challenges}?territory__id__exact={cast.territory.pk}"' in html
    for url in (tables, f"{challenges}?territory__id__exact={cast.territory.pk}"):
        assert client.get(url).status_code == 200


def test_organiser_creates_the_evening_in_her_territory(client, cast):
    client.force_login(cast.organiser)

    html = client.get(reverse("space")).content.decode()
    add_event = reverse("admin:events_event_add") + f"?territory={cast.territory.pk}"
    form = client.get(add_event).content.decode()

    assert f'href="{add_event}"' in html
    assert f'<option value="{cast.territory.pk}" selected>' in form


def test_the_organisers_to_do_counts_jobs_like_the_official_card(client, cast):
    JobRecordFactory(project=cast.project, number=3, status=JobStatus.DECLARED)
    JobRecordFactory(project=cast.project, number=2, status=JobStatus.DECLARED)
    client.force_login(cast.organiser)

    response = client.get(reverse("space"))

    todos = {t.label: t.count for t in response.context["territories"][0]["todos"]}
    assert todos["emplois déclarés en attente de vérification"] == 5  # jobs, not 2 declarations

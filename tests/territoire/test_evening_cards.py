"""Anyone finds the evening: the home and territory pages show the next (or last) evening as a
card, the territory page shows its progress, a finished evening's page shows what was born."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import JobKind, JobStatus
from events.enums import EventStatus
from projects.enums import ProjectStatus
from tests.accompaniment.factories import JobRecordFactory
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    RegistrationFactory,
    TableFactory,
)
from tests.factories import TerritoryFactory
from tests.projects.factories import ProjectFactory


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def test_home_shows_the_next_evening_with_its_registration(client, db):
    territory = TerritoryFactory(name="Métropole lilloise")
    EventFactory(territory=territory, title="Soirée passée", starts_at=in_days(-300))
    event = EventFactory(territory=territory, title="Soirée du vélodrome", capacity=3)
    RegistrationFactory(event=event)
    EventFactory(territory=territory, title="Brouillon", status=EventStatus.DRAFT)

    html = client.get(reverse("home")).content.decode()

    assert '<p class="next-card__kicker">Métropole lilloise</p>' in html
    assert "Soirée du vélodrome" in html
    assert "Soirée passée" not in html
    assert "Brouillon" not in html
    assert "Je m&#x27;inscris à la soirée" in html
    assert reverse("event_register", args=[event.slug]) in html
    assert "Dernières places" in html


def test_territory_page_separates_the_evening_from_the_mobilisation(client, db):
    territory = TerritoryFactory()
    event = EventFactory(territory=territory)

    html = client.get(territory.get_absolute_url()).content.decode()

    assert reverse("event_register", args=[event.slug]) in html
    assert "Je m&#x27;inscris à la soirée" in html
    assert "Je rejoins la mobilisation" in html
    assert ">Je m&#x27;inscris<" not in html


def test_on_the_night_the_card_joins_a_table(client, db):
    territory = TerritoryFactory()
    event = EventFactory(territory=territory, starts_at=in_days(-1 / 24))

    html = client.get(territory.get_absolute_url()).content.decode()

    assert "Rejoindre ma table" in html
    assert f'href="{reverse("table_code_entry")}"' in html
    assert reverse("event_register", args=[event.slug]) not in html


def test_after_the_night_the_card_leads_to_what_was_born(client, db):
    territory = TerritoryFactory()
    event = EventFactory(territory=territory, starts_at=in_days(-30), status=EventStatus.FINISHED)

    html = client.get(reverse("home")).content.decode()

    assert "Les projets nés ce soir-là" in html
    assert event.get_absolute_url() in html
    assert reverse("event_register", args=[event.slug]) not in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_home_evenings_in_bounded_queries(client, db, django_assert_max_num_queries, item_count):
    for index in range(item_count):
        territory = TerritoryFactory()
        EventFactory(territory=territory, title=f"Soirée n°{index}")
        EventFactory(territory=territory, starts_at=in_days(-100 - index))

    # territories, domains, the evenings with their registrations counted; the network in
    # brief: verified jobs, projects born, projects accompanied and alive (and, once an evening
    # is a year old, the projects alive then)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("home"))

    assert len(response.context["evenings"]) == item_count


def test_territory_page_shows_projects_and_created_jobs_verified_against_the_target(client, db):
    territory = TerritoryFactory(job_target=250)
    event = EventFactory(territory=territory, starts_at=in_days(-60))
    table = TableFactory(event=event)
    for _index in range(2):
        ProjectFactory(territory=territory, formed_project=FormedProjectFactory(table=table))
    FormedProjectFactory(table=table)  # born, not published yet
    joined = ProjectFactory(territory=territory, status=ProjectStatus.ACTIVE)
    ProjectFactory(territory=territory, status=ProjectStatus.STOPPED)
    JobRecordFactory(project=joined, number=3, status=JobStatus.VERIFIED)
    JobRecordFactory(project=joined, number=5, status=JobStatus.VERIFIED, kind=JobKind.KEPT)
    JobRecordFactory(project=joined, number=7, status=JobStatus.DECLARED)

    response = client.get(territory.get_absolute_url())

    html = response.content.decode()
    assert "Où en est le territoire" in html
    assert "3</strong> <span>projets nés à la soirée" in html
    assert "3</strong> <span>projets accompagnés" in html
    # created and verified only: kept jobs and declared ones are not set against the target
    assert "3 / 250</strong> <span>emplois créés et vérifiés, sur l&#x27;objectif" in html


def test_progress_in_the_singular(client, db):
    territory = TerritoryFactory(job_target=10)
    event = EventFactory(territory=territory, starts_at=in_days(-60))
    project = ProjectFactory(
        territory=territory, formed_project=FormedProjectFactory(table=TableFactory(event=event))
    )
    JobRecordFactory(project=project, number=1, status=JobStatus.VERIFIED)

    html = client.get(territory.get_absolute_url()).content.decode()

    # (zero takes the singular in French once the catalogue holds these strings)
    assert "1</strong> <span>projet né à la soirée" in html
    assert "1 / 10</strong> <span>emploi créé et vérifié, sur l&#x27;objectif" in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_finished_evening_links_the_published_projects_born_there(
    client, db, django_assert_num_queries, item_count
):
    event = EventFactory(starts_at=in_days(-30), status=EventStatus.FINISHED)
    table = TableFactory(event=event)
    published = []
    for index in range(item_count):
        formed = FormedProjectFactory(table=table, name=f"Formé à table n°{index}")
        published.append(
            ProjectFactory(territory=event.territory, formed_project=formed, name=f"Né n°{index}")
        )
        FormedProjectFactory(table=table, name=f"Pas encore publié n°{index}")
    hidden = FormedProjectFactory(table=table, name="Gardé pour l'équipe")
    private = ProjectFactory(
        territory=event.territory, formed_project=hidden, name="Privé", is_public=False
    )

    # the event, its places left, its programme, the published projects' pages, the formed,
    # the published synthesis
    with django_assert_num_queries(6):
        response = client.get(event.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    for project in published:
        # the published project's name, as the closed table's page shows it
        assert f'<a href="{project.get_absolute_url()}">{project.name}</a>' in html
    assert "Formé à table n°0" not in html
    assert "Pas encore publié n°0" in html
    assert "Sa page publique n'est pas encore ouverte." in html
    # published, then kept private (or hidden by its team): not on the public page at all
    assert private.get_absolute_url() not in html
    assert "Privé" not in html and "Gardé pour l" not in html
    assert reverse("event_ics", args=[event.slug]) not in html
    assert reverse("event_register", args=[event.slug]) not in html
    assert "n'est pas encore publiée" in html
    assert reverse("territory_reports", args=[event.territory.slug]) not in html


def test_a_project_its_team_hides_leaves_the_evenings_page(client, db):
    event = EventFactory(starts_at=in_days(-30), status=EventStatus.FINISHED)
    formed = FormedProjectFactory(table=TableFactory(event=event), name="Numéribus")
    project = ProjectFactory(territory=event.territory, formed_project=formed, name="Numéribus")
    assert "Numéribus" in client.get(event.get_absolute_url()).content.decode()

    project.is_public = False
    project.save(update_fields=["is_public"])
    html = client.get(event.get_absolute_url()).content.decode()

    assert "Numéribus" not in html
    assert "Aucun projet n'a encore été enregistré pour cette soirée." in html


def test_finished_evening_links_the_reports_for_its_organisers(client, cast):
    event = EventFactory(
        territory=cast.territory, starts_at=in_days(-30), status=EventStatus.FINISHED
    )
    client.force_login(cast.organiser)

    html = client.get(event.get_absolute_url()).content.decode()

    assert reverse("territory_reports", args=[cast.territory.slug]) in html


def test_evening_page_on_the_night_offers_the_table(client, db):
    event = EventFactory(starts_at=in_days(-1 / 24))

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Rejoindre ma table" in html
    assert reverse("event_ics", args=[event.slug]) in html


def test_upcoming_evening_page_keeps_registration_and_calendar(client, db):
    event = EventFactory()

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Je m'inscris à la soirée" in html
    assert reverse("event_ics", args=[event.slug]) in html
    assert "Rejoindre ma table" not in html


@pytest.fixture
def noon_on_the_day(monkeypatch):
    """Noon (Paris) on the evening's day, whatever the hour the suite runs at."""
    noon = timezone.make_aware(datetime.datetime(2031, 3, 12, 12, 0))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    return noon


def test_on_the_day_before_the_doors_open_registration_comes_first(client, db, noon_on_the_day):
    territory = TerritoryFactory()
    event = EventFactory(
        territory=territory,
        starts_at=noon_on_the_day + datetime.timedelta(hours=6),
        ends_at=noon_on_the_day + datetime.timedelta(hours=11),
        status=EventStatus.REGISTRATION_OPEN,
    )

    card = client.get(territory.get_absolute_url()).content.decode()
    page = client.get(event.get_absolute_url()).content.decode()

    assert "C&#x27;est ce soir" in card
    register = reverse("event_register", args=[event.slug])
    assert card.index(register) < card.index(f'href="{reverse("table_code_entry")}"')
    assert "Plus de 50 places" in card
    assert page.index(register) < page.index(f'href="{reverse("table_code_entry")}"')


def test_once_the_doors_open_joining_a_table_comes_first(client, db, noon_on_the_day):
    territory = TerritoryFactory()
    event = EventFactory(
        territory=territory,
        starts_at=noon_on_the_day - datetime.timedelta(minutes=5),
        ends_at=noon_on_the_day + datetime.timedelta(hours=5),
        status=EventStatus.REGISTRATION_OPEN,
    )

    card = client.get(territory.get_absolute_url()).content.decode()
    page = client.get(event.get_absolute_url()).content.decode()

    register = reverse("event_register", args=[event.slug])
    assert register not in card
    assert page.index(f'href="{reverse("table_code_entry")}"') < page.index(register)

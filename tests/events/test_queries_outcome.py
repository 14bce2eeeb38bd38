"""The projects born at a table as the public sees them, the same on the evening's page and the
closed table's page: the published name and page once public, the table's name while never
published, nothing once published but private or hidden by its team."""

from django.urls import reverse

from events.enums import EventStatus, Phase
from events.queries_outcome import BornProject, born_projects_shown
from projects.enums import ProjectStatus
from tests.events.factories import EventFactory, FormedProjectFactory, TableFactory
from tests.projects.factories import ProjectFactory


def born_at(table):
    never = FormedProjectFactory(table=table, name="Jamais publié")
    public = FormedProjectFactory(table=table, name="Nom de table")
    hidden = FormedProjectFactory(table=table, name="Caché par l'équipe")
    stopped = FormedProjectFactory(table=table, name="Arrêté")
    territory = table.event.territory
    page = ProjectFactory(territory=territory, formed_project=public, name="Numéribus")
    ProjectFactory(territory=territory, formed_project=hidden, name="Privé", is_public=False)
    ProjectFactory(
        territory=territory, formed_project=stopped, name="Fini", status=ProjectStatus.STOPPED
    )
    return never, public, page


def test_each_formed_project_as_the_public_sees_it(db, django_assert_num_queries):
    table = TableFactory()
    never, public, page = born_at(table)
    formed = list(table.projects.order_by("pk"))

    with django_assert_num_queries(1):
        shown = born_projects_shown(formed)

    assert shown == [
        BornProject(never, "Jamais publié", ""),
        BornProject(public, "Numéribus", page.get_absolute_url()),
    ]


def test_nothing_to_show_costs_no_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert born_projects_shown([]) == []


def test_the_evening_and_the_closed_table_show_the_same(client, db):
    event = EventFactory(status=EventStatus.FINISHED)
    table = TableFactory(event=event, phase=Phase.CLOSED)
    _never, _public, page = born_at(table)

    evening = client.get(event.get_absolute_url()).content.decode()
    closed = client.get(reverse("table_join", kwargs={"code": table.code})).content.decode()

    for html in (evening, closed):
        assert f'<a href="{page.get_absolute_url()}">Numéribus</a>' in html
        assert "Jamais publié" in html
        for absent in ("Nom de table", "Caché par", "Privé", "Arrêté", "Fini"):
            assert absent not in html

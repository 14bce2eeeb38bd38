"""The formed projects in the admin: the team shown as the table formed it, never written there
(a submitted team changes nothing, and never ends in an error page); the page says where the
team is corrected."""

import html

import pytest
from django.urls import reverse

from events.models import TeamMember
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    SynthesisContributionFactory,
    TableFactory,
    TeamMemberFactory,
)


@pytest.fixture
def project(cast):
    project = FormedProjectFactory(table=TableFactory(event__territory=cast.territory))
    TeamMemberFactory(project=project, full_name="Awa", email="awa@example.org")
    TeamMemberFactory(project=project, full_name="Marc", email="marc@example.org", is_lead=True)
    return project


def team_rows(project):
    return list(project.team.order_by("pk").values_list("full_name", "email", "is_lead"))


def test_the_change_page_shows_the_team_read_only_and_where_to_correct_it(
    client, cast, project, django_assert_max_num_queries
):
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(25):
        response = client.get(reverse("admin:events_formedproject_change", args=[project.pk]))

    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "awa@example.org" in page and "marc@example.org" in page
    assert 'name="team-0-email"' not in page
    assert "depuis la console d'animation" in page
    assert "page « Équipe » de son espace projet" in page


def test_moving_the_lead_in_the_admin_changes_nothing_and_never_fails(client, cast, project):
    awa, marc = project.team.order_by("pk")
    client.force_login(cast.organiser)

    # What the editable inline used to accept, then crash on (two leads for a moment): 500.
    response = client.post(
        reverse("admin:events_formedproject_change", args=[project.pk]),
        {
            "name": project.name,
            "pitch": project.pitch,
            "team-TOTAL_FORMS": "2",
            "team-INITIAL_FORMS": "2",
            "team-0-id": awa.pk,
            "team-0-project": project.pk,
            "team-0-full_name": "Awa",
            "team-0-email": "awa@example.org",
            "team-0-is_lead": "on",
            "team-1-id": marc.pk,
            "team-1-project": project.pk,
            "team-1-full_name": "Marc",
            "team-1-email": "marc@example.org",
        },
    )

    assert response.status_code == 302
    assert team_rows(project) == [
        ("Awa", "awa@example.org", False),
        ("Marc", "marc@example.org", True),
    ]


def test_a_team_row_cannot_be_added_or_removed_in_the_admin(client, cast, project):
    awa, marc = project.team.order_by("pk")
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:events_formedproject_change", args=[project.pk]),
        {
            "name": project.name,
            "pitch": project.pitch,
            "team-TOTAL_FORMS": "3",
            "team-INITIAL_FORMS": "2",
            "team-0-id": awa.pk,
            "team-0-DELETE": "on",
            "team-1-id": marc.pk,
            "team-1-DELETE": "on",
            "team-2-project": project.pk,
            "team-2-full_name": "Zoé",
            "team-2-email": "zoe@example.org",
        },
    )

    assert response.status_code == 302
    assert TeamMember.objects.filter(project=project).count() == 2
    assert team_rows(project)[1] == ("Marc", "marc@example.org", True)


def test_the_admin_shows_a_formed_project_without_writing_it(client, cast, project):
    name, pitch = project.name, project.pitch
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:events_formedproject_change", args=[project.pk]),
        {
            "name": "Numéribus",
            "pitch": "Un bus qui va vers les seniors.",
            "team-TOTAL_FORMS": "2",
            "team-INITIAL_FORMS": "2",
        },
    )

    project.refresh_from_db()
    assert response.status_code == 302
    assert (project.name, project.pitch) == (name, pitch)


def test_the_tables_synthesis_is_read_in_the_admin_and_written_in_the_console(client, cast):
    table = TableFactory(event=EventFactory(territory=cast.territory))
    contribution = SynthesisContributionFactory(table=table, text="Mot d'origine")
    client.force_login(cast.organiser)
    url = reverse("admin:events_table_change", args=[table.pk])

    page = client.get(url).content.decode()

    assert "Mot d&#x27;origine" in page
    assert 'name="contributions-0-text"' not in page
    assert reverse("console_synthesis", args=[table.code]) in page
    contribution.refresh_from_db()
    assert contribution.text == "Mot d'origine"

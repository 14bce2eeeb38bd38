"""Publishing means public (page and showcase card at once, or said plainly why not), and the
table's team published one member per team entry (one per person) with a reachable lead."""

import uuid

import pytest
from django.urls import reverse

from events.domain.facilitation import form_project
from events.domain.participation import join_table
from projects.domain.publishing import publish_formed_project
from projects.enums import MemberRole, ProjectStatus
from projects.models import Project
from tests.events.factories import (
    FormedProjectFactory,
    ParticipantFactory,
    TableFactory,
    TeamMemberFactory,
)


@pytest.fixture
def table(cast):
    return TableFactory(event__territory=cast.territory, challenge__title="Seniors et numérique")


def _publish(formed, cast, **overrides):
    fields = {
        "formed_project": formed,
        "by": cast.organiser,
        "name": formed.name,
        "pitch": "Un bus qui va au-devant des seniors isolés.",
        "challenge": formed.table.challenge,
        "domain": None,
        "lead_organisation": None,
    }
    return publish_formed_project(**(fields | overrides))


def test_a_published_project_is_public_at_once(cast, table):
    project = _publish(FormedProjectFactory(table=table, name="Numéribus"), cast)

    assert (project.is_public, project.status) == (True, ProjectStatus.ACTIVE)


def test_two_people_who_share_a_name_stay_two_members(cast, table, mailoutbox):
    # Two seated participants called Marie, one reached by e-mail, the other by phone.
    marie_a = join_table(table=table, key=uuid.uuid4().hex, display_name="Marie")
    marie_b = join_table(table=table, key=uuid.uuid4().hex, display_name="Marie")
    formed = form_project(
        table=table,
        name="Numéribus",
        pitch="Un bus.",
        ideas=[],
        members=[
            {"participant": marie_a, "full_name": "Marie", "email": "marie.a@example.org"},
            {"participant": marie_b, "full_name": "Marie", "phone": "0612345678"},
        ],
        by=None,
    )
    assert formed.team.count() == 2

    project = _publish(formed, cast)

    members = list(project.members.order_by("pk"))
    assert [(m.full_name, m.email, m.phone, m.role) for m in members] == [
        ("Marie", "marie.a@example.org", "", MemberRole.LEAD),
        ("Marie", "", "0612345678", MemberRole.MEMBER),
    ]
    assert [m.from_team_member for m in members] == list(formed.team.order_by("pk"))
    assert project.history.get().history_user == cast.organiser
    assert {h.history_user for h in members[0].history.all()} == {cast.organiser}


def test_each_team_entry_is_copied_as_it_is(cast, table):
    formed = FormedProjectFactory(table=table, name="Numéribus")
    lea = ParticipantFactory(table=table, display_name="Léa")
    TeamMemberFactory(project=formed, full_name="Léa", email="Lea@Example.org", participant=lea)
    TeamMemberFactory(project=formed, full_name="Léa", email="", phone="0600000000")
    TeamMemberFactory(project=formed, full_name="Marc", email="")

    project = _publish(formed, cast)

    assert list(project.members.order_by("pk").values_list("full_name", "email", "phone")) == [
        ("Léa", "lea@example.org", ""),
        ("Léa", "", "0600000000"),
        ("Marc", "", ""),
    ]


def test_the_tables_lead_becomes_the_projects_lead(cast, table):
    formed = FormedProjectFactory(table=table, name="Numéribus")
    TeamMemberFactory(project=formed, full_name="Awa", email="awa@example.org")
    TeamMemberFactory(project=formed, full_name="Marc", email="", phone="06", is_lead=True)

    project = _publish(formed, cast)

    assert dict(project.members.values_list("full_name", "role")) == {
        "Awa": MemberRole.MEMBER,
        "Marc": MemberRole.LEAD,
    }


def _post(client, cast, formed, **extra):
    prefix = f"fp{formed.pk}"
    data = {
        f"{prefix}-name": formed.name,
        f"{prefix}-pitch": "Un bus.",
        f"{prefix}-status": ProjectStatus.ACTIVE,
    }
    data |= {f"{prefix}-{name}": value for name, value in extra.items()}
    return client.post(
        reverse("project_publish", args=[cast.territory.slug, formed.pk]), data, follow=True
    )


def test_publishing_from_the_review_shows_the_page_and_the_card(client, cast, table):
    formed = FormedProjectFactory(table=table, name="Numéribus")
    client.force_login(cast.organiser)

    response = _post(client, cast, formed)
    client.logout()
    project = Project.objects.get(formed_project=formed)
    page = client.get(project.get_absolute_url())
    showcase = client.get(reverse("project_showcase", args=[cast.territory.slug]))

    assert "sa page publique et sa carte dans la vitrine sont visibles" in (
        response.content.decode()
    )
    assert page.status_code == 200
    assert "Aperçu" not in page.content.decode()
    assert "Numéribus" in showcase.content.decode()


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({"keep_private": "on"}, "vous avez choisi de le garder privé"),
        ({"status": ProjectStatus.DRAFT}, "son statut « en préparation » n&#x27;est jamais montré"),
    ],
)
def test_a_project_kept_private_says_so_and_why(client, cast, table, extra, why):
    formed = FormedProjectFactory(table=table, name="Numéribus")
    client.force_login(cast.organiser)

    response = _post(client, cast, formed, **extra)
    client.logout()
    project = Project.objects.get(formed_project=formed)

    html = response.content.decode()
    assert "« Numéribus » est publié mais reste privé" in html
    assert why in html
    assert client.get(project.get_absolute_url()).status_code == 404
    showcase = client.get(reverse("project_showcase", args=[cast.territory.slug]))
    assert "Numéribus" not in showcase.content.decode()


def test_the_publish_form_says_publishing_is_public(client, cast, table):
    FormedProjectFactory(table=table, name="Numéribus")
    client.force_login(cast.organiser)

    html = client.get(reverse("project_review", args=[cast.territory.slug])).content.decode()

    assert "Garder le projet privé pour l&#x27;instant" in html
    assert "le rend public" in html

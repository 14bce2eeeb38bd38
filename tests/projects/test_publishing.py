"""Publishing the projects formed at the tables, and projects that join later."""

import pytest
from django.db import IntegrityError

from projects.domain.publishing import (
    ProjectRefused,
    create_project,
    publish_formed_project,
    set_project_status,
    unique_slug,
)
from projects.enums import MemberRole, ProjectStatus
from projects.models import Project, ProjectMember
from tests.events.factories import (
    FormedProjectFactory,
    IdeaFactory,
    ParticipantFactory,
    RegistrationFactory,
    TableFactory,
    TeamMemberFactory,
)
from tests.projects.factories import ProjectFactory


@pytest.fixture
def formed(cast):
    table = TableFactory(event__territory=cast.territory, name="Table 3")
    formed = FormedProjectFactory(table=table, name="Numéribus")
    formed.ideas.set([IdeaFactory(table=table, text="Un bus numérique"), IdeaFactory(table=table)])
    english = ParticipantFactory(
        table=table, registration=RegistrationFactory(event=table.event, language="en")
    )
    TeamMemberFactory(project=formed, full_name="Awa", email="Awa@Example.org", participant=english)
    TeamMemberFactory(project=formed, full_name="Bruno", email="bruno@example.org", phone="0601")
    TeamMemberFactory(project=formed, full_name="Sans e-mail", email="", phone="0602")
    return formed


def _publish(formed, cast, **overrides):
    fields = {
        "formed_project": formed,
        "by": cast.organiser,
        "name": "Numéribus",
        "pitch": "Un bus qui va au-devant des seniors isolés.",
        "description": "",
        "challenge": formed.table.challenge,
        "domain": formed.table.challenge.domain,
        "lead_organisation": None,
        "status": ProjectStatus.ACTIVE,
        "coach": cast.coach,
    }
    return publish_formed_project(**(fields | overrides))


def test_publish_makes_the_project_with_its_table_ideas_and_team(
    cast, formed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = _publish(formed, cast)

    assert project.territory == cast.territory
    assert project.slug == "numeribus"
    assert project.source_table == formed.table
    assert project.formed_project == formed
    assert set(project.ideas.all()) == set(formed.ideas.all())
    members = list(project.members.order_by("pk"))
    assert [(m.full_name, m.email, m.role) for m in members] == [
        ("Awa", "awa@example.org", MemberRole.LEAD),
        ("Bruno", "bruno@example.org", MemberRole.MEMBER),
        ("Sans e-mail", "", MemberRole.MEMBER),
    ]
    assert [m.from_team_member_id for m in members] == list(
        formed.team.order_by("pk").values_list("pk", flat=True)
    )
    assert members[1].phone == "0601"
    assert members[2].invitation_token is None  # nobody to write to
    assert sorted(mail.to[0] for mail in mailoutbox) == ["awa@example.org", "bruno@example.org"]
    awa_mail = next(m for m in mailoutbox if m.to == ["awa@example.org"])
    assert f"/projets/invitations/{members[0].invitation_token}/" in awa_mail.body
    assert "Numéribus" in awa_mail.subject
    assert "Join" in awa_mail.subject or "Rejoignez" in awa_mail.subject
    assert project.history.get().history_user == cast.organiser


def test_publishing_twice_returns_the_first_project(cast, formed, mailoutbox):
    first = _publish(formed, cast)

    again = _publish(formed, cast, name="Un autre nom")

    assert again.pk == first.pk
    assert Project.objects.count() == 2  # cast.project and this one
    assert ProjectMember.objects.filter(project=first).count() == 3


def test_publish_refuses_a_name_the_territory_already_has(cast, formed):
    # (ASCII case only: SQLite's LOWER() leaves accented capitals alone.)
    with pytest.raises(ProjectRefused, match="déjà le nom « BUS numérique »"):
        _publish(formed, cast, name="BUS numérique")

    assert not Project.objects.filter(formed_project=formed).exists()
    assert not ProjectMember.objects.filter(from_team_member__project=formed).exists()


def test_the_database_keeps_one_project_per_formed_project(cast, formed):
    _publish(formed, cast)

    with pytest.raises(IntegrityError):
        ProjectFactory(territory=cast.territory, formed_project=formed)


def test_slugs_are_unique_per_territory(cast):
    ProjectFactory(territory=cast.territory, name="Numéribus", slug="numeribus")
    ProjectFactory(territory=cast.other_territory, name="Numéribus 2", slug="numeribus-2")

    assert unique_slug(territory=cast.territory, name="Numéribus !") == "numeribus-2"
    assert unique_slug(territory=cast.other_territory, name="Numéribus") == "numeribus"


def test_create_project_joining_later_is_a_draft_without_a_table(cast):
    project = create_project(
        territory=cast.territory, by=cast.organiser, name=" La Ressourcerie ", pitch="Réparer."
    )

    assert (project.name, project.slug, project.status) == (
        "La Ressourcerie",
        "la-ressourcerie",
        ProjectStatus.DRAFT,
    )
    assert project.source_table is None
    assert project.members.count() == 0


def test_a_status_change_keeps_its_history(cast):
    project = cast.project
    revision = project.revision

    set_project_status(project=project, by=cast.coach, status=ProjectStatus.PAUSED)

    project.refresh_from_db()
    assert project.status == ProjectStatus.PAUSED
    assert project.revision == revision + 1
    latest = project.history.latest("history_date")
    assert (latest.status, latest.history_user) == (ProjectStatus.PAUSED, cast.coach)
    assert latest.prev_record.status == ProjectStatus.ACTIVE

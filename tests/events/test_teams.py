"""One team entry per person: the facilitator's ticks and rows, the phone's joins, the lead."""

import uuid

import pytest
from django.db import IntegrityError
from django.urls import reverse

from events.domain.facilitation import FacilitationRefused, form_project
from events.domain.participation import ParticipationRefused, join_table
from events.domain.teams import TeamRefused, build_team, join_team
from events.enums import Phase
from events.models import FormedProject, TeamMember
from territoire.enums import Role
from tests.conftest import member
from tests.events.factories import (
    FormedProjectFactory,
    ParticipantFactory,
    RegistrationFactory,
    TableFactory,
    TeamMemberFactory,
)


def seat(table, name="Léa", **fields):
    return join_table(table=table, key=uuid.uuid4().hex, display_name=name, **fields)


def rows(team):
    return [(m.full_name, m.email, m.phone, m.participant, m.is_lead) for m in team]


# build_team -------------------------------------------------------------------------------------


def test_a_ticked_participant_and_a_row_with_their_name_make_one_member(db):
    table = TableFactory()
    lea, marc = seat(table, "Léa"), seat(table, "Marc Dupuis")

    team = build_team(
        table=table,
        members=[
            {"participant": lea},
            {"participant": marc},
            {"full_name": "léa ", "email": "Lea@Example.org"},
            {"full_name": "Marc  Dupuis", "phone": "0612345678"},
        ],
    )

    assert rows(team) == [
        ("Léa", "lea@example.org", "", lea, True),
        ("Marc Dupuis", "", "0612345678", marc, False),
    ]


def test_a_checked_in_participant_is_known_by_their_registration_address(db):
    table = TableFactory()
    registration = RegistrationFactory(event=table.event, email="Awa@Example.org")
    awa = seat(table, "Awa D.", registration=registration)

    team = build_team(
        table=table,
        members=[
            {"full_name": "Awa Diallo", "email": "awa@example.org", "is_lead": True},
            {"participant": awa},
        ],
    )

    assert rows(team) == [("Awa Diallo", "awa@example.org", "", awa, True)]


def test_a_ticked_participant_gets_their_registration_address(db):
    table = TableFactory()
    awa = seat(table, "Awa", registration=RegistrationFactory(event=table.event, email="a@b.org"))

    team = build_team(table=table, members=[{"participant": awa}])

    assert rows(team) == [("Awa", "a@b.org", "", awa, True)]


def test_two_rows_with_the_same_address_make_one_member(db):
    table = TableFactory()

    team = build_team(
        table=table,
        members=[
            {"full_name": "Marc", "email": "marc@example.org"},
            {"full_name": "Marc D.", "email": "MARC@example.org", "phone": "06"},
        ],
    )

    assert rows(team) == [("Marc", "marc@example.org", "06", None, True)]


def test_two_people_with_different_addresses_stay_two(db):
    table = TableFactory()
    lea = seat(table, "Léa", registration=RegistrationFactory(event=table.event, email="l@a.org"))

    team = build_team(
        table=table,
        members=[{"participant": lea}, {"full_name": "Léa", "email": "autre@a.org"}],
    )

    assert len(team) == 2


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ([{"full_name": "Marc"}], "au moins une personne de l'équipe"),
        (
            [{"full_name": "Marc", "is_lead": True}, {"full_name": "Léa", "email": "l@a.org"}],
            "Marc porte le projet : notez son adresse e-mail ou son téléphone",
        ),
        (
            [
                {"full_name": "Marc", "phone": "06", "is_lead": True},
                {"full_name": "Léa", "email": "l@a.org", "is_lead": True},
            ],
            "Une seule personne porte le projet",
        ),
        ([{"full_name": "", "email": "l@a.org"}], "nom de chaque membre"),
    ],
)
def test_build_team_refusals(db, members, message):
    with pytest.raises(TeamRefused, match=message):
        build_team(table=TableFactory(), members=members)


def test_form_project_stores_one_member_per_person_and_the_lead(db):
    table = TableFactory()
    lea, marc = seat(table, "Léa"), seat(table, "Marc")

    project = form_project(
        table=table,
        name="Bus",
        pitch="Un bus.",
        ideas=[],
        members=[
            {"participant": lea},
            {"participant": marc},
            {"full_name": "Léa", "email": "lea@example.org"},
            {"full_name": "Marc", "email": "marc@example.org", "is_lead": True},
        ],
        by=None,
    )

    assert rows(project.team.order_by("pk")) == [
        ("Léa", "lea@example.org", "", lea, False),
        ("Marc", "marc@example.org", "", marc, True),
    ]


def test_form_project_refuses_a_lead_without_contact(db):
    table = TableFactory()

    with pytest.raises(FacilitationRefused, match="doit pouvoir être jointe"):
        form_project(
            table=table,
            name="Bus",
            pitch="Un bus.",
            ideas=[],
            members=[{"participant": seat(table)}],
            by=None,
        )

    assert FormedProject.objects.count() == 0


# The database -----------------------------------------------------------------------------------


def test_the_database_keeps_one_entry_per_address(db):
    project = FormedProjectFactory()
    TeamMemberFactory(project=project, email="marc@example.org")

    with pytest.raises(IntegrityError):
        TeamMemberFactory(project=project, email="Marc@Example.org")


def test_the_database_refuses_a_lead_without_contact(db):
    with pytest.raises(IntegrityError):
        TeamMemberFactory(email="", phone="", is_lead=True)


def test_the_database_keeps_one_lead(db):
    project = FormedProjectFactory()
    TeamMemberFactory(project=project, is_lead=True)

    with pytest.raises(IntegrityError):
        TeamMemberFactory(project=project, is_lead=True)


# Joining from the phone -------------------------------------------------------------------------


def test_joining_with_the_address_a_facilitator_typed_takes_that_entry(db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table)
    typed = TeamMemberFactory(
        project=project, full_name="Awa D.", email="awa@example.org", phone="06", is_lead=True
    )
    awa = ParticipantFactory(table=table, display_name="Awa")

    joined = join_team(participant=awa, project=project, email="AWA@example.org")

    assert joined.pk == typed.pk
    assert rows(project.team.all()) == [("Awa D.", "awa@example.org", "06", awa, True)]


def test_joining_twice_then_with_the_typed_address_folds_the_typed_row(db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table)
    awa = ParticipantFactory(table=table, display_name="Awa")
    own = join_team(participant=awa, project=project, phone="07")
    TeamMemberFactory(project=project, full_name="Awa", email="awa@example.org", is_lead=True)

    joined = join_team(participant=awa, project=project, email="awa@example.org")

    assert joined.pk == own.pk
    assert rows(project.team.all()) == [("Awa", "awa@example.org", "", awa, True)]


def test_joining_with_another_participants_address_is_refused(db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table)
    TeamMemberFactory(
        project=project, email="lea@example.org", participant=ParticipantFactory(table=table)
    )

    with pytest.raises(ParticipationRefused, match="autre personne de l'équipe"):
        join_team(
            participant=ParticipantFactory(table=table), project=project, email="lea@example.org"
        )

    assert TeamMember.objects.count() == 1


# The console ------------------------------------------------------------------------------------


@pytest.fixture
def facilitator(cast):
    return member(cast.territory, Role.FACILITATOR, email="anim-equipe@example.org")


@pytest.fixture
def table(cast, facilitator):
    return TableFactory(event__territory=cast.territory, code="EQP1", facilitators=[facilitator])


def project_post(**members):
    data = {"name": "Bus des seniors", "pitch": "Un bus qui va vers les seniors isolés."}
    for i in range(3):
        for field in ("full_name", "email", "phone", "organisation_name"):
            data[f"membre-{i}-{field}"] = ""
    return data | members


def test_console_ticking_and_typing_the_same_person_makes_one_member(client, table, facilitator):
    lea = seat(table, "Léa")
    client.force_login(facilitator)

    response = client.post(
        reverse("console_project", kwargs={"code": table.code}),
        project_post(
            participants=[lea.pk],
            **{"membre-0-full_name": "Léa", "membre-0-email": "lea@example.org"},
        ),
    )

    assert response.status_code == 303
    assert rows(TeamMember.objects.all()) == [("Léa", "lea@example.org", "", lea, True)]


def test_console_refuses_a_lead_without_contact_and_keeps_what_was_typed(
    client, table, facilitator
):
    client.force_login(facilitator)

    response = client.post(
        reverse("console_project", kwargs={"code": table.code}),
        project_post(
            **{
                "membre-0-full_name": "Marc Dupuis",
                "membre-0-is_lead": "on",
                "membre-1-full_name": "Léa",
                "membre-1-email": "lea@example.org",
            }
        ),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Marc Dupuis porte le projet : notez son adresse e-mail ou son téléphone" in html
    assert 'value="lea@example.org"' in html
    assert FormedProject.objects.count() == 0


def test_console_names_a_ticked_participant_lead_with_the_contact_typed_for_them(
    client, table, facilitator
):
    lea, marc = seat(table, "Léa"), seat(table, "Marc")
    client.force_login(facilitator)

    response = client.post(
        reverse("console_project", kwargs={"code": table.code}),
        project_post(
            participants=[lea.pk, marc.pk],
            lead=marc.pk,
            **{
                "membre-0-full_name": "Léa",
                "membre-0-email": "lea@example.org",
                "membre-1-full_name": "Marc",
                "membre-1-phone": "0612345678",
            },
        ),
    )

    assert response.status_code == 303
    assert rows(TeamMember.objects.order_by("pk")) == [
        ("Léa", "lea@example.org", "", lea, False),
        ("Marc", "", "0612345678", marc, True),
    ]


def test_console_refuses_a_lead_who_is_not_ticked(client, table, facilitator):
    lea, marc = seat(table, "Léa"), seat(table, "Marc")
    client.force_login(facilitator)

    response = client.post(
        reverse("console_project", kwargs={"code": table.code}),
        project_post(participants=[lea.pk], lead=marc.pk, **{"membre-0-email": ""}),
    )

    assert "Cochez aussi cette personne dans l&#x27;équipe." in response.content.decode()
    assert FormedProject.objects.count() == 0

"""The participant's writes, called directly: joining, ideas, dots, teams, the board's version."""

import datetime
import uuid

import pytest
from django.utils import timezone

from events.domain import one_statement
from events.domain.board import current_version
from events.domain.participation import (
    IDEAS_PER_WINDOW,
    ParticipationRefused,
    SeatLost,
    TooManyIdeas,
    cast_vote,
    join_table,
    new_participant_key,
    post_idea,
    withdraw_vote,
)
from events.domain.teams import join_team
from events.enums import Phase
from events.models import Idea, Participant, Table, TeamMember, Vote
from tests.events.factories import (
    FormedProjectFactory,
    IdeaFactory,
    ParticipantFactory,
    RegistrationFactory,
    TableFactory,
    VoteFactory,
)


def refreshed(table: Table) -> Table:
    table.refresh_from_db()
    return table


# Joining


def test_join_table_seats_a_participant_with_the_tables_dots(db):
    table = TableFactory(dots_per_participant=5)

    participant = join_table(table=table, key="k1", display_name=" Awa ", organisation_name=" ")

    assert (participant.display_name, participant.organisation_name) == ("Awa", "")
    assert participant.dots_left == 5
    assert refreshed(table).participant_count == 1


def test_join_table_again_with_the_same_key_renames_without_a_second_seat(db):
    table = TableFactory()
    join_table(table=table, key="k1", display_name="Awa")

    participant = join_table(table=table, key="k1", display_name="Awa D.", organisation_name="CCAS")

    assert list(Participant.objects.values_list("display_name", "organisation_name")) == [
        ("Awa D.", "CCAS")
    ]
    assert participant.pk == Participant.objects.get().pk
    assert refreshed(table).participant_count == 1


def test_join_table_takes_consent_from_the_registration_unless_told(db):
    table = TableFactory()
    registration = RegistrationFactory(event=table.event, consent_to_be_named=True)

    consenting = join_table(table=table, key="k1", display_name="A", registration=registration)
    withdrawn = join_table(
        table=table,
        key="k2",
        display_name="B",
        registration=registration,
        consent_to_be_named=False,
    )

    assert consenting.consent_to_be_named is True
    assert withdrawn.consent_to_be_named is False


def test_join_table_refuses_a_closed_table(db):
    table = TableFactory(phase=Phase.CLOSED)

    with pytest.raises(ParticipationRefused):
        join_table(table=table, key="k1", display_name="Awa")

    assert not Participant.objects.exists()


def test_participant_keys_are_random_and_long(db):
    keys = {new_participant_key() for _index in range(50)}

    assert len(keys) == 50
    assert all(len(key) >= 40 for key in keys)


# Ideas


def test_post_idea_is_idempotent_on_its_client_key(db):
    participant = ParticipantFactory()
    key = uuid.uuid4()

    first = post_idea(participant=participant, text=" Un bus ", client_key=key)
    retry = post_idea(participant=participant, text="Un bus", client_key=key)

    assert first == retry
    assert first.text == "Un bus"
    assert Idea.objects.count() == 1
    assert refreshed(participant.table).idea_count == 1


def test_post_idea_past_the_flood_limit_is_refused_and_a_retry_still_finds_its_idea(db):
    participant = ParticipantFactory()
    first_key = uuid.uuid4()
    post_idea(participant=participant, text="Idée 0", client_key=first_key)
    for index in range(1, IDEAS_PER_WINDOW):
        post_idea(participant=participant, text=f"Idée {index}", client_key=uuid.uuid4())

    with pytest.raises(TooManyIdeas):
        post_idea(participant=participant, text="Une de trop", client_key=uuid.uuid4())
    retry = post_idea(participant=participant, text="Idée 0", client_key=first_key)

    assert retry.text == "Idée 0"
    assert Idea.objects.filter(participant=participant).count() == IDEAS_PER_WINDOW
    assert refreshed(participant.table).idea_count == IDEAS_PER_WINDOW


def test_the_flood_window_reopens_a_minute_after_its_first_idea_and_retries_do_not_count(db):
    participant = ParticipantFactory()
    key = uuid.uuid4()
    post_idea(participant=participant, text="Idée 0", client_key=key)
    post_idea(participant=participant, text="Idée 0", client_key=key)  # a retry
    participant.refresh_from_db()
    assert participant.ideas_in_window == 1

    Participant.objects.filter(pk=participant.pk).update(
        ideas_in_window=IDEAS_PER_WINDOW,
        idea_window_started_at=timezone.now()
        - datetime.timedelta(seconds=one_statement.IDEA_WINDOW_SECONDS + 1),
    )
    post_idea(participant=participant, text="Une minute plus tard", client_key=uuid.uuid4())

    participant.refresh_from_db()
    assert participant.ideas_in_window == 1
    assert Idea.objects.filter(participant=participant).count() == 2


def test_post_idea_under_a_code_the_table_no_longer_has_is_refused(db):
    participant = ParticipantFactory()
    table = participant.table

    with pytest.raises(SeatLost):
        post_idea(participant=participant, text="Un bus", client_key=uuid.uuid4(), table_code="Z9")
    with pytest.raises(SeatLost):
        cast_vote(
            participant=participant,
            idea=IdeaFactory(table=table),
            client_key=uuid.uuid4(),
            table_code="Z9",
        )

    assert not Idea.objects.filter(participant=participant).exists()


def test_post_idea_bumps_the_boards_version(db, django_capture_on_commit_callbacks):
    participant = ParticipantFactory()
    before = current_version(participant.table_id)

    with django_capture_on_commit_callbacks(execute=True):
        post_idea(participant=participant, text="Un bus", client_key=uuid.uuid4())

    assert current_version(participant.table_id) == before + 1


@pytest.mark.parametrize("phase", (Phase.VOTE, Phase.FORMATION, Phase.CLOSED))
def test_post_idea_outside_the_ideas_phase_is_refused(db, phase):
    participant = ParticipantFactory(table=TableFactory(phase=phase))

    with pytest.raises(ParticipationRefused, match="La phase des idées est close"):
        post_idea(participant=participant, text="Trop tard", client_key=uuid.uuid4())

    assert not Idea.objects.exists()


def test_post_idea_refuses_an_empty_text(db):
    participant = ParticipantFactory()

    with pytest.raises(ParticipationRefused):
        post_idea(participant=participant, text="  \n ", client_key=uuid.uuid4())

    assert not Idea.objects.exists()


# Dots


def test_cast_vote_is_idempotent_on_its_client_key(db):
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)
    key = uuid.uuid4()

    first = cast_vote(participant=participant, idea=idea, client_key=key)
    retry = cast_vote(participant=participant, idea=idea, client_key=key)

    participant.refresh_from_db()
    idea.refresh_from_db()
    assert first == retry
    assert (participant.dots_left, idea.vote_count, refreshed(table).vote_count) == (2, 1, 1)


def test_cast_vote_never_spends_more_dots_than_the_table_gives(db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)
    for _index in range(3):
        cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())

    with pytest.raises(ParticipationRefused, match="toutes vos gommettes"):
        cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())

    participant.refresh_from_db()
    idea.refresh_from_db()
    assert (participant.dots_left, idea.vote_count) == (0, 3)
    assert Vote.objects.count() == 3


def test_cast_vote_holds_the_quota_with_a_stale_participant_object(db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=1)
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)
    stale = Participant.objects.get(pk=participant.pk)
    cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())

    with pytest.raises(ParticipationRefused):
        cast_vote(participant=stale, idea=idea, client_key=uuid.uuid4())

    assert Vote.objects.count() == 1


@pytest.mark.parametrize("phase", (Phase.IDEATION, Phase.FORMATION, Phase.CLOSED))
def test_cast_vote_outside_the_vote_phase_is_refused(db, phase):
    table = TableFactory(phase=phase)
    participant = ParticipantFactory(table=table)

    with pytest.raises(ParticipationRefused, match="Le vote n'est pas ouvert"):
        cast_vote(participant=participant, idea=IdeaFactory(table=table), client_key=uuid.uuid4())

    participant.refresh_from_db()
    assert participant.dots_left == 3


def test_cast_vote_on_another_tables_idea_is_refused(db):
    table = TableFactory(phase=Phase.VOTE)
    participant = ParticipantFactory(table=table)
    elsewhere = IdeaFactory(table=TableFactory(phase=Phase.VOTE))

    with pytest.raises(ParticipationRefused, match="pas sur votre table"):
        cast_vote(participant=participant, idea=elsewhere, client_key=uuid.uuid4())

    assert not Vote.objects.exists()


def test_cast_vote_on_a_merged_idea_is_refused(db):
    table = TableFactory(phase=Phase.VOTE)
    merged = IdeaFactory(table=table, merged_into=IdeaFactory(table=table))

    with pytest.raises(ParticipationRefused, match="regroupée"):
        cast_vote(participant=ParticipantFactory(table=table), idea=merged, client_key=uuid.uuid4())

    assert not Vote.objects.exists()


def test_withdraw_vote_gives_the_dot_back(db):
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)
    vote = cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())

    withdraw_vote(participant=participant, vote=vote)
    withdraw_vote(participant=participant, vote=vote)

    participant.refresh_from_db()
    idea.refresh_from_db()
    assert not Vote.objects.exists()
    assert (participant.dots_left, idea.vote_count, refreshed(table).vote_count) == (3, 0, 0)


def test_withdraw_vote_of_someone_else_is_refused(db):
    table = TableFactory(phase=Phase.VOTE)
    vote = VoteFactory(idea=IdeaFactory(table=table))

    with pytest.raises(ParticipationRefused):
        withdraw_vote(participant=ParticipantFactory(table=table), vote=vote)

    assert Vote.objects.count() == 1


# Teams


def test_join_team_records_the_participant_with_their_contact(db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table)
    participant = ParticipantFactory(table=table, display_name="Awa", organisation_name="CCAS")

    member = join_team(participant=participant, project=project, email=" awa@example.org ")

    assert (member.participant, member.full_name, member.organisation_name, member.email) == (
        participant,
        "Awa",
        "CCAS",
        "awa@example.org",
    )


def test_join_team_twice_keeps_one_member_with_the_latest_contact(db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table)
    participant = ParticipantFactory(table=table)
    join_team(participant=participant, project=project, email="awa@example.org")

    member = join_team(participant=participant, project=project, phone="0612345678")

    assert TeamMember.objects.count() == 1
    assert (member.email, member.phone) == ("", "0612345678")
    assert TeamMember.objects.get().phone == "0612345678"


@pytest.mark.parametrize(
    ("phase", "contact", "same_table"),
    (
        (Phase.FORMATION, {}, True),
        (Phase.VOTE, {"email": "awa@example.org"}, True),
        (Phase.FORMATION, {"email": "awa@example.org"}, False),
    ),
)
def test_join_team_refusals(db, phase, contact, same_table):
    table = TableFactory(phase=phase)
    project = FormedProjectFactory(table=table if same_table else TableFactory())
    participant = ParticipantFactory(table=table)

    with pytest.raises(ParticipationRefused):
        join_team(participant=participant, project=project, **contact)

    assert not TeamMember.objects.exists()


@pytest.mark.parametrize(
    ("model", "columns"),
    ((Idea, one_statement.IDEA_COLUMNS), (Vote, one_statement.VOTE_COLUMNS)),
)
def test_the_single_statement_writes_fill_every_required_column(model, columns):
    required = {
        field.column
        for field in model._meta.concrete_fields
        if not field.null and not field.primary_key
    }

    assert required <= set(columns), f"{model.__name__}: add {required - set(columns)}"

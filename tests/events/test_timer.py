"""When a phase's timer runs out the phase is over: ideas and dots are refused in both write
paths (the ORM here, one SQL statement on PostgreSQL), the phones say "Temps écoulé", and a
facilitator may extend the timer."""

import datetime
import html
import time
import uuid

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.domain import one_statement
from events.domain.facilitation import FacilitationRefused
from events.domain.participation import (
    ParticipationRefused,
    TimeIsUp,
    cast_vote,
    post_idea,
    withdraw_vote,
)
from events.domain.timer import extend_phase
from events.enums import Phase
from events.models import Idea, Participant, Table, Vote
from territoire.enums import Role
from tests.conftest import member, require_service
from tests.events.factories import EventFactory, IdeaFactory, ParticipantFactory, TableFactory

HTMX = {"HX-Request": "true"}


def past(minutes: int = 1) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=minutes)


def future(minutes: int = 10) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def text(response) -> str:
    return html.unescape(response.content.decode())


# The writes ------------------------------------------------------------------------------------


def test_an_idea_posted_after_the_timer_is_refused_and_nothing_is_written(db):
    table = TableFactory(phase=Phase.IDEATION, phase_ends_at=past())
    participant = ParticipantFactory(table=table)

    with pytest.raises(TimeIsUp) as refusal:
        post_idea(participant=participant, text="Trop tard ?", client_key=uuid.uuid4())

    table.refresh_from_db()
    assert "Le temps des idées est écoulé" in str(refusal.value)
    assert not Idea.objects.filter(table=table).exists()
    assert table.idea_count == 0


def test_an_idea_posted_before_the_timer_ends_is_kept(db):
    table = TableFactory(phase=Phase.IDEATION, phase_ends_at=future())
    participant = ParticipantFactory(table=table)

    idea = post_idea(participant=participant, text="À temps", client_key=uuid.uuid4())

    assert Idea.objects.get(table=table) == idea


def test_a_retry_after_the_timer_finds_the_idea_sent_in_time(db):
    table = TableFactory(phase=Phase.IDEATION, phase_ends_at=future())
    participant = ParticipantFactory(table=table)
    key = uuid.uuid4()
    first = post_idea(participant=participant, text="À temps", client_key=key)
    Table.objects.filter(pk=table.pk).update(phase_ends_at=past())

    again = post_idea(participant=participant, text="À temps", client_key=key)

    assert again == first
    assert Idea.objects.filter(table=table).count() == 1


def test_a_dot_cast_after_the_vote_timer_is_refused_and_the_dot_kept(db):
    table = TableFactory(phase=Phase.VOTE, phase_ends_at=past())
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)

    with pytest.raises(TimeIsUp) as refusal:
        cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())

    participant.refresh_from_db()
    idea.refresh_from_db()
    assert str(refusal.value) == "Le temps du vote est écoulé : les gommettes ne bougent plus."
    assert participant.dots_left == table.dots_per_participant
    assert idea.vote_count == 0
    assert not Vote.objects.exists()


def test_a_dot_cannot_be_taken_back_after_the_vote_timer(db):
    table = TableFactory(phase=Phase.VOTE, phase_ends_at=future())
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)
    vote = cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())
    Table.objects.filter(pk=table.pk).update(phase_ends_at=past())

    with pytest.raises(TimeIsUp):
        withdraw_vote(participant=participant, vote=vote)

    participant.refresh_from_db()
    assert Vote.objects.filter(pk=vote.pk).exists()
    assert participant.dots_left == table.dots_per_participant - 1


def test_a_dot_taken_back_while_the_timer_runs_is_returned(db):
    table = TableFactory(phase=Phase.VOTE, phase_ends_at=future())
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)
    vote = cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())

    withdraw_vote(participant=participant, vote=vote)

    participant.refresh_from_db()
    table.refresh_from_db()
    assert not Vote.objects.exists()
    assert participant.dots_left == table.dots_per_participant
    assert table.vote_count == 0


def test_taking_a_dot_back_outside_the_vote_is_refused(db):
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table)
    vote = cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())
    Table.objects.filter(pk=table.pk).update(phase=Phase.FORMATION)

    with pytest.raises(ParticipationRefused) as refusal:
        withdraw_vote(participant=participant, vote=vote)

    assert not isinstance(refusal.value, TimeIsUp)
    assert Vote.objects.filter(pk=vote.pk).exists()


# Extending the timer --------------------------------------------------------------------------


def test_extending_a_run_out_timer_opens_the_phase_again(db):
    table = TableFactory(phase=Phase.IDEATION, phase_started_at=past(10), phase_ends_at=past())
    participant = ParticipantFactory(table=table)
    version = table.version

    extend_phase(table=table, minutes=5, by=None)

    table.refresh_from_db()
    assert future(4) < table.phase_ends_at <= future(5)
    assert table.version == version + 1
    assert post_idea(participant=participant, text="Encore une", client_key=uuid.uuid4())


def test_extending_a_running_timer_adds_to_its_end(db):
    ends_at = future(3)
    table = TableFactory(phase=Phase.VOTE, phase_started_at=past(5), phase_ends_at=ends_at)

    extend_phase(table=table, minutes=5, by=None)

    table.refresh_from_db()
    assert table.phase_ends_at == ends_at + datetime.timedelta(minutes=5)


@pytest.mark.parametrize(
    ("phase", "ends_at", "minutes", "message"),
    [
        (Phase.IDEATION, None, 5, "Cette phase n'a pas de minuteur"),
        (Phase.CLOSED, "past", 5, "Cette table est terminée."),
        (Phase.VOTE, "past", 0, "Prolongez de 1 à 60 minutes."),
        (Phase.VOTE, "past", 61, "Prolongez de 1 à 60 minutes."),
    ],
)
def test_extending_is_refused_with_a_reason(db, phase, ends_at, minutes, message):
    table = TableFactory(phase=phase, phase_ends_at=past() if ends_at else None)

    with pytest.raises(FacilitationRefused) as refusal:
        extend_phase(table=table, minutes=minutes, by=None)

    assert message in str(refusal.value)


# The phone ------------------------------------------------------------------------------------


def join(client, table, name="Awa") -> Participant:
    response = client.post(
        reverse("table_join", kwargs={"code": table.code}), {"display_name": name}
    )
    assert response.status_code == 303
    return Participant.objects.get(table=table, display_name=name)


def test_the_phone_shows_the_end_while_the_timer_runs(client, db):
    ends_at = future()
    table = TableFactory(phase=Phase.IDEATION, phase_ends_at=ends_at)
    join(client, table)

    response = client.get(reverse("table_join", kwargs={"code": table.code}))

    page = text(response)
    assert "Jusqu'à" in page
    local = timezone.localtime(ends_at)
    assert f"Jusqu'à {local.hour} h {local:%M}" in page
    assert "Temps écoulé" not in page


def test_the_board_poll_turns_to_time_up_without_a_write_or_a_query(
    client, db, django_assert_num_queries, monkeypatch
):
    table = TableFactory(phase=Phase.IDEATION, phase_ends_at=future(10))
    join(client, table)
    board = reverse("table_board", kwargs={"code": table.code})
    first = client.get(board, headers=HTMX)
    later = time.time() + 11 * 60
    monkeypatch.setattr(time, "time", lambda: later)  # eleven minutes pass, nothing is written

    with django_assert_num_queries(0):
        after = client.get(board, headers={**HTMX, "If-None-Match": first["ETag"]})
        again = client.get(board, headers={**HTMX, "If-None-Match": after["ETag"]})

    assert first.status_code == 200
    assert "Jusqu'à" in text(first)
    assert after.status_code == 200
    assert "Temps écoulé" in text(after)
    assert "Jusqu'à" not in text(after)
    assert after["ETag"] != first["ETag"]
    assert again.status_code == 304


def test_an_idea_sent_after_the_timer_is_refused_with_what_was_typed_kept(client, db):
    table = TableFactory(phase=Phase.IDEATION, phase_ends_at=past())
    join(client, table)

    response = client.post(
        reverse("idea_post", kwargs={"code": table.code}),
        {"text": "Mon idée tardive", "client_key": str(uuid.uuid4())},
    )

    page = text(response)
    assert response.status_code == 409
    assert "Le temps des idées est écoulé" in page
    assert "Mon idée tardive" in page
    assert "Temps écoulé" in page
    assert not Idea.objects.exists()


def test_a_dot_sent_after_the_timer_is_refused_on_the_phone(client, db):
    table = TableFactory(phase=Phase.VOTE, phase_ends_at=past())
    idea = IdeaFactory(table=table)
    join(client, table)

    response = client.post(
        reverse("vote_cast", kwargs={"code": table.code, "idea_id": idea.pk}),
        {"client_key": str(uuid.uuid4())},
        headers=HTMX,
    )

    assert response.status_code == 200
    assert "Le temps du vote est écoulé" in text(response)
    assert not Vote.objects.exists()


# The console ----------------------------------------------------------------------------------


@pytest.fixture
def run_out_table(cast):
    facilitator = member(cast.territory, Role.FACILITATOR, email="anim-minuteur@example.org")
    table = TableFactory(
        event__territory=cast.territory,
        phase=Phase.VOTE,
        phase_started_at=past(10),
        phase_ends_at=past(),
        facilitators=[facilitator],
    )
    return table, facilitator


def test_the_console_says_time_is_up_and_offers_to_extend(client, run_out_table):
    table, facilitator = run_out_table
    client.force_login(facilitator)

    response = client.get(reverse("console", kwargs={"code": table.code}))

    page = text(response)
    assert "Temps écoulé" in page
    assert reverse("console_extend", kwargs={"code": table.code}) in page


def test_the_facilitator_extends_the_timer_from_the_console(client, run_out_table):
    table, facilitator = run_out_table
    client.force_login(facilitator)

    response = client.post(reverse("console_extend", kwargs={"code": table.code}), {"minutes": "5"})

    table.refresh_from_db()
    assert response.status_code == 303
    assert table.phase_ends_at > timezone.now()
    follow = client.get(response["Location"])
    assert "Phase prolongée jusqu'à" in text(follow)


@pytest.mark.parametrize("minutes", ("", "abc", "0", "500", "²", "99999999999999999999"))
def test_a_bad_extension_is_refused_with_a_message(client, run_out_table, minutes):
    table, facilitator = run_out_table
    client.force_login(facilitator)
    ends_at = table.phase_ends_at

    response = client.post(
        reverse("console_extend", kwargs={"code": table.code}), {"minutes": minutes}, follow=True
    )

    table.refresh_from_db()
    assert response.status_code == 200
    assert table.phase_ends_at == ends_at
    assert "minutes" in text(response)


def test_another_tables_facilitator_cannot_extend(client, cast, run_out_table):
    table, _facilitator = run_out_table
    client.force_login(cast.facilitator)

    response = client.post(reverse("console_extend", kwargs={"code": table.code}), {"minutes": "5"})

    table.refresh_from_db()
    assert response.status_code == 403
    assert table.phase_ends_at < timezone.now()


# PostgreSQL's one statement each -------------------------------------------------------------


@pytest.mark.services
def test_postgresql_statements_refuse_after_the_timer(db):
    if connection.vendor != "postgresql":
        require_service("the one-statement writes run on PostgreSQL: set DATABASE_URL")
    ideation = TableFactory(phase=Phase.IDEATION, phase_ends_at=past())
    writer = ParticipantFactory(table=ideation)
    vote_table = TableFactory(phase=Phase.VOTE, phase_ends_at=past())
    idea = IdeaFactory(table=vote_table)
    voter = ParticipantFactory(table=vote_table)

    refused_idea = one_statement.insert_idea(
        participant_id=writer.pk,
        table_id=ideation.pk,
        text="Trop tard",
        client_key=uuid.uuid4(),
        limit=20,
    )
    refused_vote = one_statement.insert_vote(
        participant_id=voter.pk, table_id=vote_table.pk, idea_id=idea.pk, client_key=uuid.uuid4()
    )
    Table.objects.filter(pk__in=[ideation.pk, vote_table.pk]).update(phase_ends_at=future())
    kept_idea = one_statement.insert_idea(
        participant_id=writer.pk,
        table_id=ideation.pk,
        text="À temps",
        client_key=uuid.uuid4(),
        limit=20,
    )
    kept_vote = one_statement.insert_vote(
        participant_id=voter.pk, table_id=vote_table.pk, idea_id=idea.pk, client_key=uuid.uuid4()
    )

    assert refused_idea is None
    assert refused_vote is None
    assert kept_idea is not None
    assert kept_vote is not None


@pytest.mark.services
def test_postgresql_vote_statement_refuses_a_hidden_idea(db):
    if connection.vendor != "postgresql":
        require_service("the one-statement writes run on PostgreSQL: set DATABASE_URL")
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table, hidden_at=timezone.now())
    voter = ParticipantFactory(table=table)

    refused = one_statement.insert_vote(
        participant_id=voter.pk, table_id=table.pk, idea_id=idea.pk, client_key=uuid.uuid4()
    )

    voter.refresh_from_db()
    assert refused is None
    assert voter.dots_left == table.dots_per_participant


# The control room ----------------------------------------------------------------------------


def test_the_control_room_extends_every_timed_table(
    client, cast, django_capture_on_commit_callbacks
):
    event = EventFactory(territory=cast.territory)
    run_out = TableFactory(event=event, phase=Phase.IDEATION, phase_ends_at=past())
    running_end = future(3)
    running = TableFactory(event=event, phase=Phase.VOTE, phase_ends_at=running_end)
    untimed = TableFactory(event=event, phase=Phase.IDEATION)
    closed = TableFactory(event=event, phase=Phase.CLOSED, phase_ends_at=past())
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("control_extend", kwargs={"slug": event.slug}), {"minutes": "5"}
        )

    for table in (run_out, running, untimed, closed):
        table.refresh_from_db()
    assert response.status_code == 303
    assert future(4) < run_out.phase_ends_at <= future(5)
    assert running.phase_ends_at == running_end + datetime.timedelta(minutes=5)
    assert untimed.phase_ends_at is None
    assert closed.phase_ends_at < timezone.now()
    assert (run_out.version, running.version, untimed.version) == (1, 1, 0)
    assert "2 tables prolongées de 5 minutes." in text(client.get(response["Location"]))


@pytest.mark.parametrize("minutes", ("", "0", "61", "²", "99999999999999999999"))
def test_the_control_room_refuses_a_bad_extension(client, cast, minutes):
    event = EventFactory(territory=cast.territory)
    table = TableFactory(event=event, phase=Phase.IDEATION, phase_ends_at=past())
    client.force_login(cast.organiser)

    response = client.post(
        reverse("control_extend", kwargs={"slug": event.slug}), {"minutes": minutes}, follow=True
    )

    table.refresh_from_db()
    assert response.status_code == 200
    assert table.phase_ends_at < timezone.now()
    assert "minutes" in text(response)


def test_a_facilitator_cannot_extend_the_whole_event(client, cast):
    event = EventFactory(territory=cast.territory)
    TableFactory(event=event, phase=Phase.IDEATION, phase_ends_at=past())
    client.force_login(cast.facilitator)

    response = client.post(reverse("control_extend", kwargs={"slug": event.slug}), {"minutes": "5"})

    assert response.status_code == 403

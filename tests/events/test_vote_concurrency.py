"""Votes under concurrency, on PostgreSQL: two requests racing for a participant's last dot make
one vote, never two (the conditional UPDATE and the check constraint hold it), and the same vote
sent twice at once is stored once (the unique key undoes the second statement). Ideas posted at
once by one phone stop exactly at the flood limit."""

import threading
import uuid

import pytest
from django.db import connection, connections

from events.domain.participation import (
    IDEAS_PER_WINDOW,
    ParticipationRefused,
    TooManyIdeas,
    cast_vote,
    post_idea,
)
from events.enums import Phase
from events.models import Idea, Participant, Table, Vote
from tests.conftest import require_service
from tests.events.factories import IdeaFactory, ParticipantFactory, TableFactory

pytestmark = pytest.mark.services


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_votes_for_the_last_dot_make_exactly_one_vote():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for a real concurrent vote")
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=2)
    ideas = IdeaFactory.create_batch(2, table=table)
    participant = ParticipantFactory(table=table, dots_left=1)
    barrier = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def vote(idea_pk: int) -> None:
        try:
            # Each thread has its own connection, loads its own copy, then both go at once.
            me = Participant.objects.get(pk=participant.pk)
            idea = Idea.objects.get(pk=idea_pk)
            barrier.wait()
            try:
                cast_vote(participant=me, idea=idea, client_key=uuid.uuid4())
                outcome = "voted"
            except ParticipationRefused:
                outcome = "refused"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=(idea.pk,)) for idea in ideas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    participant.refresh_from_db()
    assert sorted(outcomes) == ["refused", "voted"]
    assert Vote.objects.filter(participant=participant).count() == 1
    assert participant.dots_left == 0
    assert sum(Idea.objects.filter(table=table).values_list("vote_count", flat=True)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_vote_sent_twice_at_once_is_one_vote_and_one_dot():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for a real concurrent retry")
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table, dots_left=3)
    key = uuid.uuid4()
    barrier = threading.Barrier(2, timeout=10)
    votes: list[int] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            me = Participant.objects.get(pk=participant.pk)
            barrier.wait()
            vote = cast_vote(participant=me, idea=idea, client_key=key)
            with lock:
                votes.append(vote.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    participant.refresh_from_db()
    idea.refresh_from_db()
    assert len(votes) == 2 and votes[0] == votes[1]  # both answered with the same vote
    assert Vote.objects.filter(participant=participant).count() == 1
    assert (participant.dots_left, idea.vote_count) == (2, 1)


def _drop_connection_from_the_server() -> None:
    """Terminate this thread's database connection from another session, as a server restart
    or a network cut would."""
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_vote_and_an_idea_on_a_connection_the_server_dropped_reconnect_and_go_through():
    """The two writes skip Django's per-request health check: a dropped connection must not
    turn into a server error; they reconnect and run again (idempotent on their key)."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) to drop a real connection")
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table)
    participant = ParticipantFactory(table=table, dots_left=2)

    for _dot in range(2):
        _drop_connection_from_the_server()
        cast_vote(participant=participant, idea=idea, client_key=uuid.uuid4())
    Table.objects.filter(pk=table.pk).update(phase=Phase.IDEATION)
    _drop_connection_from_the_server()
    post_idea(participant=participant, text="Un bus numérique", client_key=uuid.uuid4())

    assert Vote.objects.filter(participant=participant).count() == 2
    assert Idea.objects.filter(table=table, text="Un bus numérique").count() == 1


@pytest.mark.django_db(transaction=True)
def test_thirty_ideas_posted_at_once_by_one_phone_store_exactly_the_limit():
    """The flood limit is a counter on the participant's row, checked by the UPDATE that bumps
    it: simultaneous posts queue on that row instead of each counting from its own snapshot."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for real concurrent posts")
    table = TableFactory(phase=Phase.IDEATION)
    participant = ParticipantFactory(table=table)
    barrier = threading.Barrier(30, timeout=20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def post(index: int) -> None:
        try:
            me = Participant.objects.get(pk=participant.pk)
            barrier.wait()
            try:
                post_idea(participant=me, text=f"Idée {index}", client_key=uuid.uuid4())
                outcome = "posted"
            except TooManyIdeas:
                outcome = "flood"
            except ParticipationRefused:
                outcome = "other refusal"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    participant.refresh_from_db()
    table.refresh_from_db()
    assert sorted(outcomes) == ["flood"] * 10 + ["posted"] * IDEAS_PER_WINDOW
    assert Idea.objects.filter(participant=participant).count() == IDEAS_PER_WINDOW
    assert (participant.ideas_in_window, table.idea_count) == (IDEAS_PER_WINDOW, IDEAS_PER_WINDOW)

"""The night, from a participant's phone: join a table, post ideas, spend dots.

Every submission carries a client key chosen by the browser: a retry after a dropped connection
finds the row it already made instead of making a second one.
"""

import datetime
import secrets
import uuid

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from events.domain import one_statement
from events.domain.board import (
    bump,
    forget_after_vote,
    forget_dots,
    forget_versions,
    timer_running,
)
from events.enums import Phase
from events.models import Idea, Participant, Registration, Table, Vote
from territoire.errors import Refused


class ParticipationRefused(Refused):
    """The table does not take this now (wrong phase, no dot left, other table…)."""


class IdeaNotOnTable(ParticipationRefused):
    """The idea voted for is not on the participant's table (or does not exist)."""


class SeatLost(ParticipationRefused):
    """The participant no longer sits at the table, or the table's code has changed."""


class TooManyIdeas(ParticipationRefused):
    """The participant posted IDEAS_PER_WINDOW ideas within the window: a flood."""


class TimeIsUp(ParticipationRefused):
    """The phase's timer has run out: the phase is over until a facilitator extends it."""


# The flood limit, checked by the idea's own write (no cache round trip on the night's path).
IDEAS_PER_WINDOW = 20


def new_participant_key() -> str:
    return secrets.token_urlsafe(32)


def join_table(
    *,
    table: Table,
    key: str,
    display_name: str,
    organisation_name: str = "",
    registration: Registration | None = None,
    consent_to_be_named: bool | None = None,
) -> Participant:
    """Seat the browser holding ``key`` at ``table``; joining again updates the name.

    Raises ParticipationRefused when the table is closed.
    Side effects: one Participant row (created or updated); the table's board bumped on arrival.
    """
    if table.phase == Phase.CLOSED:
        raise ParticipationRefused(_("Cette table est terminée."))
    if consent_to_be_named is None:
        consent_to_be_named = bool(registration and registration.consent_to_be_named)
    fields = {
        "display_name": display_name.strip(),
        "organisation_name": organisation_name.strip(),
        "consent_to_be_named": consent_to_be_named,
    }
    try:
        # A new browser's key is new: one INSERT, no read first.
        with transaction.atomic():
            participant = Participant.objects.create(
                table=table,
                key=key,
                registration=registration,
                dots_left=table.dots_per_participant,
                **fields,
            )
            bump(table.pk, participant_count=1)
    except IntegrityError:  # the key is already seated here (unique per table): a new name
        participant = Participant.objects.get(table=table, key=key)
        for name, value in fields.items():
            setattr(participant, name, value)
        participant.save(update_fields=list(fields))
    return participant


def post_idea(
    *,
    participant: Participant,
    text: str,
    client_key: uuid.UUID,
    table_code: str | None = None,
) -> Idea:
    """Add an idea to the participant's table, during the ideas phase.

    Only ``participant.pk`` and ``participant.table_id`` are read: a view may pass a
    ``Participant(pk=…, table_id=…)`` it knows from its cookie; the write checks that the
    participant sits at that table and, given ``table_code``, that the code is still the
    table's. Idempotent on ``client_key``: a retried request returns the idea already posted,
    whatever the phase is by then. Raises ParticipationRefused outside the ideas phase or for
    an empty text, TimeIsUp once the phase's timer has run out (``phase_ends_at`` past),
    SeatLost when the seat or the code no longer holds, TooManyIdeas past IDEAS_PER_WINDOW
    ideas in the window of ``one_statement.IDEA_WINDOW_SECONDS`` opened by the first of them.
    Side effects: one Idea row; the participant's flood counter; the table's board bumped. One
    statement on PostgreSQL (``one_statement.py``), else three in one transaction: the checks
    are made by the counter's UPDATE (the seat, the limit) and the bump (phase, timer, code).
    """
    text = text.strip()
    if not text:
        raise ParticipationRefused(_("Écrivez votre idée avant de l'envoyer."))
    try:
        if connection.vendor == "postgresql":
            idea = _one_statement(
                one_statement.insert_idea,
                participant_id=participant.pk,
                table_id=participant.table_id,
                text=text,
                client_key=client_key,
                limit=IDEAS_PER_WINDOW,
                table_code=table_code,
            )
            forget_versions([participant.table_id])
        else:
            with transaction.atomic():
                # Locks in a vote's order: the participant's row, then the table's.
                only_if = Q(phase=Phase.IDEATION) & timer_running() & Q(**_code_lookup(table_code))
                if not _count_idea(participant) or not bump(
                    participant.table_id, only_if=only_if, idea_count=1
                ):
                    raise _Refused
                idea = Idea.objects.create(
                    table_id=participant.table_id,
                    participant_id=participant.pk,
                    text=text,
                    client_key=client_key,
                )
    except (IntegrityError, _Refused) as failure:
        return _first_send_or_refusal(
            failure,
            Idea.objects.filter(table_id=participant.table_id, client_key=client_key),
            lambda: _seat_lost(participant, table_code) or _idea_refusal(participant),
        )
    return idea


def _window_over(now: datetime.datetime) -> Q:
    """The participant's flood window is over (or was never opened)."""
    since = now - datetime.timedelta(seconds=one_statement.IDEA_WINDOW_SECONDS)
    return Q(idea_window_started_at__isnull=True) | Q(idea_window_started_at__lte=since)


def _count_idea(participant: Participant) -> bool:
    """Count one more idea on the participant's own row, unless they already posted
    IDEAS_PER_WINDOW in the window; False when refused (the flood, or no longer seated here).

    One conditional UPDATE: the limit is in its WHERE, which PostgreSQL re-checks on the row
    a concurrent post has just changed, so simultaneous posts by one phone are counted exactly
    (the PostgreSQL statement does the same, ``one_statement.insert_idea``)."""
    now = timezone.now()
    window_over = _window_over(now)
    return bool(
        Participant.objects.filter(
            window_over | Q(ideas_in_window__lt=IDEAS_PER_WINDOW),
            pk=participant.pk,
            table_id=participant.table_id,
        ).update(
            ideas_in_window=Case(When(window_over, then=1), default=F("ideas_in_window") + 1),
            idea_window_started_at=Case(
                When(window_over, then=Value(now)), default=F("idea_window_started_at")
            ),
        )
    )


def _flooded(participant: Participant) -> bool:
    """The participant has posted IDEAS_PER_WINDOW ideas in the current window."""
    return (
        Participant.objects.filter(pk=participant.pk, ideas_in_window__gte=IDEAS_PER_WINDOW)
        .exclude(_window_over(timezone.now()))
        .exists()
    )


def _idea_refusal(participant: Participant) -> ParticipationRefused:
    """Why an idea was refused, once the seat is known to hold: a flood, the timer, the phase."""
    if _flooded(participant):
        return TooManyIdeas(_("Vous envoyez beaucoup d'idées d'un coup : patientez une minute."))
    if _time_is_up(participant.table_id, Phase.IDEATION):
        return TimeIsUp(
            _(
                "Le temps des idées est écoulé : votre idée n'a pas été envoyée. Gardez-la pour "
                "la discussion, ou demandez à l'animation de prolonger."
            )
        )
    return ParticipationRefused(_("La phase des idées est close à cette table."))


def _time_is_up(table_id: int, phase: str) -> bool:
    """The table is in ``phase`` and its timer has run out (read on a refusal's path only)."""
    return (
        Table.objects.filter(pk=table_id, phase=phase, phase_ends_at__isnull=False)
        .exclude(timer_running())
        .exists()
    )


def _seat_lost(participant: Participant, table_code: str | None) -> SeatLost | None:
    """After a refusal: SeatLost when the participant no longer sits at the table under
    ``table_code``, else None (the refusal has another reason)."""
    table = Table.objects.filter(pk=participant.table_id, **_code_lookup(table_code))
    seated = Participant.objects.filter(pk=participant.pk, table__in=table).exists()
    return None if seated else SeatLost(_("Rejoignez d'abord cette table pour y participer."))


def _code_lookup(table_code: str | None) -> dict:
    return {} if table_code is None else {"code": table_code}


class _Refused(Exception):
    """Raised inside a transaction to roll it back; the reason is looked up afterwards."""


def _first_send_or_refusal(failure: Exception, first_send, refusal):
    """After a write that did not go through: the row the first send of this client key made
    (a retry, even if the phase closed since), else the failure (a key clash we cannot
    explain) or the refusal, built only now since finding its reason may take queries."""
    if (row := first_send.first()) is not None:
        return row
    if isinstance(failure, IntegrityError):
        raise failure
    raise refusal() from None


def cast_vote(
    *,
    participant: Participant,
    idea: Idea,
    client_key: uuid.UUID,
    table_code: str | None = None,
) -> Vote:
    """Spend one of the participant's dots on an idea of their table.

    Only the ids are read (``participant.pk``, ``participant.table_id``, ``idea.pk``): every
    check is made by the writes themselves, in one statement on PostgreSQL
    (``one_statement.py``), else in one transaction. The dot is taken by a
    conditional UPDATE (``dots_left > 0``, the table in its vote phase) under a check
    constraint that forbids a negative count; the idea's count by one that requires the idea
    on this table and not merged. Idempotent on ``client_key``: a retried request returns the
    vote already cast. Raises ParticipationRefused outside the vote phase, with no dot left,
    once the vote's timer has run out, for an idea hidden by the facilitators, or for an idea
    of another table or one merged into another; SeatLost when the participant
    no longer sits at the table or, given ``table_code``, the table's code has changed.
    Side effects: one Vote row; the participant's dots, the idea's and table's counts, the board.
    """
    try:
        if connection.vendor == "postgresql":
            vote = _one_statement(
                one_statement.insert_vote,
                participant_id=participant.pk,
                table_id=participant.table_id,
                idea_id=idea.pk,
                client_key=client_key,
                table_code=table_code,
            )
            forget_after_vote(participant.table_id, participant.pk)
        else:
            vote = _cast_vote_through_the_orm(participant, idea, client_key, table_code)
    except (IntegrityError, _Refused) as failure:
        return _first_send_or_refusal(
            failure,
            Vote.objects.filter(participant_id=participant.pk, client_key=client_key),
            lambda: _seat_lost(participant, table_code) or _vote_refusal(participant, idea),
        )
    if participant.dots_left is not None:  # a loaded participant, not a handle
        participant.dots_left = max(participant.dots_left - 1, 0)
    return vote


def _one_statement(write, **arguments):
    """Run a write of ``one_statement.py``; raise _Refused when it wrote nothing. Inside a
    transaction already open (a test's, a caller's), in a savepoint, so that a refusal or a
    repeated key leaves that transaction usable."""
    if connection.in_atomic_block:
        with transaction.atomic():
            row = write(**arguments)
    else:
        row = write(**arguments)
    if row is None:
        raise _Refused
    return row


def _cast_vote_through_the_orm(
    participant: Participant, idea: Idea, client_key, table_code: str | None
) -> Vote:
    """cast_vote's writes elsewhere than on PostgreSQL, in one transaction."""
    with transaction.atomic():
        # The phase through EXISTS, not a join: with a join Django moves every condition
        # into a subquery, and PostgreSQL would no longer re-check ``dots_left > 0`` on the
        # row a concurrent vote just changed.
        voting = Table.objects.filter(
            timer_running(), pk=OuterRef("table_id"), phase=Phase.VOTE, **_code_lookup(table_code)
        )
        taken = Participant.objects.filter(
            Exists(voting), pk=participant.pk, table_id=participant.table_id, dots_left__gt=0
        ).update(dots_left=F("dots_left") - 1)
        counted = taken and Idea.objects.filter(
            pk=idea.pk,
            table_id=participant.table_id,
            merged_into__isnull=True,
            hidden_at__isnull=True,
        ).update(vote_count=F("vote_count") + 1)
        if not counted:
            raise _Refused
        vote = Vote.objects.create(
            participant_id=participant.pk, idea_id=idea.pk, client_key=client_key
        )
        bump(participant.table_id, vote_count=1)
        forget_dots(participant.pk)
    return vote


def _vote_refusal(participant: Participant, idea: Idea) -> ParticipationRefused:
    """Why a vote was refused: read after the fact, on the refusal's path only."""
    target = (
        Idea.objects.filter(pk=idea.pk)
        .values_list("table_id", "merged_into_id", "hidden_at")
        .first()
    )
    if target is None or target[0] != participant.table_id:
        return IdeaNotOnTable(_("Cette idée n'est pas sur votre table."))
    if target[2] is not None:
        return ParticipationRefused(_("Cette idée a été retirée du tableau par l'animation."))
    if target[1] is not None:
        reason = _("Cette idée a été regroupée avec une autre : votez pour celle-ci.")
        return ParticipationRefused(reason)
    phase = Table.objects.filter(pk=participant.table_id).values_list("phase", flat=True).first()
    if phase != Phase.VOTE:
        return ParticipationRefused(_("Le vote n'est pas ouvert à cette table."))
    if _time_is_up(participant.table_id, Phase.VOTE):
        return _vote_time_is_up()
    return ParticipationRefused(_("Vous avez utilisé toutes vos gommettes."))


def _vote_time_is_up() -> TimeIsUp:
    return TimeIsUp(_("Le temps du vote est écoulé : les gommettes ne bougent plus."))


def withdraw_vote(*, participant: Participant, vote: Vote) -> None:
    """Take a dot back during the vote phase, while its timer runs.

    The phase and the timer are checked by the table's bump, in the transaction that deletes
    the vote (its last write, as in a vote): a dot taken back as the timer ends is refused and
    the whole transaction undone.
    Raises ParticipationRefused outside the vote phase, TimeIsUp once its timer has run out.
    Side effects: the Vote row deleted; the dot returned; counts and board updated.
    """
    if vote.participant_id != participant.pk:
        raise ParticipationRefused(_("Cette gommette n'est pas la vôtre."))
    try:
        with transaction.atomic():
            deleted, _by_model = Vote.objects.filter(pk=vote.pk).delete()
            if not deleted:
                return
            # Rows locked in a vote's order (participant, idea, table): no deadlock with one.
            Participant.objects.filter(pk=participant.pk).update(dots_left=F("dots_left") + 1)
            Idea.objects.filter(pk=vote.idea_id).update(vote_count=F("vote_count") - 1)
            open_vote = Q(phase=Phase.VOTE) & timer_running()
            if not bump(participant.table_id, only_if=open_vote, vote_count=-1):
                raise _Refused
            forget_dots(participant.pk)
    except _Refused:
        if _time_is_up(participant.table_id, Phase.VOTE):
            raise _vote_time_is_up() from None
        raise ParticipationRefused(_("Le vote n'est pas ouvert à cette table.")) from None

"""The night, from a participant's phone: join a table, post ideas, spend dots.

Every submission carries a client key chosen by the browser: a retry after a dropped connection
finds the row it already made instead of making a second one.
"""

import secrets
import uuid

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from events.domain.board import bump
from events.enums import Phase
from events.models import Idea, Participant, Registration, Table, Vote


class ParticipationRefused(Exception):
    """The table does not take this now (wrong phase, no dot left, other table…)."""


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
    with transaction.atomic():
        participant, created = Participant.objects.get_or_create(
            table=table,
            key=key,
            defaults={
                "display_name": display_name.strip(),
                "organisation_name": organisation_name.strip(),
                "registration": registration,
                "dots_left": table.dots_per_participant,
                "consent_to_be_named": consent_to_be_named,
            },
        )
        if created:
            bump(table.pk, participant_count=1)
        else:
            participant.display_name = display_name.strip()
            participant.organisation_name = organisation_name.strip()
            participant.consent_to_be_named = consent_to_be_named
            participant.save(
                update_fields=["display_name", "organisation_name", "consent_to_be_named"]
            )
    return participant


def post_idea(*, participant: Participant, text: str, client_key: uuid.UUID) -> Idea:
    """Add an idea to the participant's table, during the ideas phase.

    Idempotent on ``client_key``: a retried request returns the idea already posted.
    Raises ParticipationRefused outside the ideas phase or for an empty text.
    Side effects: one Idea row; the table's board bumped.
    """
    text = text.strip()
    existing = Idea.objects.filter(table_id=participant.table_id, client_key=client_key).first()
    if existing is not None:
        return existing
    table = Table.objects.only("phase").get(pk=participant.table_id)
    if table.phase != Phase.IDEATION:
        raise ParticipationRefused(_("La phase des idées est close à cette table."))
    if not text:
        raise ParticipationRefused(_("Écrivez votre idée avant de l'envoyer."))
    try:
        with transaction.atomic():
            idea = Idea.objects.create(
                table_id=participant.table_id,
                participant=participant,
                text=text,
                client_key=client_key,
            )
            bump(participant.table_id, idea_count=1)
    except IntegrityError:
        # The same key raced in from a retry: the first one won.
        return Idea.objects.get(table_id=participant.table_id, client_key=client_key)
    return idea


def cast_vote(*, participant: Participant, idea: Idea, client_key: uuid.UUID) -> Vote:
    """Spend one of the participant's dots on an idea of their table.

    Idempotent on ``client_key``: a retried request returns the vote already cast.
    The quota holds under concurrency: the dot is taken by a conditional UPDATE
    (``dots_left > 0``) and a check constraint forbids a negative count.
    Raises ParticipationRefused outside the vote phase, with no dot left, or for an idea of
    another table or one merged into another.
    Side effects: one Vote row; the participant's dots, the idea's and table's counts, the board.
    """
    existing = Vote.objects.filter(participant=participant, client_key=client_key).first()
    if existing is not None:
        return existing
    if idea.table_id != participant.table_id:
        raise ParticipationRefused(_("Cette idée n'est pas sur votre table."))
    if idea.merged_into_id is not None:
        raise ParticipationRefused(
            _("Cette idée a été regroupée avec une autre : votez pour celle-ci.")
        )
    table = Table.objects.only("phase").get(pk=participant.table_id)
    if table.phase != Phase.VOTE:
        raise ParticipationRefused(_("Le vote n'est pas ouvert à cette table."))
    try:
        with transaction.atomic():
            taken = Participant.objects.filter(pk=participant.pk, dots_left__gt=0).update(
                dots_left=F("dots_left") - 1
            )
            if not taken:
                raise ParticipationRefused(_("Vous avez utilisé toutes vos gommettes."))
            vote = Vote.objects.create(participant=participant, idea=idea, client_key=client_key)
            Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
            bump(participant.table_id, vote_count=1)
    except IntegrityError:
        return Vote.objects.get(participant=participant, client_key=client_key)
    participant.dots_left = max(participant.dots_left - 1, 0)
    return vote


def withdraw_vote(*, participant: Participant, vote: Vote) -> None:
    """Take a dot back during the vote phase.

    Side effects: the Vote row deleted; the dot returned; counts and board updated.
    """
    if vote.participant_id != participant.pk:
        raise ParticipationRefused(_("Cette gommette n'est pas la vôtre."))
    table = Table.objects.only("phase").get(pk=participant.table_id)
    if table.phase != Phase.VOTE:
        raise ParticipationRefused(_("Le vote n'est pas ouvert à cette table."))
    with transaction.atomic():
        deleted, _by_model = Vote.objects.filter(pk=vote.pk).delete()
        if deleted:
            Participant.objects.filter(pk=participant.pk).update(dots_left=F("dots_left") + 1)
            Idea.objects.filter(pk=vote.idea_id).update(vote_count=F("vote_count") - 1)
            bump(participant.table_id, vote_count=-1)

"""Moderation on the night: a facilitator hides an offensive or off-topic idea, and may show it
again.

The rule for the dots already on it: hiding an idea deletes its votes and gives the dots back
to the people who placed them, in the same transaction, so that they can vote elsewhere and
no count (the idea's, the table's, the plenary's) keeps what nobody can see. Showing it again
does not bring those votes back. The ideas merged into a hidden idea are the same idea said
twice: they are hidden and shown again with it.
"""

from collections import Counter

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from events.domain.board import bump
from events.domain.facilitation import FacilitationRefused
from events.domain.impact import evening_changed
from events.models import Idea, Participant, Table, Vote
from territoire.audit import record
from territoire.models import User


def _group(table: Table, idea: Idea) -> Q:
    """The idea and the ideas merged into it, on this table."""
    return Q(table=table) & (Q(pk=idea.pk) | Q(merged_into_id=idea.pk))


def hide_idea(*, table: Table, idea: Idea, by: User | None) -> int:
    """Take ``idea`` (and the ideas merged into it) off the board, the votes and the synthesis.

    Idempotent: an idea already hidden stays as it was hidden (by whom, when). Returns the
    number of dots given back.
    Raises FacilitationRefused for an idea of another table.
    Side effects: ``hidden_at``/``hidden_by`` of the ideas; their Vote rows deleted, each dot
    returned to its voter (``dots_left``), the ideas' and the table's counters lowered, the
    table's ``idea_count`` too; board bumped; the voters' cached dots forgotten; the
    territory's impact figures moved.
    """
    if idea.table_id != table.pk:
        raise FacilitationRefused(_("Cette idée n'est pas sur cette table."))
    with transaction.atomic():
        group = Idea.objects.filter(_group(table, idea), hidden_at__isnull=True)
        # Locks taken in a vote's order (its voters, then the idea, then the table), so that a
        # vote cast at the same moment waits instead of deadlocking.
        voter_ids = Vote.objects.filter(idea__in=group).values("participant_id")
        list(
            Participant.objects.select_for_update()
            .filter(pk__in=voter_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        hidden = list(group.select_for_update().values_list("pk", flat=True))
        if not hidden:
            return 0
        now = timezone.now()
        Idea.objects.filter(pk__in=hidden).update(hidden_at=now, hidden_by=by, vote_count=0)
        voters = Counter(
            Vote.objects.filter(idea_id__in=hidden).values_list("participant_id", flat=True)
        )
        returned = sum(voters.values())
        if returned:
            # Each deleted vote forgets its voter's cached dots (events/signals.py).
            Vote.objects.filter(idea_id__in=hidden).delete()
            by_count: dict[int, list[int]] = {}
            for participant_id, count in voters.items():
                by_count.setdefault(count, []).append(participant_id)
            for count, participant_ids in by_count.items():
                Participant.objects.filter(pk__in=participant_ids).update(
                    dots_left=F("dots_left") + count
                )
        bump(table.pk, idea_count=-len(hidden), vote_count=-returned)
        record(by, "idea.hide", idea, ideas=len(hidden), dots_returned=returned)
        evening_changed(table)
    idea.hidden_at, idea.hidden_by = now, by
    return returned


def unhide_idea(*, table: Table, idea: Idea, by: User | None) -> Idea:
    """Put a hidden idea (and the ideas merged into it) back on the board, without its former
    votes (they were given back when it was hidden).

    Raises FacilitationRefused for an idea of another table.
    Side effects: ``hidden_at``/``hidden_by`` cleared; the table's ``idea_count`` raised; board
    bumped; the territory's impact figures moved.
    """
    if idea.table_id != table.pk:
        raise FacilitationRefused(_("Cette idée n'est pas sur cette table."))
    with transaction.atomic():
        shown = Idea.objects.filter(_group(table, idea), hidden_at__isnull=False).update(
            hidden_at=None, hidden_by=None
        )
        if shown:
            bump(table.pk, idea_count=shown)
            record(by, "idea.unhide", idea, ideas=shown)
            evening_changed(table)
    idea.hidden_at, idea.hidden_by = None, None
    return idea

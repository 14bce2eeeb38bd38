"""Reads of the participant's phone pages: the table behind a code, who holds a cookie, the board.

A thousand phones poll their board every few seconds: the lookups a poll needs before it can
answer 304 (the table behind the code, the participant behind the cookie) live in the cache, so
an unchanged board costs no SQL at all (docs/benchmarks.md).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import CharField, Count, Exists, OuterRef, Value

from events.enums import EventStatus, Phase, RegistrationStatus
from events.models import (
    FormedProject,
    Idea,
    Participant,
    Quote,
    Registration,
    SynthesisContribution,
    Table,
    TeamMember,
)

CODE_PATTERN = re.compile(r"[A-Z0-9]{1,8}")
TABLE_REF_TTL = 3600
# As long as the participant's cookie lives: the key never changes, the row is never re-keyed.
PARTICIPANT_REF_TTL = 12 * 3600


def normalise_code(text: str) -> str:
    """A table code as stored: what was typed, without spaces, in capitals."""
    return "".join(text.split()).upper()


def is_plausible_code(code: str) -> bool:
    return bool(CODE_PATTERN.fullmatch(code))


@dataclass(frozen=True)
class TableRef:
    table_id: int
    event_id: int | None  # None when taken from a participant's cookie
    code: str


def _table_ref_key(code: str) -> str:
    return f"events:table-code:{code}"


def table_ref(code: str) -> TableRef | None:
    """The table behind a normalised code, from the cache (else one indexed read, then cached)."""
    if not is_plausible_code(code):
        return None
    cached = cache.get(_table_ref_key(code))
    if cached is None:
        cached = Table.objects.filter(code=code).values_list("pk", "event_id").first()
        if cached is None:
            return None
        cache.set(_table_ref_key(code), tuple(cached), TABLE_REF_TTL)
    table_id, event_id = cached
    return TableRef(table_id, event_id, code)


def forget_table_code(code: str) -> None:
    """To call when a table's code changes or the table is deleted."""
    cache.delete(_table_ref_key(code))


def _participant_ref_key(code: str, key: str) -> str:
    # The key is the participant's secret: the cache only sees a digest of it.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"events:participant:{code}:{digest}"


def remember_participant(participant: Participant) -> None:
    """Cache who holds the participant's key at their table (call with ``participant.table``)."""
    cache.set(
        _participant_ref_key(participant.table.code, participant.key),
        (participant.pk, participant.table_id),
        PARTICIPANT_REF_TTL,
    )


def forget_participant(code: str, key: str) -> None:
    """To call when a participant is deleted."""
    cache.delete(_participant_ref_key(code, key))


def seat_for(code: str, key: str | None) -> tuple[TableRef | None, int | None]:
    """The table behind a normalised code and the id of the participant holding ``key`` there.

    Every poll and post starts here: both come from one cache round trip when cached (else
    one indexed read each, then cached). ``(None, None)`` for an unknown code; ``(ref, None)``
    without a key or for a key not seated at that table.
    """
    if not is_plausible_code(code):
        return None, None
    table_key = _table_ref_key(code)
    participant_key = _participant_ref_key(code, key) if key else None
    found = cache.get_many([table_key, participant_key] if participant_key else [table_key])
    cached_table = found.get(table_key)
    if cached_table is None:
        ref = table_ref(code)
        if ref is None:
            return None, None
    else:
        table_id, event_id = cached_table
        ref = TableRef(table_id, event_id, code)
    if not key:
        return ref, None
    seat = found.get(participant_key)
    if seat is None or seat[1] != ref.table_id:  # not cached, or cached for a former code
        participant_id = (
            Participant.objects.filter(table_id=ref.table_id, key=key)
            .values_list("pk", flat=True)
            .first()
        )
        if participant_id is None:
            return ref, None
        seat = (participant_id, ref.table_id)
        cache.set(participant_key, seat, PARTICIPANT_REF_TTL)
    return ref, seat[0]


def participant_for(table_id: int, key: str) -> Participant | None:
    """The participant holding ``key`` at the table, with the table, its event and challenge."""
    return (
        Participant.objects.select_related("table__event", "table__challenge")
        .filter(table_id=table_id, key=key)
        .first()
    )


def table_for_joining(table_id: int) -> Table | None:
    return Table.objects.select_related("event", "challenge").filter(pk=table_id).first()


def table_is_over(table: Table) -> bool:
    """Nothing more happens at this table: its phase is closed or the evening is finished."""
    return table.phase == Phase.CLOSED or table.event.status == EventStatus.FINISHED


def checked_in_registration(*, event_id: int, ticket_code: str) -> Registration | None:
    """The registration behind a ticket code, only once its holder came through the door."""
    if not ticket_code:
        return None
    return (
        Registration.objects.filter(
            event_id=event_id, ticket_code=ticket_code, checked_in_at__isnull=False
        )
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )


@dataclass
class BoardIdea:
    """An idea standing on the board, with the ideas merged into it (``merged_ideas``) and,
    once ``live_board`` rendered it, its HTML. The idea's fields the board shows read through."""

    idea: Idea
    merged_ideas: list[Idea] = field(default_factory=list)
    html: str = ""

    @property
    def pk(self) -> int:
        return self.idea.pk

    @property
    def text(self) -> str:
        return self.idea.text

    @property
    def participant_id(self) -> int | None:
        return self.idea.participant_id

    @property
    def vote_count(self) -> int:
        return self.idea.vote_count


@dataclass
class IdeaGroup:
    """Ideas under one theme; ``theme`` is None for the ideas no theme gathered."""

    theme: str | None
    ideas: list[BoardIdea] = field(default_factory=list)


def _root(idea: Idea, by_pk: dict[int, Idea]) -> Idea:
    """The idea a merged one ends up in, following chains of merges (A → B → C shows A under C)."""
    seen = set()
    while idea.merged_into_id is not None and idea.merged_into_id in by_pk and idea.pk not in seen:
        seen.add(idea.pk)
        idea = by_pk[idea.merged_into_id]
    return idea


def board_ideas(table: Table, *, by_votes: bool = False) -> list[IdeaGroup]:
    """The table's ideas as the board shows them (hidden ones left out), in one query.

    Merged ideas hang under the idea they were merged into (``merged_ideas``); ideas are
    grouped by theme when the facilitators made themes, the ideas without one last.
    """
    ideas = list(
        Idea.objects.filter(table=table, hidden_at__isnull=True)
        .select_related("theme")
        .only(
            "pk",
            "text",
            "participant_id",
            "merged_into_id",
            "vote_count",
            "created_at",
            "theme__name",
        )
        .order_by("created_at", "pk")
    )
    by_pk = {idea.pk: idea for idea in ideas}
    standing = {idea.pk: BoardIdea(idea) for idea in ideas}
    roots = []
    for idea in ideas:
        root = _root(idea, by_pk)
        if root is idea:
            roots.append(standing[idea.pk])
        else:
            standing[root.pk].merged_ideas.append(idea)
    if by_votes:
        roots.sort(key=lambda board_idea: -board_idea.vote_count)
    themed: dict[str, IdeaGroup] = {}
    loose = IdeaGroup(theme=None)
    for board_idea in roots:
        theme = board_idea.idea.theme
        if theme is None:
            loose.ideas.append(board_idea)
        else:
            themed.setdefault(theme.name, IdeaGroup(theme=theme.name)).ideas.append(board_idea)
    groups = [themed[name] for name in sorted(themed)]
    if loose.ideas or not groups:
        groups.append(loose)
    return groups


def table_projects(table: Table, participant: Participant, *, project_id: int | None = None):
    """The projects formed at the table, with their team size, whether the participant is in and
    whether she agreed that her name be public."""
    projects = (
        FormedProject.objects.filter(table=table)
        .annotate(
            team_size=Count("team"),
            is_member=Exists(
                TeamMember.objects.filter(project=OuterRef("pk"), participant=participant)
            ),
            name_is_public=Exists(
                TeamMember.objects.filter(
                    project=OuterRef("pk"), participant=participant, name_public=True
                )
            ),
        )
        .only("pk", "name", "pitch", "table_id", "created_at")
        .order_by("created_at", "pk")
    )
    if project_id is not None:
        projects = projects.filter(pk=project_id)
    return list(projects)


def naming_requests(participant: Participant) -> list[dict]:
    """What the facilitators asked this participant: may she be named with this quote or
    contribution? Pending requests first, then the ones she answered (she may change her mind).
    One query (a UNION); each row has ``kind`` ("contribution" or "citation"), ``pk``, ``text``,
    ``consent_to_be_named``, ``pending``."""
    fields = ("pk", "text", "consent_to_be_named", "naming_asked_at", "naming_answered_at")

    def asked(model, kind: str):
        return (
            model.objects.filter(participant=participant, naming_asked_at__isnull=False)
            .order_by()
            .annotate(kind=Value(kind, output_field=CharField()))
            .values(*fields, "kind")
        )

    rows = list(asked(SynthesisContribution, "contribution").union(asked(Quote, "citation")))
    for row in rows:
        row["pending"] = row["naming_answered_at"] is None
    rows.sort(key=lambda row: (not row["pending"], row["naming_asked_at"], row["pk"]))
    return rows


def awaiting_naming_answer(table_id: int) -> frozenset[int]:
    """The participants of the table a facilitator asked whether they may be named and who
    have not answered yet: the board's poll shows them the question (events/live_board.py).
    One query (a UNION)."""

    def pending(model):
        return (
            model.objects.filter(
                table_id=table_id,
                participant__isnull=False,
                naming_asked_at__isnull=False,
                naming_answered_at__isnull=True,
            )
            .order_by()
            .values_list("participant_id", flat=True)
        )

    return frozenset(pending(SynthesisContribution).union(pending(Quote)))

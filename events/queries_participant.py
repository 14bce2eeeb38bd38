"""Reads of the participant's phone pages: the table behind a code, the participant signed in
a cookie, the board.

A thousand phones poll their board every few seconds: who a phone is comes from its signed
cookie and the board's version from the cache, so an unchanged board costs no SQL at all
(docs/benchmarks.md). The table behind a code is cached for the pages that need it.
"""

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
    return TableRef(*cached, code)


def forget_table_code(code: str) -> None:
    """To call when a table's code changes or the table is deleted."""
    cache.delete(_table_ref_key(code))


def participant_for(seat: Participant, code: str) -> Participant | None:
    """The participant whose handle ``seat`` is (signed in a phone's cookie), if they still sit
    at that table and the table still has ``code``; with the table, its event and challenge."""
    return (
        Participant.objects.select_related("table__event", "table__challenge")
        .filter(pk=seat.pk, table_id=seat.table_id, table__code=code)
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
class IdeaGroup:
    """Ideas under one theme; ``theme`` is None for the ideas no theme gathered."""

    theme: str | None
    ideas: list[Idea] = field(default_factory=list)


def _root(idea: Idea, by_pk: dict[int, Idea]) -> Idea:
    """The idea a merged one ends up in, following chains of merges (A → B → C shows A under C)."""
    seen = set()
    while idea.merged_into_id is not None and idea.merged_into_id in by_pk and idea.pk not in seen:
        seen.add(idea.pk)
        idea = by_pk[idea.merged_into_id]
    return idea


def board_ideas(table: Table, *, by_votes: bool = False) -> list[IdeaGroup]:
    """The table's ideas as the board shows them (hidden ones left out), in one query.

    Merged ideas hang under the idea they were merged into (``idea.merged_ideas``); ideas are
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
    for idea in ideas:
        idea.merged_ideas = []
    roots = []
    for idea in ideas:
        root = _root(idea, by_pk)
        if root is idea:
            roots.append(idea)
        else:
            root.merged_ideas.append(idea)
    if by_votes:
        roots.sort(key=lambda idea: -idea.vote_count)
    themed: dict[str, IdeaGroup] = {}
    loose = IdeaGroup(theme=None)
    for idea in roots:
        if idea.theme is None:
            loose.ideas.append(idea)
        else:
            themed.setdefault(idea.theme.name, IdeaGroup(theme=idea.theme.name)).ideas.append(idea)
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

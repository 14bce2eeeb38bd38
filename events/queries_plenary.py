"""Reads of the plenary screen: the evening's figures, the phase and its timer, each table's top
ideas, the projects born, the spotlight; and the screen's secret link.

A fixed number of queries whatever the number of tables: the tables' counters (one), their top
ideas (one, a window function), the projects born (one); the spotlight comes with the event.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db.models import F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import HttpRequest
from django.urls import reverse

from events.domain.plenary import screen_token
from events.enums import Phase
from events.models import Event, FormedProject, Idea, Registration, Table
from events.queries_live import without_hidden

IDEAS_PER_TABLE = 3
TABLES_PER_PAGE = 3
PROJECTS_SHOWN = 8


class TotalVotes(TypedDict):
    # The idea's dots plus those of the duplicates folded into it.
    total_votes: int


if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations

    # An idea read by ``top_ideas``.
    VotedIdea = WithAnnotations[Idea, TotalVotes]


@dataclass
class TableStats:
    pk: int
    name: str
    code: str
    challenge_title: str
    phase: str
    phase_label: str
    phase_ends_at: datetime.datetime | None
    participant_count: int
    capacity: int
    idea_count: int
    vote_count: int
    project_count: int
    ideas: "list[VotedIdea]" = field(default_factory=list)
    # What the table's card shows, digested (``live_stamps.plenary_stamps``).
    stamp: str = ""


@dataclass
class EventStats:
    present: int
    participant_count: int
    idea_count: int
    vote_count: int
    project_count: int
    tables: list[TableStats] = field(default_factory=list)


@dataclass
class PhaseNow:
    """The phase most open tables are in, and when its timer ends (the latest of theirs)."""

    phase: str
    label: "StrOrPromise"  # the phase's label, translated when shown
    ends_at: datetime.datetime | None
    table_count: int
    open_count: int


@dataclass
class PlenaryScreen:
    stats: EventStats
    phase: PhaseNow | None
    # The tables in pages of a few, the screen showing one page at a time in rotation.
    pages: list[list[TableStats]]
    projects: list[FormedProject]
    spotlight_idea: Idea | None
    spotlight_project: FormedProject | None

    @property
    def has_spotlight(self) -> bool:
        return self.spotlight_idea is not None or self.spotlight_project is not None


_TABLE_FIELDS = (
    "pk",
    "name",
    "code",
    "challenge__title",
    "phase",
    "phase_ends_at",
    "participant_count",
    "capacity",
    "idea_count",
    "vote_count",
    "project_count",
)


def _table_stats(event: Event) -> list[TableStats]:
    rows = (
        Table.objects.filter(event=event)
        .order_by("challenge__order", "challenge__title", "name")
        .values(*_TABLE_FIELDS)
    )
    labels = dict(Phase.choices)
    return [
        TableStats(
            pk=row["pk"],
            name=row["name"],
            code=row["code"],
            challenge_title=row["challenge__title"],
            phase=row["phase"],
            phase_label=labels.get(row["phase"], row["phase"]),
            phase_ends_at=row["phase_ends_at"],
            participant_count=row["participant_count"],
            capacity=row["capacity"],
            idea_count=row["idea_count"],
            vote_count=row["vote_count"],
            project_count=row["project_count"],
        )
        for row in rows
    ]


def checked_in_count(event: Event) -> int:
    """People present: registrations checked in at the door (an indexed count)."""
    return Registration.objects.filter(event=event, checked_in_at__isnull=False).count()


def event_live_stats(event: Event) -> EventStats:
    """The plenary's figures, from the tables' counters: one query (two without the event's
    live fingerprint, which carries the people checked in)."""
    tables = _table_stats(event)
    present = getattr(event, "live_present", None)
    return EventStats(
        present=checked_in_count(event) if present is None else present,
        participant_count=sum(t.participant_count for t in tables),
        idea_count=sum(t.idea_count for t in tables),
        vote_count=sum(t.vote_count for t in tables),
        project_count=sum(t.project_count for t in tables),
        tables=tables,
    )


def phase_now(tables: list[TableStats]) -> PhaseNow | None:
    """The evening's phase as the screen announces it: the one most open tables are in."""
    if not tables:
        return None
    open_tables = [t for t in tables if t.phase != Phase.CLOSED]
    if not open_tables:
        return PhaseNow(Phase.CLOSED, Phase.CLOSED.label, None, len(tables), 0)
    counts = Counter(t.phase for t in open_tables)
    order = list(Phase.values)
    # The most tables; on a tie, the later phase (the evening moves forward).
    phase = max(counts, key=lambda p: (counts[p], order.index(p)))
    ends = [t.phase_ends_at for t in open_tables if t.phase == phase and t.phase_ends_at]
    return PhaseNow(
        phase=phase,
        label=Phase(phase).label,
        ends_at=max(ends) if ends else None,
        table_count=counts[phase],
        open_count=len(open_tables),
    )


def ideas_on_screen() -> QuerySet[Idea]:
    """The ideas the plenary may show: not hidden by a facilitator, not folded into another."""
    return without_hidden(Idea.objects.filter(merged_into__isnull=True))


def top_ideas(event: Event, per_table: int = IDEAS_PER_TABLE) -> "dict[int, list[VotedIdea]]":
    """Each table's best visible ideas (their dots plus their duplicates'), newest first among
    equals, ``per_table`` at most. One query (a window function)."""
    merged_dots = (
        Idea.objects.filter(merged_into=OuterRef("pk"), hidden_at__isnull=True)
        .order_by()
        .values("merged_into")
        .annotate(dots=Sum("vote_count"))
        .values("dots")
    )
    ideas = (
        ideas_on_screen()
        .filter(table__event=event)
        .annotate(
            total_votes=F("vote_count")
            + Coalesce(Subquery(merged_dots, output_field=IntegerField()), Value(0))
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("table_id"),
                order_by=[F("total_votes").desc(), F("created_at").desc(), F("pk").desc()],
            )
        )
        .filter(rank__lte=per_table)
        .only("pk", "table_id", "text", "vote_count", "created_at")
        .order_by("table_id", "rank")
    )
    by_table: dict[int, list[VotedIdea]] = {}
    for idea in ideas:
        by_table.setdefault(idea.table_id, []).append(idea)
    return by_table


def projects_born(event: Event, limit: int | None = PROJECTS_SHOWN) -> list[FormedProject]:
    """The latest projects born at the event's tables, newest first (one query)."""
    return list(
        FormedProject.objects.filter(table__event=event)
        .select_related("table")
        .only("pk", "name", "created_at", "table__name", "table__code")
        .order_by("-created_at", "-pk")[:limit]
    )


def _visible_spotlight_idea(event: Event) -> Idea | None:
    idea = event.spotlight_idea if event.spotlight_idea_id else None
    if idea is None or idea.hidden_at is not None or idea.merged_into_id is not None:
        return None
    return idea


def with_spotlight(events):
    """Events with what their plenary spotlights, in the same query."""
    return events.select_related("spotlight_idea__table", "spotlight_project__table")


def plenary_screen(event: Event) -> PlenaryScreen:
    """Everything the plenary shows (``event`` from ``with_spotlight``): three queries, or two
    while something is spotlighted (the ideas and projects of the overview are not read)."""
    stats = event_live_stats(event)
    idea = _visible_spotlight_idea(event)
    project = event.spotlight_project if event.spotlight_project_id else None
    spotlighted = idea is not None or project is not None
    if not spotlighted:
        ideas = top_ideas(event)
        for table in stats.tables:
            table.ideas = ideas.get(table.pk, [])
    return PlenaryScreen(
        stats=stats,
        phase=phase_now(stats.tables),
        pages=[
            stats.tables[start : start + TABLES_PER_PAGE]
            for start in range(0, len(stats.tables), TABLES_PER_PAGE)
        ],
        projects=[] if spotlighted else projects_born(event),
        spotlight_idea=idea,
        spotlight_project=project,
    )


# The control room's spotlight section ------------------------------------------------------------

# How many ideas of each table the control room offers to spotlight, best first.
IDEAS_OFFERED = 3


def spotlight_context(event: Event, tables: list[Table]) -> dict:
    """The control room's spotlight section (``event`` from ``with_spotlight``): each table's
    best visible ideas and its projects, in two queries whatever their number."""
    ideas = top_ideas(event, per_table=IDEAS_OFFERED)
    projects: dict[int, list[FormedProject]] = {}
    for project in reversed(projects_born(event, limit=None)):
        projects.setdefault(project.table_id, []).append(project)
    idea = event.spotlight_idea if event.spotlight_idea_id else None
    return {
        "spotlight_choices": [
            (table, ideas.get(table.pk, []), projects.get(table.pk, [])) for table in tables
        ],
        "spotlit_idea": idea,
        "spotlit_idea_hidden": idea is not None and idea.hidden_at is not None,
        "spotlit_project": event.spotlight_project if event.spotlight_project_id else None,
    }


# The screen's addresses -------------------------------------------------------------------------


def join_url() -> str:
    """Where a phone joins a table by its code: the site's short address (absolute)."""
    return settings.SITE_URL + reverse("table_code_entry")


def plenary_screen_url(event: Event, request: HttpRequest | None = None) -> str:
    """The absolute address of the event's secret screen link, "" when it has none.

    For the organisers' pages (control room, admin, their space) to show and copy; the address
    is built on the request's host when given, else on SITE_URL.
    """
    token = screen_token(event)
    if not token:
        return ""
    path = reverse("plenary_screen", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else settings.SITE_URL + path

"""Reads of the live pages: the table console, the plenary screen, the control room.

Counts come from the denormalised counters on Table (kept by the writes), never from COUNTs over
ideas and votes: these pages are polled every few seconds (docs/benchmarks.md).
"""

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Lower

from events.enums import Phase
from events.models import (
    Event,
    FormedProject,
    Idea,
    Participant,
    Quote,
    Registration,
    SynthesisContribution,
    Table,
    TeamMember,
    Theme,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # An event read with ``with_live_fingerprint``.
    LiveEvent = WithAnnotations[Event, "LiveFingerprint"]

SILENCE = datetime.timedelta(minutes=15)


class LiveFingerprint(TypedDict):
    live_versions: int
    live_tables: int
    live_present: int


class HiddenIdeaCount(TypedDict):
    hidden_idea_count: int


# The console ------------------------------------------------------------------------------------


@dataclass
class ConsoleIdea:
    """A visible idea as the console lists it: ``number``, its rank of arrival among the table's
    visible ideas; ``merged_ideas``, the duplicates folded into it (each numbered too);
    ``total_votes``, its own dots plus theirs. The idea's fields the pages show read through."""

    idea: Idea
    number: int
    total_votes: int
    merged_ideas: list["ConsoleIdea"] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.idea.pk

    @property
    def text(self) -> str:
        return self.idea.text

    @property
    def participant(self) -> Participant | None:
        return self.idea.participant

    @property
    def theme(self) -> Theme | None:
        return self.idea.theme

    @property
    def vote_count(self) -> int:
        return self.idea.vote_count

    @property
    def merged_into_id(self) -> int | None:
        return self.idea.merged_into_id


@dataclass
class ConsoleState:
    participants: list[Participant]
    # Ideas standing on their own, best voted first, with the duplicates folded into them.
    ideas: list[ConsoleIdea]
    idea_count: int
    themes: list[Theme]
    projects: list[FormedProject]
    contribution_count: int
    quote_count: int
    # Ideas the facilitators hid, in their order of arrival (not numbered, not votable).
    hidden_ideas: list[Idea] = field(default_factory=list)

    @property
    def vote_count(self) -> int:
        return sum(idea.total_votes for idea in self.ideas)


def without_hidden(ideas: QuerySet[Idea]) -> QuerySet[Idea]:
    """``ideas`` without those the facilitators hid: what the board, the plenary, the votes and
    the synthesis may show (duplicates merged into a visible idea included)."""
    return ideas.filter(hidden_at__isnull=True)


def ideas_with_totals(table: Table, *, hidden: list[Idea] | None = None) -> list[ConsoleIdea]:
    """The table's visible ideas as the console shows them, in one query: duplicates nested
    under the idea they were merged into, totals including the duplicates' dots, best first.
    The hidden ones, from the same query, are appended to ``hidden`` when given."""
    rows = list(
        Idea.objects.filter(table=table)
        .select_related("participant", "theme", "hidden_by")
        .order_by("created_at", "pk")
    )
    ideas = [
        ConsoleIdea(idea, number, idea.vote_count)
        for number, idea in enumerate((idea for idea in rows if idea.hidden_at is None), start=1)
    ]
    if hidden is not None:
        hidden.extend(idea for idea in rows if idea.hidden_at is not None)
    by_pk = {idea.pk: idea for idea in ideas}
    for idea in ideas:
        target = by_pk.get(idea.merged_into_id) if idea.merged_into_id is not None else None
        if target is not None:
            target.merged_ideas.append(idea)
            target.total_votes += idea.vote_count
    standing = [idea for idea in ideas if idea.merged_into_id is None]
    # Stable sort: equal totals keep their order of arrival.
    standing.sort(key=lambda idea: -idea.total_votes)
    return standing


def _count_of(queryset) -> Coalesce:
    """A correlated COUNT of ``queryset``'s rows, as an expression (0 when none)."""
    counted = queryset.order_by().values("table").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def console_state(table: Table) -> ConsoleState:
    """Everything the console shows of a table, in a fixed number of queries (seven)."""
    hidden: list[Idea] = []
    ideas = ideas_with_totals(table, hidden=hidden)
    contribution_count, quote_count = (
        Table.objects.filter(pk=table.pk)
        .values_list(
            _count_of(SynthesisContribution.objects.filter(table=OuterRef("pk"))),
            _count_of(Quote.objects.filter(table=OuterRef("pk"))),
        )
        .get()
    )
    return ConsoleState(
        participants=list(Participant.objects.filter(table=table).order_by("joined_at", "pk")),
        ideas=ideas,
        idea_count=sum(1 + len(idea.merged_ideas) for idea in ideas),
        themes=list(Theme.objects.filter(table=table).order_by("name")),
        projects=list(
            FormedProject.objects.filter(table=table)
            .order_by("created_at", "pk")
            .prefetch_related(
                Prefetch("team", queryset=TeamMember.objects.order_by("pk")),
                Prefetch("ideas", queryset=Idea.objects.order_by("created_at", "pk")),
            )
        ),
        contribution_count=contribution_count,
        quote_count=quote_count,
        hidden_ideas=hidden,
    )


def synthesis_items(table: Table) -> tuple[list[SynthesisContribution], list[Quote]]:
    """The table's synthesis: contributions in their order, then quotes (two queries)."""
    contributions = list(
        SynthesisContribution.objects.filter(table=table)
        .select_related("participant")
        .order_by("order", "pk")
    )
    quotes = list(Quote.objects.filter(table=table).select_related("participant"))
    return contributions, quotes


# The live pages' fingerprint -------------------------------------------------------------------


def with_live_fingerprint(
    events: QuerySet[Event],
) -> "QuerySet[WithAnnotations[Event, LiveFingerprint]]":
    """Annotate events with what changes when any of their live pages should: the sum of their
    tables' versions, their number of tables, and the people checked in. One query."""
    tables = Table.objects.filter(event=OuterRef("pk")).order_by().values("event")
    checked_in = (
        Registration.objects.filter(event=OuterRef("pk"), checked_in_at__isnull=False)
        .order_by()
        .values("event")
    )
    return events.annotate(
        live_versions=Coalesce(Subquery(tables.annotate(s=Sum("version")).values("s")), Value(0)),
        live_tables=Coalesce(Subquery(tables.annotate(n=Count("pk")).values("n")), Value(0)),
        live_present=Coalesce(Subquery(checked_in.annotate(n=Count("pk")).values("n")), Value(0)),
    )


def live_fingerprint(event: "LiveEvent") -> str:
    """The part of a live page's ETag that tracks the event (needs ``with_live_fingerprint``)."""
    return f"e{event.pk}-v{event.live_versions}-n{event.live_tables}-c{event.live_present}"


# The control room -------------------------------------------------------------------------------


@dataclass
class ControlRow:
    table: "WithAnnotations[Table, HiddenIdeaCount]"
    facilitator_names: list[str]
    has_facilitator: bool
    facilitator_checked_in: bool
    is_silent: bool
    is_full: bool
    timer_over: bool
    # Where a full table's newcomers can go (same challenge, room left), most room first.
    siblings_with_room: "list[WithAnnotations[Table, HiddenIdeaCount]]"
    # What the row shows, digested (``live_stamps.control_stamps``): the poll re-sends a row
    # only when it moved.
    stamp: str = ""

    @property
    def lacks_facilitator(self) -> bool:
        """Nobody checked in to run a table that is still open."""
        return self.table.phase != Phase.CLOSED and not self.facilitator_checked_in

    @property
    def needs_help(self) -> bool:
        return self.lacks_facilitator or self.is_silent

    @property
    def seats_left(self) -> int:
        return max(self.table.capacity - self.table.participant_count, 0)


def _has_room(table: Table) -> bool:
    return table.phase != Phase.CLOSED and table.participant_count < table.capacity


def control_room_rows(event: Event, now: datetime.datetime) -> list[ControlRow]:
    """Every table of the event with what the control room watches, in three queries
    (``table.hidden_idea_count``: the ideas its facilitators hid).

    A facilitator counts as checked in when a registration to this event with their e-mail was
    checked in at the door. A table is silent when nothing happened there for 15 minutes (or
    ever) while it is not closed.
    """
    hidden = Idea.objects.filter(table=OuterRef("pk"), hidden_at__isnull=False)
    tables = list(
        Table.objects.filter(event=event)
        .annotate(hidden_idea_count=_count_of(hidden))
        .select_related("challenge")
        .prefetch_related("facilitators")
        .order_by("challenge__order", "challenge__title", "name")
    )
    emails = {user.email.lower() for table in tables for user in table.facilitators.all()}
    present = set()
    if emails:
        present = set(
            Registration.objects.filter(event=event, checked_in_at__isnull=False)
            .annotate(email_lower=Lower("email"))
            .filter(email_lower__in=emails)
            .values_list("email_lower", flat=True)
        )
    rows = []
    for table in tables:
        facilitators = list(table.facilitators.all())
        siblings = sorted(
            (
                other
                for other in tables
                if other.challenge_id == table.challenge_id
                and other.pk != table.pk
                and _has_room(other)
            ),
            key=lambda other: (other.participant_count - other.capacity, other.name),
        )
        rows.append(
            ControlRow(
                table=table,
                facilitator_names=[user.get_full_name() for user in facilitators],
                has_facilitator=bool(facilitators),
                facilitator_checked_in=any(user.email.lower() in present for user in facilitators),
                # Before the doors open, no table can be silent yet.
                is_silent=now >= event.starts_at
                and table.phase != Phase.CLOSED
                and now - max(table.last_activity_at or event.starts_at, event.starts_at) > SILENCE,
                is_full=table.participant_count >= table.capacity,
                timer_over=bool(
                    table.phase != Phase.CLOSED
                    and table.phase_ends_at
                    and table.phase_ends_at <= now
                ),
                siblings_with_room=siblings,
            )
        )
    return rows


def sibling_with_room(table: Table) -> Table | None:
    """Another open table of the same event and challenge with seats left, the emptiest first.

    One query. A full table's join page sends its newcomers there.
    """
    return (
        Table.objects.filter(event_id=table.event_id, challenge_id=table.challenge_id)
        .exclude(pk=table.pk)
        .exclude(phase=Phase.CLOSED)
        .filter(participant_count__lt=F("capacity"))
        .order_by(F("participant_count") - F("capacity"), "name")
        .first()
    )

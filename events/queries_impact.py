"""The evening's figures on the impact page: registrations, attendees, tables, ideas, dots and
projects formed, for an ImpactFilter, by challenge.

Everything is counted in the database, a fixed number of queries whatever the number of
events, tables, ideas or votes. The period narrows by the event's day (in the site's time
zone): what was said at a table belongs to the evening it was said at. The challenge narrows
the tables' figures through ``Table.challenge``, and the registrations to the people linked to
it (they asked for one of its tables, or sat at one).

Ideas: the hidden ones are left out (a facilitator hid them from the board, the votes and the
synthesis); the ones merged into another are counted, as the tables' boards, the plenary and the
synthesis count them: merging gathers ideas that say the same thing, each was still proposed.
Dots: every Vote on an idea still shown (hiding an idea already gives its dots back).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from challenges.queries import period_q
from events.enums import RegistrationStatus
from events.models import Event, FormedProject, Idea, Participant, Registration, Table, Vote
from territoire.impact.registry import ImpactFilter


@dataclass(frozen=True)
class ChallengeRow:
    """One challenge's tables and what they produced."""

    challenge_id: int
    title: str
    order: int = 0
    tables: int = 0
    participants: int = 0
    ideas: int = 0
    dots: int = 0
    projects: int = 0


@dataclass(frozen=True)
class EveningCounts:
    """The evening's figures for one filter. ``held``: events of the period already started
    by the filter's day; ``next_on``: the day of the next one, if any."""

    events: int
    held: int
    next_on: datetime.date | None
    registered: int
    attendees: int
    by_challenge: tuple[ChallengeRow, ...]

    def total(self, field: str) -> int:
        return sum(getattr(row, field) for row in self.by_challenge)


def events_in(impact: ImpactFilter) -> QuerySet[Event]:
    """The territory's events whose day falls in the filter's period."""
    return Event.objects.filter(period_q("starts_at", impact), territory=impact.territory)


def linked_registrations(impact: ImpactFilter) -> QuerySet[Registration]:
    """The registrations of the filter's events; with a challenge, of the people who asked
    for one of its tables or sat at one (each registration once)."""
    registrations = Registration.objects.filter(event__in=events_in(impact))
    if impact.challenge_id:
        seated = Participant.objects.filter(
            registration=OuterRef("pk"), table__challenge_id=impact.challenge_id
        )
        asked = Registration.preferred_challenges.through.objects.filter(
            registration=OuterRef("pk"), challenge_id=impact.challenge_id
        )
        registrations = registrations.filter(Exists(seated) | Exists(asked))
    return registrations


def _tables(impact: ImpactFilter) -> QuerySet[Table]:
    tables = Table.objects.filter(event__in=events_in(impact))
    if impact.challenge_id:
        tables = tables.filter(challenge_id=impact.challenge_id)
    return tables


def _by_challenge(queryset: QuerySet, challenge: str) -> dict[int, int]:
    rows = queryset.order_by().values(challenge).annotate(n=Count("pk")).values_list(challenge, "n")
    return dict(rows)


def _registrations(impact: ImpactFilter) -> dict:
    return linked_registrations(impact).aggregate(
        registered=Count("pk", filter=Q(status=RegistrationStatus.CONFIRMED)),
        attendees=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )


def _events(impact: ImpactFilter) -> dict:
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(impact.today + datetime.timedelta(days=1), datetime.time.min)
    )
    return events_in(impact).aggregate(
        events=Count("pk"),
        held=Count("pk", filter=Q(starts_at__lt=tomorrow)),
        next_at=Min("starts_at", filter=Q(starts_at__gte=tomorrow)),
    )


def evening_counts(impact: ImpactFilter) -> EveningCounts:
    """The evening's figures, by challenge, in seven queries."""
    events = _events(impact)
    registrations = _registrations(impact)
    tables = _tables(impact)
    challenges = (
        tables.order_by("challenge__order", "challenge__title")
        .values_list("challenge_id", "challenge__title", "challenge__order")
        .annotate(n=Count("pk"))
    )
    participants = _by_challenge(Participant.objects.filter(table__in=tables), "table__challenge")
    # Hidden ideas left out; merged ones counted (see the module's docstring).
    ideas = _by_challenge(
        Idea.objects.filter(table__in=tables, hidden_at__isnull=True), "table__challenge"
    )
    dots = _by_challenge(
        Vote.objects.filter(idea__table__in=tables, idea__hidden_at__isnull=True),
        "idea__table__challenge",
    )
    projects = _by_challenge(FormedProject.objects.filter(table__in=tables), "table__challenge")
    rows = tuple(
        ChallengeRow(
            challenge_id=pk,
            title=title,
            order=order,
            tables=n,
            participants=participants.get(pk, 0),
            ideas=ideas.get(pk, 0),
            dots=dots.get(pk, 0),
            projects=projects.get(pk, 0),
        )
        for pk, title, order, n in challenges
    )
    next_at = events["next_at"]
    return EveningCounts(
        events=events["events"],
        held=events["held"],
        next_on=timezone.localdate(next_at) if next_at else None,
        registered=registrations["registered"],
        attendees=registrations["attendees"],
        by_challenge=rows,
    )


def funnel_counts(impact: ImpactFilter) -> dict[str, int]:
    """Ideas at the tables and projects formed there, for the projects funnel (two queries)."""
    tables = _tables(impact)
    ideas = Idea.objects.filter(table__in=tables, hidden_at__isnull=True).count()
    return {"ideas": ideas, "projects": FormedProject.objects.filter(table__in=tables).count()}

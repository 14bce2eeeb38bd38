"""Reads of the organisers' and facilitators' pages: the mobilisation board, the sign-up export,
the training sessions. Every function is one query (two with its prefetch), whatever the data."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.db.models.functions import TruncWeek

from challenges.enums import ActorKind, ChallengeStatus
from challenges.models import Challenge, Contribution, SignUp, TrainingSession
from challenges.queries import confirmed_signups, with_confirmed_counts
from territoire.enums import Role
from territoire.models import Membership, Territory, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CHALLENGES_IN_ORDER = Prefetch("challenges", queryset=Challenge.objects.order_by("order", "title"))


@dataclass(frozen=True)
class Bar:
    """One row of a bar table: a label, its count and the largest count of the table."""

    label: object
    count: int
    peak: int


def signup_totals(territory: Territory) -> dict[str, int]:
    """``confirmed`` and ``unconfirmed`` sign-ups of the territory."""
    return territory.signups.aggregate(
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
    )


def confirmed_by_week(territory: Territory) -> list[Bar]:
    """Confirmed sign-ups per ISO week of confirmation (the Monday as label), weeks without any
    included between the first and the last, oldest first."""
    rows = (
        territory.signups.filter(confirmed_at__isnull=False)
        .annotate(week=TruncWeek("confirmed_at"))
        .values("week")
        .annotate(count=Count("pk"))
        .order_by("week")
    )
    counts = {row["week"].date(): row["count"] for row in rows}
    if not counts:
        return []
    peak = max(counts.values())
    week, last = min(counts), max(counts)
    bars = []
    while week <= last:
        bars.append(Bar(label=week, count=counts.get(week, 0), peak=peak))
        week += datetime.timedelta(weeks=1)
    return bars


def confirmed_by_actor_kind(territory: Territory) -> list[Bar]:
    """Confirmed sign-ups by kind of actor, every kind listed, the largest first."""
    counts = dict(
        territory.signups.filter(confirmed_at__isnull=False)
        .values_list("actor_kind")
        .annotate(count=Count("pk"))
        .order_by()
    )
    peak = max(counts.values(), default=0)
    bars = [Bar(label=kind.label, count=counts.get(kind.value, 0), peak=peak) for kind in ActorKind]
    return sorted(bars, key=lambda bar: -bar.count)


def challenges_with_counts(territory: Territory) -> QuerySet[Challenge]:
    """Every challenge of the territory, drafts included, with ``confirmed_signups``."""
    return with_confirmed_counts(territory.challenges.all()).order_by("order", "title", "pk")


def challenge_peak(territory: Territory) -> int:
    """The most confirmed sign-ups of one challenge: every page of the board's bars is drawn
    against it."""
    peak = challenges_with_counts(territory).aggregate(peak=Max("confirmed_signups"))["peak"]
    return peak or 0


def volunteers(territory: Territory) -> QuerySet[SignUp]:
    """Confirmed sign-ups who offered to facilitate a table or mentor a project."""
    return (
        confirmed_signups(territory)
        .filter(Q(wants_to_facilitate=True) | Q(wants_to_mentor=True))
        .order_by("full_name", "pk")
    )


def facilitator_emails(territory: Territory) -> set[str]:
    """Lower-cased addresses of the people already facilitators of the territory."""
    return {
        email.lower()
        for email in Membership.objects.filter(
            territory=territory, role=Role.FACILITATOR
        ).values_list("user__email", flat=True)
    }


def contributions_newest_first(territory: Territory) -> QuerySet[Contribution]:
    """The territory's contributions, newest first, hidden ones included, with their
    challenge."""
    return (
        Contribution.objects.filter(challenge__territory=territory)
        .select_related("challenge")
        .order_by("-created_at", "-pk")
    )


def contribution_totals(territory: Territory) -> dict[str, int]:
    """``all`` the territory's contributions and how many are ``hidden``."""
    return Contribution.objects.filter(challenge__territory=territory).aggregate(
        all=Count("pk"), hidden=Count("pk", filter=Q(hidden_at__isnull=False))
    )


def signups_for_export(territory: Territory) -> QuerySet[SignUp]:
    """Every sign-up, confirmed or not, oldest first, with its challenges."""
    return territory.signups.prefetch_related(CHALLENGES_IN_ORDER).order_by("created_at", "pk")


def facilitator_memberships(territory: Territory) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(territory=territory, role=Role.FACILITATOR)
        .select_related("user", "organisation")
        .order_by("user__full_name", "user__email")
    )


class SessionCounts(TypedDict):
    coming: int
    not_coming: int
    attended: int
    absent: int


def sessions_with_answers(
    territory: Territory,
) -> "QuerySet[WithAnnotations[TrainingSession, SessionCounts]]":
    """The territory's training sessions with the answers of its current facilitators:
    ``coming``, ``not_coming``, ``attended``, ``absent``."""
    current = Membership.objects.filter(territory=territory, role=Role.FACILITATOR).values(
        "user_id"
    )

    def answers(**condition) -> Count:
        return Count(
            "attendances",
            filter=Q(attendances__facilitator_id__in=current)
            & Q(**{f"attendances__{field}": value for field, value in condition.items()}),
        )

    return territory.training_sessions.annotate(
        coming=answers(will_attend=True),
        not_coming=answers(will_attend=False),
        attended=answers(attended=True),
        absent=answers(attended=False),
    ).order_by("starts_at")


@dataclass(frozen=True)
class SessionRow:
    """A training session on the facilitators' list: their own answer (None: not given) and
    how many facilitators have not answered (0 when not counted)."""

    session: TrainingSession
    my_answer: bool | None
    no_answer: int


def answers_of(facilitator: User, territory: Territory) -> dict[int, bool | None]:
    """``facilitator``'s answer (will attend or not) by session id, for the territory."""
    return dict(
        facilitator.training_attendances.filter(session__territory=territory).values_list(
            "session_id", "will_attend"
        )
    )


@dataclass(frozen=True)
class KitChallenge:
    """A challenge of a facilitator's kit, and whether they chose it when signing up."""

    challenge: Challenge
    is_chosen: bool


def kit_challenges(
    territory: Territory, *, chosen_by_email: str, drafts: bool
) -> list[KitChallenge]:
    """The territory's challenges for a facilitator's kit, those chosen at sign-up by
    ``chosen_by_email`` first. Drafts only when ``drafts``."""
    challenges = territory.challenges.select_related("domain").order_by("order", "title")
    if not drafts:
        challenges = challenges.exclude(status=ChallengeStatus.DRAFT)
    chosen = set(
        SignUp.challenges.through.objects.filter(
            signup__territory=territory, signup__email__iexact=chosen_by_email
        ).values_list("challenge_id", flat=True)
    )
    listed = [KitChallenge(challenge, challenge.pk in chosen) for challenge in challenges]
    return sorted(listed, key=lambda kit: not kit.is_chosen)

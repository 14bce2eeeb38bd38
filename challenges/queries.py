"""Reads of the mobilisation several screens share."""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from challenges.enums import ChallengeStatus
from challenges.models import Challenge, Contribution, SignUp, TrainingAttendance, TrainingSession
from territoire.impact.registry import ImpactFilter
from territoire.models import Territory

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

CONFIRMED = Q(signups__confirmed_at__isnull=False)


class ConfirmedCount(TypedDict):
    confirmed_signups: int


def with_confirmed_counts(
    challenges: QuerySet[Challenge],
) -> "QuerySet[WithAnnotations[Challenge, ConfirmedCount]]":
    """Annotate ``confirmed_signups``: how many confirmed people chose each challenge."""
    return challenges.annotate(confirmed_signups=Count("signups", filter=CONFIRMED, distinct=True))


def public_challenges(territory: Territory) -> QuerySet[Challenge]:
    """Open and closed challenges (never drafts) with their counts and domain, in order."""
    return with_confirmed_counts(
        territory.challenges.exclude(status=ChallengeStatus.DRAFT).select_related("domain")
    ).order_by("domain__slug", "order", "title", "pk")  # slugs are ASCII: "économie" sorts under e


def open_challenges(territory: Territory) -> QuerySet[Challenge]:
    """The challenges one can sign up for or contribute to, in the organisers' order."""
    return territory.challenges.filter(status=ChallengeStatus.OPEN).order_by("order", "title")


def visible_contributions(challenge: Challenge) -> QuerySet[Contribution]:
    return challenge.contributions.filter(hidden_at__isnull=True).order_by("-created_at", "-pk")


def confirmed_signups(territory: Territory) -> QuerySet[SignUp]:
    return territory.signups.filter(confirmed_at__isnull=False).prefetch_related(
        Prefetch("challenges", queryset=Challenge.objects.order_by("order", "title"))
    )


# The impact page (territoire/impact): the challenges one narrows it by, and the mobilisation
# figures this app owns, read by the events app's "La mobilisation" section.


def impact_challenge_choices(territory: Territory) -> list[tuple[int, str]]:
    """The territory's challenges (never drafts) as (pk, title), in the organisers' order."""
    rows = territory.challenges.exclude(status=ChallengeStatus.DRAFT).order_by("order", "title")
    return list(rows.values_list("pk", "title"))


def period_q(field: str, impact: ImpactFilter) -> Q:
    """``field`` (a datetime) falls on a day of the filter's period, both ends included, days
    being those of the site's time zone (a sign-up at 23:30 on the 31st belongs to the 31st)."""

    def midnight(day: datetime.date) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    q = Q()
    if impact.since:
        q &= Q(**{f"{field}__gte": midnight(impact.since)})
    if impact.until:
        q &= Q(**{f"{field}__lt": midnight(impact.until + datetime.timedelta(days=1))})
    return q


@dataclass(frozen=True)
class MobilisationCounts:
    """What the mobilisation before the evening gathered, for one ImpactFilter.

    ``signups``: confirmed sign-ups (those who chose the filter's challenge when there is one);
    ``contributions``: contributions left online and not hidden; ``trained``: facilitators
    marked present at a training session (training is for the whole territory: never narrowed
    by challenge); ``training_sessions``: the sessions of the period.
    """

    signups: int
    contributions: int
    trained: int
    training_sessions: int


def _count(queryset: QuerySet) -> Coalesce:
    counted = queryset.order_by().values("territory_id").annotate(n=Count("pk", distinct=True))
    return Coalesce(Subquery(counted.values("n")[:1]), 0)


def mobilisation_counts(impact: ImpactFilter) -> MobilisationCounts:
    """The mobilisation's figures narrowed by the filter, in one query."""
    territory = OuterRef("pk")
    signups = SignUp.objects.filter(
        period_q("created_at", impact), territory=territory, confirmed_at__isnull=False
    )
    contributions = Contribution.objects.filter(
        period_q("created_at", impact), challenge__territory=territory, hidden_at__isnull=True
    ).annotate(territory_id=F("challenge__territory_id"))
    if impact.challenge_id:
        signups = signups.filter(challenges=impact.challenge_id)
        contributions = contributions.filter(challenge_id=impact.challenge_id)
    sessions = TrainingSession.objects.filter(period_q("starts_at", impact), territory=territory)
    trained = (
        TrainingAttendance.objects.filter(
            period_q("session__starts_at", impact), session__territory=territory, attended=True
        )
        .annotate(territory_id=F("session__territory_id"))
        .order_by()
        .values("territory_id")
        .annotate(n=Count("facilitator_id", distinct=True))
    )
    row = (
        Territory.objects.filter(pk=impact.territory.pk)
        .annotate(
            n_signups=_count(signups),
            n_contributions=_count(contributions),
            n_sessions=_count(sessions),
            n_trained=Coalesce(Subquery(trained.values("n")[:1]), 0),
        )
        .values("n_signups", "n_contributions", "n_sessions", "n_trained")
        .first()
    ) or {}
    return MobilisationCounts(
        signups=row.get("n_signups", 0),
        contributions=row.get("n_contributions", 0),
        trained=row.get("n_trained", 0),
        training_sessions=row.get("n_sessions", 0),
    )


@dataclass(frozen=True)
class ChallengeMobilisation:
    """One challenge's confirmed sign-ups (who chose it) and contributions shown, for a filter."""

    challenge_id: int
    title: str
    order: int
    signups: int
    contributions: int


def mobilisation_by_challenge(impact: ImpactFilter) -> list[ChallengeMobilisation]:
    """The public challenges (only the filter's one, when there is one), in order, with their
    sign-ups and contributions narrowed by the period: one query."""
    challenge = OuterRef("pk")
    signups = SignUp.challenges.through.objects.filter(
        period_q("signup__created_at", impact),
        challenge=challenge,
        signup__confirmed_at__isnull=False,
    )
    contributions = Contribution.objects.filter(
        period_q("created_at", impact), challenge=challenge, hidden_at__isnull=True
    )

    def count(queryset: QuerySet) -> Coalesce:
        counted = queryset.order_by().values("challenge_id").annotate(n=Count("pk"))
        return Coalesce(Subquery(counted.values("n")[:1]), 0)

    challenges = impact.territory.challenges.exclude(status=ChallengeStatus.DRAFT)
    if impact.challenge_id:
        challenges = challenges.filter(pk=impact.challenge_id)
    rows = (
        challenges.annotate(n_signups=count(signups), n_contributions=count(contributions))
        .order_by("order", "title")
        .values_list("pk", "title", "order", "n_signups", "n_contributions")
    )
    return [ChallengeMobilisation(*row) for row in rows]

"""Reads of the mobilisation several screens share."""

from django.db.models import Count, Prefetch, Q, QuerySet

from challenges.enums import ChallengeStatus
from challenges.models import Challenge, Contribution, SignUp
from territoire.models import Territory

CONFIRMED = Q(signups__confirmed_at__isnull=False)


def with_confirmed_counts(challenges: QuerySet[Challenge]) -> QuerySet[Challenge]:
    """Annotate ``confirmed_signups``: how many confirmed people chose each challenge."""
    return challenges.annotate(confirmed_signups=Count("signups", filter=CONFIRMED, distinct=True))


def public_challenges(territory: Territory) -> QuerySet[Challenge]:
    """Open and closed challenges (never drafts) with their counts and domain, in order."""
    return with_confirmed_counts(
        territory.challenges.exclude(status=ChallengeStatus.DRAFT).select_related("domain")
    ).order_by("domain__slug", "order", "title")  # slugs are ASCII: "économie" sorts under e


def open_challenges(territory: Territory) -> QuerySet[Challenge]:
    """The challenges one can sign up for or contribute to, in the organisers' order."""
    return territory.challenges.filter(status=ChallengeStatus.OPEN).order_by("order", "title")


def visible_contributions(challenge: Challenge) -> QuerySet[Contribution]:
    return challenge.contributions.filter(hidden_at__isnull=True).order_by("-created_at")


def confirmed_signups(territory: Territory) -> QuerySet[SignUp]:
    return territory.signups.filter(confirmed_at__isnull=False).prefetch_related(
        Prefetch("challenges", queryset=Challenge.objects.order_by("order", "title"))
    )

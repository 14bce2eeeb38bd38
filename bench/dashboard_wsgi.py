"""The WSGI application ``make bench-dashboard`` serves: the project's, plus the challenge
filter's choices when no app offers them yet.

Until the challenges app registers its ``provide_impact_challenges`` (the mobilisation work of
issue 13), the impact page's challenge filter has no choices and a narrowed page answers 400:
the bench then registers the same one-query provider (the territory's challenges that are not
drafts), so the narrowed case measures what it will cost. ``ADDED`` says whether it did.
"""

from territoire.wsgi import application


def _challenge_choices(territory) -> list[tuple[int, str]]:
    from challenges.enums import ChallengeStatus

    rows = territory.challenges.exclude(status=ChallengeStatus.DRAFT).order_by("order", "title")
    return list(rows.values_list("pk", "title"))


def offer_challenges() -> bool:
    """Register the bench's provider when none is; True when it did."""
    from territoire.impact import registry  # once Django is set up (territoire.wsgi did it)

    if registry._challenges:  # the registry has no public "is anything registered"
        return False
    registry.provide_impact_challenges(_challenge_choices)
    return True


ADDED = offer_challenges()

__all__ = ["ADDED", "application", "offer_challenges"]

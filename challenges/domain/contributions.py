"""Contributions on a challenge, and their moderation by organisers."""

from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import Challenge, Contribution, SignUp
from territoire.errors import Refused
from territoire.impact.cache import impact_changed
from territoire.models import User


class ContributionRefused(Refused):
    """The challenge does not take contributions (draft or closed)."""


def contribute(
    *,
    challenge: Challenge,
    kind: str,
    text: str,
    author_name: str,
    author_email: str,
    author_organisation: str = "",
) -> Contribution:
    """Leave a contribution on an open challenge. Linked to the author's sign-up if any.

    Raises ContributionRefused when the challenge is not open.
    Side effects: one Contribution row; the territory's impact figures moved.
    """
    if not challenge.is_open:
        raise ContributionRefused(_("Ce défi ne reçoit plus de contributions."))
    email = author_email.strip().lower()
    signup = SignUp.objects.filter(territory_id=challenge.territory_id, email__iexact=email).first()
    impact_changed(challenge.territory_id)
    return Contribution.objects.create(
        challenge=challenge,
        kind=kind,
        text=text.strip(),
        author_name=author_name.strip(),
        author_organisation=author_organisation.strip(),
        author_email=email,
        signup=signup,
    )


def set_hidden(*, contribution: Contribution, hidden: bool, by: User) -> None:
    """Hide a contribution from the public (or show it again).

    Side effects: ``hidden_at`` and ``hidden_by`` saved; the territory's impact figures moved.
    """
    contribution.hidden_at = timezone.now() if hidden else None
    contribution.hidden_by = by if hidden else None
    contribution.save(update_fields=["hidden_at", "hidden_by"])
    impact_changed(contribution.challenge.territory_id)

"""Changing a sign-up only with proof of owning its address.

The sign-up form sent for an address that already signed up changes nothing: the details are
kept in a ``SignUpChange`` row and the owner of the address gets an e-mail with a link naming
that row by a random secret (no name, no organisation in the URL), valid seven days; following
it (a POST) applies them, once: a second POST of the same link (a double click) shows the same
result. The change is bound to the sign-up as it stood when it was proposed: once the sign-up
changed (this change applied, or another one), the link is spent.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from challenges.domain.signups import (
    CONFIRMATION_MAX_AGE,
    SIGNUP_CONSENT_VERSION,
    ConfirmationRefused,
)
from challenges.enums import ActorKind, ChallengeStatus
from challenges.models import Challenge, SignUp, SignUpChange
from territoire.enums import ConsentChannel
from territoire.impact.cache import impact_changed
from territoire.outbox import enqueue
from territoire.ratelimit import allow
from territoire.tokens import (
    check_unspent,
    fingerprint,
    issue_link,
    live_change,
    purge_expired_links,
)

# The same form sent again within this time, unchanged, is a double click: nothing more is sent.
DOUBLE_SUBMIT_WINDOW_SECONDS = 120
CHANGED_FIELDS = (
    "full_name",
    "organisation_name",
    "actor_kind",
    "wants_to_facilitate",
    "wants_to_mentor",
    "language",
)


@dataclass(frozen=True)
class ProposedChange:
    """What a change link would write, read back from its row."""

    row: SignUpChange
    signup: SignUp
    values: dict
    challenges: list[Challenge]
    consent_text_version: str

    @property
    def actor_kind_label(self) -> str:
        return str(ActorKind(self.values["actor_kind"]).label)


def _current_values(signup: SignUp) -> dict:
    values = {name: getattr(signup, name) for name in CHANGED_FIELDS}
    values["challenges"] = sorted(signup.challenges.values_list("pk", flat=True))
    return values


def propose_change(*, signup: SignUp, values: dict) -> bool:
    """E-mail the owner of ``signup``'s address a link to confirm ``values``; change nothing.

    ``values``: the CHANGED_FIELDS and ``challenges`` (ids of open challenges). Returns whether
    an e-mail was queued: not for a double click (the same values just saved, or just proposed).
    Side effects: the change-confirmation e-mail task queued.
    """
    # In the function: challenges.tasks calls the domain's functions (an import cycle).

    values = {name: values[name] for name in CHANGED_FIELDS} | {
        "challenges": sorted(values["challenges"])
    }
    current = _current_values(signup)
    window = datetime.timedelta(seconds=DOUBLE_SUBMIT_WINDOW_SECONDS)
    just_saved = signup.updated_at >= timezone.now() - window
    if values == current and just_saved:
        return False
    if not allow(
        "signup-change",
        f"{signup.pk}:{fingerprint(values)}",
        limit=1,
        window=DOUBLE_SUBMIT_WINDOW_SECONDS,
    ):
        return False
    token = change_token(signup, values)
    # The same task as a new address's confirmation: the same path after commit.
    enqueue("challenges.send_signup_confirmation", signup_id=signup.pk, token=token)
    return True


def change_token(signup: SignUp, values: dict) -> str:
    """Record the details proposed for ``signup`` and return the secret of their link.

    Side effects: one SignUpChange row (the sign-up's state now, the values, the consent text).
    """
    return issue_link(
        SignUpChange.objects,
        signup=signup,
        state=fingerprint(_current_values(signup)),
        values=values,
        consent_text_version=SIGNUP_CONSENT_VERSION,
    )


def _find(token: str, *, lock: bool) -> SignUpChange:
    """The change row a link names, whatever its state. Raises ConfirmationRefused."""
    rows = SignUpChange.objects.select_related("signup__territory")
    if lock:
        rows = rows.select_for_update(of=("self", "signup"))
    return live_change(rows, token, max_age=CONFIRMATION_MAX_AGE, refused=ConfirmationRefused)


def _proposed(row: SignUpChange) -> ProposedChange:
    signup = row.signup
    challenges = list(
        Challenge.objects.filter(
            pk__in=row.values.get("challenges", []),
            territory_id=signup.territory_id,
            status=ChallengeStatus.OPEN,
        ).order_by("order", "title")
    )
    return ProposedChange(
        row=row,
        signup=signup,
        values=row.values,
        challenges=challenges,
        consent_text_version=row.consent_text_version,
    )


def read_change(token: str, *, lock: bool = False) -> ProposedChange:
    """The change a link proposes, while it still applies.

    Raises ConfirmationRefused with a message for the person (unknown, expired, spent).
    """
    row = _find(token, lock=lock)
    check_unspent(row, fingerprint(_current_values(row.signup)), refused=ConfirmationRefused)
    return _proposed(row)


def confirm_change(*, token: str) -> SignUp:
    """Apply the details a change link names: the owner of the address confirmed them.

    A link already applied returns the sign-up unchanged (a double click shows the same page).
    Raises ConfirmationRefused (unknown, expired or spent link).
    Side effects: the sign-up's details, choices and consent (date, text version, web form)
    replaced; the sign-up confirmed when it was not; the change row marked used; the
    territory's impact figures moved.
    """
    with transaction.atomic():
        row = _find(token, lock=True)
        if row.used_at is not None:
            return row.signup
        change = read_change(token, lock=True)
        signup = change.signup
        for name in CHANGED_FIELDS:
            setattr(signup, name, change.values[name])
        if signup.language not in dict(settings.LANGUAGES):
            signup.language = settings.LANGUAGE_CODE
        now = timezone.now()
        signup.consented_at = now
        signup.consent_text_version = change.consent_text_version
        signup.consent_channel = ConsentChannel.WEB_FORM
        signup.confirmed_at = signup.confirmed_at or now
        signup.confirmation_nonce = ""
        signup.save()
        signup.challenges.set(change.challenges)
        SignUpChange.objects.filter(pk=row.pk).update(used_at=now)
        impact_changed(signup.territory_id)
    return signup


def purge_expired_changes(*, now: datetime.datetime | None = None) -> int:
    """Delete the change rows whose link expired, applied or not. Returns how many."""
    return purge_expired_links(SignUpChange, CONFIRMATION_MAX_AGE, now)


def send_change_confirmation(*, signup: SignUp, token: str) -> None:
    """E-mail the owner of the address the details proposed and the link that applies them,
    in the language of their sign-up. Side effects: one e-mail sent."""
    url = settings.SITE_URL + reverse("signup_change_confirm", kwargs={"token": token})
    try:
        change = read_change(token)
    except ConfirmationRefused:
        return  # the sign-up changed since: the link would not work
    with translation.override(signup.language):
        context = {
            "signup": signup,
            "change": change,
            "url": url,
            "days": CONFIRMATION_MAX_AGE.days,
        }
        subject = _("Votre inscription — %(territory)s") % {"territory": signup.territory.name}
        body = render_to_string("challenges/email/signup_change.txt", context)
    send_mail(subject, body, None, [signup.email])

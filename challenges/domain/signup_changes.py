"""Changing a sign-up only with proof of owning its address.

The sign-up form sent for an address that already signed up changes nothing: the owner of the
address gets an e-mail with a signed link carrying the proposed details, valid seven days, and
following it (a POST) applies them. The link is bound to the sign-up as it stood when the
change was proposed: once the sign-up changed (this change applied, or another one), it is spent.
"""

import datetime
import hashlib
import json
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
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
from challenges.models import Challenge, SignUp
from territoire.enums import ConsentChannel
from territoire.impact.cache import impact_changed
from territoire.ratelimit import allow

CHANGE_SALT = "challenges.signup.change"
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
    """What a change link would write, read back from its token."""

    signup: SignUp
    values: dict
    challenges: list[Challenge]
    consent_text_version: str

    @property
    def actor_kind_label(self) -> str:
        return ActorKind(self.values["actor_kind"]).label


def _current_values(signup: SignUp) -> dict:
    values = {name: getattr(signup, name) for name in CHANGED_FIELDS}
    values["challenges"] = sorted(signup.challenges.values_list("pk", flat=True))
    return values


def _digest(values: dict) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


def propose_change(*, signup: SignUp, values: dict) -> bool:
    """E-mail the owner of ``signup``'s address a link to confirm ``values``; change nothing.

    ``values``: the CHANGED_FIELDS and ``challenges`` (ids of open challenges). Returns whether
    an e-mail was queued: not for a double click (the same values just saved, or just proposed).
    Side effects: the change-confirmation e-mail task queued.
    """
    from challenges.tasks import task_send_signup_confirmation

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
        f"{signup.pk}:{_digest(values)}",
        limit=1,
        window=DOUBLE_SUBMIT_WINDOW_SECONDS,
    ):
        return False
    token = change_token(signup, values)
    # The same task as a new address's confirmation: the same path after commit.
    task_send_signup_confirmation.delay_on_commit(signup_id=signup.pk, token=token)
    return True


def change_token(signup: SignUp, values: dict) -> str:
    """The secret of a change link: the sign-up, its state now, the details proposed."""
    return signing.dumps(
        {
            "signup": signup.pk,
            "state": _digest(_current_values(signup)),
            "values": values,
            "consent": SIGNUP_CONSENT_VERSION,
        },
        salt=CHANGE_SALT,
        compress=True,
    )


def _load(token: str) -> dict:
    try:
        data = signing.loads(token, salt=CHANGE_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise ConfirmationRefused(
            _("Ce lien a expiré. Remplissez à nouveau le formulaire pour en recevoir un autre.")
        ) from None
    except (signing.BadSignature, ValueError, TypeError, zlib.error):
        data = None
    values = data.get("values") if isinstance(data, dict) else None
    if (
        not isinstance(values, dict)
        or not isinstance(data.get("signup"), int)
        or set(values) != {*CHANGED_FIELDS, "challenges"}
    ):
        raise ConfirmationRefused(_("Ce lien de confirmation n'est pas valide."))
    return data


def read_change(token: str, *, lock: bool = False) -> ProposedChange:
    """The change a link proposes, while it still applies.

    Raises ConfirmationRefused with a message for the person (expired, tampered, spent).
    """
    data = _load(token)
    rows = SignUp.objects.select_related("territory")
    if lock:
        rows = rows.select_for_update(of=("self",))
    signup = rows.filter(pk=data["signup"]).first()
    if signup is None or _digest(_current_values(signup)) != data["state"]:
        raise ConfirmationRefused(
            _("Ce lien a déjà servi, ou votre inscription a changé depuis : il ne s'applique plus.")
        )
    challenges = list(
        Challenge.objects.filter(
            pk__in=data["values"]["challenges"],
            territory_id=signup.territory_id,
            status=ChallengeStatus.OPEN,
        ).order_by("order", "title")
    )
    return ProposedChange(
        signup=signup,
        values=data["values"],
        challenges=challenges,
        consent_text_version=str(data.get("consent", "")),
    )


def confirm_change(*, token: str) -> SignUp:
    """Apply the details a change link carries: the owner of the address confirmed them.

    Raises ConfirmationRefused (expired, tampered or spent link).
    Side effects: the sign-up's details, choices and consent (date, text version, web form)
    replaced; the sign-up confirmed when it was not; the territory's impact figures moved.
    """
    with transaction.atomic():
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
        impact_changed(signup.territory_id)
    return signup


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

"""Signing up to a territory's mobilisation, with double opt-in by e-mail."""

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from challenges.enums import ChallengeStatus
from challenges.models import Challenge, SignUp
from territoire.domain.invitations import invite
from territoire.enums import ConsentChannel, Role
from territoire.errors import Refused
from territoire.impact.cache import impact_changed
from territoire.models import Membership, Territory, User
from territoire.outbox import enqueue
from territoire.text import one_line

CONFIRMATION_SALT = "challenges.signup.confirm"
# The version of the consent text (privacy notice) a sign-up accepts; change it with the text.
SIGNUP_CONSENT_VERSION = "2026-12"
CONFIRMATION_MAX_AGE = datetime.timedelta(days=7)


class ConfirmationRefused(Refused):
    """The confirmation link is unknown, expired or already used."""


def sign_up(
    *,
    territory: Territory,
    full_name: str,
    email: str,
    actor_kind: str,
    challenges: Iterable[Challenge],
    organisation_name: str = "",
    wants_to_facilitate: bool = False,
    wants_to_mentor: bool = False,
    language: str | None = None,
) -> SignUp:
    """Record someone's sign-up; for an address that already signed up, change nothing and
    e-mail its owner a link to confirm the proposed details (signup_changes.py).

    Only open challenges of ``territory`` are kept. The caller must answer the same thing
    whether the address was new or known (no enumeration). The same form sent twice within
    DOUBLE_SUBMIT_WINDOW (a double click) sends nothing more.
    Side effects: for a new address, one SignUp row (consent from the web form) and the
    confirmation e-mail task queued, the territory's impact figures moved; for a known one,
    the change-confirmation e-mail task queued, or nothing.
    """
    # In the function: signup_changes builds on this module (an import cycle).
    from challenges.domain.signup_changes import propose_change

    # In the function: challenges.tasks calls the domain's functions (an import cycle).

    email = email.strip().lower()
    chosen = [
        c for c in challenges if c.territory_id == territory.pk and c.status == ChallengeStatus.OPEN
    ]
    values = {
        "full_name": full_name.strip(),
        "organisation_name": organisation_name.strip(),
        "actor_kind": actor_kind,
        "wants_to_facilitate": wants_to_facilitate,
        "wants_to_mentor": wants_to_mentor,
        "language": language or translation.get_language() or settings.LANGUAGE_CODE,
    }
    with transaction.atomic():
        existing = SignUp.objects.filter(territory=territory, email__iexact=email).first()
        if existing is None:
            signup = SignUp(
                territory=territory,
                email=email,
                consented_at=timezone.now(),
                consent_text_version=SIGNUP_CONSENT_VERSION,
                consent_channel=ConsentChannel.WEB_FORM,
                confirmation_nonce=secrets.token_hex(16),
                **values,
            )
            try:
                with transaction.atomic():
                    signup.save(force_insert=True)
            except IntegrityError:
                # The same address a moment ago (a double click): that row is the sign-up.
                existing = SignUp.objects.get(territory=territory, email__iexact=email)
            else:
                signup.challenges.set(chosen)
                impact_changed(territory.pk)
                enqueue("challenges.send_signup_confirmation", signup_id=signup.pk)
                return signup
        propose_change(signup=existing, values=values | {"challenges": [c.pk for c in chosen]})
    return existing


def confirmation_token(signup: SignUp) -> str:
    return signing.dumps([signup.pk, signup.confirmation_nonce], salt=CONFIRMATION_SALT)


def send_confirmation(*, signup: SignUp) -> None:
    """E-mail the confirmation link, in the language the person signed up in.

    Side effects: one e-mail sent; ``confirmation_sent_at`` set.
    """
    url = settings.SITE_URL + reverse(
        "signup_confirm", kwargs={"token": confirmation_token(signup)}
    )
    with translation.override(signup.language):
        context = {
            "signup": signup,
            "url": url,
            "challenges": list(signup.challenges.order_by("order")),
            "days": CONFIRMATION_MAX_AGE.days,
        }
        subject = _("Confirmez votre inscription — %(territory)s") % {
            "territory": signup.territory.name
        }
        body = render_to_string("challenges/email/signup_confirmation.txt", context)
    send_mail(one_line(subject), body, None, [signup.email])
    signup.confirmation_sent_at = timezone.now()
    signup.save(update_fields=["confirmation_sent_at"])


def confirm_sign_up(*, token: str) -> SignUp:
    """Confirm the sign-up a link was made for. Each link works once, for seven days.

    Raises ConfirmationRefused with a message for the person.
    Side effects: ``confirmed_at`` set (kept when already set); the link's nonce is spent;
    the territory's impact figures moved.
    """
    try:
        signup_id, nonce = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired:
        raise ConfirmationRefused(
            _("Ce lien a expiré. Inscrivez-vous à nouveau pour en recevoir un autre.")
        ) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ConfirmationRefused(_("Ce lien de confirmation n'est pas valide.")) from None
    with transaction.atomic():
        signup = SignUp.objects.select_for_update().filter(pk=signup_id).first()
        if signup is None or not nonce or signup.confirmation_nonce != nonce:
            raise ConfirmationRefused(
                _("Ce lien a déjà servi ou a été remplacé par un plus récent.")
            )
        signup.confirmed_at = signup.confirmed_at or timezone.now()
        signup.confirmation_nonce = ""
        signup.save(update_fields=["confirmed_at", "confirmation_nonce", "updated_at"])
        impact_changed(signup.territory_id)
    return signup


def invite_volunteers_as_facilitators(*, signups: Iterable[SignUp], by: User) -> int:
    """Send the facilitator invitation (the foundation's) to confirmed volunteers.

    Volunteers already invited are skipped. Returns how many were invited.
    Side effects: one Invitation per volunteer (territoire.domain.invitations.invite);
    ``facilitator_invited_at`` set.
    """
    invited = 0
    for signup in signups:
        if not signup.is_confirmed or signup.facilitator_invited_at is not None:
            continue
        already_facilitator = Membership.objects.filter(
            territory_id=signup.territory_id,
            role=Role.FACILITATOR,
            user__email__iexact=signup.email,
        ).exists()
        if already_facilitator:
            continue
        invite(
            territory=signup.territory,
            email=signup.email,
            role=Role.FACILITATOR,
            full_name=signup.full_name,
            invited_by=by,
            language=signup.language,
        )
        signup.facilitator_invited_at = timezone.now()
        signup.save(update_fields=["facilitator_invited_at"])
        invited += 1
    return invited


UNCONFIRMED_RETENTION = datetime.timedelta(days=30)


def purge_unconfirmed_signups(*, now: datetime.datetime | None = None) -> int:
    """Delete sign-ups nobody confirmed within 30 days (the privacy notice's promise).

    Returns how many were deleted. Side effects: SignUp rows deleted (and their choices).
    """
    cutoff = (now or timezone.now()) - UNCONFIRMED_RETENTION
    _total, by_model = SignUp.objects.filter(
        confirmed_at__isnull=True, created_at__lt=cutoff
    ).delete()
    return by_model.get("challenges.SignUp", 0)

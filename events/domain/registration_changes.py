"""Changing a registration only with proof of owning its address.

The registration form sent for an address already registered for the evening changes nothing:
the owner of the address gets their ticket again and a signed link carrying the details
proposed, valid seven days; following it (a POST) applies them through apply_registration(). The
link is bound to the registration as it stood when the change was proposed: once it changed
(this change applied, a cancellation, another change), the link is spent.
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

from challenges.models import Challenge
from events.domain.registration import (
    REGISTRATION_CONSENT_VERSION,
    EmailKind,
    RegistrationRefused,
    allowed_challenges,
    apply_registration,
    has_real_email,
    queue_email,
    ticket_links,
    waiting_list_position,
)
from events.enums import EventStatus, RegistrationStatus
from events.models import Event, Registration
from territoire.enums import ConsentChannel
from territoire.ratelimit import allow

CHANGE_SALT = "events.registration.change"
CHANGE_MAX_AGE = datetime.timedelta(days=7)
# The same form sent again within this time, unchanged, is a double click: nothing more is sent.
DOUBLE_SUBMIT_WINDOW_SECONDS = 120
PROPOSED_FIELDS = (
    "full_name",
    "organisation_name",
    "consent_to_be_named",
    "table_news",
    "language",
    "preferred_challenges",
)


class ChangeRefused(Exception):
    """The change link is expired, tampered with or spent; the message says which."""


@dataclass(frozen=True)
class ProposedChange:
    """What a change link would write, read back from its token."""

    registration: Registration
    values: dict
    challenges: list[Challenge]
    consent_text_version: str

    @property
    def is_cancelled(self) -> bool:
        return self.registration.status == RegistrationStatus.CANCELLED


def _current_values(registration: Registration) -> dict:
    return {
        "full_name": registration.full_name,
        "organisation_name": registration.organisation_name,
        "consent_to_be_named": registration.consent_to_be_named,
        "table_news": registration.table_news_asked_at is not None,
        "language": registration.language,
        "preferred_challenges": sorted(
            registration.preferred_challenges.values_list("pk", flat=True)
        ),
    }


def _state(registration: Registration) -> str:
    state = _current_values(registration) | {"status": registration.status}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:32]


def propose_change(*, registration: Registration, values: dict) -> bool:
    """E-mail the owner of ``registration``'s address their ticket and a link to confirm
    ``values`` (see register()); change nothing. Returns whether an e-mail was queued: not for
    a double click (the same values just registered, or just proposed).
    Side effects: the "already registered" e-mail task queued.
    """
    values = {name: values[name] for name in PROPOSED_FIELDS}
    values["preferred_challenges"] = sorted(values["preferred_challenges"])
    window = datetime.timedelta(seconds=DOUBLE_SUBMIT_WINDOW_SECONDS)
    just_registered = registration.created_at >= timezone.now() - window
    is_cancelled = registration.status == RegistrationStatus.CANCELLED
    if values == _current_values(registration) and just_registered and not is_cancelled:
        return False
    proposal = json.dumps(values, sort_keys=True).encode()
    who = f"{registration.pk}:{hashlib.sha256(proposal).hexdigest()[:32]}"
    if not allow("registration-change", who, limit=1, window=DOUBLE_SUBMIT_WINDOW_SECONDS):
        return False
    token = change_token(registration, values)
    queue_email(registration.pk, EmailKind.CHANGE, token=token)
    return True


def change_token(registration: Registration, values: dict) -> str:
    """The secret of a change link: the registration, its state now, the details proposed."""
    return signing.dumps(
        {
            "registration": registration.pk,
            "state": _state(registration),
            "values": values,
            "consent": REGISTRATION_CONSENT_VERSION,
        },
        salt=CHANGE_SALT,
        compress=True,
    )


def _load(token: str) -> dict:
    try:
        data = signing.loads(token, salt=CHANGE_SALT, max_age=CHANGE_MAX_AGE)
    except signing.SignatureExpired:
        raise ChangeRefused(
            _("Ce lien a expiré. Remplissez à nouveau le formulaire pour en recevoir un autre.")
        ) from None
    except (signing.BadSignature, ValueError, TypeError, zlib.error):
        data = None
    values = data.get("values") if isinstance(data, dict) else None
    if (
        not isinstance(values, dict)
        or not isinstance(data.get("registration"), int)
        or set(values) != set(PROPOSED_FIELDS)
        or not isinstance(values["preferred_challenges"], list)
    ):
        raise ChangeRefused(_("Ce lien de confirmation n'est pas valide."))
    return data


def read_change(token: str, *, lock: bool = False) -> ProposedChange:
    """The change a link proposes, while it still applies. Raises ChangeRefused."""
    data = _load(token)
    rows = Registration.objects.select_related("event")
    if lock:
        rows = rows.select_for_update(of=("self",))
    registration = rows.filter(pk=data["registration"]).first()
    if registration is None or _state(registration) != data["state"]:
        raise ChangeRefused(
            _("Ce lien a déjà servi, ou votre inscription a changé depuis : il ne s'applique plus.")
        )
    challenges = allowed_challenges(
        registration.event,
        Challenge.objects.filter(pk__in=data["values"]["preferred_challenges"]).order_by(
            "order", "title"
        ),
    )
    return ProposedChange(
        registration=registration,
        values=data["values"],
        challenges=challenges,
        consent_text_version=str(data.get("consent", "")),
    )


def confirm_change(*, token: str) -> Registration:
    """Apply the details a change link carries: the owner of the address confirmed them.

    Raises ChangeRefused (expired, tampered or spent link) and RegistrationRefused (the
    evening no longer takes registrations).
    Side effects: as apply_registration(): the details and consent (date, text version, web
    form) replaced, a cancelled registration back in the queue, e-mails, impact figures moved.
    """
    with transaction.atomic():
        data = _load(token)
        event = (
            Event.objects.select_for_update().filter(registrations__pk=data["registration"]).first()
        )
        change = read_change(token, lock=True)
        if event is None or event.status != EventStatus.REGISTRATION_OPEN:
            raise RegistrationRefused(_("Les inscriptions à cette soirée ne sont pas ouvertes."))
        registration = change.registration
        registration.consent_text_version = change.consent_text_version
        registration.consent_channel = ConsentChannel.WEB_FORM
        apply_registration(registration, change.values, event=event, challenges=change.challenges)
    return registration


def send_registration_change(*, registration: Registration, token: str) -> bool:
    """E-mail the owner of the address: already registered, their ticket, the details proposed
    and the link that applies them, in the language of their registration. Returns False (and
    sends nothing) when the link no longer applies or the address is a walk-in's placeholder.
    Side effects: one e-mail sent."""
    if not has_real_email(registration):
        return False
    try:
        change = read_change(token)
    except ChangeRefused:
        return False
    event = registration.event
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "change": change,
            "is_confirmed": registration.status == RegistrationStatus.CONFIRMED,
            "position": waiting_list_position(registration),
            "url": settings.SITE_URL
            + reverse("registration_change_confirm", kwargs={"token": token}),
            "days": CHANGE_MAX_AGE.days,
            **ticket_links(registration),
        }
        subject = _("Votre inscription — %(event)s") % {"event": event.title}
        body = render_to_string("events/email/registration_change.txt", context)
    send_mail(subject, body, None, [registration.email])
    return True

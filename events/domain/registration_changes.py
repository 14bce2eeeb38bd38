"""Changing a registration only with proof of owning its address.

The registration form sent for an address already registered for the evening changes nothing:
the details are kept in a ``RegistrationChange`` row, and the owner of the address gets their
ticket again and a link naming that row by a random secret (no name in the URL), valid seven
days; following it (a POST) applies them through apply_registration(), once: a second POST (a
double click) leads to the same ticket. The change is bound to the registration as it stood
when it was proposed: once it changed (this change applied, a cancellation, another change),
the link is spent.
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
from events.models import Event, Registration, RegistrationChange
from territoire.enums import ConsentChannel
from territoire.errors import Refused
from territoire.ratelimit import allow
from territoire.tokens import (
    check_unspent,
    fingerprint,
    issue_link,
    live_change,
    purge_expired_links,
)

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


class ChangeRefused(Refused):
    """The change link is expired, tampered with or spent; the message says which."""


@dataclass(frozen=True)
class ProposedChange:
    """What a change link would write, read back from its row."""

    row: RegistrationChange
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
    return fingerprint(_current_values(registration) | {"status": registration.status})


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
    who = f"{registration.pk}:{fingerprint(values)}"
    if not allow("registration-change", who, limit=1, window=DOUBLE_SUBMIT_WINDOW_SECONDS):
        return False
    token = change_token(registration, values)
    queue_email(registration.pk, EmailKind.CHANGE, token=token)
    return True


def change_token(registration: Registration, values: dict) -> str:
    """Record the details proposed for ``registration`` and return the secret of their link.

    Side effects: one RegistrationChange row (the registration's state now, the values, the
    consent text).
    """
    return issue_link(
        RegistrationChange.objects,
        registration=registration,
        state=_state(registration),
        values=values,
        consent_text_version=REGISTRATION_CONSENT_VERSION,
    )


def _find(token: str, *, lock: bool) -> RegistrationChange:
    """The change row a link names, whatever its state. Raises ChangeRefused."""
    rows = RegistrationChange.objects.select_related("registration__event")
    if lock:
        rows = rows.select_for_update(of=("self",))
    return live_change(rows, token, max_age=CHANGE_MAX_AGE, refused=ChangeRefused)


def read_change(token: str, *, lock: bool = False) -> ProposedChange:
    """The change a link proposes, while it still applies. Raises ChangeRefused."""
    row = _find(token, lock=False)
    rows = Registration.objects.select_related("event")
    if lock:
        rows = rows.select_for_update(of=("self",))
    registration = rows.filter(pk=row.registration_id).first()
    state = _state(registration) if registration is not None else None
    check_unspent(row, state, refused=ChangeRefused)
    assert registration is not None  # gone: no state, refused just above
    challenges = allowed_challenges(
        registration.event,
        Challenge.objects.filter(pk__in=row.values.get("preferred_challenges", [])).order_by(
            "order", "title"
        ),
    )
    return ProposedChange(
        row=row,
        registration=registration,
        values=row.values,
        challenges=challenges,
        consent_text_version=row.consent_text_version,
    )


def confirm_change(*, token: str) -> Registration:
    """Apply the details a change link names: the owner of the address confirmed them.

    A link already applied returns the registration unchanged (a double click leads to the same
    ticket). Raises ChangeRefused (unknown, expired or spent link) and RegistrationRefused (the
    evening no longer takes registrations).
    Side effects: as apply_registration(): the details and consent (date, text version, web
    form) replaced, a cancelled registration back in the queue, e-mails, impact figures moved;
    the change row marked used.
    """
    with transaction.atomic():
        row = _find(token, lock=False)
        # The event first, then the change row, then the registration: the order of every
        # registration write (register, cancel), so two of them never wait on each other.
        event = (
            Event.objects.select_for_update().filter(registrations__pk=row.registration_id).first()
        )
        row = _find(token, lock=True)
        if row.used_at is not None:
            return row.registration
        change = read_change(token, lock=True)
        if event is None or event.status != EventStatus.REGISTRATION_OPEN:
            raise RegistrationRefused(_("Les inscriptions à cette soirée ne sont pas ouvertes."))
        registration = change.registration
        registration.consent_text_version = change.consent_text_version
        registration.consent_channel = ConsentChannel.WEB_FORM
        apply_registration(registration, change.values, event=event, challenges=change.challenges)
        RegistrationChange.objects.filter(pk=row.pk).update(used_at=timezone.now())
    return registration


def purge_expired_changes(*, now: datetime.datetime | None = None) -> int:
    """Delete the change rows whose link expired, applied or not. Returns how many."""
    return purge_expired_links(RegistrationChange, CHANGE_MAX_AGE, now)


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

"""Registering for the launch evening: places, the waiting list, tickets, cancelling.

Places are handed out under a lock on the event row, so two people registering for the last
place at the same instant cannot both get it; the waiting list is served oldest first.
"""

import datetime
import io
import secrets
import zlib
from collections.abc import Iterable
from typing import Any

import segno
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from challenges.enums import ChallengeStatus
from challenges.models import Challenge
from events.domain.impact import evening_changed
from events.enums import EventStatus, RegistrationStatus
from events.ics import event_ics
from events.models import Event, Registration
from territoire.enums import ConsentChannel
from territoire.errors import Refused
from territoire.outbox import enqueue
from territoire.text import one_line

# No 0/O nor 1/I: a code read aloud at the door or typed from a crumpled print-out stays a code.
TICKET_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TICKET_LENGTH = 8
TICKET_ATTEMPTS = 5
TICKET_SALT = "events.ticket"
# A ticket's links answer "ce billet a expiré" this many days after its evening ends.
TICKET_DAYS_AFTER_EVENING = 7
# Walk-ins need not give an address, but the model requires one: this domain can never receive
# mail (RFC 2606), and nothing is ever sent to it.
WALK_IN_EMAIL_DOMAIN = "walk-in.invalid"
# The version of the consent text a registration accepts; change it with the form's texts.
REGISTRATION_CONSENT_VERSION = "2026-12"


class RegistrationRefused(Refused):
    """The event does not take (or no longer takes) this registration; the message says why."""


class EmailKind:
    CONFIRMATION = "confirmation"
    PROMOTED = "promoted"
    # An address already registered: its ticket and a link to confirm the details proposed.
    CHANGE = "change"


def new_ticket_code() -> str:
    return "".join(secrets.choice(TICKET_ALPHABET) for _index in range(TICKET_LENGTH))


def normalise_ticket_code(text: str) -> str:
    """What a volunteer typed or a scanner sent, as a ticket code would be stored."""
    return "".join(text.split()).replace("-", "").upper()


def has_real_email(registration: Registration) -> bool:
    return not registration.email.endswith("@" + WALK_IN_EMAIL_DOMAIN)


def save_new_registration(registration: Registration) -> Registration:
    """Insert ``registration`` with a fresh ticket code, drawing again on the (rare) collision.

    Other integrity errors (the same e-mail twice on one event) propagate.
    """
    for _attempt in range(TICKET_ATTEMPTS):
        registration.ticket_code = new_ticket_code()
        try:
            with transaction.atomic():
                registration.save(force_insert=True)
        except IntegrityError:
            registration.pk = None
            if Registration.objects.filter(ticket_code=registration.ticket_code).exists():
                continue
            raise
        return registration
    raise RuntimeError(f"no free ticket code after {TICKET_ATTEMPTS} attempts")


def allowed_challenges(event: Event, challenges: Iterable[Challenge]) -> list[Challenge]:
    return [
        c
        for c in challenges
        if c.territory_id == event.territory_id and c.status == ChallengeStatus.OPEN
    ]


def _confirmed_count(event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()


def _fill_free_places(event: Event) -> tuple[list[Registration], int]:
    """Confirm the oldest waitlisted registrations while the event has free places.

    Returns those confirmed and how many places are still free. Call it with the event row
    locked. Places free up when someone cancels, or when the organisers raise the capacity.
    """
    free = event.capacity - _confirmed_count(event)
    if free <= 0:
        return [], 0
    promoted = list(
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).order_by(
            "created_at", "pk"
        )[:free]
    )
    if promoted:
        Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
            status=RegistrationStatus.CONFIRMED
        )
        for registration in promoted:
            registration.status = RegistrationStatus.CONFIRMED
    return promoted, free - len(promoted)


def queue_email(registration_id: int, kind: str, *, token: str = "") -> None:
    """Queue an e-mail about a registration, sent once the transaction commits; every e-mail
    answering the registration form goes this one way (events/tasks.py)."""
    # In the function: events.tasks calls this module's functions (an import cycle).

    arguments: dict[str, Any] = {"registration_id": registration_id, "kind": kind}
    if token:
        arguments["token"] = token
    enqueue("events.send_registration_email", **arguments)


def register(
    *,
    event: Event,
    full_name: str,
    email: str,
    organisation_name: str = "",
    preferred_challenges: Iterable[Challenge] = (),
    consent_to_be_named: bool = False,
    table_news: bool = False,
    language: str | None = None,
) -> Registration:
    """Give someone a place at ``event``, or a place on its waiting list once it is full.

    ``table_news``: they ask to hear what becomes of their table's ideas after the night (the
    date is kept; the address is confirmed by e-mail once their table has closed).

    One registration per e-mail address and event. For an address already registered, nothing
    changes: its owner gets an e-mail with their ticket and a link to confirm the details
    proposed (events/domain/registration_changes.py), and that registration is returned; the
    caller must answer the same thing as for a new address (no enumeration). Only open
    challenges of the event's territory are kept as preferences.
    Raises RegistrationRefused when the event does not take registrations.
    Side effects: the event row locked for the transaction; waitlisted registrations confirmed
    if places were free (and each e-mailed); for a new address, one Registration (consent from
    the web form) and the confirmation e-mail task queued, the territory's impact figures
    moved; for a known one, the "already registered" e-mail task queued, or nothing.
    """
    # In the function: registration_changes builds on this module (an import cycle).
    from events.domain.registration_changes import propose_change

    email = email.strip().lower()
    chosen = allowed_challenges(event, preferred_challenges)
    values = {
        "full_name": full_name.strip(),
        "organisation_name": organisation_name.strip(),
        "consent_to_be_named": consent_to_be_named,
        "table_news": table_news,
        "language": language or translation.get_language() or settings.LANGUAGE_CODE,
        "preferred_challenges": [c.pk for c in chosen],
    }
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status != EventStatus.REGISTRATION_OPEN:
            raise RegistrationRefused(_("Les inscriptions à cette soirée ne sont pas ouvertes."))
        existing = Registration.objects.filter(event=event, email__iexact=email).first()
        if existing is None:
            registration = Registration(
                event=event,
                email=email,
                consent_text_version=REGISTRATION_CONSENT_VERSION,
                consent_channel=ConsentChannel.WEB_FORM,
            )
            try:
                apply_registration(registration, values, event=event, challenges=chosen)
            except IntegrityError:
                # The same address a moment ago (a double click): that row is the registration.
                existing = Registration.objects.get(event=event, email__iexact=email)
            else:
                return registration
        propose_change(registration=existing, values=values)
    return existing


def apply_registration(
    registration: Registration, values: dict, *, event: Event, challenges: list[Challenge]
) -> None:
    """Write ``values`` (what the person typed, see register()) and ``challenges`` on
    ``registration``, new or one its owner confirmed changes for, giving it a place or a place
    in the queue. Call it with the event row locked; consent version and channel are set by the
    caller."""
    now = timezone.now()
    # People already waiting come before a newcomer.
    promoted, free = _fill_free_places(event)
    newcomer_status = RegistrationStatus.CONFIRMED if free > 0 else RegistrationStatus.WAITLISTED
    if registration.pk is None:
        registration.status = newcomer_status
    elif registration.status == RegistrationStatus.CANCELLED:
        registration.status = newcomer_status
        registration.cancelled_at = None
        registration.created_at = now  # back in the queue, at its end
    elif any(p.pk == registration.pk for p in promoted):
        registration.status = RegistrationStatus.CONFIRMED
    language = values["language"]
    registration.event = event
    registration.full_name = values["full_name"]
    registration.organisation_name = values["organisation_name"]
    registration.consent_to_be_named = values["consent_to_be_named"]
    registration.consented_at = now
    registration.table_news_asked_at = now if values["table_news"] else None
    registration.language = (
        language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    )
    if registration.pk is None:
        save_new_registration(registration)
    else:
        registration.save(
            update_fields=[
                "full_name",
                "organisation_name",
                "consent_to_be_named",
                "consented_at",
                "consent_text_version",
                "consent_channel",
                "table_news_asked_at",
                "language",
                "status",
                "cancelled_at",
                "created_at",
            ]
        )
    registration.preferred_challenges.set(challenges)
    for other in promoted:
        if other.pk != registration.pk:
            queue_email(other.pk, EmailKind.PROMOTED)
    queue_email(registration.pk, EmailKind.CONFIRMATION)
    evening_changed(event)


def cancel(*, registration: Registration) -> Registration:
    """Give up a place (or a place on the waiting list). Cancelling twice changes nothing.

    Raises RegistrationRefused once the evening is over.
    Side effects: status cancelled and ``cancelled_at`` set; when a confirmed place frees up,
    the oldest waitlisted registration is confirmed and e-mailed; the territory's impact
    figures moved.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        if event.status == EventStatus.FINISHED:
            raise RegistrationRefused(_("Cette soirée a déjà eu lieu."))
        was_confirmed = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        if was_confirmed:
            for promoted in _fill_free_places(event)[0]:
                queue_email(promoted.pk, EmailKind.PROMOTED)
        evening_changed(event)
    return registration


def fill_free_places(*, event: Event) -> list[Registration]:
    """Confirm waitlisted people into places that are free (after the capacity was raised).

    Side effects: the event row locked; registrations confirmed, oldest first, each e-mailed;
    the territory's impact figures moved when someone was.
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        promoted, _free = _fill_free_places(event)
        for registration in promoted:
            queue_email(registration.pk, EmailKind.PROMOTED)
        if promoted:
            evening_changed(event)
    return promoted


def waiting_list_position(registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=RegistrationStatus.WAITLISTED,
            created_at__lte=registration.created_at,
        )
        .exclude(pk=registration.pk)
        .exclude(created_at=registration.created_at, pk__gt=registration.pk)
        .count()
    )
    return ahead + 1


def _ticket_signer() -> signing.Signer:
    return signing.Signer(salt=TICKET_SALT)


def ticket_token(registration: Registration) -> str:
    """The secret in the ticket's links. Without a timestamp: the same link in every e-mail; it
    expires with its evening instead (ticket_has_expired)."""
    return _ticket_signer().sign_object(registration.pk)


def registration_from_token(token: str) -> Registration | None:
    """The registration a ticket link was made for, or None for a bad or stale link."""
    try:
        registration_id = _ticket_signer().unsign_object(token)
    except (signing.BadSignature, ValueError, zlib.error):
        return None
    if not isinstance(registration_id, int):
        return None
    rows = Registration.objects.select_related("event__territory")
    return rows.filter(pk=registration_id).first()


def ticket_expires_at(event: Event) -> datetime.datetime:
    """When the ticket links of ``event`` stop working: TICKET_DAYS_AFTER_EVENING after it ends.

    A ticket gets its holder in and lets them cancel; once the evening is over it only shows a
    name and an organisation to whoever the e-mail was forwarded to. The few days after the
    evening cover the attendee who looks at it the next morning (was I checked in?). What
    follows the evening (its projects, their news) is on the evening's public page.
    """
    return event.ends_at + datetime.timedelta(days=TICKET_DAYS_AFTER_EVENING)


def ticket_has_expired(registration: Registration, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= ticket_expires_at(registration.event)


def ticket_links(registration: Registration) -> dict[str, str]:
    """Absolute links for e-mails: the ticket, cancelling it, the calendar file, the event."""
    token = ticket_token(registration)
    site = settings.SITE_URL
    return {
        "ticket_url": site + reverse("ticket", kwargs={"token": token}),
        "cancel_url": site + reverse("ticket_cancel", kwargs={"token": token}),
        "ics_url": site + reverse("event_ics", kwargs={"slug": registration.event.slug}),
        "event_url": site + registration.event.get_absolute_url(),
    }


def send_registration_email(*, registration: Registration, kind: str) -> bool:
    """E-mail the registration's status with its ticket, calendar file and cancel links, in the
    language the person registered in. ``kind`` is a confirmation or "a place freed up".

    Returns False (and sends nothing) for a cancelled registration or a walk-in without an
    address. Side effects: one e-mail, with the .ics and, for a confirmed place, the QR code.
    """
    if registration.status == RegistrationStatus.CANCELLED or not has_real_email(registration):
        return False
    event = registration.event
    links = ticket_links(registration)
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "position": waiting_list_position(registration),
            "is_confirmed": registration.status == RegistrationStatus.CONFIRMED,
            **links,
        }
        if kind == EmailKind.PROMOTED:
            subject = _("Une place s'est libérée : vous êtes inscrit·e — %(event)s")
            template = "events/email/registration_promoted.txt"
        elif registration.status == RegistrationStatus.CONFIRMED:
            subject = _("Votre place est confirmée — %(event)s")
            template = "events/email/registration_confirmation.txt"
        else:
            subject = _("Vous êtes sur la liste d'attente — %(event)s")
            template = "events/email/registration_confirmation.txt"
        subject = subject % {"event": event.title}
        body = render_to_string(template, context)
        calendar = event_ics(event, url=links["event_url"])
    message = EmailMultiAlternatives(subject=one_line(subject), body=body, to=[registration.email])
    message.attach(f"{event.slug}.ics", calendar, "text/calendar")
    if registration.status == RegistrationStatus.CONFIRMED:
        qr_name = f"billet-{registration.ticket_code}.png"
        message.attach(qr_name, ticket_qr_png(registration), "image/png")
    message.send()
    return True


def ticket_qr_png(registration: Registration) -> bytes:
    buffer = io.BytesIO()
    _qr_code(registration).save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def ticket_qr_svg(registration: Registration) -> bytes:
    """The ticket code as a QR code: what the door's scanner reads into its search field."""
    buffer = io.BytesIO()
    # Sized by the page (viewBox, no width/height), so it stays sharp at any size.
    _qr_code(registration).save(buffer, kind="svg", scale=8, border=2, omitsize=True)
    return buffer.getvalue()


def _qr_code(registration: Registration) -> segno.QRCode:
    # micro=False: an 8-character code fits a Micro QR, which phone cameras do not read.
    return segno.make(registration.ticket_code, error="m", micro=False)

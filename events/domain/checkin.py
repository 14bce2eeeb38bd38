"""The door: checking people in, registering walk-ins, counting who is there.

Two volunteers may tap the same person at the same moment: the check-in is one conditional
UPDATE (``checked_in_at IS NULL``), so the first tap wins and the second learns it came late.
"""

import secrets

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from events.domain.impact import evening_changed
from events.domain.registration import WALK_IN_EMAIL_DOMAIN, save_new_registration
from events.enums import RegistrationStatus
from events.models import Event, Registration
from territoire.audit import record
from territoire.enums import ConsentChannel
from territoire.errors import Refused
from territoire.models import User

# What the person ticks at the desk (events/forms_registration.py WalkInForm); the channel of
# that consent is the desk, "accueil" (a walk-in registration: ``is_walk_in``).
WALK_IN_CONSENT_CHANNEL = "accueil"
WALK_IN_CONSENT_TEXT = gettext_lazy(
    "J'accepte que mon nom et mon adresse servent au-delà de la liste de présence de ce soir : "
    "être nommé·e dans la synthèse des débats et recevoir des nouvelles de ma table."
)


class CheckInRefused(Refused):
    """This registration cannot be checked in (cancelled…); the message says why."""


class AlreadyCheckedIn(CheckInRefused):
    """The person was already checked in; ``registration`` carries the first time, unchanged."""

    def __init__(self, registration: Registration) -> None:
        super().__init__(_("Déjà arrivé·e."))
        self.registration = registration


def check_in(*, registration: Registration, by: User | None) -> Registration:
    """Mark the person as arrived. A waitlisted person let in at the door is confirmed.

    Idempotent: a second check-in changes nothing and raises AlreadyCheckedIn, which carries
    the registration with its first arrival time. Raises CheckInRefused for a cancelled one.
    Side effects: ``checked_in_at``, ``checked_in_by`` set, status confirmed (one UPDATE);
    the territory's impact figures moved.
    """
    now = timezone.now()
    updated = (
        Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True)
        .exclude(status=RegistrationStatus.CANCELLED)
        .update(checked_in_at=now, checked_in_by=by, status=RegistrationStatus.CONFIRMED)
    )
    if updated:
        registration.checked_in_at = now
        registration.checked_in_by = by
        registration.status = RegistrationStatus.CONFIRMED
        # Named by its number only: the log outlives the attendee's anonymisation.
        record(
            by,
            "registration.check_in",
            registration,
            description=_("Inscription n° %(pk)s") % {"pk": registration.pk},
            walk_in=registration.is_walk_in,
        )
        evening_changed(registration)
        return registration
    current = Registration.objects.get(pk=registration.pk)
    if current.checked_in_at is not None:
        raise AlreadyCheckedIn(current)
    raise CheckInRefused(
        _("L'inscription de %(name)s est annulée : inscrivez la personne sur place.")
        % {"name": current.full_name}
    )


def register_walk_in(
    *,
    event: Event,
    full_name: str,
    email: str = "",
    organisation_name: str = "",
    consented: bool = False,
    by: User | None,
) -> Registration:
    """Register someone who came without registering, and check them in.

    ``consented`` is the box the person ticked herself at the desk (``WALK_IN_CONSENT_TEXT``):
    her name and address may serve beyond the evening's attendance list (named in the synthesis
    if she says so at her table, news of her table). It is recorded on the registration:
    ``consent_to_be_named``, ``consented_at`` (the moment the desk recorded her answer, yes or
    no) and, as channel, the desk itself (``is_walk_in``: "accueil").
    Without it, her name stays on the evening's list only: she is not named in the synthesis,
    and a typed address is used to find an earlier registration but not stored on a new one.
    Without a stored address the registration gets a placeholder one at ``walk-in.invalid``
    (the model requires one; nothing is ever sent there). An address already registered for
    the event checks that registration in instead (raising AlreadyCheckedIn if it already was).
    The capacity is not checked: at the door, the organisers decide.
    Side effects: one Registration (``is_walk_in``) created, or a cancelled one brought back;
    the check-in.
    """
    email = email.strip().lower()
    existing = (
        Registration.objects.filter(event=event, email__iexact=email).first() if email else None
    )
    if existing is None:
        registration = Registration(
            event=event,
            full_name=full_name.strip(),
            organisation_name=organisation_name.strip(),
            status=RegistrationStatus.CONFIRMED,
            is_walk_in=True,
            consent_to_be_named=consented,
            consented_at=timezone.now(),
            # Typed by a volunteer at the desk: no consent text version, never named.
            consent_channel=ConsentChannel.CHECK_IN_DESK,
        )
        kept = email if consented else ""
        registration.email = kept or f"{secrets.token_hex(8)}@{WALK_IN_EMAIL_DOMAIN}"
        try:
            return check_in(registration=save_new_registration(registration), by=by)
        except IntegrityError:
            if not kept:
                raise
            # Another volunteer registered the same address a moment ago.
            existing = Registration.objects.get(event=event, email__iexact=email)
    if existing.status == RegistrationStatus.CANCELLED:
        existing.status = RegistrationStatus.CONFIRMED
        existing.cancelled_at = None
        existing.save(update_fields=["status", "cancelled_at"])
    return check_in(registration=existing, by=by)


def present_count(event: Event) -> int:
    """How many people are in: one COUNT on the (event, checked_in_at) index."""
    return Registration.objects.filter(event=event, checked_in_at__isnull=False).count()

"""Retention of an evening's attendees: its territory's ``attendee_retention_months`` after it
(12 by default), the people who came but joined no project are anonymised, once per evening.

What goes: the registrations' names, e-mail addresses and organisations (the name becomes
"Participant·e anonymisé·e", the address a placeholder nothing is sent to); the display names
at the tables of those who did not consent to be named; the names typed for synthesis
contributions and quotes without consent. What stays: every row (so the counts of
registrations, arrivals, participants, ideas and votes do not move), the names of those who
consented to be named in the synthesis, and everything about the people who joined a formed
project (they are the projects' teams).
"""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, Participant, Quote, Registration, SynthesisContribution, TeamMember
from territoire.audit import record
from territoire.privacy.people import erased_address_expression

ANONYMISED_EMAIL_DOMAIN = "anonyme.invalid"  # as erased people's (territoire/privacy)


def _months(months: int) -> datetime.timedelta:
    return datetime.timedelta(days=round(30.44 * months))


def anonymise_past_evenings(*, now: datetime.datetime | None = None) -> list[int]:
    """Anonymise the attendees of every evening past its territory's retention
    (``Territory.attendee_retention_months``) not done yet; returns the evenings' ids.
    Re-running it does nothing more."""
    now = now or timezone.now()
    candidates = Event.objects.filter(
        ends_at__lt=now - _months(1), attendees_anonymised_at__isnull=True
    ).values_list("pk", "ends_at", "territory__attendee_retention_months")
    due = [pk for pk, ends_at, months in candidates if ends_at < now - _months(months)]
    return [pk for pk in due if anonymise_attendees(event_id=pk) is not None]


def anonymise_attendees(*, event_id: int) -> dict[str, int] | None:
    """Anonymise one evening's attendees who joined no project, exactly once.

    Returns how many rows changed by kind, or None when the evening was already anonymised.
    Side effects, in one transaction: the evening marked (``attendees_anonymised_at``); the
    registrations, participants, contributions and quotes described above blanked; one audit
    entry (by nobody: the system).
    """
    with transaction.atomic():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None or event.attendees_anonymised_at is not None:
            return None
        team = TeamMember.objects.filter(project__table__event=event)
        team_participants = team.filter(participant__isnull=False).values("participant_id")
        team_emails = team.exclude(email="").annotate(address=Lower("email")).values("address")
        by_seat = Participant.objects.filter(
            pk__in=team_participants, registration__isnull=False
        ).values("registration_id")
        registrations = Registration.objects.filter(event=event).annotate(address=Lower("email"))
        # The people of the projects' teams: by their seat at the table or by their address.
        joined = list(
            registrations.filter(Q(pk__in=by_seat) | Q(address__in=team_emails)).values_list(
                "pk", flat=True
            )
        )
        registration_ids = list(
            registrations.exclude(pk__in=joined)
            .exclude(email__endswith=f"@{ANONYMISED_EMAIL_DOMAIN}")
            .values_list("pk", flat=True)
        )
        counts = {
            "registrations": Registration.objects.filter(pk__in=registration_ids).update(
                full_name=_("Participant·e anonymisé·e"),
                organisation_name="",
                email=erased_address_expression("inscription"),
            ),
        }
        participants = (
            Participant.objects.filter(table__event=event, consent_to_be_named=False)
            .exclude(pk__in=team_participants)
            .exclude(registration_id__in=joined)
        )
        counts["participants"] = participants.update(display_name="")
        not_named = Q(table__event=event, consent_to_be_named=False) & ~Q(
            participant_id__in=team_participants
        )
        counts["contributions"] = (
            SynthesisContribution.objects.filter(not_named)
            .exclude(person_name="")
            .update(person_name="")
        )
        counts["quotes"] = (
            Quote.objects.filter(not_named).exclude(speaker_name="").update(speaker_name="")
        )
        event.attendees_anonymised_at = timezone.now()
        event.save(update_fields=["attendees_anonymised_at"])
        details: dict[str, Any] = dict(counts)
        record(None, "event.anonymise_attendees", event, **details)
    return counts

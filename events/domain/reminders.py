"""Reminders before the evening: a week before and the day before, each sent exactly once.

A sweep runs every 15 minutes (Celery beat). For each reminder due, one transaction inserts the
ReminderSent row (its unique pair is the guard), then sends the e-mail: two sweeps running at once
cannot both insert, and when sending fails the insert rolls back so the next sweep tries again.
"""

import datetime
import logging

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.domain.registration import WALK_IN_EMAIL_DOMAIN, ticket_links
from events.enums import EventStatus, RegistrationStatus, ReminderKind
from events.models import Registration, ReminderSent
from territoire.text import one_line

logger = logging.getLogger(__name__)

WEEK = datetime.timedelta(days=7)
DAY = datetime.timedelta(days=1)


def due_windows(now: datetime.datetime) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """For each reminder, the start times of the events it is due for: (after, up to)."""
    return {
        ReminderKind.WEEK_BEFORE: (now + WEEK - DAY, now + WEEK),
        ReminderKind.DAY_BEFORE: (now, now + DAY),
    }


def due_registrations(kind: str, now: datetime.datetime):
    """Confirmed registrations with a real address, of events in ``kind``'s window, not yet
    reminded of ``kind``."""
    after, up_to = due_windows(now)[kind]
    already = ReminderSent.objects.filter(registration=OuterRef("pk"), kind=kind)
    return (
        Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            event__status__in=(EventStatus.REGISTRATION_OPEN, EventStatus.REGISTRATION_CLOSED),
            event__starts_at__gt=after,
            event__starts_at__lte=up_to,
        )
        .exclude(Q(email__endswith="@" + WALK_IN_EMAIL_DOMAIN) | Q(Exists(already)))
        .select_related("event")
        .order_by("pk")
    )


def send_reminder(*, registration: Registration, kind: str) -> None:
    """Render and send one reminder, in the person's language. Raises when sending fails."""
    event = registration.event
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "event": event,
            "kind": kind,
            "ReminderKind": ReminderKind,
            "is_confirmed": True,
            **ticket_links(registration),
        }
        if kind == ReminderKind.DAY_BEFORE:
            subject = _("C'est demain : %(event)s")
        else:
            subject = _("Dans une semaine : %(event)s")
        subject = subject % {"event": event.title}
        body = render_to_string("events/email/reminder.txt", context)
    EmailMultiAlternatives(subject=one_line(subject), body=body, to=[registration.email]).send()


def send_due_reminders(*, now: datetime.datetime | None = None) -> int:
    """Send every reminder that is due and was not sent yet. Returns how many were sent.

    Exactly once per (registration, kind): the ReminderSent row and the e-mail share one
    transaction. A failure is logged and its reminder left for the next sweep; the others go on.
    Side effects: ReminderSent rows; e-mails.
    """
    now = now or timezone.now()
    sent = 0
    for kind in (ReminderKind.WEEK_BEFORE, ReminderKind.DAY_BEFORE):
        for registration in due_registrations(kind, now):
            try:
                with transaction.atomic():
                    _row, created = ReminderSent.objects.get_or_create(
                        registration=registration, kind=kind
                    )
                    if not created:  # another sweep got there first
                        continue
                    send_reminder(registration=registration, kind=kind)
            except Exception:
                logger.exception(
                    "reminder %s to registration %s failed; the next sweep retries",
                    kind,
                    registration.pk,
                )
                continue
            sent += 1
    return sent

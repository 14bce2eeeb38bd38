"""The facilitators' e-mail the day before the evening: their tables, each with its console.

Sent by the same 15-minute sweep as the attendees' reminders, exactly once per facilitator and
evening: one transaction inserts the FacilitatorReminderSent row (its unique pair is the guard)
and sends the e-mail; a failed send rolls the row back and the next sweep tries again.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.domain.reminders import DAY
from events.enums import EventStatus
from events.models import Event, FacilitatorReminderSent, Table
from territoire.domain.languages import languages_of
from territoire.models import User
from territoire.text import one_line

logger = logging.getLogger(__name__)


def due_facilitations(now: datetime.datetime) -> dict[tuple[int, int], list[Table]]:
    """The tables of evenings starting within a day, by (event id, facilitator id), for the
    facilitators not yet reminded of that evening. One query, on the table-facilitator pairs."""
    through = Table.facilitators.through
    pairs = (
        through.objects.filter(
            table__event__status__in=(
                EventStatus.REGISTRATION_OPEN,
                EventStatus.REGISTRATION_CLOSED,
            ),
            table__event__starts_at__gt=now,
            table__event__starts_at__lte=now + DAY,
        )
        .exclude(
            Exists(
                FacilitatorReminderSent.objects.filter(
                    event=OuterRef("table__event_id"), facilitator=OuterRef("user_id")
                )
            )
        )
        .select_related("table__event", "table__challenge")
        .order_by("table__event_id", "user_id", "table__name")
    )
    due: dict[tuple[int, int], list[Table]] = {}
    for pair in pairs:
        due.setdefault((pair.table.event_id, pair.user_id), []).append(pair.table)
    return due


def send_facilitator_reminder(
    *, facilitator: User, event: Event, tables: list[Table], language: str | None = None
) -> None:
    """Render and send one facilitator's e-mail, in ``language`` (default: their e-mail
    language, territoire.domain.languages). Raises when sending fails."""
    language = language or languages_of([facilitator.pk])[facilitator.pk]
    with translation.override(language):
        context = {
            "facilitator": facilitator,
            "event": event,
            "tables": [
                (table, settings.SITE_URL + reverse("console", args=[table.code]))
                for table in tables
            ],
            "space_url": settings.SITE_URL + reverse("space"),
        }
        subject = _("C'est demain : votre table à %(event)s") % {"event": event.title}
        body = render_to_string("events/email/facilitator_reminder.txt", context)
    EmailMultiAlternatives(subject=one_line(subject), body=body, to=[facilitator.email]).send()


def send_due_facilitator_reminders(*, now: datetime.datetime | None = None) -> int:
    """E-mail each facilitator of an evening starting within a day, once. Returns how many
    e-mails were sent.

    Side effects: FacilitatorReminderSent rows; e-mails. A failure is logged and left for the
    next sweep; the others go on.
    """
    now = now or timezone.now()
    due = due_facilitations(now)
    people = User.objects.in_bulk({user_id for _event, user_id in due})
    languages = languages_of(list(people))
    sent = 0
    for (event_id, user_id), tables in due.items():
        try:
            with transaction.atomic():
                FacilitatorReminderSent.objects.create(event_id=event_id, facilitator_id=user_id)
                send_facilitator_reminder(
                    facilitator=people[user_id],
                    event=tables[0].event,
                    tables=tables,
                    language=languages[user_id],
                )
        except IntegrityError:
            continue  # another sweep got there first
        except Exception:
            logger.exception(
                "facilitator reminder for event %s to user %s failed; the next sweep retries",
                event_id,
                user_id,
            )
            continue
        sent += 1
    return sent

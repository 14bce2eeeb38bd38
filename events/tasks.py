"""Celery entry points of the evening, thin."""

import logging

from celery import shared_task

from events.domain.facilitator_reminders import send_due_facilitator_reminders
from events.domain.registration import EmailKind, send_registration_email
from events.domain.registration_changes import purge_expired_changes, send_registration_change
from events.domain.reminders import send_due_reminders
from events.domain.retention import anonymise_past_evenings
from events.domain.table_news import send_due_table_news
from events.models import Registration

logger = logging.getLogger(__name__)


@shared_task(
    name="events.send_registration_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def task_send_registration_email(*, registration_id: int, kind: str, token: str = "") -> None:
    """Every e-mail answering the registration form, for a new address (its ticket) and a known
    one (``kind`` "change": its ticket and the link to confirm the details proposed, in
    ``token``): one path, queued after commit, so that both answers cost the requester the
    same (docs/security.md, "No enumeration")."""
    registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None:
        logger.info("registration %s is gone; no e-mail to send", registration_id)
        return
    if kind == EmailKind.CHANGE:
        # In the function: registration_changes builds on this module (an import cycle).

        send_registration_change(registration=registration, token=token)
    else:
        send_registration_email(registration=registration, kind=kind)


@shared_task(
    name="events.send_registration_change",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def task_send_registration_change(*, registration_id: int, token: str) -> None:
    """Kept for the messages queued before task_send_registration_email took this path."""
    task_send_registration_email(
        registration_id=registration_id, kind=EmailKind.CHANGE, token=token
    )


@shared_task(name="events.send_due_reminders")
def task_send_due_reminders() -> int:
    sent = send_due_reminders()
    # The facilitators' own e-mail the day before (their tables and consoles), same sweep.
    sent_to_facilitators = send_due_facilitator_reminders()
    logger.info("sent %d event reminders, %d to facilitators", sent, sent_to_facilitators)
    return sent + sent_to_facilitators


@shared_task(name="events.send_due_table_news")
def task_send_due_table_news() -> int:
    """The projects born at closed tables, to their followers; each e-mail once."""
    sent = send_due_table_news()
    logger.info("sent %d table news", sent)
    return sent


@shared_task(name="events.anonymise_past_evenings")
def task_anonymise_past_evenings() -> list[int]:
    """Anonymise the attendees of evenings past their retention (events/domain/retention.py)."""
    return anonymise_past_evenings()


@shared_task(name="events.purge_expired_registration_changes")
def task_purge_expired_registration_changes() -> int:
    """Delete the registration changes whose link expired (domain/registration_changes.py)."""
    # In the function: registration_changes builds on this module (an import cycle).

    deleted = purge_expired_changes()
    logger.info("deleted %d registration changes whose link expired", deleted)
    return deleted

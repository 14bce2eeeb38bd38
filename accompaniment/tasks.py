"""Celery entry points of the accompaniment, thin."""

import datetime
import logging

from celery import shared_task
from django.db import DatabaseError

from accompaniment.domain.reminders import send_due_reminders

logger = logging.getLogger(__name__)


class RemindersLeftToSend(Exception):
    """Some digests could not be sent: the task runs again later for them."""


@shared_task(
    name="accompaniment.send_reminders",
    acks_late=True,
    autoretry_for=(DatabaseError, OSError, RemindersLeftToSend),
    retry_backoff=300,
    retry_backoff_max=3600,
    max_retries=5,
)
def task_send_reminders(*, day: str | None = None) -> dict:
    """The daily sweep (Celery beat). Running it twice, or on two hosts, sends nothing twice;
    a retry sends only what is left."""
    result = send_due_reminders(day=datetime.date.fromisoformat(day) if day else None)
    logger.info(
        "accompaniment reminders of %s: %d digests (%d reminders), %d already sent, %d failed",
        result.day,
        result.sent,
        result.items,
        result.already_sent_today,
        result.failed,
    )
    if result.failed:
        raise RemindersLeftToSend(f"{result.failed} digests left to send")
    return {"day": result.day.isoformat(), "sent": result.sent, "items": result.items}

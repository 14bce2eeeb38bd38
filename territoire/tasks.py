"""Celery entry points of the core, thin."""

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


@shared_task(
    name="territoire.send_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def task_send_email(*, subject: str, body: str, to: list[str], html: str | None = None) -> int:
    """Send one already-rendered e-mail; retried with back-off when the mail server is away."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


@shared_task(name="territoire.ping")
def task_ping(*, value: str) -> str:
    """Answer ``pong:<value>``: lets the health check and CI prove a worker is consuming."""
    return f"pong:{value}"

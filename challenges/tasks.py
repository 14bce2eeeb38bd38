"""Celery entry points of the mobilisation, thin."""

import logging

from celery import shared_task

from challenges.domain.signup_changes import purge_expired_changes, send_change_confirmation
from challenges.domain.signups import purge_unconfirmed_signups, send_confirmation
from challenges.models import SignUp

logger = logging.getLogger(__name__)


@shared_task(
    name="challenges.send_signup_confirmation",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def task_send_signup_confirmation(*, signup_id: int, token: str = "") -> None:
    """Every e-mail answering the sign-up form: for a new address, the link confirming it; for
    a known one (``token`` given), the link confirming the details proposed. One path, queued
    after commit, so that both answers cost the requester the same (docs/security.md)."""
    signup = SignUp.objects.select_related("territory").filter(pk=signup_id).first()
    if signup is None:
        logger.info("sign-up %s is gone; no e-mail to send", signup_id)
        return
    if token:
        # In the function: signup_changes builds on this module (an import cycle).

        send_change_confirmation(signup=signup, token=token)
    else:
        send_confirmation(signup=signup)


@shared_task(
    name="challenges.send_signup_change",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def task_send_signup_change(*, signup_id: int, token: str) -> None:
    """Kept for the messages queued before task_send_signup_confirmation took this path."""
    task_send_signup_confirmation(signup_id=signup_id, token=token)


@shared_task(name="challenges.purge_unconfirmed_signups")
def task_purge_unconfirmed_signups() -> int:
    """Unconfirmed sign-ups past 30 days, and sign-up changes whose link expired."""
    # In the function: signup_changes builds on this module (an import cycle).

    deleted = purge_unconfirmed_signups()
    logger.info("deleted %d unconfirmed sign-ups older than 30 days", deleted)
    changes = purge_expired_changes()
    logger.info("deleted %d sign-up changes whose link expired", changes)
    return deleted

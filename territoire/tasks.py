"""Celery entry points of the core, thin."""

import hashlib
import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction

from territoire.audit import purge_audit_log
from territoire.ledger import SentEmail
from territoire.outbox import send_pending_tasks
from territoire.privacy.links import purge_expired_requests
from territoire.reports.lifecycle import (
    TransientRenderError,
    render_report,
    requeue_stalled_reports,
)
from territoire.text import one_line

logger = logging.getLogger(__name__)


def email_key(*, task_id: str, to: list[str], subject: str) -> str:
    """The deduplication key of one e-mail of one task: a redelivered message keeps its id."""
    raw = "\x1f".join([task_id, ",".join(sorted(a.lower() for a in to)), subject])
    return hashlib.sha256(raw.encode()).hexdigest()


@shared_task(
    bind=True,
    name="territoire.send_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def task_send_email(
    self,
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    dedup_key: str = "",
) -> int:
    """Send one already-rendered e-mail, once; retried with back-off when the mail server is away.

    Exactly once, in practice: the task is acknowledged late (a worker that dies mid-task has
    its message delivered again), so the e-mail is recorded (SentEmail, keyed by ``dedup_key``
    or by the task id + recipients + subject) in the same transaction that sends it. A
    redelivered task finds the record and sends nothing; a second copy running at the same time
    waits on the record's unique key, then finds it. If sending fails, the transaction rolls
    back and the retry sends.

    The window left: the mail server has accepted the message (its reply to DATA) but the
    COMMIT has not reached the database when the worker dies — the QUIT round-trip to the mail
    server plus one COMMIT, a few milliseconds (docs/production.md, "E-mail"). Then the record
    rolls back and the redelivery sends a second copy.
    """
    key = dedup_key or email_key(task_id=self.request.id or "", to=to, subject=subject)
    if SentEmail.objects.filter(key=key).exists():
        logger.info("e-mail %s already sent, not sent again", key)
        return 0
    message = EmailMultiAlternatives(subject=one_line(subject), body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        with transaction.atomic():
            SentEmail.objects.create(key=key, task_id=(self.request.id or "")[:255])
            return message.send()
    except IntegrityError:
        logger.info("e-mail %s sent by another delivery of its task", key)
        return 0


@shared_task(name="territoire.purge_audit_log")
def task_purge_audit_log() -> int:
    """Delete the audit log's rows past their retention (territoire/audit.py), and the privacy
    requests whose link expired (territoire/privacy/links.py)."""
    # In the function: privacy.links enqueues this module's e-mail task (an import cycle).

    purge_expired_requests()
    return purge_audit_log()


@shared_task(name="territoire.ping")
def task_ping(*, value: str) -> str:
    """Answer ``pong:<value>``: lets the health check and CI prove a worker is consuming."""
    return f"pong:{value}"


@shared_task(
    bind=True,
    name="territoire.render_report",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=4,
    soft_time_limit=540,
    time_limit=600,
)
def task_render_report(self, *, report_id: int) -> str:
    """Render one requested report (territoire/reports/lifecycle.py); retried with back-off when
    storage or the database fails for a moment. A redelivered or retried task is harmless.

    Run in-process (no broker: ``make demo``), a passing failure is tried again at once, twice,
    then the report stays queued with its reason rather than failing the request that asked."""
    # In the function: lifecycle enqueues this module's tasks (an import cycle).

    task_id = self.request.id or f"in-process-{report_id}"
    for _attempt in range(3 if self.request.is_eager else 1):
        try:
            report = render_report(report_id=report_id, task_id=task_id)
        except TransientRenderError as exc:
            if not self.request.is_eager:
                raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc
            continue
        return report.status if report else "skipped"
    return "queued"


@shared_task(name="territoire.requeue_stalled_reports")
def task_requeue_stalled_reports() -> list[int]:
    """Send again the reports a dead worker or a lost message left behind."""
    # In the function: lifecycle enqueues this module's tasks (an import cycle).

    return requeue_stalled_reports()


@shared_task(name="territoire.send_pending_tasks")
def task_send_pending_tasks() -> int:
    """Send the tasks kept while the broker was away (territoire/outbox.py)."""
    return send_pending_tasks()

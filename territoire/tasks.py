"""Celery entry points of the core, thin."""

import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives

from territoire.text import one_line

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
    message = EmailMultiAlternatives(subject=one_line(subject), body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()


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
    from territoire.reports.lifecycle import TransientRenderError, render_report

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
    from territoire.reports.lifecycle import requeue_stalled_reports

    return requeue_stalled_reports()

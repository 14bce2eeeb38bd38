"""Background tasks that survive the broker being away: ``enqueue`` is the one way the code
sends a task, by its name.

A task is sent once the transaction that asked for it commits (as Celery's ``delay_on_commit``).
If Redis, the broker, does not take it (down, restarting), the write the person made is already
saved: the task is kept in the database instead (``PendingTask``), the request goes on with its
usual answer, and the beat's sweep (``send_pending_tasks``, every minute) sends what was kept
once Redis answers again. Nothing asked for is lost, and no request fails because of the broker.

Where a row already says what is still to do and a sweep of its own sends it again (a report
"queued", territoire/reports/lifecycle.py: requeue_stalled_reports), ``swept=True`` keeps
nothing more: the row is the outbox.
"""

import logging
from functools import partial

import kombu.exceptions
from celery import Task, current_app
from django.db import transaction

from territoire.cache import UNAVAILABLE
from territoire.ledger import PendingTask

logger = logging.getLogger(__name__)

# What "the broker is away" looks like when publishing: kombu wraps a refused or cut connection.
BROKER_UNAVAILABLE = (kombu.exceptions.OperationalError, *UNAVAILABLE)
# Kept tasks sent by one sweep at most (a long outage of a busy site is sent over a few minutes).
SWEEP_BATCH = 500


def enqueue(task: str, *, queue: str | None = None, swept: bool = False, **kwargs) -> None:
    """Send the task named ``task`` (its Celery name: "territoire.send_email") with ``kwargs``
    to the workers once the current transaction commits (at once outside one); kept in the
    database when the broker is away, unless ``swept`` (a row and a sweep of its own already say
    it is to be done). Never raises because of the broker; raises KeyError at once for a name
    no task has.

    By name, as Celery's own ``send_task``: a domain module asks for a task without importing
    the tasks module, which imports the domain (the layers go one way: tasks → domain).
    """
    registered = registered_task(task)
    if registered is None:
        raise KeyError(task)
    transaction.on_commit(partial(_send, registered, kwargs, queue, swept))


def registered_task(name: str) -> Task | None:
    """The task registered under ``name``, None when no task has it. A web process imports
    the apps' tasks modules on the first name it does not know yet (``autodiscover_tasks``, as
    a worker does when it starts)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks.get(name)


def _send(task: Task, kwargs: dict, queue: str | None, swept: bool) -> None:
    if task.app.conf.task_always_eager:  # no broker (make demo, tests): run here, as before
        task.apply_async(kwargs=kwargs, queue=queue)
        return
    try:
        task.apply_async(kwargs=kwargs, queue=queue)
    except BROKER_UNAVAILABLE as exc:
        if swept:
            logger.warning("broker unavailable, %s left to its sweep: %s", task.name, exc)
            return
        logger.warning("broker unavailable, %s kept to send later: %s", task.name, exc)
        PendingTask.objects.create(
            task=task.name, kwargs=kwargs, queue=queue or "", error=str(exc)[:300]
        )


def send_pending_tasks() -> int:
    """Send the tasks kept while the broker was away, oldest first; stop at the first the broker
    refuses (it is still away: the next sweep goes on). Returns how many were sent.

    A kept task is deleted once the broker took it, so a sweep that dies half-way sends the rest
    next time; one sent just before a crash may be sent twice, which every task allows (e-mails
    are recorded once sent, reports claimed)."""
    sent = 0
    for pending in PendingTask.objects.all()[:SWEEP_BATCH]:
        task = registered_task(pending.task)
        if task is None:  # a task renamed or removed since: nothing can run it
            logger.error("kept task %s (%s) is unknown, dropped", pending.task, pending.kwargs)
            pending.delete()
            continue
        try:
            task.apply_async(kwargs=pending.kwargs, queue=pending.queue or None)
        except BROKER_UNAVAILABLE as exc:
            logger.warning("broker still unavailable, %s kept: %s", pending.task, exc)
            break
        pending.delete()
        sent += 1
    return sent

"""The accompaniment's reminders: one digest e-mail per person per day, each reminder sent once.

Who gets what, for ACTIVE projects and people with an active account:

- the team (``ProjectMember.user``): MILESTONE_DUE for an open milestone due within 7 days,
  MILESTONE_OVERDUE once for an open milestone past its date (occasion: the due date, so a
  milestone moved to a new date is announced again), NO_UPDATE once per silence of 30 days
  (occasion: the day the silence started, the last update's or the plan's start);
- the project's coach: MILESTONE_OVERDUE_COACH once a milestone is 14 days late, and NO_UPDATE.

A ReminderPreference chooses kinds or stops everything; a person without one gets all.

The sweep (``send_due_reminders``, daily from Celery beat and ``manage.py send_reminders``)
walks people by keyset pagination on their id and computes a whole batch's reminders with a
fixed number of queries whatever the batch's size (``reminder_plan.plan_batch``). Then, for
each person, ONE transaction inserts the ReminderDigest (user, day) and its ReminderItems
(``create`` then ``bulk_create``) and sends the e-mail rendered from its templates
(``reminder_email``):

- The digest's unique pair is the "never two a day" guard: a second sweep the same day (the
  same beat twice, two beat hosts, a rerun by hand) fails that insert and skips the person; a
  sweep running at the same moment waits on the first one's uncommitted row, then fails too.
- The items' unique constraints make a reminder never come back on a later day.
- When the e-mail cannot be sent, the exception rolls the whole transaction back: nothing is
  recorded, so the next sweep sends that person's digest (nothing skipped). A crash half-way
  (worker killed) leaves every committed person sent and recorded, every other one untouched.

Why the e-mail is sent inside the transaction rather than queued through an outbox (or through
``territoire.send_email`` after commit, as single e-mails are): the decision and the delivery
then succeed or fail together. Queueing after commit opens a window where the rows say "sent"
and the e-mail is lost (a crash between COMMIT and the hand-off, a task dropped by the broker),
which is a reminder skipped; an outbox closes it only with a second sweep that has the very same
"send, then record" step as here. What remains is the window after the mail server accepted
the message and before COMMIT returns (a lost database connection in those microseconds): then
that one digest is sent again the next run; no design without a transactional mail server does
better. The price is a transaction held open during one SMTP exchange; it locks only the new
digest row. Each batch reuses one SMTP connection from one person to the next.

What this plain version costs, measured (``make bench-reminders``, 2026-12-08, this 2-core
machine, quiet; docs/benchmarks.md): 7,919 digests, 70,876 reminders in **49.4 s**, over the
issue's 30 s (the version it replaced — one hand-written SQL statement per person, frames
rendered once, 4 sending threads — took 15.8 s just before); memory within bounds (102 MB peak,
was 116 MB). The time is the sweep's Python, 24 to 28 s of CPU from run to run (about 40 %
rendering the two templates per person, 40 % the ORM's create and bulk_create, 10 % MIME),
followed by PostgreSQL's 16 to 19 s (the items' foreign-key checks, one commit per person). Sending
threads cannot buy it back: the Python time alone is about the bound and runs under one lock;
with 4 (tried the same day, machine shared) the sweep took 59.9 s where one thread took 41.8 s.
Where to cut if the bound must hold: those two halves of the Python time (the hand-tuned
version spent 2.6 s rendering and 3.5 s inserting).
"""

import datetime
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.utils import timezone

from accompaniment.domain.reminder_email import send_digest_email
from accompaniment.domain.reminder_plan import (
    BATCH_SIZE,
    DueItem,
    DuePerson,
    ProjectInfo,
    people_batches,
    plan_batch,
)
from accompaniment.models import ReminderDigest, ReminderItem, ReminderPreference
from territoire.models import User

__all__ = ["DueItem", "DuePerson", "ProjectInfo"]

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    """What a sweep did. ``failed`` people are retried by the next sweep."""

    day: datetime.date
    people_seen: int = 0
    sent: int = 0
    items: int = 0
    already_sent_today: int = 0
    failed: int = 0
    planned: list[DuePerson] = field(default_factory=list)  # dry run without on_person


def new_token() -> str:
    return secrets.token_urlsafe(32)


# ---------------------------------------------------------------------------------------------
# Sending: one transaction per person.


class AlreadySentToday(Exception):
    """Another sweep recorded this person's digest for the day first."""


def _ensure_tokens(due: list[DuePerson]) -> None:
    """Give each person about to get their first digest a preferences token (the link in the
    e-mail). Two queries per batch; a token another process created first is kept."""
    missing = [person for person in due if not person.token]
    if not missing:
        return
    ReminderPreference.objects.bulk_create(
        [ReminderPreference(user=person.user, token=new_token()) for person in missing],
        ignore_conflicts=True,
    )
    tokens = dict(
        ReminderPreference.objects.filter(
            user_id__in=[person.user.pk for person in missing]
        ).values_list("user_id", "token")
    )
    for person in missing:
        person.token = tokens[person.user.pk]


def _record(*, person: DuePerson, day: datetime.date) -> None:
    """Insert the digest and its items (inside the caller's transaction)."""
    try:
        digest = ReminderDigest.objects.create(user=person.user, day=day, sent_at=timezone.now())
    except IntegrityError:
        # The (user, day) pair is taken. Leaving the caller's block rolls the transaction
        # back; no query runs after this.
        raise AlreadySentToday(person.user.pk) from None
    ReminderItem.objects.bulk_create(
        [
            ReminderItem(
                digest_id=digest.pk,
                user_id=person.user.pk,
                kind=item.kind,
                project_id=item.project.id,
                milestone_id=item.milestone_id,
                occasion=item.occasion,
            )
            for item in person.items
        ]
    )


def record_and_send(
    *, person: DuePerson, day: datetime.date, connection: BaseEmailBackend | None = None
) -> None:
    """Record ``person``'s digest for ``day`` and its items, and e-mail it, all or nothing.

    Raises AlreadySentToday when a digest for (person, day) exists (another sweep got there
    first), IntegrityError when one of the items was recorded by another sweep meanwhile, and
    whatever sending raises: in every case nothing is recorded.
    Side effects: one ReminderDigest, its ReminderItems; one e-mail.
    """
    with transaction.atomic():
        _record(person=person, day=day)
        send_digest_email(person=person, day=day, connection=connection)


def send_due_reminders(
    *,
    day: datetime.date | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    on_person: Callable[[DuePerson], None] | None = None,
) -> SweepResult:
    """Send every reminder due on ``day`` (today by default) that was not sent before: one
    digest per person, at most one a day.

    Exactly once (see the module's docstring): a person's digest, items and e-mail share one
    transaction. A failure to send is logged and leaves that person to the next sweep; the
    others go on. ``on_person`` is called with each person sent. ``dry_run`` records and sends
    nothing: ``sent`` and ``items`` count what would be sent, and each person goes to
    ``on_person``, or to ``planned`` without one (memory then grows with the sweep).
    Side effects (unless ``dry_run``): ReminderDigest and ReminderItem rows, ReminderPreference
    rows for first-time recipients (their token); e-mails.
    """
    day = day or timezone.localdate()
    result = SweepResult(day=day)
    for users in people_batches(batch_size=batch_size):
        result.people_seen += len(users)
        due = plan_batch(users, day=day)
        if dry_run:
            result.items += sum(len(person.items) for person in due)
            result.sent += len(due)
            for person in due:
                if on_person:
                    on_person(person)
                else:
                    result.planned.append(person)
            continue
        _ensure_tokens(due)
        _send_each(due, day=day, result=result, on_person=on_person)
    return result


def _send_each(
    people: list[DuePerson],
    *,
    day: datetime.date,
    result: SweepResult,
    on_person: Callable[[DuePerson], None] | None,
) -> None:
    """Record and send each person's digest, counted in ``result``; a failure is logged and the
    others go on. One mail connection for the batch, opened at the first send; a failure closes
    it and the next send opens a fresh one."""
    mail = get_connection()
    try:
        for person in people:
            try:
                mail.open()
                record_and_send(person=person, day=day, connection=mail)
            except AlreadySentToday:
                result.already_sent_today += 1
                continue
            except Exception:
                logger.exception(
                    "reminder digest to user %s failed; the next sweep retries", person.user.pk
                )
                result.failed += 1
                mail.close()
                continue
            result.sent += 1
            result.items += len(person.items)
            if on_person:
                on_person(person)
    finally:
        mail.close()


# ---------------------------------------------------------------------------------------------
# Preferences.


def preference_for(*, user: User) -> ReminderPreference:
    """The person's preferences, created (all reminders on) the first time.

    Side effects: one ReminderPreference row the first time.
    """
    preference, _created = ReminderPreference.objects.get_or_create(
        user=user, defaults={"token": new_token()}
    )
    return preference


def set_preferences(
    *,
    preference: ReminderPreference,
    milestones_due: bool,
    milestones_overdue: bool,
    silent_projects: bool,
    stopped: bool,
) -> ReminderPreference:
    """Choose which reminders to receive, or stop them all.

    Side effects: the ReminderPreference row updated.
    """
    preference.milestones_due = milestones_due
    preference.milestones_overdue = milestones_overdue
    preference.silent_projects = silent_projects
    preference.stopped = stopped
    preference.save(
        update_fields=["milestones_due", "milestones_overdue", "silent_projects", "stopped"]
    )
    return preference

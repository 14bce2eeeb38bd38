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
fixed number of queries (``plan_batch``), whatever the batch's size. Then, for each person, ONE
transaction inserts the ReminderDigest (user, day), its ReminderItems and sends the e-mail:

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
digest row, and the sweep reuses one SMTP connection.
"""

import datetime
import logging
import queue
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accompaniment.domain.reminder_email import send_digest_email
from accompaniment.enums import ReminderKind
from accompaniment.models import (
    Milestone,
    Plan,
    ProjectUpdate,
    ReminderDigest,
    ReminderItem,
    ReminderPreference,
)
from projects.enums import ProjectStatus
from projects.models import Project, ProjectMember
from territoire.models import Invitation, User

logger = logging.getLogger(__name__)

DUE_WITHIN = datetime.timedelta(days=7)
COACH_AFTER = datetime.timedelta(days=14)
SILENCE = datetime.timedelta(days=30)
BATCH_SIZE = 500
CHUNK_SIZE = 2000

# Which preference switch governs which kind.
PREFERENCE_OF_KIND = {
    ReminderKind.MILESTONE_DUE: "milestones_due",
    ReminderKind.MILESTONE_OVERDUE: "milestones_overdue",
    ReminderKind.MILESTONE_OVERDUE_COACH: "milestones_overdue",
    ReminderKind.NO_UPDATE: "silent_projects",
}
# Order of the kinds inside a project's block of the digest.
KIND_ORDER = {
    ReminderKind.MILESTONE_OVERDUE_COACH: 0,
    ReminderKind.MILESTONE_OVERDUE: 1,
    ReminderKind.MILESTONE_DUE: 2,
    ReminderKind.NO_UPDATE: 3,
}


class ProjectInfo(NamedTuple):
    id: int
    name: str
    slug: str
    territory_slug: str


class DueItem(NamedTuple):
    """One reminder due to one person; ``milestone_*`` empty for NO_UPDATE."""

    kind: str
    project: ProjectInfo
    occasion: datetime.date
    milestone_id: int | None = None
    milestone_title: str = ""


@dataclass
class DuePerson:
    user: User
    items: list[DueItem]
    language: str
    token: str = ""


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


def wants(preference: ReminderPreference | None, kind: str) -> bool:
    if preference is None:
        return True
    return not preference.stopped and getattr(preference, PREFERENCE_OF_KIND[kind])


# ---------------------------------------------------------------------------------------------
# Who gets what: a batch of people at a time, a fixed number of queries per batch.


def people_batches(*, batch_size: int = BATCH_SIZE) -> Iterator[list[User]]:
    """Active people of ACTIVE projects' teams and their coaches, ``batch_size`` at a time,
    by ascending id (keyset pagination: each batch is one indexed query, whatever the page).
    People who stopped every reminder are left out in the query."""
    active = Project.objects.filter(status=ProjectStatus.ACTIVE)
    in_team = ProjectMember.objects.filter(user=OuterRef("pk"), project__in=active)
    coaching = active.filter(coach=OuterRef("pk"))
    people = (
        User.objects.filter(is_active=True)
        .filter(Q(Exists(in_team)) | Q(Exists(coaching)))
        .exclude(reminder_preference__stopped=True)
        .select_related("reminder_preference")
        .only("pk", "email", "full_name", "reminder_preference")
        .order_by("pk")
    )
    after = 0
    while True:
        batch = list(people.filter(pk__gt=after)[:batch_size])
        if not batch:
            return
        yield batch
        after = batch[-1].pk


def _preference(user: User) -> ReminderPreference | None:
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return None


def _languages(user_ids: list[int]) -> dict[int, str]:
    """Each person's language: the one of the last invitation they accepted, else French."""
    known = dict(settings.LANGUAGES)
    languages: dict[int, str] = {}
    accepted = (
        Invitation.objects.filter(accepted_by_id__in=user_ids)
        .order_by("accepted_by_id", "accepted_at")
        .values_list("accepted_by_id", "language")
    )
    for user_id, language in accepted:
        if language in known:
            languages[user_id] = language
    return languages


def plan_batch(users: list[User], *, day: datetime.date) -> list[DuePerson]:
    """The reminders due on ``day`` to each of ``users`` and not sent yet (people already sent
    a digest on ``day`` are left out). Eight queries, whatever the number of people, projects
    and milestones; memory in proportion to the batch's own reminders."""
    if not users:
        return []
    ids = [user.pk for user in users]
    done_today = set(
        ReminderDigest.objects.filter(user_id__in=ids, day=day).values_list("user_id", flat=True)
    )
    users = [user for user in users if user.pk not in done_today]
    ids = [user.pk for user in users]
    if not ids:
        return []

    team_of: dict[int, set[int]] = defaultdict(set)  # project → team members in the batch
    for user_id, project_id in ProjectMember.objects.filter(
        user_id__in=ids, project__status=ProjectStatus.ACTIVE
    ).values_list("user_id", "project_id"):
        team_of[project_id].add(user_id)
    coach_of: dict[int, int] = dict(
        Project.objects.filter(coach_id__in=ids, status=ProjectStatus.ACTIVE).values_list(
            "pk", "coach_id"
        )
    )
    project_ids = set(team_of) | set(coach_of)
    projects = {
        row[0]: ProjectInfo(*row)
        for row in Project.objects.filter(pk__in=project_ids)
        .order_by()
        .values_list("pk", "name", "slug", "territory__slug")
    }

    # Sent before: only the keys that could come up again (open milestones, any silence).
    open_milestones = Milestone.objects.filter(
        project_id__in=project_ids, done_on__isnull=True, due_on__lte=day + DUE_WITHIN
    )
    sent = set(
        ReminderItem.objects.filter(user_id__in=ids, milestone__in=open_milestones.values("pk"))
        .values_list("user_id", "kind", "milestone_id", "occasion")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    sent_silences = set(
        ReminderItem.objects.filter(
            user_id__in=ids, kind=ReminderKind.NO_UPDATE, milestone__isnull=True
        ).values_list("user_id", "project_id", "occasion")
    )

    by_user: dict[int, list[DueItem]] = defaultdict(list)
    preferences = {user.pk: _preference(user) for user in users}

    def add(user_id: int, item: DueItem) -> None:
        if not wants(preferences[user_id], item.kind):
            return
        if item.milestone_id is not None:
            if (user_id, item.kind, item.milestone_id, item.occasion) in sent:
                return
        elif (user_id, item.project.id, item.occasion) in sent_silences:
            return
        by_user[user_id].append(item)

    milestones = open_milestones.order_by().values_list("pk", "project_id", "title", "due_on")
    for milestone_id, project_id, title, due_on in milestones.iterator(chunk_size=CHUNK_SIZE):
        project = projects[project_id]
        kind = ReminderKind.MILESTONE_DUE if due_on >= day else ReminderKind.MILESTONE_OVERDUE
        for user_id in team_of.get(project_id, ()):
            add(user_id, DueItem(kind, project, due_on, milestone_id, title))
        coach_id = coach_of.get(project_id)
        if coach_id is not None and due_on <= day - COACH_AFTER:
            add(
                coach_id,
                DueItem(ReminderKind.MILESTONE_OVERDUE_COACH, project, due_on, milestone_id, title),
            )

    for project_id, silent_since in silences(project_ids, day=day).items():
        project = projects[project_id]
        for user_id in {*team_of.get(project_id, ()), coach_of.get(project_id)} - {None}:
            add(user_id, DueItem(ReminderKind.NO_UPDATE, project, silent_since))

    languages = _languages(ids)
    due = []
    for user in users:
        items = by_user.get(user.pk)
        if items:
            items.sort(key=lambda i: (i.project.name, KIND_ORDER[i.kind], i.occasion))
            preference = preferences[user.pk]
            due.append(
                DuePerson(
                    user=user,
                    items=items,
                    language=languages.get(user.pk, settings.LANGUAGE_CODE),
                    token=preference.token if preference else "",
                )
            )
    return due


def silences(project_ids, *, day: datetime.date) -> dict[int, datetime.date]:
    """Projects among ``project_ids`` without an update for 30 days on ``day``, with the day
    their silence started: the last update's day, or the plan's start when there is none (a
    project without a plan has nothing to report on yet). One query."""
    last_update = (
        ProjectUpdate.objects.filter(project=OuterRef("project_id"))
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    rows = (
        Plan.objects.filter(project_id__in=project_ids, starts_on__lte=day - SILENCE)
        .annotate(last_update=last_update)
        .values_list("project_id", "starts_on", "last_update")
    )
    silent = {}
    for project_id, starts_on, last_update_at in rows:
        since = timezone.localdate(last_update_at) if last_update_at else starts_on
        if since <= day - SILENCE:
            silent[project_id] = since
    return silent


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


# On PostgreSQL the digest and its items are one statement (one round trip, little of the
# sweep's CPU): a statement is atomic, and a unique violation anywhere undoes all of it.
RECORD_SQL = """
WITH digest AS (
    INSERT INTO accompaniment_reminderdigest (user_id, day, created_at, sent_at)
    VALUES (%s, %s, %s, %s) RETURNING id
)
INSERT INTO accompaniment_reminderitem
    (digest_id, user_id, kind, project_id, milestone_id, occasion)
SELECT digest.id, %s, item.kind, item.project_id, item.milestone_id, item.occasion
FROM digest, unnest(%s::varchar[], %s::bigint[], %s::bigint[], %s::date[])
    AS item (kind, project_id, milestone_id, occasion)
"""
DIGEST_CONSTRAINT = "reminder_digest_once_a_day"


def _record(*, person: DuePerson, day: datetime.date) -> None:
    """Insert the digest and its items (inside the caller's transaction)."""
    now = timezone.now()
    user_id = person.user.pk
    if db_connection.vendor == "postgresql":
        items = person.items
        try:
            with db_connection.cursor() as cursor:
                cursor.execute(
                    RECORD_SQL,
                    [
                        user_id,
                        day,
                        now,
                        now,
                        user_id,
                        [item.kind for item in items],
                        [item.project.id for item in items],
                        [item.milestone_id for item in items],
                        [item.occasion for item in items],
                    ],
                )
        except IntegrityError as error:
            constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", "")
            if constraint == DIGEST_CONSTRAINT:
                raise AlreadySentToday(user_id) from None
            raise
        return
    try:
        digest = ReminderDigest.objects.create(user_id=user_id, day=day, sent_at=now)
    except IntegrityError:
        # Leaving the caller's block rolls the transaction back; no query runs after this.
        raise AlreadySentToday(user_id) from None
    ReminderItem.objects.bulk_create(
        [
            ReminderItem(
                digest=digest,
                user_id=user_id,
                kind=item.kind,
                project_id=item.project.id,
                milestone_id=item.milestone_id,
                occasion=item.occasion,
            )
            for item in person.items
        ]
    )


def record_and_send(*, person: DuePerson, day: datetime.date, connection=None) -> None:
    """Record ``person``'s digest for ``day`` and its items, and e-mail it, all or nothing.

    Raises AlreadySentToday when a digest for (person, day) exists (another sweep got there
    first), IntegrityError when one of the items was recorded by another sweep meanwhile, and
    whatever sending raises: in every case nothing is recorded.
    Side effects: one ReminderDigest, its ReminderItems; one e-mail.
    """
    with transaction.atomic():
        _record(person=person, day=day)
        send_digest_email(person=person, day=day, connection=connection)


class _Sender:
    """Sends people's digests one at a time with its own mail connection, and counts."""

    def __init__(self, *, day: datetime.date, result: SweepResult, on_person, lock) -> None:
        self.day, self.result, self.on_person, self.lock = day, result, on_person, lock
        self.mail = get_connection()

    def send(self, person: DuePerson) -> None:
        try:
            record_and_send(person=person, day=self.day, connection=self.mail)
        except AlreadySentToday:
            with self.lock:
                self.result.already_sent_today += 1
            return
        except Exception:
            logger.exception(
                "reminder digest to user %s failed; the next sweep retries", person.user.pk
            )
            with self.lock:
                self.result.failed += 1
            # The mail connection may be what failed: the next person gets a fresh one.
            self.mail.close()
            self.mail = get_connection()
            return
        with self.lock:
            self.result.sent += 1
            self.result.items += len(person.items)
        if self.on_person:
            self.on_person(person)

    def close(self) -> None:
        self.mail.close()


class _SenderThreads:
    """``workers`` threads sending the people put in their queue, each with its own database
    and mail connections. A crash in one (anything but an Exception) stops them all and is
    raised in the sweep, as it would be without threads."""

    def __init__(self, workers: int, **sender) -> None:
        self.queue: queue.Queue = queue.Queue()
        self.sender = sender
        self.crash: BaseException | None = None
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(workers)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        sender = _Sender(**self.sender)
        try:
            while (person := self.queue.get()) is not None:
                try:
                    if self.crash is None:
                        sender.send(person)
                except BaseException as crash:
                    self.crash = self.crash or crash
                finally:
                    self.queue.task_done()
            self.queue.task_done()
        finally:
            sender.close()
            db_connection.close()

    def send(self, people: list[DuePerson]) -> None:
        for person in people:
            self.queue.put(person)
        self.queue.join()
        if self.crash is not None:
            raise self.crash

    def close(self) -> None:
        for _thread in self.threads:
            self.queue.put(None)
        for thread in self.threads:
            thread.join()


def send_due_reminders(
    *,
    day: datetime.date | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    workers: int = 1,
    on_person: Callable[[DuePerson], None] | None = None,
) -> SweepResult:
    """Send every reminder due on ``day`` (today by default) that was not sent before: one
    digest per person, at most one a day.

    Exactly once (see the module's docstring): a person's digest, items and e-mail share one
    transaction. A failure to send is logged and leaves that person to the next sweep; the
    others go on. ``workers`` > 1 sends from that many threads, each with its own database
    and mail connections (PostgreSQL only: they hide the database's and the mail server's
    latency; SQLite gets one). ``on_person`` is called with each person sent (from those
    threads). ``dry_run`` records and sends nothing: ``sent`` and ``items`` count what would
    be sent, and each person goes to ``on_person``, or to ``planned`` without one (memory then
    grows with the sweep).
    Side effects (unless ``dry_run``): ReminderDigest and ReminderItem rows, ReminderPreference
    rows for first-time recipients (their token); e-mails.
    """
    day = day or timezone.localdate()
    result = SweepResult(day=day)
    if db_connection.vendor != "postgresql":
        workers = 1
    sender = {"day": day, "result": result, "on_person": on_person, "lock": threading.Lock()}
    senders = None
    if not dry_run:
        senders = _SenderThreads(workers, **sender) if workers > 1 else _Sender(**sender)
    try:
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
            if isinstance(senders, _SenderThreads):
                senders.send(due)
            else:
                for person in due:
                    senders.send(person)
    finally:
        if senders is not None:
            senders.close()
    return result


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

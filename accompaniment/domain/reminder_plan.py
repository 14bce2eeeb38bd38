"""Who gets which reminder on a day: people walked in batches by keyset pagination on their
id, each batch's reminders computed with a fixed number of queries whatever its size
(``plan_batch``), minus what was sent before. The rules are in accompaniment/domain/reminders.py's
docstring; sending is there too."""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

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
from territoire.domain.languages import languages_of
from territoire.models import User

DUE_WITHIN = datetime.timedelta(days=7)
COACH_AFTER = datetime.timedelta(days=14)
SILENCE = datetime.timedelta(days=30)
BATCH_SIZE = 500
CHUNK_SIZE = 2000

# Which preference switch governs which kind.
PREFERENCE_OF_KIND: dict[str, str] = {
    ReminderKind.MILESTONE_DUE: "milestones_due",
    ReminderKind.MILESTONE_OVERDUE: "milestones_overdue",
    ReminderKind.MILESTONE_OVERDUE_COACH: "milestones_overdue",
    ReminderKind.NO_UPDATE: "silent_projects",
}
# Order of the kinds inside a project's block of the digest.
KIND_ORDER: dict[str, int] = {
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

    languages = languages_of(ids)
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

"""Reads several callers share: the showcase, a project as each person may see it, teams,
projects alive at a date."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from events.models import FormedProject, Idea, TeamMember
from projects.enums import ALIVE_STATUSES, SHOWCASE_STATUSES, ProjectStatus
from projects.models import Project, ProjectMember
from territoire.models import Territory, User
from territoire.queries import count_by


def is_showcased(project: Project) -> bool:
    """What the public may see: a public project in a showcase status (never a draft)."""
    return project.is_public and project.status in SHOWCASE_STATUSES


def showcase_projects(
    territory: Territory, *, domain: str = "", challenge: str = "", status: str = ""
) -> QuerySet[Project]:
    """The territory's showcase, filtered by domain slug, challenge slug and status; one query."""
    projects = (
        Project.objects.filter(territory=territory, is_public=True, status__in=SHOWCASE_STATUSES)
        .select_related("territory", "domain", "challenge")
        .order_by("name", "pk")
    )
    if domain:
        projects = projects.filter(domain__slug=domain)
    if challenge:
        projects = projects.filter(challenge__slug=challenge)
    if status:
        projects = projects.filter(status=status)
    return projects


def _project(territory_slug: str, slug: str) -> Project:
    return get_object_or_404(
        Project.objects.select_related(
            "territory",
            "domain",
            "challenge__territory",
            "lead_organisation",
            "coach",
            "source_table__event",
        ),
        territory__slug=territory_slug,
        slug=slug,
    )


def get_project_for_visitor(request: HttpRequest, territory_slug: str, slug: str) -> Project:
    """A project as its public page shows it: showcased ones for everyone, the others only for
    those who may read it (a preview with a banner); 404 for everyone else."""
    project = _project(territory_slug, slug)
    if not is_showcased(project) and not request.user.has_perm("projects.read_project", project):
        raise Http404
    return project


def get_project_for_reader(request: HttpRequest, territory_slug: str, slug: str) -> Project:
    """A project for someone who reads all of it (team, coach, the territory's organisers,
    coaches and officials); 404 for everyone else, as if it did not exist."""
    project = _project(territory_slug, slug)
    if not request.user.has_perm("projects.read_project", project):
        raise Http404
    return project


def get_project_for_team(request: HttpRequest, territory_slug: str, slug: str) -> Project:
    """A project for someone who may change it (its team, its coach, the territory's
    organisers); 403 for those who only read it (officials, other coaches), 404 for the rest."""
    project = get_project_for_reader(request, territory_slug, slug)
    if not request.user.has_perm("projects.change_project_page", project):
        raise PermissionDenied
    return project


def carried_ideas(project: Project) -> list[Idea]:
    return list(project.ideas.order_by("pk"))


def team(project: Project) -> list[ProjectMember]:
    """The whole team, for the team's own pages (private)."""
    return list(
        project.members.select_related("user", "from_team_member").order_by("role", "full_name")
    )


# The members whose name may be shown publicly: their own answer from their project space
# (``ProjectMember.name_public``) once given, else the one given on their phone when joining
# the team at the table (``TeamMember.name_public``). Nobody else answers for them.
NAME_IS_PUBLIC = Q(name_public_answered_at__isnull=False, name_public=True) | Q(
    name_public_answered_at__isnull=True, from_team_member__name_public=True
)


def shows_name(member: ProjectMember) -> bool:
    """NAME_IS_PUBLIC for one member already loaded (with ``from_team_member``)."""
    if member.name_public_answered_at is not None:
        return member.name_public
    return bool(member.from_team_member and member.from_team_member.name_public)


def public_team(project: Project) -> list[ProjectMember]:
    """The members whose name may be shown on public pages: only those who agreed themselves
    (NAME_IS_PUBLIC). Members who never answered are not shown. One query."""
    return list(project.members.filter(NAME_IS_PUBLIC).order_by("role", "full_name"))


def formed_projects_to_publish(territory: Territory) -> list[FormedProject]:
    """Projects formed at the territory's tables that are not followed projects yet, with their
    table, ideas and team; four queries whatever their number."""
    return list(
        FormedProject.objects.filter(
            table__event__territory=territory, published_project__isnull=True
        )
        .select_related("table__event", "table__challenge__domain")
        .prefetch_related(
            Prefetch("ideas", queryset=Idea.objects.order_by("pk")),
            Prefetch("team", queryset=TeamMember.objects.order_by("pk")),
        )
        .order_by("table__event__starts_at", "table__name", "created_at")
    )


def territory_projects(territory: Territory) -> QuerySet[Project]:
    return Project.objects.filter(territory=territory).select_related("coach").order_by("name")


def projects_of_member(user: User) -> list[Project]:
    """The projects whose team ``user`` joined, cached on the user object for the request (in
    its ``__dict__``, as a cached property would be)."""
    cached: list[Project] | None = user.__dict__.get("_member_projects")
    if cached is None:
        cached = list(
            Project.objects.filter(members__user=user)
            .select_related("territory")
            .order_by("name")
            .distinct()
        )
        user.__dict__["_member_projects"] = cached
    return cached


def accompanied_by_territory(territory_ids: list[int]) -> dict[int, int]:
    """How many projects each territory accompanies now (status active). One query."""
    return count_by(
        Project.objects.filter(territory_id__in=territory_ids, status=ProjectStatus.ACTIVE),
        "territory_id",
    )


def _end_of(day: datetime.date) -> datetime.datetime:
    """The first instant after ``day`` in the site's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time())
    ) + datetime.timedelta(days=1)


def _status_before(moment: datetime.datetime) -> Subquery:
    """A project's status as its history recorded it last before ``moment``."""
    history = Project.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=moment)
    return Subquery(history.order_by("-history_date", "-history_id").values("status")[:1])


def projects_alive_on(
    projects: QuerySet[Project], days: dict[str, datetime.date]
) -> dict[str, int]:
    """How many of ``projects`` were alive on each of ``days`` (by key): created by then, and
    then neither a draft nor stopped (accompanied, paused or graduated), as the project's history
    recorded its status. A project without history counts with its status of today. One query.
    """
    if not days:
        return {}
    annotations, counts = {}, {}
    for key, day in days.items():
        end = _end_of(day)
        annotations[f"status_{key}"] = Coalesce(_status_before(end), F("status"))
        counts[key] = Count(
            "pk", filter=Q(created_at__lt=end, **{f"status_{key}__in": ALIVE_STATUSES})
        )
    return projects.order_by().annotate(**annotations).aggregate(**counts)


def projects_alive_at(projects: QuerySet[Project], day: datetime.date) -> int:
    """How many of ``projects`` were alive on ``day`` (see ``projects_alive_on``). One query."""
    return projects_alive_on(projects, {"day": day})["day"]


def projects_now_by_territory(territory_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many projects each territory accompanies now (``accompanied``) and has alive now
    (``alive``: accompanied, paused or standing alone). One query."""
    rows = (
        Project.objects.filter(territory_id__in=territory_ids)
        .order_by()
        .values("territory_id")
        .annotate(
            accompanied=Count("pk", filter=Q(status=ProjectStatus.ACTIVE)),
            alive=Count("pk", filter=Q(status__in=ALIVE_STATUSES)),
        )
    )
    return {
        row["territory_id"]: {"accompanied": row["accompanied"], "alive": row["alive"]}
        for row in rows
    }


def projects_alive_by_territory(territory_days: dict[int, datetime.date]) -> dict[int, int]:
    """How many projects of each territory (by id) were alive on that territory's day, as
    ``projects_alive_on`` counts them (created by then, then neither a draft nor stopped as the
    project's history recorded its status), for many territories with a day each: the network
    page's "alive one year after the evening". Territories without any are left out. One query,
    whatever the number of territories.
    """
    if not territory_days:
        return {}
    cutoff = Case(
        *(When(territory_id=pk, then=Value(_end_of(day))) for pk, day in territory_days.items()),
        output_field=DateTimeField(),
    )
    status_then = Subquery(
        Project.history.model.objects.filter(id=OuterRef("pk"), history_date__lt=OuterRef("cutoff"))
        .order_by("-history_date", "-history_id")
        .values("status")[:1]
    )
    alive = (
        Project.objects.filter(territory_id__in=list(territory_days))
        .order_by()
        .annotate(cutoff=cutoff)
        .filter(created_at__lt=F("cutoff"))
        .annotate(status_then=Coalesce(status_then, F("status")))
        .filter(status_then__in=ALIVE_STATUSES)
    )
    return count_by(alive, "territory_id")

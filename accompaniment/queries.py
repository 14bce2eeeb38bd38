"""Reads the accompaniment's pages share: job totals, a project's health, the portfolio, the
history of a project. Every function here runs a fixed number of queries."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Count,
    DecimalField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from accompaniment.domain.plans import plan_month
from accompaniment.enums import JobKind, JobStatus
from accompaniment.models import Indicator, IndicatorValue, JobRecord, Milestone, ProjectUpdate
from projects.models import Project, ProjectMember
from territoire.models import Territory

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

SILENCE_DAYS = 30


class Health:
    ON_TRACK = "on_track"
    LATE = "late"
    SILENT = "silent"


def _job_sums(records: QuerySet[JobRecord]) -> dict[str, object]:
    """Jobs created and jobs kept apart (a job kept is not a job created): ``verified_jobs``
    are created and verified, ``kept_jobs`` kept and verified; ``declared_jobs`` is what awaits
    verification, of both kinds."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=2))
    created = Q(status=JobStatus.VERIFIED, kind=JobKind.CREATED)
    kept = Q(status=JobStatus.VERIFIED, kind=JobKind.KEPT)
    return records.aggregate(
        verified_jobs=Coalesce(Sum("number", filter=created), 0),
        verified_fte=Coalesce(Sum("fte", filter=created), zero),
        kept_jobs=Coalesce(Sum("number", filter=kept), 0),
        kept_fte=Coalesce(Sum("fte", filter=kept), zero),
        declared_jobs=Coalesce(Sum("number", filter=Q(status=JobStatus.DECLARED)), 0),
        declared_fte=Coalesce(Sum("fte", filter=Q(status=JobStatus.DECLARED)), zero),
    )


def job_totals(project: Project) -> dict[str, object]:
    """The project's jobs, derived from its records: verified ones, and declared ones awaiting
    verification apart (returned ones count nowhere). One query."""
    return _job_sums(JobRecord.objects.filter(project=project))


def territory_job_totals(territory: Territory) -> dict[str, object]:
    """The same totals over every project of the territory. One query."""
    return _job_sums(JobRecord.objects.filter(project__territory=territory))


def _sum_subquery(status: str, **kind: str) -> Subquery:
    return Subquery(
        JobRecord.objects.filter(project=OuterRef("pk"), status=status, **kind)
        .values("project")
        .annotate(total=Sum("number"))
        .values("total"),
        output_field=IntegerField(),
    )


class FollowUp(TypedDict):
    milestones_done: int
    milestones_late: int
    milestones_total: int
    next_milestone_title: str | None
    next_milestone_due: datetime.date | None
    last_update_at: datetime.datetime | None
    verified_jobs: int
    kept_jobs: int
    declared_jobs: int


def with_follow_up(
    projects: QuerySet[Project], today: datetime.date
) -> "QuerySet[WithAnnotations[Project, FollowUp]]":
    """Annotate each project with what its health needs, in the same query: milestones done,
    late and open, the next milestone's title and date, the last update, verified and declared
    jobs. Subqueries rather than joins, so that the counts do not multiply each other."""
    open_milestones = Milestone.objects.filter(project=OuterRef("pk"), done_on__isnull=True)
    next_milestone = open_milestones.filter(due_on__gte=today).order_by("due_on", "order", "pk")

    def count(queryset: QuerySet) -> Subquery:
        return Subquery(
            queryset.values("project").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        )

    return projects.select_related("plan", "coach").annotate(
        milestones_done=Coalesce(
            count(Milestone.objects.filter(project=OuterRef("pk"), done_on__isnull=False)), 0
        ),
        milestones_late=Coalesce(count(open_milestones.filter(due_on__lt=today)), 0),
        milestones_total=Coalesce(count(Milestone.objects.filter(project=OuterRef("pk"))), 0),
        next_milestone_title=Subquery(next_milestone.values("title")[:1]),
        next_milestone_due=Subquery(next_milestone.values("due_on")[:1]),
        last_update_at=Subquery(
            ProjectUpdate.objects.filter(project=OuterRef("pk"))
            .values("project")
            .annotate(last=Max("created_at"))
            .values("last")
        ),
        verified_jobs=Coalesce(_sum_subquery(JobStatus.VERIFIED, kind=JobKind.CREATED), 0),
        kept_jobs=Coalesce(_sum_subquery(JobStatus.VERIFIED, kind=JobKind.KEPT), 0),
        declared_jobs=Coalesce(_sum_subquery(JobStatus.DECLARED), 0),
    )


def health_of(project: "WithAnnotations[Project, FollowUp]", now: datetime.datetime) -> str:
    """Late milestones first (the most urgent), then silence: no update for 30 days (counted
    from the plan's start when there is none yet)."""
    if project.milestones_late:
        return Health.LATE
    since = project.last_update_at
    plan = getattr(project, "plan", None)
    if since is None and plan is not None:
        since = datetime.datetime.combine(plan.starts_on, datetime.time(), tzinfo=now.tzinfo)
    if since is not None and now - since > datetime.timedelta(days=SILENCE_DAYS):
        return Health.SILENT
    return Health.ON_TRACK


@dataclass
class PortfolioRow:
    project: Project
    health: str
    month: int | None
    months: int | None
    # The health in words, as the portfolio's filter names it (set by the page).
    health_label: str = ""


def _health_condition(health: str, now: datetime.datetime) -> Q:
    """``health_of`` as a database condition on ``with_follow_up``'s annotations, so that the
    portfolio filters before it cuts a page: late milestones first, then silence since the last
    update (or, with none, since the plan's start at midnight in ``now``'s time zone)."""
    late = Q(milestones_late__gt=0)
    cutoff = now - datetime.timedelta(days=SILENCE_DAYS)
    # The last start day whose midnight is before the cutoff.
    last_silent_start = (cutoff - datetime.timedelta(microseconds=1)).date()
    no_news = Q(last_update_at__isnull=True)
    # Spelled out both ways rather than negated: a NOT over a missing plan's NULL is no answer.
    silent = Q(last_update_at__lt=cutoff) | (no_news & Q(plan__starts_on__lte=last_silent_start))
    heard_of = Q(last_update_at__gte=cutoff) | (
        no_news & (Q(plan__isnull=True) | Q(plan__starts_on__gt=last_silent_start))
    )
    if health == Health.LATE:
        return late
    if health == Health.SILENT:
        return ~late & silent
    return ~late & heard_of


def portfolio_projects(
    territory: Territory,
    *,
    now: datetime.datetime,
    health: str | None = None,
    status: str | None = None,
) -> "QuerySet[WithAnnotations[Project, FollowUp]]":
    """The territory's projects by name, with what their health needs, filtered by health and
    status in the database (so that a page is a slice of it). One query."""
    projects = with_follow_up(
        Project.objects.filter(territory=territory).order_by("name", "pk"), now.date()
    )
    if status:
        projects = projects.filter(status=status)
    if health:
        projects = projects.filter(_health_condition(health, now))
    return projects


def portfolio_rows(
    projects: "Iterable[WithAnnotations[Project, FollowUp]]", now: datetime.datetime
) -> list[PortfolioRow]:
    """Projects of ``portfolio_projects`` with their health and month of plan. No query."""
    today = now.date()
    rows = []
    for project in projects:
        plan = getattr(project, "plan", None)
        rows.append(
            PortfolioRow(
                project=project,
                health=health_of(project, now),
                month=plan_month(plan, today) if plan else None,
                months=plan.months if plan else None,
            )
        )
    return rows


def portfolio(
    territory: Territory,
    *,
    now: datetime.datetime,
    health: str | None = None,
    status: str | None = None,
) -> list[PortfolioRow]:
    """Every project of the territory with its health, month of plan and figures. One query."""
    projects = portfolio_projects(territory, now=now, health=health, status=status)
    return portfolio_rows(projects, now)


@dataclass
class Change:
    when: datetime.datetime
    who: object
    what: str
    label: str
    kind: str
    fields: list[tuple[str, object, object]] = field(default_factory=list)


def _changes(history: QuerySet, kind: str, label_of, tracked: list[str]) -> list[Change]:
    """Turn a model's history rows (oldest first) into changes with the fields that moved."""
    previous: dict[int, object] = {}
    changes = []
    for record in history.select_related("history_user").order_by("history_date", "history_id"):
        before = previous.get(record.id)
        moved = []
        if before is not None and record.history_type == "~":
            for name in tracked:
                old, new = getattr(before, name), getattr(record, name)
                if old != new:
                    model_field = record._meta.get_field(name)
                    labels = dict(model_field.flatchoices)
                    moved.append(
                        (model_field.verbose_name, labels.get(old, old), labels.get(new, new))
                    )
        previous[record.id] = record
        changes.append(
            Change(
                when=record.history_date,
                who=record.history_user,
                what=record.history_type,
                label=label_of(record),
                kind=kind,
                fields=moved,
            )
        )
    return changes


def project_history(project: Project) -> list[Change]:
    """Who changed what, when: the project, its team, its milestones, job records, indicators
    and their values, newest first (the page shows it a page at a time). Six queries: a
    change's fields are read against the same row's previous version, so each model's history
    is read whole (one project's rows, a few hundred over its plan)."""
    changes = _changes(
        Project.history.filter(id=project.pk),
        "project",
        lambda r: r.name,
        ["name", "pitch", "description", "status", "is_public"],
    )
    changes += _changes(
        ProjectMember.history.filter(project_id=project.pk),
        "member",
        lambda r: r.full_name,
        ["full_name", "email", "phone", "organisation_name", "role"],
    )
    changes += _changes(
        Milestone.history.filter(project_id=project.pk),
        "milestone",
        lambda r: r.title,
        ["title", "due_on", "done_on", "evidence_note", "evidence_link", "evidence_file"],
    )
    changes += _changes(
        JobRecord.history.filter(project_id=project.pk),
        "job",
        lambda r: f"{r.number} x {r.get_contract_display()} ({r.occurred_on:%d/%m/%Y})",
        ["occurred_on", "number", "contract", "fte", "kind", "status", "return_reason"],
    )
    indicators = Indicator.history.filter(project_id=project.pk)
    changes += _changes(
        indicators,
        "indicator",
        lambda r: r.name,
        ["name", "unit", "baseline", "target", "aggregation", "description"],
    )
    changes += _changes(
        IndicatorValue.history.filter(indicator_id__in=indicators.values("id")),
        "indicator_value",
        lambda r: f"{r.value.normalize():f} ({r.period_start:%d/%m/%Y} au {r.period_end:%d/%m/%Y})",
        ["period_start", "period_end", "value", "status", "return_reason", "evidence_note"],
    )
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes

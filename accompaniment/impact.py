"""What the accompaniment adds to the impact page: its jobs (``impact_jobs``), the projects'
follow-up (milestones on time or late, silent teams), the needs and how the territory's
resources met them, and the funnel's "accompanied" step. Registered from the app's ready()."""

import datetime

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from accompaniment.enums import MatchStatus, NeedKind, NeedStatus
from accompaniment.impact_jobs import jobs_section
from accompaniment.models import Milestone, Need, NeedMatch, Plan, ProjectUpdate
from accompaniment.queries import SILENCE_DAYS
from projects.enums import ProjectStatus
from projects.models import Project
from territoire.extensions import Figure
from territoire.impact.registry import (
    Bar,
    BarChart,
    DataTable,
    FunnelStep,
    ImpactFilter,
    ImpactSection,
    provide_funnel_steps,
    provide_impact_sections,
)


def _projects(impact: ImpactFilter) -> QuerySet[Project]:
    return impact.narrow(
        Project.objects.filter(territory=impact.territory), challenge="challenge_id"
    )


def team_health(impact: ImpactFilter) -> dict[str, int]:
    """The accompanied projects (status active) on time, late (a milestone past due) or silent
    (no update for 30 days, counted from the plan's start when none yet), as the portfolio
    says it, counted in the database. One query."""
    today = impact.today
    cut = today - datetime.timedelta(days=SILENCE_DAYS)
    late = Milestone.objects.filter(project=OuterRef("pk"), done_on__isnull=True, due_on__lt=today)
    last_update = (
        ProjectUpdate.objects.filter(project=OuterRef("pk"))
        .values("project")
        .annotate(last=Max("created_at__date"))
        .values("last")
    )
    silent = Q(last_update__lt=cut) | Q(last_update__isnull=True, plan__starts_on__lt=cut)
    counts = (
        _projects(impact)
        .filter(status=ProjectStatus.ACTIVE)
        .annotate(is_late=Exists(late), last_update=Subquery(last_update))
        .aggregate(
            accompanied=Count("pk"),
            late=Count("pk", filter=Q(is_late=True)),
            silent=Count("pk", filter=Q(is_late=False) & silent),
        )
    )
    # Not late, not silent (NOT over a missing date is unknown in SQL: subtract instead).
    counts["on_track"] = counts["accompanied"] - counts["late"] - counts["silent"]
    return counts


def milestone_figures(impact: ImpactFilter) -> dict[str, int]:
    """The milestones due in the period: done on time, done late, open and late, to come.
    One query."""
    today = impact.today
    milestones = impact.narrow(
        Milestone.objects.filter(project__in=_projects(impact)), day="due_on"
    )
    return milestones.aggregate(
        total=Count("pk"),
        done_on_time=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=F("due_on"))),
        done_late=Count("pk", filter=Q(done_on__isnull=False, done_on__gt=F("due_on"))),
        open_late=Count("pk", filter=Q(done_on__isnull=True, due_on__lt=today)),
        to_come=Count("pk", filter=Q(done_on__isnull=True, due_on__gte=today)),
    )


def follow_up_section(impact: ImpactFilter) -> list[ImpactSection]:
    health = team_health(impact)
    milestones = milestone_figures(impact)
    return [
        ImpactSection(
            key="follow_up",
            title=_("Le suivi des projets"),
            order=40,
            intro=_(
                "Les projets accompagnés aujourd'hui : à jour, en retard (un jalon dépassé) ou "
                "silencieux (pas de nouvelles depuis %(days)s jours)."
            )
            % {"days": SILENCE_DAYS},
            figures=(
                Figure(str(health["on_track"]), _("projets à jour")),
                Figure(str(health["late"]), _("projets en retard")),
                Figure(str(health["silent"]), _("équipes silencieuses")),
            ),
            charts=(
                BarChart(
                    title=_("Santé des projets accompagnés"),
                    sentence=_(
                        "Sur %(n)s projets accompagnés : %(on_track)s à jour, %(late)s en "
                        "retard, %(silent)s silencieux."
                    )
                    % {
                        "n": health["accompanied"],
                        "on_track": health["on_track"],
                        "late": health["late"],
                        "silent": health["silent"],
                    },
                    bars=(
                        Bar(_("À jour"), health["on_track"]),
                        Bar(_("En retard"), health["late"]),
                        Bar(_("Silencieux"), health["silent"]),
                    ),
                    unit=_("projets"),
                ),
            ),
            tables=(
                DataTable(
                    caption=_("Les jalons à échéance sur la période"),
                    columns=(
                        _("Jalons"),
                        _("Atteints à temps"),
                        _("Atteints en retard"),
                        _("En retard, non atteints"),
                        _("À venir"),
                    ),
                    rows=(
                        (
                            milestones["total"],
                            milestones["done_on_time"],
                            milestones["done_late"],
                            milestones["open_late"],
                            milestones["to_come"],
                        ),
                    ),
                ),
            ),
        )
    ]


def need_figures(impact: ImpactFilter) -> list[dict]:
    """The needs raised in the period, by kind: how many, met, met through one of the
    territory's resources (met after a match not declined), still open. One query."""
    # Met through the territory: a need met after an organiser put it in touch with a resource.
    matched = NeedMatch.objects.filter(need=OuterRef("pk")).exclude(status=MatchStatus.DECLINED)
    needs = impact.narrow(
        Need.objects.filter(project__in=_projects(impact)), day="created_at__date"
    )
    return list(
        needs.annotate(through_resource=Exists(matched))
        .values("kind")
        .annotate(
            total=Count("pk"),
            met=Count("pk", filter=Q(status=NeedStatus.MET)),
            by_resource=Count("pk", filter=Q(through_resource=True, status=NeedStatus.MET)),
            open=Count("pk", filter=Q(status=NeedStatus.OPEN)),
        )
        .order_by("-total", "kind")
    )


def needs_section(impact: ImpactFilter) -> list[ImpactSection]:
    rows = need_figures(impact)
    kinds = dict(NeedKind.choices)
    total = sum(row["total"] for row in rows)  # a handful of kinds, not rows of needs
    by_resource = sum(row["by_resource"] for row in rows)
    return [
        ImpactSection(
            key="needs",
            title=_("Les besoins des projets"),
            order=45,
            figures=(
                Figure(str(total), _("besoins exprimés")),
                Figure(str(sum(row["met"] for row in rows)), _("besoins satisfaits")),
                Figure(str(by_resource), _("satisfaits par une ressource du territoire")),
            ),
            charts=(
                BarChart(
                    title=_("Besoins par type"),
                    sentence=_(
                        "Les %(total)s besoins exprimés par les projets, par type ; la part "
                        "foncée est celle qu'une ressource du territoire a satisfaite "
                        "(%(by_resource)s)."
                    )
                    % {"total": total, "by_resource": by_resource},
                    bars=tuple(
                        Bar(
                            str(kinds.get(row["kind"], row["kind"])),
                            row["total"],
                            row["by_resource"],
                        )
                        for row in rows
                    ),
                    unit=_("besoins"),
                    part_label=_("satisfaits par une ressource du territoire"),
                ),
            ),
            tables=(
                DataTable(
                    caption=_("Besoins par type"),
                    columns=(
                        _("Type"),
                        _("Exprimés"),
                        _("Satisfaits"),
                        _("Par une ressource du territoire"),
                        _("Ouverts"),
                    ),
                    rows=tuple(
                        (
                            str(kinds.get(row["kind"], row["kind"])),
                            row["total"],
                            row["met"],
                            row["by_resource"],
                            row["open"],
                        )
                        for row in rows
                    ),
                    empty=_("Aucun besoin exprimé."),
                ),
            ),
        )
    ]


@provide_impact_sections
def accompaniment_sections(impact: ImpactFilter) -> list[ImpactSection]:
    return jobs_section(impact) + follow_up_section(impact) + needs_section(impact)


@provide_funnel_steps
def accompanied_step(impact: ImpactFilter) -> list[FunnelStep]:
    """Projects whose accompaniment started (a plan), among those the filter keeps. One query."""
    plans = impact.narrow(
        Plan.objects.filter(project__in=_projects(impact)), day="project__created_at__date"
    )
    return [
        FunnelStep(order=40, label=_("Projets accompagnés (plan démarré)"), value=plans.count())
    ]

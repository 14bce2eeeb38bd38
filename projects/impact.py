"""What the followed projects add to the impact page: the funnel's steps from publication to
the projects alive two years on, and the projects by domain and by challenge. Registered from
the app's ready(); a fixed number of queries whatever the number of projects."""

import calendar
import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from projects.enums import ALIVE_STATUSES, ProjectStatus
from projects.models import Project
from projects.queries import projects_alive_on
from territoire.impact.registry import (
    Bar,
    BarChart,
    FunnelStep,
    ImpactFilter,
    ImpactSection,
    provide_funnel_steps,
    provide_impact_sections,
)

HORIZONS = (6, 12, 18, 24)  # months after the evening


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def published_projects(impact: ImpactFilter) -> QuerySet[Project]:
    """The territory's followed projects (drafts left out) the filter keeps: its challenge's,
    created in its period."""
    projects = Project.objects.filter(territory=impact.territory).exclude(
        status=ProjectStatus.DRAFT
    )
    return impact.narrow(projects, day="created_at__date", challenge="challenge_id")


def horizons_reached(impact: ImpactFilter) -> dict[str, datetime.date]:
    """The months after the territory's evening already reached today, with their date."""
    evening = impact.territory.evening_on
    if evening is None:
        return {}
    days = {str(months): months_after(evening, months) for months in HORIZONS}
    return {key: day for key, day in days.items() if day <= impact.today}


@provide_funnel_steps
def project_steps(impact: ImpactFilter) -> list[FunnelStep]:
    """Published, alive at each horizon reached, graduated, stopped. Two queries."""
    projects = published_projects(impact)
    counts = projects.aggregate(
        published=Count("pk"),
        graduated=Count("pk", filter=Q(status=ProjectStatus.GRADUATED)),
        stopped=Count("pk", filter=Q(status=ProjectStatus.STOPPED)),
    )
    horizons = horizons_reached(impact)
    alive = projects_alive_on(projects, horizons)
    steps = [FunnelStep(order=30, label=_("Projets publiés et suivis"), value=counts["published"])]
    for index, (months, day) in enumerate(horizons.items()):
        steps.append(
            FunnelStep(
                order=50 + index,
                label=_("Vivants %(months)s mois après la soirée") % {"months": months},
                value=alive[months],
                note=_("au %(day)s") % {"day": formats.date_format(day, "j F Y")},
            )
        )
    steps += [
        FunnelStep(order=60, label=_("Autonomes aujourd'hui"), value=counts["graduated"]),
        FunnelStep(order=61, label=_("Arrêtés"), value=counts["stopped"]),
    ]
    return steps


def _bars(projects: QuerySet[Project], field: str, none_label: str) -> tuple[Bar, ...]:
    rows = (
        projects.values(field)
        .annotate(total=Count("pk"), alive=Count("pk", filter=Q(status__in=ALIVE_STATUSES)))
        .order_by("-total", F(field).asc(nulls_last=True))
    )
    return tuple(Bar(row[field] or none_label, row["total"], row["alive"]) for row in rows)


@provide_impact_sections
def projects_section(impact: ImpactFilter) -> list[ImpactSection]:
    """The projects by domain and by challenge, with those alive today. Two queries."""
    projects = published_projects(impact)
    by_domain = _bars(projects, "domain__name", _("sans domaine"))
    by_challenge = _bars(projects, "challenge__title", _("sans défi"))
    return [
        ImpactSection(
            key="projects",
            title=_("Les projets par domaine et par défi"),
            order=30,
            charts=(
                BarChart(
                    title=_("Projets par domaine"),
                    sentence=_(
                        "Les projets publiés, par domaine ; la part foncée est celle des "
                        "projets toujours vivants (accompagnés, en pause ou autonomes)."
                    ),
                    bars=by_domain,
                    unit=_("projets"),
                    part_label=_("vivants aujourd'hui"),
                ),
                BarChart(
                    title=_("Projets par défi"),
                    sentence=_(
                        "Les projets publiés, par défi de la soirée dont ils sont nés ; la part "
                        "foncée est celle des projets toujours vivants."
                    ),
                    bars=by_challenge,
                    unit=_("projets"),
                    part_label=_("vivants aujourd'hui"),
                ),
            ),
        )
    ]

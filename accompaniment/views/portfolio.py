"""The portfolio: every project of a territory with its health at a glance."""

from dataclasses import replace

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accompaniment import queries
from accompaniment.views.common import territory_for
from projects.enums import ProjectStatus
from territoire.http import AuthenticatedRequest
from territoire.pagination import paginate

# Rows per page: a coach's morning scan; a page stays near 50 KB.
PORTFOLIO_PAGE_SIZE = 50

HEALTH_CHOICES = [
    (queries.Health.ON_TRACK, _("dans les temps")),
    (queries.Health.LATE, _("jalons en retard")),
    (queries.Health.SILENT, _("sans nouvelles depuis 30 jours")),
]


@login_required
@require_safe
def portfolio(request: AuthenticatedRequest, territory: str) -> HttpResponse:
    place = territory_for(request, territory, "accompaniment.view_portfolio")
    health = request.GET.get("sante") or None
    status = request.GET.get("statut") or None
    if health not in dict(HEALTH_CHOICES):
        health = None
    if status not in ProjectStatus.values:
        status = None
    now = timezone.now()
    projects = paginate(
        request,
        queries.portfolio_projects(place, now=now, health=health, status=status),
        per_page=PORTFOLIO_PAGE_SIZE,
    )
    labels = dict(HEALTH_CHOICES)
    rows = [
        replace(row, health_label=str(labels[row.health]))
        for row in queries.portfolio_rows(projects.items, now)
    ]
    return render(
        request,
        "accompaniment/portfolio.html",
        {
            "territory": place,
            "rows": rows,
            "projects": projects,
            "health_choices": HEALTH_CHOICES,
            "status_choices": ProjectStatus.choices,
            "health": health,
            "status": status,
            "totals": queries.territory_job_totals(place),
        },
    )

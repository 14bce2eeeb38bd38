"""The portfolio: every project of a territory with its health at a glance."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accompaniment import queries
from accompaniment.views.common import territory_for
from projects.enums import ProjectStatus

HEALTH_CHOICES = [
    (queries.Health.ON_TRACK, _("dans les temps")),
    (queries.Health.LATE, _("jalons en retard")),
    (queries.Health.SILENT, _("sans nouvelles depuis 30 jours")),
]


@login_required
@require_safe
def portfolio(request: HttpRequest, territory: str) -> HttpResponse:
    place = territory_for(request, territory, "accompaniment.view_portfolio")
    health = request.GET.get("sante") or None
    status = request.GET.get("statut") or None
    if health not in dict(HEALTH_CHOICES):
        health = None
    if status not in ProjectStatus.values:
        status = None
    rows = queries.portfolio(place, now=timezone.now(), health=health, status=status)
    labels = dict(HEALTH_CHOICES)
    for row in rows:
        row.health_label = labels[row.health]
    return render(
        request,
        "accompaniment/portfolio.html",
        {
            "territory": place,
            "rows": rows,
            "health_choices": HEALTH_CHOICES,
            "status_choices": ProjectStatus.choices,
            "health": health,
            "status": status,
            "totals": queries.territory_job_totals(place),
        },
    )

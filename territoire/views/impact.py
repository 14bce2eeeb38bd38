"""A territory's impact page: are we on track for the jobs target, and what else the projects
changed — every figure narrowed by a period and a challenge (a plain GET form)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from territoire.http import AuthenticatedRequest
from territoire.impact.filters import filter_from_request, querystring
from territoire.impact.registry import export_kinds
from territoire.impact.sections import cached_sections_html
from territoire.models import Territory


def territory_for_impact(request: HttpRequest, slug: str) -> Territory:
    """The territory whose impact ``request.user`` may read; 404 for everyone else."""
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm("territoire.view_impact", territory):
        raise Http404
    return territory


@login_required
@require_GET
def impact(request: AuthenticatedRequest, territory: str) -> HttpResponse:
    place = territory_for_impact(request, territory)
    chosen, form = filter_from_request(request, place)
    organiser = request.user.has_perm("territoire.export_personal_data", place)
    may_export = request.user.has_perm("territoire.export_impact", place)
    return render(
        request,
        "territoire/impact/page.html",
        {
            "territory": place,
            "impact": chosen,
            "form": form,
            "sections_html": cached_sections_html(chosen),
            "query": querystring(chosen),
            "export_kinds": export_kinds(organiser=organiser) if may_export else [],
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )

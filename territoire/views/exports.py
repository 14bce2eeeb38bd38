"""The impact page's downloads: one kind as CSV, every kind the person may read as Excel."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from territoire.http import AuthenticatedRequest
from territoire.impact.exports import csv_response, xlsx_response
from territoire.impact.filters import filter_from_request
from territoire.impact.registry import ImpactFilter, export_kind, export_kinds
from territoire.models import Territory


def _territory_for_exports(request: HttpRequest, slug: str) -> Territory:
    """The territory, for those who download its impact; 404 for everyone else, as the other
    space pages of a territory that is not theirs."""
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm("territoire.export_impact", territory):
        raise Http404
    return territory


def _impact_filter(request: HttpRequest, territory: Territory) -> ImpactFilter:
    """The impact page's filter from its GET parameters (``depuis``, ``jusqua``, ``defi``); as
    on the page, values that do not validate narrow nothing."""
    impact, _form = filter_from_request(request, territory)
    return impact


def _reads_personal_data(request: HttpRequest, territory: Territory) -> bool:
    return request.user.has_perm("territoire.export_personal_data", territory)


@login_required
@require_safe
def impact_export_csv(
    request: AuthenticatedRequest, territory: str, kind: str
) -> StreamingHttpResponse:
    place = _territory_for_exports(request, territory)
    export = export_kind(kind)
    if export is None or (export.organisers_only and not _reads_personal_data(request, place)):
        raise Http404
    return csv_response(export, _impact_filter(request, place))


@login_required
@require_safe
def impact_export_xlsx(request: AuthenticatedRequest, territory: str) -> FileResponse:
    place = _territory_for_exports(request, territory)
    kinds = export_kinds(organiser=_reads_personal_data(request, place))
    return xlsx_response(kinds, _impact_filter(request, place))

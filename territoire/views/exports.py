"""The impact page's downloads: one kind as CSV, every kind the person may read as Excel."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_safe

from territoire.impact.exports import csv_response, xlsx_response
from territoire.impact.registry import ImpactFilter, export_kind, export_kinds
from territoire.inputs import parse_int
from territoire.models import Territory


def _territory_for_exports(request: HttpRequest, slug: str) -> Territory:
    """The territory, for those who download its impact; 404 for everyone else, as the other
    space pages of a territory that is not theirs."""
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm("territoire.export_impact", territory):
        raise Http404
    return territory


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _impact_filter(request: HttpRequest, territory: Territory) -> ImpactFilter:
    """The impact page's filter from its GET parameters (``depuis``, ``jusqua``, ``defi``); a
    value that does not parse narrows nothing. A challenge of another territory selects no row:
    every kind reads the territory's projects only."""
    return ImpactFilter(
        territory=territory,
        since=_date(request.GET.get("depuis", "")),
        until=_date(request.GET.get("jusqua", "")),
        challenge_id=parse_int(request.GET.get("defi", "")),
        today=timezone.localdate(),
    )


def _reads_personal_data(request: HttpRequest, territory: Territory) -> bool:
    return request.user.has_perm("territoire.export_personal_data", territory)


@login_required
@require_safe
def impact_export_csv(request: HttpRequest, territory: str, kind: str) -> StreamingHttpResponse:
    place = _territory_for_exports(request, territory)
    export = export_kind(kind)
    if export is None or (export.organisers_only and not _reads_personal_data(request, place)):
        raise Http404
    return csv_response(export, _impact_filter(request, place))


@login_required
@require_safe
def impact_export_xlsx(request: HttpRequest, territory: str) -> FileResponse:
    place = _territory_for_exports(request, territory)
    kinds = export_kinds(organiser=_reads_personal_data(request, place))
    return xlsx_response(kinds, _impact_filter(request, place))

"""A territory's reports: ask for one, watch it render, download it and its earlier versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from territoire.enums import ReportStatus
from territoire.models import Territory
from territoire.reports.forms import ReportRequestForm
from territoire.reports.kinds import get_report_kind, report_kinds
from territoire.reports.lifecycle import request_report
from territoire.reports.models import Report

# Versions listed on the page; older ones stay downloadable from the admin.
LISTED_REPORTS = 50


def _territory_for_reports(request: HttpRequest, slug: str) -> Territory:
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm("territoire.view_reports", territory):
        raise Http404
    return territory


def _report_rows(territory: Territory) -> list[Report]:
    reports = list(
        Report.objects.filter(territory=territory).select_related("requested_by")[:LISTED_REPORTS]
    )
    labels = {kind.code: kind.label for kind in report_kinds()}
    for report in reports:
        report.kind_label = labels.get(report.kind, report.kind)
    return reports


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def territory_reports(request: HttpRequest, slug: str) -> HttpResponse:
    territory = _territory_for_reports(request, slug)
    may_request = request.user.has_perm("territoire.request_report", territory)
    forms = {}
    if may_request:
        for kind in report_kinds():
            data = request.POST if request.POST.get(f"{kind.code}-kind") else None
            forms[kind.code] = ReportRequestForm(data, kind=kind, territory=territory)
    if request.method == "POST":
        if not may_request:
            raise PermissionDenied
        bound = next((form for form in forms.values() if form.is_bound), None)
        if bound is not None and bound.is_valid():
            report = request_report(
                kind_code=bound.report_kind.code,
                scope=bound.scope(),
                requested_by=request.user,
            )
            messages.success(
                request,
                _(
                    "« %(title)s » est demandé. Cette page le suit ; vous recevrez aussi le "
                    "lien par e-mail quand il sera prêt."
                )
                % {"title": report.title},
            )
            return redirect("territory_reports", slug=territory.slug)
        if bound is None:
            messages.error(request, _("Choisissez un type de rapport."))
        status = 400
    else:
        status = 200
    reports = _report_rows(territory)
    context = {
        "territory": territory,
        "reports": reports,
        "pending": any(report.is_pending for report in reports),
        "request_forms": list(forms.values()),
        "may_request": may_request,
    }
    template = "territoire/reports.html"
    if request.htmx and request.method == "GET":
        template += "#report-list"
    return render(request, template, context, status=status)


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(Report.objects.select_related("territory"), pk=pk)
    if not request.user.has_perm("territoire.download_report", report.territory):
        raise Http404
    if report.status != ReportStatus.READY or not report.file:
        raise Http404
    try:
        kind_stem = get_report_kind(report.kind).file_stem
    except KeyError:
        kind_stem = report.kind
    filename = "{}-{}-{}.pdf".format(
        kind_stem, report.territory.slug, report.finished_at.strftime("%Y%m%d-%H%M")
    )
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = "application/pdf"
    response["Cache-Control"] = "private, no-store"
    return response

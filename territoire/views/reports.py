"""A territory's reports: ask for one, watch it render, download it and its earlier versions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from territoire.http import AuthenticatedRequest
from territoire.models import Territory
from territoire.pagination import ListPage, paginate
from territoire.reports.downloads import report_file_response
from territoire.reports.forms import ReportRequestForm
from territoire.reports.kinds import report_kinds
from territoire.reports.lifecycle import request_report
from territoire.reports.models import Report
from territoire.reports.publishing import (
    PublicationRefused,
    publish_report,
    unpublish_report,
)

# Versions listed per page, newest first (older ones on the next pages).
REPORTS_PAGE_SIZE = 25


def _territory_for_reports(request: HttpRequest, slug: str) -> Territory:
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm("territoire.view_reports", territory):
        raise Http404
    return territory


def _report_rows(request: HttpRequest, territory: Territory) -> ListPage:
    """A page of the territory's reports, each with its kind's label and whether it may be
    published."""
    page = paginate(
        request,
        Report.objects.filter(territory=territory).select_related("requested_by"),
        per_page=REPORTS_PAGE_SIZE,
    )
    reports = page.items
    kinds = {kind.code: kind for kind in report_kinds()}
    for report in reports:
        kind = kinds.get(report.kind)
        report.kind_label = kind.label if kind else report.kind
        report.is_public_kind = bool(kind and kind.public)
    return page


@login_required
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def territory_reports(request: AuthenticatedRequest, slug: str) -> HttpResponse:
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
    reports = _report_rows(request, territory)
    context = {
        "territory": territory,
        "reports": reports.items,
        "report_page": reports,
        "pending": any(report.is_pending for report in reports.items),
        "request_forms": list(forms.values()),
        "may_request": may_request,
    }
    template = "territoire/reports.html"
    if request.htmx and request.method == "GET":
        template += "#report-list"
    return render(request, template, context, status=status)


@login_required
def report_download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    report = get_object_or_404(Report.objects.select_related("territory"), pk=pk)
    if not request.user.has_perm("territoire.download_report", report.territory):
        raise Http404
    return report_file_response(report, cache_control="private, no-store")


@login_required
@require_POST
def report_publication(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Publish a ready report of a public kind on the public pages, or take it off."""
    report = get_object_or_404(Report.objects.select_related("territory"), pk=pk)
    if not request.user.has_perm("territoire.view_reports", report.territory):
        raise Http404
    if not request.user.has_perm("territoire.publish_report", report.territory):
        raise PermissionDenied
    try:
        if request.POST.get("publish") == "0":
            unpublish_report(report=report, by=request.user)
            messages.success(request, _("La synthèse n'est plus sur la page publique."))
        else:
            publish_report(report=report, by=request.user)
            messages.success(
                request, _("Publié : la page publique de la soirée propose ce PDF à tous.")
            )
    except PublicationRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("territory_reports", slug=report.territory.slug)

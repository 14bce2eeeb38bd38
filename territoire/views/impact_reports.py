"""Asking for the impact report from the impact page: the period shown, rendered in the
background, listed on the reports page where it is downloaded."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from territoire.http import AuthenticatedRequest
from territoire.impact.report import IMPACT_REPORT
from territoire.models import Territory
from territoire.ratelimit import allow
from territoire.reports.kinds import Scope
from territoire.reports.lifecycle import request_report

# Each request renders a PDF in a worker: a person asks for at most this many an hour.
REQUESTS_AN_HOUR = 10

DATE_ERROR = gettext_lazy("Saisissez une date valide, par exemple 2026-01-31.")


class ImpactReportForm(forms.Form):
    """The period of the impact page (both ends optional, inclusive)."""

    depuis = forms.DateField(required=False, error_messages={"invalid": DATE_ERROR})
    jusqua = forms.DateField(required=False, error_messages={"invalid": DATE_ERROR})

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        since, until = data.get("depuis"), data.get("jusqua")
        if since and until and since > until:
            raise forms.ValidationError(
                _("Le début de la période doit venir avant sa fin."), code="period"
            )
        return data


def _impact_page(territory: Territory, request: HttpRequest) -> str:
    """Back to the impact page with the period as it was typed (the reports page until the
    impact page exists)."""
    try:
        url = reverse("impact", kwargs={"territory": territory.slug})
    except NoReverseMatch:
        return reverse("territory_reports", kwargs={"slug": territory.slug})
    typed = {key: request.POST[key][:40] for key in ("depuis", "jusqua") if request.POST.get(key)}
    return f"{url}?{urlencode(typed)}" if typed else url


@login_required
@require_POST
def impact_report_request(request: AuthenticatedRequest, territory: str) -> HttpResponse:
    """Ask for the impact report of the period shown; redirects to the reports page."""
    place = get_object_or_404(Territory, slug=territory)
    if not request.user.has_perm("territoire.view_impact", place):
        raise Http404
    if not request.user.has_perm("territoire.request_impact_report", place):
        raise PermissionDenied
    form = ImpactReportForm(request.POST)
    if not form.is_valid():
        first_error = next(iter(form.errors.values()))[0]
        messages.error(
            request, _("Le rapport n'a pas été demandé : %(error)s") % {"error": first_error}
        )
        return redirect(_impact_page(place, request))
    if not allow("impact-report", str(request.user.pk), limit=REQUESTS_AN_HOUR, window=3600):
        messages.error(
            request,
            _(
                "Vous avez demandé beaucoup de rapports en peu de temps : ceux déjà demandés "
                "sont ci-dessous. Réessayez dans une heure."
            ),
        )
        return redirect("territory_reports", slug=place.slug)
    report = request_report(
        kind_code=IMPACT_REPORT,
        scope=Scope(
            territory=place,
            since=form.cleaned_data["depuis"],
            until=form.cleaned_data["jusqua"],
        ),
        requested_by=request.user,
    )
    messages.success(
        request,
        _(
            "« %(title)s » est demandé. Il apparaît ci-dessous dès qu'il est prêt ; vous recevrez "
            "aussi le lien par e-mail."
        )
        % {"title": report.title},
    )
    return redirect("territory_reports", slug=place.slug)

"""Indicators beyond jobs: the team defines them and declares values per period, the coach
verifies or sends back, the team corrects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accompaniment.domain import indicators as domain
from accompaniment.domain.errors import Refused
from accompaniment.domain.four_eyes import written_by
from accompaniment.enums import JobStatus
from accompaniment.forms import ReturnForm
from accompaniment.forms_indicators import IndicatorForm, IndicatorValueForm
from accompaniment.models import Indicator, IndicatorValue
from accompaniment.queries_indicators import plain, with_figures, with_progress
from accompaniment.views.common import (
    evidence_response,
    flash_outcome,
    project_for,
    project_kwargs,
)
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
VALUE_FIELDS = ("period_start", "period_end", "value", "evidence_note", "evidence_link")


def _indicator(project, pk: int) -> Indicator:
    return get_object_or_404(Indicator, project=project, pk=pk)


def _value(project, pk: int) -> IndicatorValue:
    return get_object_or_404(
        IndicatorValue.objects.select_related("indicator"), indicator__project=project, pk=pk
    )


def _list(project):
    return redirect(reverse("indicator_list", kwargs=project_kwargs(project)))


def _value_form(project, data=None, files=None, chosen=None) -> IndicatorValueForm:
    today = timezone.localdate()
    return IndicatorValueForm(
        data,
        files,
        indicators=project.indicators.all(),
        initial={"indicator": chosen, "period_start": today.replace(day=1), "period_end": today},
    )


@login_required
@GET_OR_POST
def indicator_list(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    """The project's indicators with their figures and values; the forms to add an indicator
    and to declare a value (``form`` says which one a POST is)."""
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    can_define = request.user.has_perm("accompaniment.define_indicators", project)
    can_declare = request.user.has_perm("accompaniment.declare_indicator_values", project)
    indicator_form = IndicatorForm()
    value_form = _value_form(project, chosen=request.GET.get("indicateur"))
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "indicator":
            if not can_define:
                raise PermissionDenied
            indicator_form = IndicatorForm(request.POST)
            if indicator_form.is_valid():
                try:
                    domain.define_indicator(
                        project=project, by=request.user, **indicator_form.cleaned_data
                    )
                except Refused as refusal:
                    apply_refusal(indicator_form, refusal)
                else:
                    messages.success(request, _("Indicateur ajouté."))
                    return _list(project)
        elif which == "value":
            if not can_declare:
                raise PermissionDenied
            value_form = _value_form(project, request.POST, request.FILES)
            if value_form.is_valid():
                data = value_form.cleaned_data
                try:
                    domain.declare_value(
                        indicator=data["indicator"],
                        by=request.user,
                        evidence_file=data["evidence_file"],
                        **{name: data[name] for name in VALUE_FIELDS},
                    )
                except Refused as refusal:
                    apply_refusal(value_form, refusal)
                else:
                    messages.success(
                        request, _("Valeur déclarée : le coach la vérifiera avec vous.")
                    )
                    return _list(project)
        else:
            messages.error(request, _("Ce formulaire n'est pas reconnu : recommencez."))
            return _list(project)
    indicators = with_progress(
        with_figures(project.indicators.all()).prefetch_related(
            Prefetch(
                "values",
                queryset=IndicatorValue.objects.order_by("-period_end", "-pk").annotate(
                    written_by_me=written_by(IndicatorValue, request.user)
                ),
            )
        )
    )
    return render(
        request,
        "accompaniment/indicator_list.html",
        {
            "project": project,
            "indicators": indicators,
            "indicator_form": indicator_form if can_define else None,
            "value_form": value_form
            if can_declare and (indicators or value_form.is_bound)
            else None,
            "can_define": can_define,
            "can_declare": can_declare,
            "can_verify": request.user.has_perm("accompaniment.verify_indicator_values", project),
            "return_form": ReturnForm(),
            "DECLARED": JobStatus.DECLARED,
            "RETURNED": JobStatus.RETURNED,
        },
    )


@login_required
@GET_OR_POST
def indicator_edit(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.define_indicators")
    indicator = _indicator(project, pk)
    fields = ("name", "unit", "baseline", "target", "aggregation", "description")
    form = IndicatorForm(initial={name: getattr(indicator, name) for name in fields})
    form.initial["baseline"], form.initial["target"] = (
        plain(indicator.baseline),
        plain(indicator.target),
    )
    if request.method == "POST":
        form = IndicatorForm(request.POST)
        if form.is_valid():
            try:
                domain.edit_indicator(indicator=indicator, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Indicateur modifié."))
                return _list(project)
    return render(
        request,
        "accompaniment/indicator_edit.html",
        {"project": project, "indicator": indicator, "form": form},
    )


@login_required
@require_POST
def indicator_delete(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.define_indicators")
    indicator = _indicator(project, pk)
    flash_outcome(
        request,
        lambda: domain.delete_indicator(indicator=indicator, by=request.user),
        _("Indicateur supprimé."),
    )
    return _list(project)


@login_required
@GET_OR_POST
def indicator_value_correct(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.declare_indicator_values")
    record = _value(project, pk)
    form = IndicatorValueForm(initial={name: getattr(record, name) for name in VALUE_FIELDS})
    form.initial["value"] = plain(record.value)
    if request.method == "POST":
        form = IndicatorValueForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                domain.correct_value(record=record, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Valeur corrigée et renvoyée au coach."))
                return _list(project)
    return render(
        request,
        "accompaniment/indicator_value_correct.html",
        {"project": project, "record": record, "form": form},
    )


@login_required
@require_POST
def indicator_value_verify(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.verify_indicator_values")
    record = _value(project, pk)
    flash_outcome(
        request,
        lambda: domain.verify_value(record=record, by=request.user),
        _("Valeur vérifiée : elle compte désormais."),
    )
    return _list(project)


@login_required
@require_POST
def indicator_value_return(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.verify_indicator_values")
    record = _value(project, pk)
    reason = request.POST.get("return_reason", "")
    flash_outcome(
        request,
        lambda: domain.return_value(record=record, reason=reason, by=request.user),
        _("Valeur renvoyée à l'équipe."),
    )
    return _list(project)


@login_required
@require_safe
def indicator_value_evidence(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> FileResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    return evidence_response(_value(project, pk).evidence_file)

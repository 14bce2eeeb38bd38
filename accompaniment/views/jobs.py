"""Job records: the team declares, the coach verifies or sends back, the team corrects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accompaniment import queries
from accompaniment.domain import jobs
from accompaniment.domain.errors import Refused
from accompaniment.domain.four_eyes import written_by
from accompaniment.enums import JobStatus
from accompaniment.forms import JobForm, ReturnForm
from accompaniment.models import JobRecord
from accompaniment.views.common import (
    evidence_response,
    flash_outcome,
    project_for,
    project_kwargs,
)
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _job(project, pk: int) -> JobRecord:
    return get_object_or_404(JobRecord, project=project, pk=pk)


def _list(project):
    return redirect(reverse("job_list", kwargs=project_kwargs(project)))


@login_required
@GET_OR_POST
def job_list(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    can_declare = request.user.has_perm("accompaniment.declare_jobs", project)
    form = JobForm(initial={"occurred_on": timezone.localdate(), "number": 1, "fte": 1})
    if request.method == "POST":
        if not can_declare:
            raise PermissionDenied
        form = JobForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                jobs.declare_job(project=project, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Emplois déclarés : le coach les vérifiera avec vous."))
                return _list(project)
    return render(
        request,
        "accompaniment/job_list.html",
        {
            "project": project,
            "records": project.job_records.select_related("declared_by", "verified_by").annotate(
                written_by_me=written_by(JobRecord, request.user)
            ),
            "totals": queries.job_totals(project),
            "form": form if can_declare else None,
            "can_verify": request.user.has_perm("accompaniment.verify_jobs", project),
            "return_form": ReturnForm(),
            "DECLARED": JobStatus.DECLARED,
            "RETURNED": JobStatus.RETURNED,
        },
    )


@login_required
@GET_OR_POST
def job_correct(request: AuthenticatedRequest, territory: str, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.declare_jobs")
    job = _job(project, pk)
    form = JobForm(
        initial={
            name: getattr(job, name)
            for name in ("occurred_on", "number", "contract", "fte", "kind", "evidence_note")
        }
    )
    if request.method == "POST":
        form = JobForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                jobs.correct_job(job=job, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Déclaration corrigée et renvoyée au coach."))
                return _list(project)
    return render(
        request, "accompaniment/job_correct.html", {"project": project, "job": job, "form": form}
    )


@login_required
@require_POST
def job_verify(request: AuthenticatedRequest, territory: str, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.verify_jobs")
    job = _job(project, pk)
    flash_outcome(
        request,
        lambda: jobs.verify_job(job=job, by=request.user),
        _("Emplois vérifiés : ils comptent désormais."),
    )
    return _list(project)


@login_required
@require_POST
def job_return(request: AuthenticatedRequest, territory: str, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.verify_jobs")
    job = _job(project, pk)
    reason = request.POST.get("return_reason", "")
    flash_outcome(
        request,
        lambda: jobs.return_job(job=job, reason=reason, by=request.user),
        _("Déclaration renvoyée à l'équipe."),
    )
    return _list(project)


@login_required
@require_safe
def job_evidence(request: AuthenticatedRequest, territory: str, slug: str, pk: int) -> FileResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    return evidence_response(_job(project, pk).evidence_file)

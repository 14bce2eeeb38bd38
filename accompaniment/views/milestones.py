"""The plan and its milestones: start the plan, add, edit, mark done, reopen, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accompaniment.domain import plans
from accompaniment.domain.errors import Refused, StaleEdit
from accompaniment.forms import (
    MilestoneDoneForm,
    MilestoneForm,
    PlanStartForm,
    apply_stale_edit,
)
from accompaniment.models import Milestone, MilestoneTemplate
from accompaniment.views.common import (
    evidence_response,
    flash_outcome,
    project_for,
    project_kwargs,
)
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest
from territoire.inputs import parse_int

CHANGE = "accompaniment.change_project_space"
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _home(project):
    return redirect(reverse("project_space", kwargs=project_kwargs(project)))


def _milestone(project, pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("project"), project=project, pk=pk)


@login_required
@GET_OR_POST
def plan_start(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, CHANGE)
    evening = project.territory.evening_on or timezone.localdate()
    form = PlanStartForm(initial={"months": 18, "starts_on": evening})
    if request.method == "POST":
        form = PlanStartForm(request.POST)
        if form.is_valid():
            try:
                plans.start_plan(project=project, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Le plan d'accompagnement a démarré."))
                return _home(project)
    context = {
        "project": project,
        "form": form,
        "template_count": MilestoneTemplate.objects.filter(
            territory_id=project.territory_id
        ).count(),
        "may_configure": request.user.has_perm("territoire.change_territory", project.territory),
    }
    return render(request, "accompaniment/plan_start.html", context)


@login_required
@GET_OR_POST
def milestone_add(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, CHANGE)
    form = MilestoneForm()
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.add_milestone(
                    project=project,
                    title=data["title"],
                    due_on=data["due_on"],
                    description=data["description"],
                    by=request.user,
                )
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Jalon ajouté."))
                return _home(project)
    return render(
        request,
        "accompaniment/milestone_form.html",
        {"project": project, "form": form, "milestone": None},
    )


@login_required
@GET_OR_POST
def milestone_edit(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, CHANGE)
    milestone = _milestone(project, pk)
    current = None
    form = MilestoneForm(
        initial={
            "title": milestone.title,
            "due_on": milestone.due_on,
            "description": milestone.description,
            "revision": milestone.revision,
        }
    )
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.edit_milestone(
                    milestone=milestone,
                    revision=data["revision"] or 0,
                    title=data["title"],
                    due_on=data["due_on"],
                    description=data["description"],
                    by=request.user,
                )
            except StaleEdit as stale:
                current = apply_stale_edit(form, stale)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Jalon enregistré."))
                return _home(project)
    return render(
        request,
        "accompaniment/milestone_form.html",
        {"project": project, "form": form, "milestone": milestone, "current": current},
        status=409 if current is not None else 200,
    )


@login_required
@GET_OR_POST
def milestone_done(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, CHANGE)
    milestone = _milestone(project, pk)
    current = None
    form = MilestoneDoneForm(
        initial={
            "done_on": milestone.done_on or timezone.localdate(),
            "evidence_note": milestone.evidence_note,
            "evidence_link": milestone.evidence_link,
            "revision": milestone.revision,
        }
    )
    if request.method == "POST":
        form = MilestoneDoneForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                plans.mark_milestone_done(
                    milestone=milestone,
                    revision=data["revision"],
                    done_on=data["done_on"],
                    note=data["evidence_note"],
                    link=data["evidence_link"],
                    file=data["evidence_file"],
                    by=request.user,
                    today=timezone.localdate(),
                )
            except StaleEdit as stale:
                current = apply_stale_edit(form, stale)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Jalon atteint : bravo !"))
                return _home(project)
    return render(
        request,
        "accompaniment/milestone_done.html",
        {"project": project, "form": form, "milestone": milestone, "current": current},
        status=409 if current is not None else 200,
    )


@login_required
@require_POST
def milestone_reopen(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, CHANGE)
    milestone = _milestone(project, pk)
    revision = request.POST.get("revision", "")
    flash_outcome(
        request,
        lambda: plans.reopen_milestone(
            milestone=milestone,
            revision=parse_int(revision, max_digits=9) or 0,
            by=request.user,
        ),
        _("Jalon rouvert."),
    )
    return _home(project)


@login_required
@require_POST
def milestone_delete(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> HttpResponse:
    project = project_for(request, territory, slug, CHANGE)
    milestone = _milestone(project, pk)
    flash_outcome(
        request,
        lambda: plans.delete_milestone(milestone=milestone, by=request.user),
        _("Jalon supprimé."),
    )
    return _home(project)


@login_required
@require_safe
def milestone_evidence(
    request: AuthenticatedRequest, territory: str, slug: str, pk: int
) -> FileResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    return evidence_response(_milestone(project, pk).evidence_file)

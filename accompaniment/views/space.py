"""A project's space: its home (the state of its accompaniment), its history, its meetings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accompaniment import queries
from accompaniment.domain.meetings import record_meeting_note
from accompaniment.domain.plans import plan_month
from accompaniment.enums import NeedStatus
from accompaniment.forms import MeetingNoteForm
from accompaniment.models import Plan
from accompaniment.views.common import project_for, project_kwargs
from territoire.http import AuthenticatedRequest
from territoire.pagination import paginate

LATEST = 3
# Changes per page of a project's history, meeting notes per page.
HISTORY_PAGE_SIZE = 50
NOTES_PAGE_SIZE = 20


def _page_edit_url(project) -> str:
    """The projects app's editor of the public page (empty until that app provides it)."""
    try:
        return reverse("project_page_edit", kwargs=project_kwargs(project))
    except NoReverseMatch:
        return ""


@login_required
@require_safe
def project_space(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    now = timezone.now()
    today = timezone.localdate()
    followed = queries.with_follow_up(type(project).objects.filter(pk=project.pk), today).get()
    plan = Plan.objects.filter(project=project).first()
    milestones = list(project.milestones.all())
    return render(
        request,
        "accompaniment/project_space.html",
        {
            "project": project,
            "followed": followed,
            "health": queries.health_of(followed, now),
            "plan": plan,
            "month": plan_month(plan, today) if plan else None,
            "milestones": milestones,
            "today": today,
            "updates": list(project.updates.select_related("author")[:LATEST]),
            "jobs": queries.job_totals(project),
            "needs": list(
                project.needs.filter(status=NeedStatus.OPEN).prefetch_related("matches__offer")
            ),
            "meeting_notes": list(project.meeting_notes.all()[:LATEST])
            if request.user.has_perm("accompaniment.read_meeting_notes", project)
            else None,
            "can_change": request.user.has_perm("accompaniment.change_project_space", project),
            "page_edit_url": _page_edit_url(project)
            if request.user.has_perm("projects.change_project_page", project)
            else "",
            "team": list(project.members.select_related("user")),
        },
    )


@login_required
@require_safe
def project_history(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    changes = paginate(request, queries.project_history(project), per_page=HISTORY_PAGE_SIZE)
    return render(
        request,
        "accompaniment/project_history.html",
        {"project": project, "changes": changes.items, "change_page": changes},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def meeting_notes(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.read_meeting_notes")
    can_write = request.user.has_perm("accompaniment.write_meeting_notes", project)
    form = MeetingNoteForm(initial={"met_on": timezone.localdate()})
    if request.method == "POST":
        if not can_write:
            return HttpResponse(status=403)
        form = MeetingNoteForm(request.POST)
        if form.is_valid():
            record_meeting_note(project=project, by=request.user, **form.cleaned_data)
            messages.success(request, _("Compte rendu enregistré."))
            return redirect(reverse("meeting_notes", kwargs=project_kwargs(project)))
    notes = paginate(
        request, project.meeting_notes.select_related("author"), per_page=NOTES_PAGE_SIZE
    )
    return render(
        request,
        "accompaniment/meeting_notes.html",
        {
            "project": project,
            "notes": notes.items,
            "note_page": notes,
            "form": form if can_write else None,
        },
    )

"""Changing the team from its page: remove someone, merge two entries, change a role; and each
member's own answer about their name on the public page.

The team's lead, its coach and the territory's organisers may; the other members read the team
(403), people who may not read the project get a 404. Each action is a plain POST answered by a
redirect and a message; bad input re-renders the team page (400) with what was chosen.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from projects import queries
from projects.domain.members import (
    TeamChangeRefused,
    merge_members,
    remove_member,
    set_member_role,
    set_own_name_public,
)
from projects.forms import MemberMergeForm, MemberRoleForm
from projects.models import Project, ProjectMember
from projects.views.team import render_team
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest


def _project_for_manager(request: HttpRequest, territory: str, slug: str) -> Project:
    project = queries.get_project_for_reader(request, territory, slug)
    if not request.user.has_perm("projects.manage_team", project):
        raise PermissionDenied
    return project


def _member(project: Project, member_id: int) -> ProjectMember:
    member = ProjectMember.objects.filter(project=project, pk=member_id).first()
    if member is None:
        raise Http404
    member.project = project
    return member


def _back(project: Project) -> HttpResponse:
    return redirect("project_team", territory=project.territory.slug, slug=project.slug)


@login_required
@require_POST
def member_remove(
    request: AuthenticatedRequest, territory: str, slug: str, member_id: int
) -> HttpResponse:
    project = _project_for_manager(request, territory, slug)
    member = _member(project, member_id)
    try:
        remove_member(member=member, by=request.user)
    except TeamChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("%(name)s ne fait plus partie de l'équipe.") % {"name": member.full_name}
        )
    return _back(project)


@login_required
@require_POST
def member_role(
    request: AuthenticatedRequest, territory: str, slug: str, member_id: int
) -> HttpResponse:
    project = _project_for_manager(request, territory, slug)
    member = _member(project, member_id)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un rôle de la liste."))
        return _back(project)
    try:
        member = set_member_role(member=member, role=form.cleaned_data["role"], by=request.user)
    except TeamChangeRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("%(name)s : %(role)s.")
            % {"name": member.full_name, "role": member.get_role_display()},
        )
    return _back(project)


@login_required
@require_POST
def member_merge(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = _project_for_manager(request, territory, slug)
    members = queries.team(project)
    form = MemberMergeForm(request.POST, members=members)
    if form.is_valid():
        by_pk = {m.pk: m for m in members}
        try:
            kept = merge_members(
                member=by_pk[form.cleaned_data["member"]],
                into=by_pk[form.cleaned_data["into"]],
                by=request.user,
            )
        except TeamChangeRefused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Les deux entrées ne font plus qu'une : %(name)s.") % {"name": kept.full_name},
            )
            return _back(project)
    return render_team(request, project, merge_form=form, status=400)


NAME_PUBLIC_ANSWERS = {"oui": True, "non": False}


@login_required
@require_POST
def own_name_public(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    """A member says, themself, whether their name may appear on the project's public page and
    in the portfolio. Only their own entry: a reader of the project who is not in its team gets
    a 403, whoever they are (the lead, the coach, an organiser)."""
    project = queries.get_project_for_reader(request, territory, slug)
    member = ProjectMember.objects.filter(project=project, user=request.user).first()
    if member is None:
        raise PermissionDenied
    public = NAME_PUBLIC_ANSWERS.get(request.POST.get("reponse", ""))
    if public is None:
        messages.error(request, _("Choisissez : votre nom est public ou non."))
        return redirect(_team_url(project) + "#mon-nom")
    set_own_name_public(member=member, by=request.user, public=public)
    if public:
        messages.success(request, _("Votre nom figurera sur la page publique du projet."))
    else:
        messages.success(request, _("Votre nom ne figurera pas sur la page publique du projet."))
    return redirect(_team_url(project) + "#mon-nom")


def _team_url(project: Project) -> str:
    return reverse(
        "project_team", kwargs={"territory": project.territory.slug, "slug": project.slug}
    )

"""The team's pages in its space: the public page's editor, the team and its invitations,
the status; and accepting an invitation to a team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from projects import queries
from projects.domain.page import update_project_page
from projects.domain.publishing import ProjectRefused, set_project_status
from projects.domain.team import (
    MemberInvitationRefused,
    accept_member_invitation,
    check_usable,
    create_account_from_member_invitation,
    invite_member,
)
from projects.enums import MemberRole
from projects.forms import MemberInviteForm, MemberMergeForm, ProjectPageForm, StatusForm
from projects.links import project_space_url
from projects.models import Project, ProjectMember
from territoire.errors import StaleEdit
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest
from territoire.tokens import is_urlsafe_token
from territoire.views.invitations import InvitationPage, accept_invitation_page

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _space_context(request: HttpRequest, project: Project) -> dict:
    return {
        "territory": project.territory,
        "project": project,
        "space_url": project_space_url(project),
        "can_change": request.user.has_perm("projects.change_project_page", project),
        "can_set_status": request.user.has_perm("projects.change_project_status", project),
    }


@login_required
@require_http_methods(["GET", "POST"])
def page_edit(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = queries.get_project_for_team(request, territory, slug)
    context = _space_context(request, project)
    status = 200
    if request.method == "POST":
        form = ProjectPageForm(request.POST, request.FILES, project=project)
        if form.is_valid():
            try:
                update_project_page(
                    project=project,
                    by=request.user,
                    revision=form.cleaned_data["revision"],
                    image=form.cleaned_data["image"],
                    **form.page_fields(),
                )
            except StaleEdit as stale:
                # Keep what this person typed; show the other version beside it. Saving again
                # from here knowingly replaces the other version.
                assert stale.revision is not None  # a page's StaleEdit carries its revision
                form.with_revision(stale.revision)
                context["conflict"] = _conflict_rows(form, stale)
                context["image_dropped"] = bool(form.cleaned_data["image"])
                status = 409
            except ProjectRefused as refusal:
                apply_refusal(form, refusal)
                status = 400
            else:
                messages.success(request, _("La page du projet est enregistrée."))
                return redirect("project_page_edit", territory=territory, slug=slug)
        else:
            status = 400
    else:
        form = ProjectPageForm(project=project)
    context["form"] = form
    return render(request, "projects/page_edit.html", context, status=status)


def _conflict_rows(form: ProjectPageForm, stale: StaleEdit) -> list[dict]:
    """The fields where the other person's version differs from what this person typed."""
    rows = []
    for name, theirs in stale.current.items():
        if name == "image":
            continue
        mine = form.cleaned_data.get(name)
        if mine != theirs:
            field = form.fields[name]
            rows.append(
                {
                    "label": field.label,
                    "theirs": _shown(theirs),
                    "mine": _shown(mine),
                }
            )
    return rows


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return value or "—"


def render_team(
    request: HttpRequest,
    project: Project,
    *,
    invite_form: MemberInviteForm | None = None,
    merge_form: MemberMergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The team page: its members, and the forms the person may use on them."""
    context = _space_context(request, project)
    members = queries.team(project)
    can_manage = request.user.has_perm("projects.manage_team", project)
    if invite_form is None and context["can_change"]:
        invite_form = MemberInviteForm()
    if merge_form is None and can_manage and len(members) > 1:
        merge_form = MemberMergeForm(members=members)
    own = next((m for m in members if m.user_id == request.user.pk), None)
    context.update(
        {
            "members": members,
            "own": own,
            "own_name_public": own is not None and queries.shows_name(own),
            "can_manage": can_manage,
            "role_choices": MemberRole.choices,
            "invite_form": invite_form,
            "merge_form": merge_form,
            "status_form": StatusForm(initial={"status": project.status}),
        }
    )
    return render(request, "projects/team.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def team(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = queries.get_project_for_reader(request, territory, slug)
    if request.method != "POST":
        return render_team(request, project)
    if not request.user.has_perm("projects.invite_member", project):
        raise PermissionDenied
    form = MemberInviteForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            member = invite_member(project=project, by=request.user, **form.cleaned_data)
        except MemberInvitationRefused as refusal:
            apply_refusal(form, refusal)
            status = 409
        else:
            messages.success(
                request,
                _("Invitation envoyée à %(email)s.") % {"email": member.email},
            )
            return redirect("project_team", territory=territory, slug=slug)
    return render_team(request, project, invite_form=form, status=status)


@login_required
@require_POST
def status(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = queries.get_project_for_reader(request, territory, slug)
    if not request.user.has_perm("projects.change_project_status", project):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        set_project_status(project=project, by=request.user, status=form.cleaned_data["status"])
        messages.success(request, _("Le statut du projet est enregistré."))
    else:
        messages.error(request, _("Choisissez un statut de la liste."))
    return redirect("project_team", territory=territory, slug=slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if not is_urlsafe_token(token):  # never one of ours; PostgreSQL refuses a NUL in a query
        raise Http404
    member = (
        ProjectMember.objects.select_related("project__territory")
        .filter(invitation_token=token)
        .first()
    )
    if member is None:
        raise Http404
    return accept_invitation_page(
        request,
        InvitationPage(
            email=member.email,
            full_name=member.full_name,
            template="projects/invitation_accept.html",
            context={"member": member, "project": member.project},
            refused=MemberInvitationRefused,
            check=lambda: check_usable(member),
            accept=lambda user: accept_member_invitation(token=token, user=user),
            create_account=lambda full_name, password: create_account_from_member_invitation(
                token=token, full_name=full_name, password=password
            ),
            accept_url=reverse("project_invitation_accept", kwargs={"token": token}),
            done_url=project_space_url(member.project),
            welcome=_welcome(member),
            invalid_status=400,
        ),
    )


def _welcome(member: ProjectMember) -> str:
    return _("Bienvenue dans l'équipe du projet %(project)s !") % {"project": member.project.name}

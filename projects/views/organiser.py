"""The organisers' review: projects formed at the evening's tables to publish, and projects
that join later."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from events.models import FormedProject
from projects import queries
from projects.domain.publishing import ProjectRefused, create_project, publish_formed_project
from projects.enums import ProjectStatus
from projects.forms import ProjectFieldsForm, PublishForm
from projects.models import Project
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest
from territoire.models import Territory


def get_territory_for(request: HttpRequest, territory: str, perm: str) -> Territory:
    """The territory named in the URL if ``request.user`` holds ``perm`` on it (403 otherwise)."""
    territory_obj = get_object_or_404(Territory, slug=territory)
    if not request.user.has_perm(perm, territory_obj):
        raise PermissionDenied
    return territory_obj


def _initial(formed: FormedProject) -> dict:
    challenge = formed.table.challenge
    return {
        "name": formed.name,
        "pitch": formed.pitch,
        "challenge": challenge.pk,
        "domain": challenge.domain_id,
    }


def _render_review(
    request: HttpRequest,
    territory: Territory,
    *,
    bound: PublishForm | None = None,
    bound_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    choices = PublishForm.shared_choices(territory)
    entries = []
    for formed in queries.formed_projects_to_publish(territory):
        if bound is not None and formed.pk == bound_for:
            form = bound
        else:
            form = PublishForm(
                territory=territory,
                choices=choices,
                initial=_initial(formed),
                prefix=f"fp{formed.pk}",
            )
        entries.append({"formed": formed, "form": form})
    return render(
        request,
        "projects/review.html",
        {
            "territory": territory,
            "entries": entries,
            "projects": list(queries.territory_projects(territory)),
        },
        status=status,
    )


@login_required
@require_safe
def review(request: AuthenticatedRequest, territory: str) -> HttpResponse:
    territory_obj = get_territory_for(request, territory, "projects.publish_formed_project")
    return _render_review(request, territory_obj)


@login_required
@require_POST
def publish(request: AuthenticatedRequest, territory: str, formed_id: int) -> HttpResponse:
    territory_obj = get_territory_for(request, territory, "projects.publish_formed_project")
    formed = get_object_or_404(
        FormedProject.objects.select_related("table__event__territory", "table__challenge"),
        pk=formed_id,
        table__event__territory=territory_obj,
    )
    form = PublishForm(request.POST, territory=territory_obj, prefix=f"fp{formed.pk}")
    if form.is_valid():
        already = Project.objects.filter(formed_project=formed).exists()
        try:
            project = publish_formed_project(
                formed_project=formed, by=request.user, **form.project_fields()
            )
        except ProjectRefused as refusal:
            apply_refusal(form, refusal)
        else:
            if already:
                messages.info(request, _("Ce projet était déjà publié."))
            else:
                messages.success(request, published_message(project))
            return redirect("project_team", territory=territory_obj.slug, slug=project.slug)
    return _render_review(request, territory_obj, bound=form, bound_for=formed.pk, status=400)


def published_message(project: Project) -> str:
    """What the organiser reads once the project is published: public or not, and why."""
    if queries.is_showcased(project):
        return _(
            "« %(name)s » est publié : sa page publique et sa carte dans la vitrine sont "
            "visibles dès maintenant. Son équipe reçoit ses invitations."
        ) % {"name": project.name}
    if not project.is_public:
        why = _("vous avez choisi de le garder privé")
    else:
        why = _("son statut « %(status)s » n'est jamais montré dans la vitrine") % {
            "status": project.get_status_display()
        }
    return _(
        "« %(name)s » est publié mais reste privé (%(why)s) : seuls l'équipe, son coach et "
        "l'organisation le voient. Son équipe reçoit ses invitations."
    ) % {"name": project.name, "why": why}


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: AuthenticatedRequest, territory: str) -> HttpResponse:
    territory_obj = get_territory_for(request, territory, "projects.create_project")
    form = ProjectFieldsForm(
        request.POST or None, territory=territory_obj, initial={"status": ProjectStatus.DRAFT}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                project = create_project(
                    territory=territory_obj, by=request.user, **form.project_fields()
                )
            except ProjectRefused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(
                    request,
                    _("« %(name)s » est créé : invitez maintenant son équipe.")
                    % {"name": project.name},
                )
                return redirect("project_team", territory=territory_obj.slug, slug=project.slug)
        status = 400
    return render(
        request,
        "projects/project_create.html",
        {"territory": territory_obj, "form": form},
        status=status,
    )

"""Public pages: a territory's project showcase, a project's page, following its news."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from challenges.models import Challenge
from projects import queries
from projects.domain.followers import (
    FollowRefused,
    confirm_following,
    follow_project,
    stop_following,
)
from projects.enums import SHOWCASE_STATUSES
from projects.extensions import project_sections
from projects.forms import FollowForm, ShowcaseFilterForm
from projects.links import project_space_url
from projects.models import Project
from territoire.models import Territory
from territoire.pagination import paginate
from territoire.ratelimit import allow, client_key

NOINDEX = "noindex, nofollow"
# Cards per page: 24 fill whole rows of 2, 3 or 4 columns; a page stays near 60 KB.
SHOWCASE_PAGE_SIZE = 24


@require_safe
def showcase(request: HttpRequest, territory: str) -> HttpResponse:
    territory_obj = get_object_or_404(Territory, slug=territory)
    domains = list(territory_obj.domains.order_by("name"))
    challenges = list(
        Challenge.objects.filter(
            territory=territory_obj,
            projects__is_public=True,
            projects__status__in=SHOWCASE_STATUSES,
        )
        .distinct()
        .order_by("order", "title")
    )
    form = ShowcaseFilterForm(request.GET or None, domains=domains, challenges=challenges)
    filters = form.filters() if request.GET else {}
    projects = paginate(
        request, queries.showcase_projects(territory_obj, **filters), per_page=SHOWCASE_PAGE_SIZE
    )
    return render(
        request,
        "projects/showcase.html",
        {
            "territory": territory_obj,
            "form": form,
            "projects": projects,
            "filtered": any(filters.values()),
        },
    )


@require_safe
def project_detail(request: HttpRequest, territory: str, slug: str) -> HttpResponse:
    project = queries.get_project_for_visitor(request, territory, slug)
    return _render_detail(request, project, FollowForm())


def _render_detail(
    request: HttpRequest, project: Project, follow_form: FollowForm, status: int = 200
) -> HttpResponse:
    user = request.user
    showcased = queries.is_showcased(project)
    response = render(
        request,
        "projects/project_detail.html",
        {
            "territory": project.territory,
            "project": project,
            "showcased": showcased,
            "ideas": queries.carried_ideas(project) if project.source_table_id else [],
            "team": queries.public_team(project) if project.show_team else [],
            "sections": project_sections(project, request),
            "follow_form": follow_form,
            "can_change": user.has_perm("projects.change_project_page", project),
            "space_url": project_space_url(project),
        },
        status=status,
    )
    if not showcased:
        response["X-Robots-Tag"] = NOINDEX
    return response


@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest, territory: str, slug: str) -> HttpResponse:
    project = queries.get_project_for_visitor(request, territory, slug)
    if request.method == "GET" or not queries.is_showcased(project):
        return redirect(project.get_absolute_url() + "#suivre")
    form = FollowForm(request.POST)
    if not allow("project_follow", client_key(request), limit=10, window=600):
        form.refuse_flood()
        return _render_detail(request, project, form, status=429)
    if not form.is_valid():
        return _render_detail(request, project, form, status=400)
    follow_project(
        project=project, email=form.cleaned_data["email"], language=translation.get_language()
    )
    # The same answer whether the address was new, pending or already confirmed: the page does
    # not tell who follows what.
    messages.success(
        request,
        _(
            "Merci ! Un e-mail vient de partir vers %(email)s : ouvrez le lien qu'il contient "
            "pour confirmer."
        )
        % {"email": form.cleaned_data["email"]},
    )
    return redirect(project.get_absolute_url() + "#suivre")


@require_http_methods(["GET", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # E-mail scanners open links: a GET only shows the button, the POST confirms.
    if request.method == "GET":
        return render(request, "projects/follow_confirm.html", {"action": "confirm"})
    try:
        follower = confirm_following(token=token)
    except FollowRefused as refusal:
        return render(
            request,
            "projects/follow_confirm.html",
            {"action": "confirm", "refusal": str(refusal)},
            status=400,
        )
    return render(
        request,
        "projects/follow_confirm.html",
        {"action": "confirm", "follower": follower, "project": follower.project},
    )


@require_http_methods(["GET", "POST"])
def follow_stop(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "projects/follow_confirm.html", {"action": "stop"})
    try:
        follower = stop_following(token=token)
    except FollowRefused as refusal:
        return render(
            request,
            "projects/follow_confirm.html",
            {"action": "stop", "refusal": str(refusal)},
            status=400,
        )
    return render(
        request,
        "projects/follow_confirm.html",
        {"action": "stop", "follower": follower, "project": follower.project},
    )

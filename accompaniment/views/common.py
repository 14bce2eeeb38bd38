"""What the accompaniment's views share: finding the project or territory in the URL."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404

from accompaniment.domain.errors import Refused
from projects.models import Project
from territoire.models import Territory


def project_for(request: HttpRequest, territory: str, slug: str, perm: str) -> Project:
    """The project named in the URL if ``request.user`` holds ``perm`` on it. Like the projects
    app's ``get_project_for_team``: 404 for those who may not read the project (as if it did not
    exist), 403 for readers who may not do this (officials, the territory's other coaches)."""
    project = get_object_or_404(
        Project.objects.select_related("territory", "coach"), territory__slug=territory, slug=slug
    )
    if not request.user.has_perm("accompaniment.read_project_space", project):
        raise Http404
    if not request.user.has_perm(perm, project):
        raise PermissionDenied
    return project


def territory_for(request: HttpRequest, territory: str, perm: str) -> Territory:
    found = get_object_or_404(Territory, slug=territory)
    if not request.user.has_perm(perm, found):
        raise PermissionDenied
    return found


def evidence_response(field_file) -> FileResponse:
    """An evidence file, served to those who may read the project (never a public URL)."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = field_file.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=True, filename=name)


def project_kwargs(project: Project) -> dict[str, str]:
    return {"territory": project.territory.slug, "slug": project.slug}


def flash_outcome(request: HttpRequest, action: Callable[[], object], success: str) -> bool:
    """Run a one-click domain action (a POST button with no form to redisplay) and flash its
    outcome: the refusal's message, or ``success``. Returns whether it went through."""
    try:
        action()
    except Refused as refusal:
        messages.error(request, str(refusal))
        return False
    messages.success(request, success)
    return True

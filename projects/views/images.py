"""A project's image, served to those who may see its page: a draft's image must not leak.

Challenge images are public and the reverse proxy serves them from the media volume itself
(docs/production.md); project images pass through here, because the app restricts a project
that is not in the showcase to its readers (projects.queries.get_project_for_visitor)."""

import mimetypes

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

from projects import queries
from projects.models import Project

# A showcased project's image may sit in shared caches for a while; a file name is never reused
# (projects.domain.images names each upload with random characters).
PUBLIC_CACHE = "public, max-age=3600"


@require_safe
def project_image(request: HttpRequest, name: str) -> FileResponse:
    """The stored image ``projects/<name>`` of the project it belongs to; 404 when no project has
    that image, or when the project is not in the showcase and this person may not read it."""
    upload_to = Project._meta.get_field("image").upload_to
    project = Project.objects.select_related("territory").filter(image=f"{upload_to}{name}").first()
    if project is None:
        raise Http404
    showcased = queries.is_showcased(project)
    if not showcased and not request.user.has_perm("projects.read_project", project):
        raise Http404
    try:
        stored = project.image.storage.open(project.image.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = mimetypes.guess_type(project.image.name)[0] or "application/octet-stream"
    response = FileResponse(stored, content_type=content_type)
    response["Cache-Control"] = PUBLIC_CACHE if showcased else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

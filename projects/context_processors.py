"""The projects' enumerations for templates (see territoire.context_processors.enums)."""

from django.http import HttpRequest

from projects.enums import MemberRole, ProjectStatus


def enums(request: HttpRequest) -> dict:
    """``member.role == MemberRole.LEAD``, ``project.status == ProjectStatus.ACTIVE``..."""
    return {"MemberRole": MemberRole, "ProjectStatus": ProjectStatus}

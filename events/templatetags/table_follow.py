"""The projects born at a table as its closed page shows them: a link once public."""

from django import template

from events.extensions import public_projects
from events.forms_follow import TableFollowForm
from events.models import FormedProject, Participant, Table, TeamMember

register = template.Library()


@register.simple_tag
def table_outcome(table: Table, participant: Participant | None = None) -> list[dict]:
    """Each project formed at ``table``: its name, its public page (once published and public)
    and whether ``participant`` is in its team. Two queries (three with a participant)."""
    projects = list(
        FormedProject.objects.filter(table=table).only("pk", "name").order_by("created_at", "pk")
    )
    if not projects:
        return []
    public = public_projects(p.pk for p in projects)
    mine: set[int] = set()
    if participant:  # a missing variable comes as ""
        mine = set(
            TeamMember.objects.filter(project__in=projects, participant=participant).values_list(
                "project_id", flat=True
            )
        )
    return [
        {
            "name": public[p.pk].name if p.pk in public else p.name,
            "url": public[p.pk].url if p.pk in public else "",
            "is_member": p.pk in mine,
        }
        for p in projects
    ]


@register.simple_tag
def new_follow_form() -> TableFollowForm:
    return TableFollowForm(auto_id="suivre-%s")

"""The projects born at a table as its closed page shows them: a link once public, left out
once published but hidden."""

from django import template

from events.forms_follow import TableFollowForm
from events.models import FormedProject, Participant, Table, TeamMember
from events.queries_outcome import born_projects_shown

register = template.Library()


@register.simple_tag
def table_outcome(table: Table, participant: Participant | None = None) -> list[dict]:
    """Each project formed at ``table`` as the public may see it (events/queries_outcome.py):
    its name, its public page (once published and public; left out once published but
    hidden) and whether ``participant`` is in its team. Two queries (three with a
    participant)."""
    projects = list(
        FormedProject.objects.filter(table=table).only("pk", "name").order_by("created_at", "pk")
    )
    if not projects:
        return []
    mine: set[int] = set()
    if participant:  # a missing variable comes as ""
        mine = set(
            TeamMember.objects.filter(project__in=projects, participant=participant).values_list(
                "project_id", flat=True
            )
        )
    return [
        {"name": born.name, "url": born.url, "is_member": born.formed.pk in mine}
        for born in born_projects_shown(projects)
    ]


@register.simple_tag
def new_follow_form() -> TableFollowForm:
    return TableFollowForm(auto_id="suivre-%s")

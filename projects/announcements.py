"""What the evening's attendees learn of the projects born at their table: the projects app
tells events which formed projects are public (the closed table page links them), and sends
the table's followers the news of a publication (events/domain/table_news.py sends it)."""

import logging

from events.domain.table_news import announce_published_project
from events.extensions import PublicProject, provide_public_projects
from projects.enums import SHOWCASE_STATUSES
from projects.models import Project

logger = logging.getLogger(__name__)


@provide_public_projects
def public_projects_of_formed(formed_ids: list[int]) -> dict[int, PublicProject | None]:
    """The formed projects given that were published: their public page when public and
    showcased, None when the public may not see it (private, hidden, not showcased); one
    query."""
    projects = Project.objects.filter(formed_project_id__in=formed_ids).select_related("territory")
    return {
        p.formed_project_id: PublicProject(p.name, p.get_absolute_url())
        if p.is_public and p.status in SHOWCASE_STATUSES
        else None
        for p in projects
        if p.formed_project_id is not None  # as filtered
    }


def announce_publication(*, project_id: int) -> int:
    """E-mail the followers of the table the project was born at, once, if it is public.

    Returns how many were told. Side effects: as events' ``announce_published_project``.
    """
    project = (
        Project.objects.select_related("territory", "source_table__challenge")
        .filter(pk=project_id)
        .first()
    )
    if project is None or project.source_table is None:
        return 0
    if not (project.is_public and project.status in SHOWCASE_STATUSES):
        logger.info("project %s is not public: its table's followers wait", project_id)
        return 0
    return announce_published_project(
        table=project.source_table,
        project_id=project.pk,
        project=PublicProject(project.name, project.get_absolute_url()),
    )

"""The projects born at the tables as the public sees them: the published project's name and
page once public, the name the table gave while never published, nothing once published but
hidden from the public (kept private, hidden by its team). One rule for every page and e-mail
that lists them: the evening's page, the closed table's page, the table's news."""

from collections.abc import Iterable
from dataclasses import dataclass

from events.extensions import published_projects
from events.models import FormedProject


@dataclass(frozen=True)
class BornProject:
    formed: FormedProject
    name: str  # the published project's when public, else the table's
    url: str  # the public page's path; "" while never published


def born_projects_shown(formed: Iterable[FormedProject]) -> list[BornProject]:
    """``formed`` as the public may see them, in the same order, the published but not public
    ones left out. One query (the projects app's provider), none for an empty list."""
    formed = list(formed)
    pages = published_projects(p.pk for p in formed)
    shown = []
    for project in formed:
        if project.pk not in pages:
            shown.append(BornProject(project, project.name, ""))
        elif (page := pages[project.pk]) is not None:
            shown.append(BornProject(project, page.name, page.url))
    return shown

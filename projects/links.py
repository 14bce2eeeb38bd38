"""The projects' links on a territory's public page and in people's spaces."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.models import FormedProject
from projects.models import Project
from projects.queries import projects_now_by_territory, projects_of_member
from territoire.enums import Role
from territoire.extensions import (
    Card,
    Figure,
    Link,
    SpaceEntry,
    Todo,
    organised_territories,
    provide_space_links,
    provide_space_territories,
    provide_space_todos,
    provide_territory_cards,
    provide_territory_links,
)
from territoire.models import Territory, User
from territoire.queries import count_by

# The project space's home (its plan, milestones, updates) belongs to the accompaniment; until
# it answers, the team page is the space's entry.
PROJECT_SPACE_URL_NAME = "project_space"


def project_space_url(project: Project) -> str:
    kwargs = {"territory": project.territory.slug, "slug": project.slug}
    try:
        return reverse(PROJECT_SPACE_URL_NAME, kwargs=kwargs)
    except NoReverseMatch:
        return reverse("project_team", kwargs=kwargs)


@provide_territory_links
def territory_links(territory: Territory) -> list[Link]:
    return [
        Link(
            _("Les projets du territoire"),
            reverse("project_showcase", kwargs={"territory": territory.slug}),
            _("Les projets nés des défis, et où ils en sont."),
        )
    ]


@provide_space_territories
def member_territories(user: User) -> list[Territory]:
    """The territories of the projects whose team ``user`` joined (they may hold no role)."""
    return [project.territory for project in projects_of_member(user)]


@provide_space_links
def space_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    kwargs = {"territory": territory.slug}
    # The team's own projects are cards (accompaniment/cards.py: team_cards).
    links = []
    in_team = any(p.territory_id == territory.pk for p in projects_of_member(user))
    if user.is_superuser or Role.ORGANISER in roles:
        links.append(
            Link(
                _("Projets à publier"),
                reverse("project_review", kwargs=kwargs),
                _("Les projets nés aux tables de la soirée, et ceux qui nous rejoignent."),
            )
        )
    if links or in_team or roles & {Role.COACH, Role.OFFICIAL}:
        links.append(Link(_("Vitrine des projets"), reverse("project_showcase", kwargs=kwargs)))
    return links


@provide_territory_cards("progress")
def progress_cards(territories: list[Territory]) -> list[Card]:
    """On the territory page: how many projects were born at the evening's tables (formed
    there, published or not yet), how many are accompanied now, how many are alive (accompanied,
    paused or standing alone). Two queries."""
    ids = [t.pk for t in territories]
    born = count_by(
        FormedProject.objects.filter(table__event__territory_id__in=ids),
        "table__event__territory_id",
    )
    now = projects_now_by_territory(ids)
    cards = []
    for territory in territories:
        row = {
            "born": born.get(territory.pk, 0),
            "accompanied": now.get(territory.pk, {}).get("accompanied", 0),
            "alive": now.get(territory.pk, {}).get("alive", 0),
        }
        if not any(row.values()):
            continue
        cards.append(
            Card(
                territory_id=territory.pk,
                title=_("Les projets"),
                figures=(
                    Figure(
                        str(row["born"]),
                        ngettext("projet né à la soirée", "projets nés à la soirée", row["born"]),
                    ),
                    Figure(
                        str(row["accompanied"]),
                        ngettext("projet accompagné", "projets accompagnés", row["accompanied"]),
                    ),
                    Figure(
                        str(row["alive"]),
                        ngettext(
                            "projet en vie (accompagné, en pause ou autonome)",
                            "projets en vie (accompagnés, en pause ou autonomes)",
                            row["alive"],
                        ),
                    ),
                ),
                links=(
                    Link(
                        _("Voir les projets"),
                        reverse("project_showcase", kwargs={"territory": territory.slug}),
                    ),
                ),
                slot="progress",
                order=20,
            )
        )
    return cards


@provide_space_todos
def publishing_todos(user: User, entries: list[SpaceEntry]) -> list[Todo]:
    """Projects formed at the tables and not published yet, per organised territory. One query."""
    organised = organised_territories(user, entries)
    if not organised:
        return []
    counts = count_by(
        FormedProject.objects.filter(
            table__event__territory_id__in=organised, published_project__isnull=True
        ),
        "table__event__territory_id",
    )
    return [
        Todo(
            territory_id=pk,
            label=ngettext(
                "projet né aux tables à publier", "projets nés aux tables à publier", counts[pk]
            ),
            count=counts[pk],
            url=reverse("project_review", kwargs={"territory": territory.slug}),
            order=10,
        )
        for pk, territory in organised.items()
        if counts.get(pk)
    ]

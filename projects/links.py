"""The projects' links on a territory's public page and in people's spaces."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from projects.models import Project
from projects.queries import projects_of_member
from territoire.enums import Role
from territoire.extensions import (
    Link,
    provide_space_links,
    provide_space_territories,
    provide_territory_links,
)
from territoire.models import Territory, User

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
    links = [
        Link(
            project.name,
            project_space_url(project),
            _("Votre projet : son espace, sa page publique, son équipe."),
            prominent=True,
        )
        for project in projects_of_member(user)
        if project.territory_id == territory.pk
    ]
    if user.is_superuser or Role.ORGANISER in roles:
        links.append(
            Link(
                _("Projets à publier"),
                reverse("project_review", kwargs=kwargs),
                _("Les projets nés aux tables de la soirée, et ceux qui nous rejoignent."),
            )
        )
    if links or roles & {Role.COACH, Role.OFFICIAL}:
        links.append(Link(_("Vitrine des projets"), reverse("project_showcase", kwargs=kwargs)))
    return links

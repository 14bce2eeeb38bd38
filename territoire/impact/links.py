"""The impact page in the spaces of the people who may read it."""

from django.urls import reverse
from django.utils.translation import gettext as _

from territoire.enums import Role
from territoire.extensions import Link, provide_space_links
from territoire.models import Territory, User


@provide_space_links
def impact_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    if not (user.is_superuser or roles & {Role.ORGANISER, Role.COACH, Role.OFFICIAL}):
        return []
    return [
        Link(
            _("Impact"),
            reverse("impact", kwargs={"territory": territory.slug}),
            _(
                "Les emplois face à l'objectif, le parcours des projets, les indicateurs, "
                "les téléchargements."
            ),
        )
    ]

"""The reports page in the spaces of the people who may read a territory's reports."""

from django.urls import reverse
from django.utils.translation import gettext as _

from territoire.enums import Role
from territoire.extensions import Link, provide_space_links
from territoire.models import Territory, User


@provide_space_links
def report_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    if not (user.is_superuser or roles & {Role.ORGANISER, Role.COACH, Role.OFFICIAL}):
        return []
    return [
        Link(
            _("Rapports"),
            reverse("territory_reports", kwargs={"slug": territory.slug}),
            _("Synthèse des débats, portfolio des projets : les PDF à imprimer ou à envoyer."),
        )
    ]

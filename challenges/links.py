"""The mobilisation's links on a territory's public page and in people's spaces."""

from django.urls import reverse
from django.utils.translation import gettext as _

from territoire.enums import Role
from territoire.extensions import Link, provide_space_links, provide_territory_links
from territoire.models import Territory, User


@provide_territory_links
def territory_links(territory: Territory) -> list[Link]:
    kwargs = {"territory_slug": territory.slug}
    return [
        Link(
            _("Les défis du territoire"),
            reverse("challenge_list", kwargs=kwargs),
            _("Lisez les défis, contribuez, rejoignez celui qui vous parle."),
        ),
        Link(
            _("Je rejoins la mobilisation"),
            reverse("signup", kwargs=kwargs),
            _("Rejoignez la mobilisation, comme participant·e ou bénévole."),
            prominent=True,
        ),
    ]


@provide_space_links
def space_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    kwargs = {"territory_slug": territory.slug}
    links = []
    organiser = user.is_superuser or Role.ORGANISER in roles
    if organiser:
        links += [
            Link(
                _("Défis du territoire"),
                reverse("admin:challenges_challenge_changelist")
                + f"?territory__id__exact={territory.pk}",
                _("Les écrire, les ordonner, les ouvrir aux contributions."),
            ),
            Link(
                _("Tableau de la mobilisation"),
                reverse("mobilisation_board", kwargs=kwargs),
                _("Inscriptions, bénévoles, contributions."),
            ),
        ]
    if organiser or Role.FACILITATOR in roles:
        links += [
            Link(_("Formations des animateur·rices"), reverse("training_list", kwargs=kwargs)),
            Link(_("Kit d'animation"), reverse("kit_index", kwargs=kwargs)),
        ]
    return links

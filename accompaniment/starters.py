"""What a territory can start its accompaniment with: default milestones, from the built-in
18/24-month template or copied from another territory the person organises."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from accompaniment.domain.milestone_templates import copy_templates, load_built_in_templates
from accompaniment.models import MilestoneTemplate
from territoire.extensions import Starter, provide_territory_starters
from territoire.models import Territory, User
from territoire.queries import organised_territory_ids

BUILT_IN_KEY = "milestones:built-in"


def _copier(source: Territory) -> Callable[[Territory, User | None], int]:
    """A starter's action: copy ``source``'s default milestones into the territory."""

    def apply(target: Territory, by: User | None) -> int:
        return copy_templates(source=source, territory=target, by=by)

    return apply


@provide_territory_starters
def milestone_starters(user: User, territory: Territory | None) -> list[Starter]:
    """The built-in template, and each territory with default milestones the person may copy
    from (those she organises; every one for a superuser). One query."""
    starters = [
        Starter(
            BUILT_IN_KEY,
            _("Jalons par défaut : le modèle 18/24 mois"),
            lambda target, by: load_built_in_templates(territory=target, by=by),
        )
    ]
    sources = Territory.objects.filter(
        pk__in=MilestoneTemplate.objects.values("territory_id")
    ).order_by("name")
    if not user.is_superuser:
        sources = sources.filter(pk__in=organised_territory_ids(user))
    if territory is not None and territory.pk:
        sources = sources.exclude(pk=territory.pk)
    for source in sources:
        starters.append(
            Starter(
                f"milestones:copy:{source.pk}",
                _("Jalons par défaut : copier ceux de %(territory)s") % {"territory": source.name},
                _copier(source),
            )
        )
    return starters

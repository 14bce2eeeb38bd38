"""A territory's set-up, beyond its own fields (which the admin's form saves)."""

from territoire.extensions import Starter
from territoire.models import Territory, User


def start_territory_with(*, territory: Territory, starter: Starter, by: User | None) -> int:
    """Apply one of the starters higher apps offer (e.g. the built-in 18/24-month milestones)
    to ``territory``. Returns how many things were added.

    Side effects: those of the starter (rows of the app that offers it).
    """
    return starter.apply(territory, by)

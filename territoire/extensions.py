"""Extension points for the higher apps: the links they add to a territory's public page and to
a person's space. The core never imports them; they register here from their AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from territoire.models import Territory, User


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str = ""
    prominent: bool = False


SpaceLinkProvider = Callable[[User, Territory, frozenset[str]], list[Link]]
TerritoryLinkProvider = Callable[[Territory], list[Link]]
# The territories where a person has something in a higher app without holding a role there
# (a project team member): their space lists these too.
SpaceTerritoryProvider = Callable[[User], list[Territory]]

_space_providers: list[SpaceLinkProvider] = []
_territory_providers: list[TerritoryLinkProvider] = []
_space_territory_providers: list[SpaceTerritoryProvider] = []


def provide_space_links(provider: SpaceLinkProvider) -> SpaceLinkProvider:
    if provider not in _space_providers:
        _space_providers.append(provider)
    return provider


def provide_territory_links(provider: TerritoryLinkProvider) -> TerritoryLinkProvider:
    if provider not in _territory_providers:
        _territory_providers.append(provider)
    return provider


def provide_space_territories(provider: SpaceTerritoryProvider) -> SpaceTerritoryProvider:
    if provider not in _space_territory_providers:
        _space_territory_providers.append(provider)
    return provider


def space_territories(user: User) -> list[Territory]:
    """Territories where ``user`` has something to open, roles or not."""
    return [t for provider in _space_territory_providers for t in provider(user)]


def space_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    """What ``user`` can open in ``territory`` given their ``roles`` there (superusers: all)."""
    return [link for provider in _space_providers for link in provider(user, territory, roles)]


def territory_links(territory: Territory) -> list[Link]:
    return [link for provider in _territory_providers for link in provider(territory)]

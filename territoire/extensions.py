"""Extension points for the higher apps: what they add to a territory's public page and to a
person's space. The core never imports them; they register here from their AppConfig.ready().

Cards are what a page shows as "your next step": a title, a few facts, one big action and a
short list of items. Providers are called once per page with every territory shown, so each
runs a fixed number of queries whatever the number of territories, events, tables or projects.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from territoire.enums import Role
from territoire.models import Territory, User


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    description: str = ""
    prominent: bool = False


@dataclass(frozen=True)
class Figure:
    """A number and what it counts ("12 / 250", "emplois créés vérifiés")."""

    value: str
    label: str


@dataclass(frozen=True)
class Meter:
    """A progress bar under a card's figures: ``value`` out of ``maximum`` (jobs on the target),
    shown with its percentage in words so it reads without colour."""

    value: int
    maximum: int

    @property
    def percent(self) -> int:
        """Whole percents, at most 100."""
        if self.maximum <= 0:
            return 0
        return min(100, self.value * 100 // self.maximum)


@dataclass(frozen=True)
class Card:
    """One "next step" card. ``action`` is the big button; ``links`` the secondary ones;
    ``items`` a short list (tables, projects, to-dos), each a Link whose description is shown
    beside it. ``tone`` is a style: "" (plain), "highlight" (now), "todo". ``slot`` says where
    a public page puts it: "evening" (the home page shows these) or "progress"."""

    territory_id: int
    title: str
    text: str = ""
    action: Link | None = None
    links: tuple[Link, ...] = ()
    items: tuple[Link, ...] = ()
    figures: tuple[Figure, ...] = ()
    tone: str = ""
    order: int = 100
    empty: str = ""
    slot: str = ""
    kicker: str = ""  # a line above the title (the territory's name on the home page)
    meter: Meter | None = None  # a progress bar under the figures


@dataclass(frozen=True)
class Todo:
    """Something an organiser should do in a territory, with how many things are waiting."""

    territory_id: int
    label: str
    count: int
    url: str
    order: int = 100


@dataclass(frozen=True)
class Starter:
    """Something a territory can start with, offered when an organiser creates or configures
    it (default milestones, from a built-in template or another territory). ``apply`` does it
    through the owning app's domain and returns how many things it added."""

    key: str
    label: str
    apply: Callable[[Territory, User | None], int]


@dataclass(frozen=True)
class SpaceEntry:
    """A territory in a person's space and the roles the person holds there."""

    territory: Territory
    roles: frozenset[str] = field(default_factory=frozenset)


SpaceLinkProvider = Callable[[User, Territory, frozenset[str]], list[Link]]
TerritoryLinkProvider = Callable[[Territory], list[Link]]
# The territories where a person has something in a higher app without holding a role there
# (a project team member): their space lists these too.
SpaceTerritoryProvider = Callable[[User], list[Territory]]
# provider(user, entries) -> cards, each naming its territory. Superusers are treated as
# organisers by the callers (the space passes their roles as given).
SpaceCardProvider = Callable[[User, list[SpaceEntry]], list[Card]]
SpaceTodoProvider = Callable[[User, list[SpaceEntry]], list[Todo]]
# provider(territories) -> cards of the public pages (home, territory page).
TerritoryCardProvider = Callable[[list[Territory]], list[Card]]

# provider(user, territory) -> the consoles of the tables ``user`` facilitates there, still to
# come or tonight (the facilitators' kit, in challenges, shows them without importing events).
TableConsoleProvider = Callable[[User, Territory], list[Link]]

# provider(user, territory or None when creating it) -> what that person may start it with.
StarterProvider = Callable[[User, Territory | None], list[Starter]]

_space_providers: list[SpaceLinkProvider] = []
_starter_providers: list[StarterProvider] = []
_table_console_providers: list[TableConsoleProvider] = []
_territory_providers: list[TerritoryLinkProvider] = []
_space_territory_providers: list[SpaceTerritoryProvider] = []
_space_card_providers: list[SpaceCardProvider] = []
_space_todo_providers: list[SpaceTodoProvider] = []
_territory_card_providers: list[tuple[str, TerritoryCardProvider]] = []


def _register(registry: list, provider):
    if provider not in registry:
        registry.append(provider)
    return provider


def provide_space_links(provider: SpaceLinkProvider) -> SpaceLinkProvider:
    return _register(_space_providers, provider)


def provide_territory_links(provider: TerritoryLinkProvider) -> TerritoryLinkProvider:
    return _register(_territory_providers, provider)


def provide_space_territories(provider: SpaceTerritoryProvider) -> SpaceTerritoryProvider:
    return _register(_space_territory_providers, provider)


def provide_space_cards(provider: SpaceCardProvider) -> SpaceCardProvider:
    return _register(_space_card_providers, provider)


def provide_space_todos(provider: SpaceTodoProvider) -> SpaceTodoProvider:
    return _register(_space_todo_providers, provider)


def provide_territory_cards(slot: str) -> Callable[[TerritoryCardProvider], TerritoryCardProvider]:
    """Register a provider of the public pages' cards for ``slot`` ("evening", "progress"): a
    page asks only the slots it shows."""

    def register(provider: TerritoryCardProvider) -> TerritoryCardProvider:
        _register(_territory_card_providers, (slot, provider))
        return provider

    return register


def provide_table_consoles(provider: TableConsoleProvider) -> TableConsoleProvider:
    return _register(_table_console_providers, provider)


def table_consoles(user: User, territory: Territory) -> list[Link]:
    """The consoles of the tables ``user`` facilitates in ``territory``, tonight's first."""
    return [link for provider in _table_console_providers for link in provider(user, territory)]


def provide_territory_starters(provider: StarterProvider) -> StarterProvider:
    return _register(_starter_providers, provider)


def territory_starters(user: User, territory: Territory | None) -> list[Starter]:
    return [s for provider in _starter_providers for s in provider(user, territory)]


def space_territories(user: User) -> list[Territory]:
    """Territories where ``user`` has something to open, roles or not."""
    return [t for provider in _space_territory_providers for t in provider(user)]


def space_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    """What ``user`` can open in ``territory`` given their ``roles`` there (superusers: all)."""
    return [link for provider in _space_providers for link in provider(user, territory, roles)]


def territory_links(territory: Territory) -> list[Link]:
    return [link for provider in _territory_providers for link in provider(territory)]


def _by_territory(cards: Iterable, key=lambda item: item.order) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for item in sorted(cards, key=key):
        grouped.setdefault(item.territory_id, []).append(item)
    return grouped


def space_cards(user: User, entries: list[SpaceEntry]) -> dict[int, list[Card]]:
    """The cards of a person's space, by territory id, in their order."""
    if not entries:
        return {}
    return _by_territory(c for provider in _space_card_providers for c in provider(user, entries))


def space_todos(user: User, entries: list[SpaceEntry]) -> dict[int, list[Todo]]:
    """What waits for an organiser, by territory id; only the to-dos with something waiting."""
    if not entries:
        return {}
    todos = (t for provider in _space_todo_providers for t in provider(user, entries) if t.count)
    return _by_territory(todos)


def territory_cards(territories: list[Territory], slots: Iterable[str]) -> dict[int, list[Card]]:
    """The cards of ``slots`` the public pages show for each territory, by territory id."""
    if not territories:
        return {}
    wanted = set(slots)
    return _by_territory(
        card
        for slot, provider in _territory_card_providers
        if slot in wanted
        for card in provider(territories)
    )


def organised_territories(user: User, entries: list[SpaceEntry]) -> dict[int, Territory]:
    """The territories of a space's entries that ``user`` organises (superusers: all of them)."""
    return {
        entry.territory.pk: entry.territory
        for entry in entries
        if user.is_superuser or Role.ORGANISER in entry.roles
    }

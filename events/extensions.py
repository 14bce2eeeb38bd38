"""What the higher apps tell the evening about its projects. Events never imports them: the
projects app registers its provider here from its AppConfig.ready()."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PublicProject:
    """A formed project's public page, once published and visible to everyone."""

    name: str
    url: str  # a path; e-mails prefix it with SITE_URL


# provider(formed project ids) -> {formed project id: its public page, or None when it was
# published but is not public (kept private, hidden by its team, not showcased)}, in a fixed
# number of queries; formed projects never published are left out.
PublicProjectProvider = Callable[[list[int]], dict[int, PublicProject | None]]

_providers: list[PublicProjectProvider] = []


def provide_public_projects(provider: PublicProjectProvider) -> PublicProjectProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def published_projects(formed_ids: Iterable[int]) -> dict[int, PublicProject | None]:
    """The formed projects given that were published: their public page, None when the public
    may not see it. Never published ones are left out."""
    ids = list(formed_ids)
    found: dict[int, PublicProject | None] = {}
    if ids:
        for provider in _providers:
            found |= provider(ids)
    return found

"""The register of processing and the per-app providers of access and erasure.

Every app registers, from its AppConfig.ready(), one ``PrivacyProvider``: its processings
(what the privacy notice and the register list) and two functions:

- ``export(email, user) -> dict``: everything the app holds about the person with that address
  (and that account, when there is one), JSON-able;
- ``erase(email, user) -> int``: removes or anonymises those rows and returns how many changed.
  Aggregate figures stay right: a registration, an idea, a vote or a job is kept as a count,
  what identifies the person (name, address, phone, personal text) goes.

``territory_ids(email, user)`` says in which territories the person left something: their
rendered reports are deleted on erasure (see ``erasure.py``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from territoire.models import User

StrOrLazy = str | Promise


@dataclass(frozen=True)
class Processing:
    """One line of the register: what is done with personal data, why, on which basis, for
    how long, and who receives it."""

    name: StrOrLazy
    purpose: StrOrLazy
    legal_basis: StrOrLazy
    data: StrOrLazy
    retention: StrOrLazy
    recipients: StrOrLazy


@dataclass(frozen=True)
class PrivacyProvider:
    app: str
    processings: tuple[Processing, ...]
    export: Callable[[str, User | None], dict]
    erase: Callable[[str, User | None], int]
    territory_ids: Callable[[str, User | None], set[int]] = field(default=lambda email, user: set())


_providers: dict[str, PrivacyProvider] = {}


def register_privacy(provider: PrivacyProvider) -> PrivacyProvider:
    """Register (or replace) an app's provider; called from its AppConfig.ready()."""
    _providers[provider.app] = provider
    return provider


def privacy_providers() -> list[PrivacyProvider]:
    """Providers in the order of the layers: the core first, then the higher apps."""
    order = ["territoire", "challenges", "events", "projects", "accompaniment"]
    return sorted(
        _providers.values(),
        key=lambda p: (order.index(p.app) if p.app in order else len(order), p.app),
    )


def processings() -> list[Processing]:
    """Every processing of every app, for the notice and the register."""
    return [processing for provider in privacy_providers() for processing in provider.processings]

"""The impact figures' cache: one version number per territory, moved by every write that
changes a figure (through ``impact_changed``, called by the owning app's domain functions,
whether a view, the admin, a task or a command made the write)."""

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "impact:version:{}"


def impact_version(territory_id: int) -> int:
    return cache.get(VERSION_KEY.format(territory_id), 0)


def _bump(territory_id: int) -> None:
    key = VERSION_KEY.format(territory_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=None)


def impact_changed(territory_id: int) -> None:
    """The territory's figures changed: cached ones are dropped once the write commits (a
    reader cannot then cache the old figures under the new version)."""
    transaction.on_commit(lambda: _bump(territory_id))

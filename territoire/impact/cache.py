"""The impact figures' cache: one version number per territory, moved by every write that
changes a figure (through ``impact_changed``, called by the owning app's domain functions,
whether a view, the admin, a task or a command made the write).

A version that is missing (never set, or evicted) starts again from the clock in
microseconds, never from a number an earlier version may have used: figures cached under an
old version are never read again."""

import time

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "impact:version:{}"


def _fresh() -> int:
    return time.time_ns() // 1000


def impact_version(territory_id: int) -> int:
    key = VERSION_KEY.format(territory_id)
    version = cache.get(key)
    if version is None:
        cache.add(key, _fresh(), timeout=None)
        version = cache.get(key)
    return version


def _bump(territory_id: int) -> None:
    key = VERSION_KEY.format(territory_id)
    try:
        cache.incr(key)
    except ValueError:  # missing: a new start is a new version
        cache.set(key, _fresh(), timeout=None)


def impact_changed(territory_id: int) -> None:
    """The territory's figures changed: cached ones are dropped once the write commits (a
    reader cannot then cache the old figures under the new version)."""
    transaction.on_commit(lambda: _bump(territory_id))

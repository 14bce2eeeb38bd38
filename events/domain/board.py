"""The version of a table's board: bumped by every write, read by every poll.

Live pages answer a poll whose ETag matches the current version with 304, without rendering and,
while the version sits in the cache, without touching the database (docs/benchmarks.md: a
board that re-counts on every poll cannot hold 1,000 phones on 2 cores).
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from events.models import Table

VERSION_TTL = 6 * 3600


def _version_key(table_id: int) -> str:
    return f"events:table-version:{table_id}"


def bump(table_id: int, *, only_if: Q | None = None, **counters: int) -> bool:
    """Record a change on a table: new version, last activity, denormalised counters.

    ``counters`` are increments, e.g. ``bump(t, idea_count=1)``. ``only_if``, a condition on
    the table (its phase…), makes the bump the check too: nothing is written, and False is
    returned, when the table does not meet it. Call it inside the write's transaction; the
    cached version is dropped once it commits.
    Side effects: one UPDATE of the table row; its cached version forgotten.
    """
    tables = Table.objects.filter(pk=table_id)
    if only_if is not None:
        tables = tables.filter(only_if)
    bumped = tables.update(
        version=F("version") + 1,
        last_activity_at=timezone.now(),
        **{name: F(name) + step for name, step in counters.items()},
    )
    if bumped:
        forget_versions([table_id])
    return bool(bumped)


def forget_versions(table_ids: list[int]) -> None:
    """Drop the cached versions of ``table_ids`` once the current transaction commits."""
    keys = [_version_key(table_id) for table_id in table_ids]
    transaction.on_commit(lambda: cache.delete_many(keys))


def current_version(table_id: int) -> int:
    """The board's version: from the cache, else one indexed read (then cached)."""
    return current_version_and_deadline(table_id)[0]


def current_version_and_deadline(table_id: int) -> tuple[int, float | None]:
    """The board's version and the end of the table's phase timer (a POSIX timestamp, None
    without a timer), cached together: a poll learns that the timer ran out without a query,
    since the end of a phase changes the board without any write."""
    key = _version_key(table_id)
    cached = cache.get(key)
    if not isinstance(cached, tuple):
        row = Table.objects.filter(pk=table_id).values_list("version", "phase_ends_at").first()
        version, ends_at = row or (0, None)
        cached = (version, ends_at.timestamp() if ends_at else None)
        cache.set(key, cached, VERSION_TTL)
    return cached


def timer_running() -> Q:
    """On a table: its phase has no timer, or its timer has not run out yet."""
    return Q(phase_ends_at__isnull=True) | Q(phase_ends_at__gt=timezone.now())


# A participant's own part of the board during the vote (dots left, their votes) changes only
# with their own votes: it is cached until then, so a poll reads it without a query.
DOTS_TTL = 12 * 3600


def dots_key(participant_id: int) -> str:
    return f"events:dots:{participant_id}"


def forget_dots(participant_id: int) -> None:
    """Drop the participant's cached dots once the current transaction commits."""
    key = dots_key(participant_id)
    transaction.on_commit(lambda: cache.delete(key))


def forget_after_vote(table_id: int, participant_id: int) -> None:
    """A vote's two cached values (the board's version, the voter's dots), dropped once the
    current transaction commits, in one cache call."""
    keys = [_version_key(table_id), dots_key(participant_id)]
    transaction.on_commit(lambda: cache.delete_many(keys))

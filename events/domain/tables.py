"""Setting up the evening's tables, and the organisers' changes to them (the admin's)."""

import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from events.domain.board import bump, forget_versions
from events.domain.facilitation import set_phase_for_event
from events.domain.impact import evening_changed
from events.enums import EventStatus, Phase
from events.models import Event, Table
from events.queries_participant import forget_table_code
from territoire.models import User

# No 0/O, 1/I/L: the code is read aloud and typed on phones in a noisy hall.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


def new_table_code() -> str:
    """A short code no other table uses."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Table.objects.filter(code=code).exists():
            return code


# What an organiser may change on a table in the admin; every change reaches the phones.
EDITABLE_FIELDS = (
    "event",
    "challenge",
    "name",
    "code",
    "capacity",
    "dots_per_participant",
    "phase",
)


def update_table(*, table: Table, changes: dict[str, object], by: User | None) -> Table:
    """Change a table's settings (the admin's form): its phones follow at their next poll.

    ``changes`` maps names of EDITABLE_FIELDS to their new values. A new phase starts now,
    without a timer (a timer is set from the console or the control room); a new code makes
    the former one unknown at once (the phones' cache of codes forgets it once committed).
    Raises ValueError for a field that is not editable here.
    Side effects: the table's row; board bumped; the former code forgotten; the territory's
    impact figures moved.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        former_code = Table.objects.filter(pk=table.pk).values_list("code", flat=True).get()
        for name, value in changes.items():
            setattr(table, name, value)
        fields = list(changes)
        if "phase" in changes:
            table.phase_started_at, table.phase_ends_at = timezone.now(), None
            fields += ["phase_started_at", "phase_ends_at"]
        if fields:
            table.save(update_fields=fields)
        bump(table.pk)
        evening_changed(table)
        if table.code != former_code:
            transaction.on_commit(lambda: forget_table_code(former_code))
    table.refresh_from_db(fields=["version", "last_activity_at"])
    return table


def set_event_status(*, event: Event, status: str, by: User | None) -> Event:
    """Move an event to ``status``; finishing it closes every table (their phones see it).

    Side effects: the event's status; when finished, every table's phase closed, timer cleared
    (``facilitation.set_phase_for_event``); otherwise every table's board bumped, since a
    phone's page shows whether the evening is over.
    """
    if status not in EventStatus.values:
        raise ValueError(f"unknown status: {status}")
    with transaction.atomic():
        Event.objects.filter(pk=event.pk).update(status=status)
        if status == EventStatus.FINISHED:
            set_phase_for_event(event=event, phase=Phase.CLOSED, by=by)
        else:
            table_ids = list(Table.objects.filter(event=event).values_list("pk", flat=True))
            Table.objects.filter(pk__in=table_ids).update(version=F("version") + 1)
            forget_versions(table_ids)
    event.status = status
    return event

"""A phase's timer on the night: when it runs out, the phase is over.

The writes of the phase (an idea, a dot, a dot taken back) check ``phase_ends_at`` inside their
own statement (``participation.py``, ``one_statement.py``); the phones show "Temps écoulé". A
facilitator who wants a few more minutes extends the timer here.
"""

import datetime

from django.db import transaction
from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from events.domain.board import bump, forget_versions
from events.domain.facilitation import MAX_PHASE_MINUTES, FacilitationRefused
from events.enums import Phase
from events.models import Event, Table
from territoire.models import User

# One extension at a time stays short: a longer one is a new phase with its own timer.
MAX_EXTENSION_MINUTES = 60


def extend_phase(*, table: Table, minutes: int, by: User | None) -> Table:
    """Give the table's current phase ``minutes`` more: from its planned end while the timer
    runs, from now once it has run out (the phase opens again).

    Raises FacilitationRefused for a phase without a timer, a closed table, or a number of
    minutes out of 1 to MAX_EXTENSION_MINUTES.
    Side effects: the table's ``phase_ends_at``; board bumped (the phones show the new end and
    take ideas or dots again).
    """
    if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        raise FacilitationRefused(
            _("Prolongez de 1 à %(max)d minutes.") % {"max": MAX_EXTENSION_MINUTES}
        )
    with transaction.atomic():
        row = (
            Table.objects.select_for_update()
            .filter(pk=table.pk)
            .values_list("phase", "phase_ends_at", "phase_started_at")
            .first()
        )
        if row is None:
            raise FacilitationRefused(_("Cette table n'existe plus."))
        phase, ends_at, started_at = row
        if phase == Phase.CLOSED:
            raise FacilitationRefused(_("Cette table est terminée."))
        if ends_at is None:
            raise FacilitationRefused(
                _("Cette phase n'a pas de minuteur : elle dure jusqu'à la suivante.")
            )
        now = timezone.now()
        new_end = max(ends_at, now) + datetime.timedelta(minutes=minutes)
        if started_at and new_end - started_at > datetime.timedelta(minutes=MAX_PHASE_MINUTES):
            raise FacilitationRefused(
                _("Une phase dure au plus %(max)d minutes.") % {"max": MAX_PHASE_MINUTES}
            )
        Table.objects.filter(pk=table.pk).update(phase_ends_at=new_end)
        bump(table.pk)
    table.phase_ends_at = new_end
    return table


def extend_phase_for_event(*, event: Event, minutes: int, by: User | None) -> int:
    """Give every timed table of the event ``minutes`` more, from the control room: from each
    table's planned end while its timer runs, from now where it has run out.

    Tables without a timer and closed tables are left alone. Returns the number extended.
    Raises FacilitationRefused for a number of minutes out of 1 to MAX_EXTENSION_MINUTES.
    Side effects: one UPDATE of those tables (``phase_ends_at``, version + 1); their cached
    versions forgotten once committed.
    """
    if not 1 <= minutes <= MAX_EXTENSION_MINUTES:
        raise FacilitationRefused(
            _("Prolongez de 1 à %(max)d minutes.") % {"max": MAX_EXTENSION_MINUTES}
        )
    now = timezone.now()
    with transaction.atomic():
        timed = Table.objects.filter(event=event, phase_ends_at__isnull=False).exclude(
            phase=Phase.CLOSED
        )
        table_ids = list(timed.values_list("pk", flat=True))
        extended = Table.objects.filter(pk__in=table_ids).update(
            phase_ends_at=Greatest(F("phase_ends_at"), Value(now, output_field=DateTimeField()))
            + datetime.timedelta(minutes=minutes),
            version=F("version") + 1,
        )
        forget_versions(table_ids)
    return extended


def time_is_up(table: Table, *, now: datetime.datetime | None = None) -> bool:
    """The table's phase timer has run out (a closed table's timer no longer matters)."""
    if table.phase == Phase.CLOSED or table.phase_ends_at is None:
        return False
    return table.phase_ends_at <= (now or timezone.now())

"""The evening's writes that move the territory's impact figures (``territoire.impact.cache``).

Registrations, cancellations, check-ins, phase changes, projects formed and moderation each
call ``evening_changed``. The night's one-statement writes from the phones (joining a table,
posting an idea, a dot given or taken back) do not: they know only the table's id, and one
more read on that path on the night is not worth it. They move their table's version, which
the impact cache reads as a stamp (``events.impact.tables_version``).
"""

from events.models import Event, Registration, Table
from territoire.impact.cache import impact_changed


def evening_changed(source: Event | Table | Registration) -> None:
    """The figures of ``source``'s territory changed: cached ones go once the write commits.
    Reads the event's territory only when ``source`` does not hold its event already."""
    territory_id: int | None
    if isinstance(source, Event):
        territory_id = source.territory_id
    elif type(source).event.is_cached(source):
        territory_id = source.event.territory_id
    else:
        territory_id = (
            Event.objects.filter(pk=source.event_id).values_list("territory_id", flat=True).first()
        )
    if territory_id is not None:
        impact_changed(territory_id)

"""Where an evening stands at a given moment, as the public pages and the spaces tell it."""

import datetime
from typing import TypeVar

from django.utils import timezone

from events.enums import EventStatus
from events.models import Event


class EveningState:
    UPCOMING = "upcoming"
    TONIGHT = "tonight"
    FINISHED = "finished"


def evening_state(event: Event, now: datetime.datetime) -> str:
    """Tonight from the morning of its day until it ends; finished once it ended (or an
    organiser said so); upcoming before."""
    if event.status == EventStatus.FINISHED or now >= event.ends_at:
        return EveningState.FINISHED
    if timezone.localdate(event.starts_at) <= timezone.localdate(now):
        return EveningState.TONIGHT
    return EveningState.UPCOMING


_E = TypeVar("_E", bound=Event)


def next_or_last(events: list[_E], now: datetime.datetime) -> _E | None:
    """The evening a visitor wants: tonight's, else the next one, else the last one."""
    coming = [e for e in events if evening_state(e, now) != EveningState.FINISHED]
    if coming:
        return min(coming, key=lambda e: e.starts_at)
    return max(events, key=lambda e: e.starts_at, default=None)

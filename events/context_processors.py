"""The evening's enumerations for templates (see territoire.context_processors.enums)."""

from django.http import HttpRequest

from events.enums import EventStatus, Phase, RegistrationStatus, ReminderKind


def enums(request: HttpRequest) -> dict:
    """``table.phase == Phase.VOTE``, ``event.status == EventStatus.FINISHED``... in templates."""
    return {
        "EventStatus": EventStatus,
        "Phase": Phase,
        "RegistrationStatus": RegistrationStatus,
        "ReminderKind": ReminderKind,
    }

"""The launch evening: the event and its people, the tables and what they produced."""

from events.models.event import (
    Event,
    ProgrammeItem,
    Registration,
    RegistrationChange,
    ReminderSent,
)
from events.models.follow import TableFollower, TableNewsSent
from events.models.outcome import FormedProject, Quote, SynthesisContribution, TeamMember
from events.models.reminders import FacilitatorReminderSent
from events.models.table import Idea, Participant, Table, Theme, Vote

__all__ = [
    "Event",
    "FacilitatorReminderSent",
    "FormedProject",
    "Idea",
    "Participant",
    "ProgrammeItem",
    "Quote",
    "Registration",
    "RegistrationChange",
    "ReminderSent",
    "SynthesisContribution",
    "Table",
    "TableFollower",
    "TableNewsSent",
    "TeamMember",
    "Theme",
    "Vote",
]

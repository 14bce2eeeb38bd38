from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EventStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("event status", "en préparation")
    REGISTRATION_OPEN = "open", pgettext_lazy("event status", "inscriptions ouvertes")
    REGISTRATION_CLOSED = "closed", pgettext_lazy("event status", "inscriptions closes")
    FINISHED = "finished", pgettext_lazy("event status", "terminé")


class ProgrammeKind(models.TextChoices):
    WELCOME = "welcome", pgettext_lazy("programme item", "accueil")
    TALK = "talk", _("interventions inspirantes")
    WORKSHOP = "workshop", _("ateliers aux tables")
    VOTE = "vote", _("vote")
    PITCH = "pitch", _("pitchs des projets")
    OTHER = "other", _("autre")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", pgettext_lazy("registration status", "inscrit·e")
    WAITLISTED = "waitlisted", pgettext_lazy("registration status", "en liste d'attente")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "annulée")


class Phase(models.TextChoices):
    """A table's phases on the night, in order."""

    IDEATION = "ideation", pgettext_lazy("table phase", "idées")
    VOTE = "vote", pgettext_lazy("table phase", "vote")
    FORMATION = "formation", pgettext_lazy("table phase", "formation des projets")
    CLOSED = "closed", pgettext_lazy("table phase", "terminée")


class ReminderKind(models.TextChoices):
    WEEK_BEFORE = "week", _("une semaine avant")
    DAY_BEFORE = "day", _("la veille")

"""Reminders to the people who run the evening (the attendees' are ReminderSent)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from events.models.event import Event


class FacilitatorReminderSent(models.Model):
    """The e-mail to one facilitator the day before one evening: the unique pair makes it
    exactly once, whatever the number of her tables or of sweeps."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rappel envoyé à un·e animateur·rice")
        verbose_name_plural = _("rappels envoyés aux animateur·rices")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "facilitator"], name="facilitator_reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facilitator} — {self.event}"

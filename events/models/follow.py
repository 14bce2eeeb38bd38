"""Attendees who keep a thread after the night: an address to hear what becomes of a table's
ideas (double opt-in), and each piece of news sent to it exactly once."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models.table import Participant, Table


class TableFollower(models.Model):
    """Someone who asked to hear about a table's projects. Nothing but the confirmation is sent
    before ``confirmed_at`` (the date of their consent); ``token`` is in every e-mail's stop
    link. ``requested_at`` is when the current token was issued: an unconfirmed request is
    forgotten once its link has expired, counted from then (not from the first request)."""

    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="followers", verbose_name=_("table")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("adresse e-mail"))
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    requested_at = models.DateTimeField(_("lien envoyé le"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("consentement confirmé le"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("arrêté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("personne qui suit la table")
        verbose_name_plural = _("personnes qui suivent la table")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint("table", Lower("email"), name="table_follower_once"),
        ]

    def __str__(self) -> str:
        return self.email


class TableNewsSent(models.Model):
    """One piece of news sent to one follower: its unique pair is what makes it exactly once
    (inserted in the same transaction as the sending, as reminders are). A follower with such
    a row is never erased by the sweep (see ``send_due_table_news``): deleting it would delete
    these rows, and asking again would send the same news a second time."""

    follower = models.ForeignKey(TableFollower, on_delete=models.CASCADE, related_name="news_sent")
    # "formed" (the table's projects are born), "published:<project id>".
    occasion = models.CharField(max_length=40)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nouvelle envoyée")
        verbose_name_plural = _("nouvelles envoyées")
        constraints = [
            models.UniqueConstraint(fields=["follower", "occasion"], name="table_news_once"),
        ]

    def __str__(self) -> str:
        return f"{self.follower} — {self.occasion}"

"""What a table leaves behind: the projects formed and its synthesis (who proposed what, quotes)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from events.models.table import Idea, Participant, Table


class FormedProject(models.Model):
    """A project born at a table. Turning it into a followed Project is projects/' work."""

    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="projects", verbose_name=_("table")
    )
    name = models.CharField(_("nom"), max_length=150)
    pitch = models.TextField(_("pitch"), max_length=1000)
    ideas = models.ManyToManyField(
        Idea, related_name="projects", blank=True, verbose_name=_("idées portées")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("projet formé")
        verbose_name_plural = _("projets formés")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["table", "name"], name="formed_project_name_per_table"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """One person in a formed project's team: a participant of the table, an address typed by a
    facilitator, or both merged into one entry (events/domain/teams.py: build_team)."""

    project = models.ForeignKey(
        FormedProject, on_delete=models.CASCADE, related_name="team", verbose_name=_("projet")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="teams"
    )
    full_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    # The person who carries the project: becomes its lead when it is published.
    is_lead = models.BooleanField(_("porte le projet"), default=False)
    # Her own answer, given on her phone when she joins the team: may her name appear on the
    # project's public pages? Opt-in: nobody else sets it, and without it the name stays private.
    name_public = models.BooleanField(_("accepte que son nom soit public"), default=False)
    name_public_answered_at = models.DateTimeField(_("réponse donnée le"), null=True, blank=True)
    name_public_channel = models.CharField(_("réponse donnée par"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("membre de l'équipe")
        verbose_name_plural = _("membres de l'équipe")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "participant"],
                condition=Q(participant__isnull=False),
                name="team_member_once_per_participant",
            ),
            # One entry per person: an address is that person's, whoever typed it.
            models.UniqueConstraint(
                "project", Lower("email"), condition=~Q(email=""), name="team_member_email_once"
            ),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_lead=True), name="team_member_one_lead"
            ),
            # The lead is someone the organisers can reach.
            models.CheckConstraint(
                condition=Q(is_lead=False) | ~Q(email="") | ~Q(phone=""),
                name="team_member_lead_has_contact",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class NamingConsent(models.Model):
    """Whether the person quoted or cited may be named in the synthesis: hers to answer.

    A facilitator may only ASK (``naming_asked_at``), for an item linked to a participant of the
    table; the participant answers on her phone (events/domain/naming.py), which records the
    answer, its date and its channel. Nobody else can set ``consent_to_be_named``: without her
    answer the synthesis prints the organisation only.
    """

    consent_to_be_named = models.BooleanField(_("accepte d'être nommé·e"), default=False)
    naming_asked_at = models.DateTimeField(_("accord demandé le"), null=True, blank=True)
    naming_answered_at = models.DateTimeField(_("réponse donnée le"), null=True, blank=True)
    naming_channel = models.CharField(_("réponse donnée par"), max_length=60, blank=True)

    class Meta:
        abstract = True

    @property
    def naming_pending(self) -> bool:
        return self.naming_asked_at is not None and self.naming_answered_at is None


class SynthesisContribution(NamingConsent):
    """ "Name — Organisation: what they proposed", written by the table's facilitator."""

    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("table")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person_name = models.CharField(_("nom"), max_length=150, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    text = models.TextField(_("ce qu'elle ou il propose"), max_length=5000)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("contribution à la synthèse")
        verbose_name_plural = _("contributions à la synthèse")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.signature

    @property
    def signature(self) -> str:
        """What the synthesis prints: the name only with the person's own consent, else the
        organisation only."""
        if self.consent_to_be_named and self.person_name:
            return " — ".join(p for p in (self.person_name, self.organisation_name) if p)
        return self.organisation_name or str(_("Une personne de la table"))


class Quote(NamingConsent):
    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("table")
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("citation"), max_length=1000)
    speaker_name = models.CharField(_("qui l'a dit"), max_length=150, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def attribution(self) -> str:
        if self.consent_to_be_named and self.speaker_name:
            return ", ".join(p for p in (self.speaker_name, self.organisation_name) if p)
        return self.organisation_name

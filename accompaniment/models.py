"""The 18-to-24-month follow-up of a project: its plan and milestones, monthly updates, jobs,
needs and the territory's resources that answer them, meetings, and reminders sent once."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accompaniment.enums import (
    Contract,
    JobKind,
    JobStatus,
    MatchStatus,
    NeedKind,
    NeedStatus,
    ReminderKind,
)
from projects.models import Project

if TYPE_CHECKING:
    from territoire.models import User


class MilestoneTemplate(models.Model):
    """A default milestone organisers define per territory; a new plan starts from these."""

    territory = models.ForeignKey(
        "territoire.Territory",
        on_delete=models.CASCADE,
        related_name="milestone_templates",
        verbose_name=_("territoire"),
    )
    title = models.CharField(_("intitulé"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    month = models.PositiveSmallIntegerField(
        _("mois d'échéance"), help_text=_("Mois du plan où ce jalon est attendu (1 à 24).")
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("jalon par défaut")
        verbose_name_plural = _("jalons par défaut")
        ordering = ["territory", "month", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "title"], name="milestone_template_title_per_territory"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=24), name="milestone_template_month_in_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Plan(models.Model):
    """A project's accompaniment plan: 18 or 24 months from ``starts_on``."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="plan", verbose_name=_("projet")
    )
    months = models.PositiveSmallIntegerField(
        _("durée (mois)"), choices=[(18, _("18 mois")), (24, _("24 mois"))], default=18
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan d'accompagnement")
        verbose_name_plural = _("plans d'accompagnement")
        constraints = [
            models.CheckConstraint(condition=Q(months__in=(18, 24)), name="plan_months_18_or_24"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="plan_ends_after"),
        ]

    def __str__(self) -> str:
        return str(self.project)


class Milestone(models.Model):
    """A step of a project's plan, marked done with evidence (a note, a link or a file)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("projet")
    )
    title = models.CharField(_("intitulé"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    due_on = models.DateField(_("échéance"))
    done_on = models.DateField(_("atteint le"), null=True, blank=True)
    evidence_note = models.TextField(_("preuve : note"), max_length=2000, blank=True)
    evidence_link = models.URLField(_("preuve : lien"), blank=True)
    evidence_file = models.FileField(_("preuve : fichier"), upload_to="evidence/", blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Read by django-simple-history as it writes the history row; the domain sets them.
    _history_user: "User | None"
    _change_reason: str | None

    class Meta:
        verbose_name = _("jalon")
        verbose_name_plural = _("jalons")
        ordering = ["due_on", "order", "pk"]
        indexes = [
            # The reminder sweep walks open milestones by due date.
            models.Index(
                fields=["due_on"], condition=Q(done_on__isnull=True), name="milestone_open_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectUpdate(models.Model):
    """A team's monthly news; ``is_public`` ones show on the project page and go to followers."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="updates", verbose_name=_("projet")
    )
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois concerné."))
    text = models.TextField(_("nouvelles"), max_length=5000)
    is_public = models.BooleanField(_("publique"), default=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    news_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("point mensuel")
        verbose_name_plural = _("points mensuels")
        ordering = ["-month", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="update_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="update_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.month:%Y-%m}"


class JobRecord(models.Model):
    """Jobs created or kept, declared by the team and verified by the coach (or sent back).

    A project's job total is always derived from these rows, never typed.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="job_records", verbose_name=_("projet")
    )
    occurred_on = models.DateField(_("date"))
    number = models.PositiveSmallIntegerField(_("nombre d'emplois"))
    contract = models.CharField(_("contrat"), max_length=20, choices=Contract.choices)
    fte = models.DecimalField(_("équivalent temps plein"), max_digits=5, decimal_places=2)
    kind = models.CharField(
        _("créé ou maintenu"), max_length=10, choices=JobKind.choices, default=JobKind.CREATED
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=JobStatus.choices, default=JobStatus.DECLARED
    )
    return_reason = models.TextField(_("motif du renvoi"), max_length=1000, blank=True)
    evidence_note = models.TextField(_("preuve : note"), max_length=2000, blank=True)
    evidence_file = models.FileField(_("preuve : fichier"), upload_to="evidence/", blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Read by django-simple-history as it writes the history row; the domain sets them.
    _history_user: "User | None"
    _change_reason: str | None

    class Meta:
        verbose_name = _("emplois déclarés")
        verbose_name_plural = _("emplois déclarés")
        ordering = ["-occurred_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gt=0), name="job_number_positive"),
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=F("number")), name="job_fte_in_range"
            ),
            models.CheckConstraint(condition=Q(status__in=JobStatus.values), name="job_status_ok"),
            models.CheckConstraint(
                condition=Q(contract__in=Contract.values), name="job_contract_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} — {self.number} ({self.get_contract_display()})"


class Need(models.Model):
    """What a project asks of the territory: funding, premises, mentoring, network, skills…"""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="needs", verbose_name=_("projet")
    )
    kind = models.CharField(_("type"), max_length=20, choices=NeedKind.choices)
    description = models.TextField(_("description"), max_length=2000)
    status = models.CharField(
        _("statut"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["status", "-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.project}"


class ResourceOffer(models.Model):
    """What a local actor offers the territory's projects: premises, machines, funding, skills,
    mentoring hours."""

    territory = models.ForeignKey(
        "territoire.Territory",
        on_delete=models.CASCADE,
        related_name="resource_offers",
        verbose_name=_("territoire"),
    )
    organisation = models.ForeignKey(
        "territoire.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resource_offers",
        verbose_name=_("organisation"),
    )
    # Typed by a local actor who proposed the offer on the public page (no Organisation row).
    organisation_name = models.CharField(_("nom de l'organisation"), max_length=150, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=NeedKind.choices)
    title = models.CharField(_("intitulé"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    contact_name = models.CharField(_("contact"), max_length=150)
    contact_email = models.EmailField(_("e-mail du contact"))
    is_available = models.BooleanField(_("disponible"), default=True)
    # Proposed by a local actor on the public page: unavailable until an organiser accepts it.
    proposed_publicly = models.BooleanField(_("proposée sur la page publique"), default=False)
    # The box the local actor ticked on the public page: when, and which wording (its version).
    contact_consented_at = models.DateTimeField(
        _("accord pour être contacté·e donné le"), null=True, blank=True
    )
    contact_consent_version = models.CharField(
        _("version du texte d'accord"), max_length=20, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ressource proposée")
        verbose_name_plural = _("ressources proposées")
        ordering = ["kind", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def organisation_label(self) -> str:
        """Who offers it: the recorded organisation, else the name the local actor typed."""
        if self.organisation is not None:
            return self.organisation.name
        return self.organisation_name


class NeedMatch(models.Model):
    """An organiser's match of a territory's resource to a project's need; both sides are told."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="matches", verbose_name=_("besoin")
    )
    offer = models.ForeignKey(
        ResourceOffer, on_delete=models.CASCADE, related_name="matches", verbose_name=_("ressource")
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    note = models.TextField(_("message"), max_length=2000, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mise en relation")
        verbose_name_plural = _("mises en relation")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="need_match_once"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} → {self.need}"


class MeetingNote(models.Model):
    """A follow-up meeting's notes, kept by the coach or an organiser (not public)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="meeting_notes", verbose_name=_("projet")
    )
    met_on = models.DateField(_("date"))
    text = models.TextField(_("compte rendu"), max_length=10000)
    next_steps = models.TextField(_("prochaines étapes"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("compte rendu de rendez-vous")
        verbose_name_plural = _("comptes rendus de rendez-vous")
        ordering = ["-met_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.project} — {self.met_on}"


class ReminderPreference(models.Model):
    """What reminders a person wants (all by default); changed from the link in each digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    milestones_due = models.BooleanField(_("jalons à venir"), default=True)
    milestones_overdue = models.BooleanField(_("jalons en retard"), default=True)
    silent_projects = models.BooleanField(_("projets sans nouvelles"), default=True)
    stopped = models.BooleanField(_("ne plus rien recevoir"), default=False)
    token = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("préférence de rappels")
        verbose_name_plural = _("préférences de rappels")

    def __str__(self) -> str:
        return str(self.user)


class ReminderDigest(models.Model):
    """One e-mail to one person on one day. Its unique pair is the "never two a day" guard, and
    the row is written in the same transaction as the items it carries."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("récapitulatif de rappels")
        verbose_name_plural = _("récapitulatifs de rappels")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="reminder_digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.day}"


class ReminderItem(models.Model):
    """One reminder in a digest. Unique per (person, kind, subject, occasion): the same
    milestone is announced due once, overdue once, to the coach once; a silent project once
    per silence (``occasion`` is the date the silence started)."""

    digest = models.ForeignKey(ReminderDigest, on_delete=models.CASCADE, related_name="items")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    occasion = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "milestone", "occasion"],
                condition=Q(milestone__isnull=False),
                name="reminder_item_milestone_once",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "project", "occasion"],
                condition=Q(milestone__isnull=True),
                name="reminder_item_project_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.project_id}"


# A project's indicators beyond jobs live in their own module (this one stays readable).
from accompaniment.models_indicators import Indicator, IndicatorValue  # noqa: E402, F401

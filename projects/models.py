"""A followed project, born at a table of the evening (or joining later): team, followers."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from projects.enums import MemberRole, ProjectStatus

if TYPE_CHECKING:
    from territoire.models import User


class Project(models.Model):
    """A project the territory backs for 18 to 24 months.

    ``revision`` is bumped by every save through the domain: a form carries the revision it was
    made from, and a save from a stale revision is refused (two team members cannot silently
    overwrite each other). ``history`` keeps who changed what, when.
    """

    territory = models.ForeignKey(
        "territoire.Territory",
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=160)
    pitch = models.TextField(_("pitch"), max_length=1000)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("défi"),
    )
    domain = models.ForeignKey(
        "territoire.Domain",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("domaine"),
    )
    formed_project = models.OneToOneField(
        "events.FormedProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_project",
        verbose_name=_("projet formé à la soirée"),
    )
    source_table = models.ForeignKey(
        "events.Table",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_projects",
        verbose_name=_("table d'origine"),
    )
    ideas = models.ManyToManyField(
        "events.Idea", related_name="followed_projects", blank=True, verbose_name=_("idées portées")
    )
    lead_organisation = models.ForeignKey(
        "territoire.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_projects",
        verbose_name=_("organisation porteuse"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coached_projects",
        verbose_name=_("coach"),
    )
    # What the team chose to make public (the showcase never shows a draft).
    is_public = models.BooleanField(_("visible dans la vitrine"), default=False)
    show_team = models.BooleanField(_("montrer l'équipe"), default=True)
    show_needs = models.BooleanField(_("montrer les besoins"), default=True)
    show_jobs = models.BooleanField(_("montrer les emplois créés"), default=True)
    public_email = models.EmailField(_("e-mail de contact public"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    image = models.ImageField(_("image"), upload_to="projects/", blank=True)
    revision = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    # Read by django-simple-history as it writes the history row; the domain sets them.
    _history_user: "User | None"
    _change_reason: str | None

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "slug"], name="project_slug_per_territory"
            ),
            models.UniqueConstraint(
                "territory", Lower("name"), name="project_name_unique_per_territory"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(
            "project_detail", kwargs={"territory": self.territory.slug, "slug": self.slug}
        )


class ProjectMember(models.Model):
    """A person in a project's team. Captured at the table or added by an organiser, they get an
    invitation e-mail; ``user`` is set once they accept (they sign in by e-mail code)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="members", verbose_name=_("projet")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_memberships",
        verbose_name=_("compte"),
    )
    full_name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("adresse e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    role = models.CharField(
        _("rôle"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER
    )
    from_team_member = models.OneToOneField(
        "events.TeamMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="project_member",
    )
    invitation_token = models.CharField(max_length=64, unique=True, null=True, blank=True)
    invited_at = models.DateTimeField(_("invité·e le"), null=True, blank=True)
    joined_at = models.DateTimeField(_("a rejoint le"), null=True, blank=True)
    # Their own answer, from their project space, to "may your name appear on the project's
    # public pages?"; only they set it (projects/domain/members.py, set_own_name_public). Until
    # they answer, the answer given at the table (``from_team_member.name_public``) holds.
    name_public = models.BooleanField(_("accepte que son nom soit public"), default=False)
    name_public_answered_at = models.DateTimeField(_("réponse donnée le"), null=True, blank=True)

    # Who removed, merged or changed whom: the domain sets the person (``_history_user``).
    history = HistoricalRecords(excluded_fields=["invitation_token"])
    # Read by django-simple-history as it writes the history row; the domain sets them.
    _history_user: "User | None"
    _change_reason: str | None

    class Meta:
        verbose_name = _("membre de l'équipe projet")
        verbose_name_plural = _("membres de l'équipe projet")
        ordering = ["role", "full_name"]
        constraints = [
            models.UniqueConstraint(
                "project",
                Lower("email"),
                condition=~Q(email=""),
                name="project_member_email_once",
            ),
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=Q(user__isnull=False),
                name="project_member_user_once",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class ProjectFollower(models.Model):
    """Someone who follows a project's public news ("where is my idea now?"), opted in by a
    confirmed e-mail; ``token`` is in every news e-mail to stop following in one click."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="followers", verbose_name=_("projet")
    )
    email = models.EmailField(_("adresse e-mail"))
    participant = models.ForeignKey(
        "events.Participant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("arrêté le"), null=True, blank=True)

    class Meta:
        verbose_name = _("personne qui suit le projet")
        verbose_name_plural = _("personnes qui suivent le projet")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint("project", Lower("email"), name="project_follower_once"),
        ]

    def __str__(self) -> str:
        return self.email

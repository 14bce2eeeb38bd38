"""The core of the domain: people, territories, their domains, organisations and roles."""

import datetime
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoire.enums import OrganisationKind, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> "User":
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login; there is no username."""

    email = models.EmailField(_("adresse e-mail"), unique=True)
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    is_staff = models.BooleanField(
        _("accès technique à l'administration"),
        default=False,
        help_text=_(
            "Réservé à l'équipe technique ; l'équipe d'organisation y accède par son rôle."
        ),
    )
    is_active = models.BooleanField(_("actif"), default=True)
    is_network_member = models.BooleanField(
        _("membre du réseau Start-up de Territoire"),
        default=False,
        help_text=_(
            "Anime la dynamique d'un territoire à l'autre : voit tous les territoires côte à côte "
            "et leurs pages d'impact."
        ),
    )
    date_joined = models.DateTimeField(_("date d'inscription"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split(" ")[0] if self.full_name else "") or self.email


class Domain(models.Model):
    """An application domain from the shared catalogue (health, mobility, youth…)."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("domaine")
        verbose_name_plural = _("domaines")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Territory(models.Model):
    """A city, metropolis or rural area running one Start-up de Territoire cycle."""

    name = models.CharField(_("nom"), max_length=150, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    domains = models.ManyToManyField(
        Domain, related_name="territories", blank=True, verbose_name=_("domaines")
    )
    job_target = models.PositiveIntegerField(
        _("objectif d'emplois"), help_text=_("Nombre d'emplois que le territoire vise à créer.")
    )
    job_target_deadline = models.DateField(
        _("échéance de l'objectif d'emplois"),
        help_text=_("Souvent trois ans après le lancement."),
    )
    launched_on = models.DateField(
        _("lancement de la mobilisation"), help_text=_("Début de la définition des défis.")
    )
    evening_on = models.DateField(_("date de la soirée de lancement"), null=True, blank=True)
    accompaniment_ends_on = models.DateField(
        _("fin de l'accompagnement"),
        null=True,
        blank=True,
        help_text=_("18 à 24 mois après la soirée."),
    )
    allow_self_verification = models.BooleanField(
        _("autoriser la vérification par la personne qui déclare"),
        default=False,
        help_text=_(
            "Pour un territoire où une seule personne suit les projets : elle peut alors vérifier "
            "les emplois et les valeurs d'indicateurs qu'elle a déclarés elle-même. Sinon, une "
            "déclaration est toujours vérifiée par une autre personne."
        ),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    # The privacy notice's controller: who answers for the personal data of this territory.
    privacy_controller = models.TextField(
        _("responsable du traitement"),
        blank=True,
        help_text=_(
            "Qui répond des données personnelles de ce territoire (structure, adresse) : "
            "affiché dans la notice de confidentialité."
        ),
    )
    privacy_contact = models.EmailField(
        _("contact données personnelles"),
        blank=True,
        help_text=_("L'adresse à laquelle écrire pour exercer ses droits."),
    )
    # events/domain/retention.py reads it (a beat task, once per evening).
    attendee_retention_months = models.PositiveSmallIntegerField(
        _("conservation des participant·es (mois)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Après ce nombre de mois, les personnes venues à une soirée sans rejoindre de projet "
            "sont anonymisées (les chiffres restent, les noms consentis dans la synthèse aussi)."
        ),
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(job_target__gt=0), name="territory_job_target_positive"
            ),
            models.CheckConstraint(
                condition=Q(job_target_deadline__gt=F("launched_on")),
                name="territory_job_deadline_after_launch",
            ),
            models.CheckConstraint(
                condition=Q(evening_on__isnull=True) | Q(evening_on__gte=F("launched_on")),
                name="territory_evening_after_launch",
            ),
            models.CheckConstraint(
                condition=Q(accompaniment_ends_on__isnull=True)
                | Q(evening_on__isnull=False, accompaniment_ends_on__gt=F("evening_on")),
                name="territory_accompaniment_after_evening",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("territory_detail", kwargs={"slug": self.slug})

    @property
    def accompaniment_months(self) -> int | None:
        if not (self.evening_on and self.accompaniment_ends_on):
            return None
        start, end = self.evening_on, self.accompaniment_ends_on
        return (end.year - start.year) * 12 + end.month - start.month

    def phase_on(self, day: datetime.date) -> str:
        """The phase of the cycle on ``day``: before, mobilisation, accompaniment or done."""
        if day < self.launched_on:
            return "upcoming"
        if self.evening_on is None or day <= self.evening_on:
            return "mobilisation"
        if self.accompaniment_ends_on is None or day <= self.accompaniment_ends_on:
            return "accompaniment"
        return "done"


class Organisation(models.Model):
    """A company, association, public body, start-up or school active in a territory."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="organisations",
        verbose_name=_("territoire"),
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "territory", Lower("name"), name="organisation_name_unique_per_territory"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def _check_same_territory(obj: "Membership | Invitation") -> None:
    """An organisation attached to a role must belong to the role's territory."""
    organisation = obj.organisation if obj.organisation_id else None
    if (
        organisation is not None
        and obj.territory_id
        and organisation.territory_id != obj.territory_id
    ):
        raise ValidationError(
            {"organisation": _("Cette organisation n'appartient pas à ce territoire.")}
        )


class Membership(models.Model):
    """One role a person holds in one territory. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("personne"),
    )
    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("territoire"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("depuis le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rôle dans un territoire")
        verbose_name_plural = _("rôles dans les territoires")
        ordering = ["territory__name", "role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "role"], name="membership_unique_role"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.territory}"

    def clean(self) -> None:
        _check_same_territory(self)


class Invitation(models.Model):
    """An organiser's invitation for someone to join a territory with a role.

    Sign-up is by invitation only: the token in the e-mailed link is what lets a new person set up
    an account. An accepted invitation becomes a Membership.
    """

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("territoire"),
    )
    email = models.EmailField(_("adresse e-mail"))
    full_name = models.CharField(_("nom complet"), max_length=150, blank=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    language = models.CharField(
        _("langue de l'e-mail"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
        verbose_name=_("invité par"),
    )
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"))
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name=_("acceptée par"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "territory",
                Lower("email"),
                "role",
                condition=Q(accepted_at__isnull=True),
                name="invitation_one_pending_per_role",
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.email} — {self.get_role_display()} — {self.territory}"

    def get_absolute_url(self) -> str:
        return reverse("invitation_accept", kwargs={"token": self.token})

    def clean(self) -> None:
        _check_same_territory(self)

    def is_pending(self, now: datetime.datetime | None = None) -> bool:
        return self.accepted_at is None and (now or timezone.now()) < self.expires_at


class PendingChange(models.Model):
    """Details proposed for someone's record by whoever typed its address, waiting for the
    address's owner to confirm them by an e-mailed link.

    The link names the row by a random secret (only its SHA-256 is kept: territoire/tokens.py),
    so the details never travel in a URL. ``state`` is the record's fingerprint when the change
    was proposed: once the record changed, the link is spent. Each app's subclass adds the
    foreign key to its record (a sign-up, a registration) and the rules live in its domain.
    """

    secret_digest = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=32)
    values = models.JSONField(_("détails proposés"))
    consent_text_version = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(_("appliquée le"), null=True, blank=True)

    class Meta:
        abstract = True
        verbose_name = _("modification d'inscription en attente")
        verbose_name_plural = _("modifications d'inscription en attente")


# The audit log, the sent e-mails' records and the reports' model live beside their machinery;
# importing them here registers them.
from territoire.ledger import AuditEntry, PendingTask, SentEmail  # noqa: E402, F401
from territoire.privacy.models import PrivacyRequest  # noqa: E402, F401
from territoire.reports.models import Report  # noqa: E402, F401

"""Challenges of a territory and the mobilisation around them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from challenges.enums import ActorKind, ChallengeStatus, ContributionKind
from territoire.enums import ConsentChannel
from territoire.models import Domain, PendingChange, Territory

CONTRIBUTION_MAX_LENGTH = 1000

# `text__length` in the contribution's check constraint.
models.TextField.register_lookup(Length)


class Challenge(models.Model):
    """A question the territory asks itself ("défi"), worked on at the launch evening's tables."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="challenges", verbose_name=_("territoire")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="challenges", verbose_name=_("domaine")
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200)
    question = models.CharField(
        _("question posée"),
        max_length=300,
        help_text=_(
            "Par exemple : comment les seniors éloignés du numérique peuvent-ils retrouver "
            "leur place dans la ville ?"
        ),
    )
    context = models.TextField(
        _("contexte"),
        blank=True,
        help_text=_("Mise en forme simple autorisée (gras, listes, liens)."),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=ChallengeStatus.choices, default=ChallengeStatus.DRAFT
    )
    order = models.PositiveIntegerField(_("ordre"), default=0)
    image = models.ImageField(_("image"), upload_to="challenges/", blank=True)
    facilitator_brief = models.TextField(
        _("brief pour les animateur·rices"),
        blank=True,
        help_text=_("Notes privées pour les bénévoles qui animeront la table de ce défi."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["territory", "order", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "slug"], name="challenge_slug_per_territory"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ChallengeStatus.values), name="challenge_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "challenge_detail",
            kwargs={"territory_slug": self.territory.slug, "slug": self.slug},
        )

    @property
    def is_public(self) -> bool:
        return self.status != ChallengeStatus.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status == ChallengeStatus.OPEN


class SignUp(models.Model):
    """Someone who joins a territory's mobilisation. Counts only once confirmed by e-mail."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="signups", verbose_name=_("territoire")
    )
    full_name = models.CharField(_("nom complet"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    actor_kind = models.CharField(_("vous êtes"), max_length=20, choices=ActorKind.choices)
    challenges = models.ManyToManyField(
        Challenge, related_name="signups", blank=True, verbose_name=_("défis choisis")
    )
    wants_to_facilitate = models.BooleanField(_("volontaire pour animer une table"), default=False)
    wants_to_mentor = models.BooleanField(_("volontaire pour parrainer un projet"), default=False)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="fr")
    consented_at = models.DateTimeField(_("consentement donné le"))
    # Set only from the person's own submission or confirmation link (SIGNUP_CONSENT_VERSION).
    consent_text_version = models.CharField(
        _("version du texte accepté"), max_length=20, blank=True, editable=False
    )
    consent_channel = models.CharField(
        _("consentement donné par"),
        max_length=20,
        choices=ConsentChannel.choices,
        blank=True,
        editable=False,
    )
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    confirmation_sent_at = models.DateTimeField(_("confirmation envoyée le"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    facilitator_invited_at = models.DateTimeField(
        _("invitation d'animateur·rice envoyée le"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("inscrit·e le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "territory", Lower("email"), name="signup_one_per_email_per_territory"
            ),
            models.CheckConstraint(
                condition=Q(actor_kind__in=ActorKind.values), name="signup_actor_kind_valid"
            ),
        ]
        indexes = [models.Index(fields=["territory", "confirmed_at"])]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SignUpChange(PendingChange):
    """Details proposed for a sign-up by someone who typed its address, waiting for its owner
    (challenges/domain/signup_changes.py). Deleted with the sign-up, by the person's erasure,
    and by the daily purge after expiry.
    """

    signup = models.ForeignKey(
        SignUp,
        on_delete=models.CASCADE,
        related_name="pending_changes",
        verbose_name=_("inscription"),
    )

    def __str__(self) -> str:
        return f"{self.signup_id} · {self.created_at:%Y-%m-%d}"


class Contribution(models.Model):
    """A short text left on a challenge: a need seen, an idea, a resource offered."""

    challenge = models.ForeignKey(
        Challenge, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("défi")
    )
    kind = models.CharField(_("type"), max_length=10, choices=ContributionKind.choices)
    text = models.TextField(_("contribution"), max_length=CONTRIBUTION_MAX_LENGTH)
    author_name = models.CharField(_("nom"), max_length=100)
    author_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    author_email = models.EmailField(_("adresse e-mail (non publiée)"))
    signup = models.ForeignKey(
        SignUp,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("inscription"),
    )
    hidden_at = models.DateTimeField(_("masquée le"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("masquée par"),
    )
    created_at = models.DateTimeField(_("déposée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ContributionKind.values), name="contribution_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(text__length__gt=0, text__length__lte=CONTRIBUTION_MAX_LENGTH),
                name="contribution_text_length",
                violation_error_message=_("Une contribution fait entre 1 et 1 000 caractères."),
            ),
        ]
        indexes = [models.Index(fields=["challenge", "hidden_at"])]

    def __str__(self) -> str:
        return f"{self.author_name} — {self.text[:60]}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class TrainingSession(models.Model):
    """A training session organisers plan for the volunteer facilitators before the evening."""

    territory = models.ForeignKey(
        Territory,
        on_delete=models.CASCADE,
        related_name="training_sessions",
        verbose_name=_("territoire"),
    )
    title = models.CharField(_("intitulé"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lieu"), max_length=300)
    description = models.TextField(_("programme"), blank=True)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)

    class Meta:
        verbose_name = _("formation des animateur·rices")
        verbose_name_plural = _("formations des animateur·rices")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="training_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(models.Model):
    """A facilitator's answer to a training session, then whether they actually came."""

    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("formation"),
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_attendances",
        verbose_name=_("animateur·rice"),
    )
    will_attend = models.BooleanField(_("sera présent·e"), null=True, blank=True)
    responded_at = models.DateTimeField(_("réponse le"), null=True, blank=True)
    attended = models.BooleanField(_("était présent·e"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("présence notée par"),
    )

    class Meta:
        verbose_name = _("participation à une formation")
        verbose_name_plural = _("participations aux formations")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "facilitator"], name="training_attendance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facilitator} — {self.session}"

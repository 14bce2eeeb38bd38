"""The event, its programme, and the people who registered for it."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from events.enums import EventStatus, ProgrammeKind, RegistrationStatus, ReminderKind
from events.further_reading import validate_further_reading
from territoire.enums import ConsentChannel
from territoire.models import Organisation, PendingChange, Territory


class Event(models.Model):
    """A territory's launch evening: one night, a venue, a capacity, a programme."""

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="events", verbose_name=_("territoire")
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=200, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    venue = models.CharField(_("lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    capacity = models.PositiveIntegerField(
        _("capacité"), help_text=_("Places, hors liste d'attente.")
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    # The synthesis of debates (the printed report after the evening).
    synthesis_introduction = models.TextField(
        _("introduction de la synthèse"),
        blank=True,
        help_text=_(
            "Le « Contexte » qui ouvre la synthèse des débats. Laissez vide : un paragraphe "
            "est écrit à partir des chiffres de la soirée."
        ),
    )
    partners = models.ManyToManyField(
        Organisation,
        related_name="partnered_events",
        blank=True,
        verbose_name=_("partenaires"),
        help_text=_("Nommés sur la couverture de la synthèse."),
    )
    further_reading = models.TextField(
        _("pour en savoir plus"),
        blank=True,
        validators=[validate_further_reading],
        help_text=_(
            "Un lien par ligne : « Libellé | https://adresse » ou l'adresse seule. La page de "
            "la soirée et la vitrine des projets du territoire sont ajoutées d'office."
        ),
    )
    # The plenary screen's secret link (/ecran/<pk>-<secret>/): empty when there is none or it
    # was revoked. Set only by events/domain/plenary.py.
    screen_secret = models.CharField(max_length=64, blank=True, editable=False)
    # What the plenary puts on the big screen full size, chosen in the control room (one at most);
    # ``plenary_version`` is bumped with each change, so the screen's next poll shows it.
    spotlight_idea = models.ForeignKey(
        "events.Idea",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    spotlight_project = models.ForeignKey(
        "events.FormedProject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    plenary_version = models.PositiveIntegerField(default=0, editable=False)
    # When its attendees who joined no project were anonymised (events/domain/retention.py):
    # set once, so the retention task never runs twice on the same evening.
    attendees_anonymised_at = models.DateTimeField(
        _("participant·es anonymisé·es le"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        verbose_name = _("soirée")
        verbose_name_plural = _("soirées")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="event_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(spotlight_idea__isnull=True) | Q(spotlight_project__isnull=True),
                name="event_one_spotlight_at_most",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event_detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status != EventStatus.DRAFT


class ProgrammeItem(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="programme", verbose_name=_("soirée")
    )
    kind = models.CharField(_("type"), max_length=10, choices=ProgrammeKind.choices)
    title = models.CharField(_("intitulé"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("moment du programme")
        verbose_name_plural = _("programme")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="programme_item_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Registration(models.Model):
    """Someone's place at the event (or on its waiting list), their ticket and check-in."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("soirée")
    )
    full_name = models.CharField(_("nom complet"), max_length=150)
    email = models.EmailField(_("adresse e-mail"))
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    preferred_challenges = models.ManyToManyField(
        "challenges.Challenge",
        related_name="registrations",
        blank=True,
        verbose_name=_("tables souhaitées"),
    )
    status = models.CharField(
        _("statut"),
        max_length=12,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
    )
    ticket_code = models.CharField(_("code du billet"), max_length=12, unique=True)
    consent_to_be_named = models.BooleanField(
        _("accepte d'être nommé·e dans la synthèse"), default=False
    )
    consented_at = models.DateTimeField(_("consentement donné le"))
    # Set only from the person's own submission or confirmation link (REGISTRATION_CONSENT_VERSION).
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
    # Asked, when registering, to hear what becomes of their table's ideas (a confirmation
    # e-mail still comes once their table has closed: events/domain/table_news.py).
    table_news_asked_at = models.DateTimeField(
        _("a demandé les nouvelles de sa table le"), null=True, blank=True
    )
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="fr")
    is_walk_in = models.BooleanField(_("inscrit·e sur place"), default=False)
    checked_in_at = models.DateTimeField(_("arrivé·e le"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accueilli·e par"),
    )
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    created_at = models.DateTimeField(_("inscrit·e le"), auto_now_add=True)

    class Meta:
        verbose_name = _("inscription à la soirée")
        verbose_name_plural = _("inscriptions à la soirée")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint("event", Lower("email"), name="registration_one_per_email"),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values), name="registration_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status", "created_at"]),
            models.Index(fields=["event", "checked_in_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} — {self.event}"


class RegistrationChange(PendingChange):
    """Details proposed for a registration by someone who typed its address, waiting for its
    owner (events/domain/registration_changes.py). Deleted with the registration, by the
    person's erasure, and by the daily purge after expiry.
    """

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="pending_changes",
        verbose_name=_("inscription"),
    )

    def __str__(self) -> str:
        return f"{self.registration_id} · {self.created_at:%Y-%m-%d}"


class ReminderSent(models.Model):
    """One reminder e-mail to one registration: the unique pair is what makes it exactly once."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="reminders_sent"
    )
    kind = models.CharField(max_length=8, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rappel envoyé")
        verbose_name_plural = _("rappels envoyés")
        constraints = [
            models.UniqueConstraint(fields=["registration", "kind"], name="reminder_sent_once"),
        ]

    def __str__(self) -> str:
        return f"{self.registration} — {self.get_kind_display()}"

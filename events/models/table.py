"""A challenge table on the night: its participants, ideas, themes and dot votes."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from events.enums import Phase
from events.models.event import Event, Registration

IDEA_MAX_LENGTH = 500


class Table(models.Model):
    """One table of one challenge (a challenge may have several), run by volunteer facilitators."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="tables", verbose_name=_("soirée")
    )
    challenge = models.ForeignKey(
        "challenges.Challenge",
        on_delete=models.PROTECT,
        related_name="tables",
        verbose_name=_("défi"),
    )
    name = models.CharField(_("nom"), max_length=100)
    code = models.CharField(
        _("code court"),
        max_length=8,
        unique=True,
        help_text=_("Le code que les participant·es tapent ou scannent pour rejoindre la table."),
    )
    capacity = models.PositiveIntegerField(_("places"), default=12)
    dots_per_participant = models.PositiveSmallIntegerField(
        _("gommettes par participant·e"), default=3
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="tables_facilitated",
        blank=True,
        verbose_name=_("animateur·rices"),
    )
    phase = models.CharField(
        _("phase"), max_length=10, choices=Phase.choices, default=Phase.IDEATION
    )
    phase_started_at = models.DateTimeField(_("phase commencée le"), null=True, blank=True)
    phase_ends_at = models.DateTimeField(_("fin prévue de la phase"), null=True, blank=True)
    # Bumped by every write that changes what the table's board shows: the ETag of live pages.
    version = models.PositiveBigIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(_("dernière activité"), null=True, blank=True)
    # Kept up to date by the writes, so that live pages never count rows on a poll.
    participant_count = models.PositiveIntegerField(default=0, editable=False)
    idea_count = models.PositiveIntegerField(default=0, editable=False)
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    project_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("table")
        verbose_name_plural = _("tables")
        ordering = ["event", "challenge__order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="table_name_per_event"),
            models.CheckConstraint(condition=Q(phase__in=Phase.values), name="table_phase_valid"),
            models.CheckConstraint(
                condition=Q(dots_per_participant__gte=1, dots_per_participant__lte=20),
                name="table_dots_between_1_and_20",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.challenge}"


class Participant(models.Model):
    """Someone seated at a table on the night, without an account: a browser key and a name."""

    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="participants", verbose_name=_("table")
    )
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
        verbose_name=_("inscription"),
    )
    display_name = models.CharField(_("nom affiché"), max_length=80)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    # A random secret kept in the participant's browser (signed cookie): it is the identity.
    key = models.CharField(max_length=64, editable=False)
    dots_left = models.PositiveSmallIntegerField(_("gommettes restantes"))
    consent_to_be_named = models.BooleanField(
        _("accepte d'être nommé·e dans la synthèse"), default=False
    )
    joined_at = models.DateTimeField(_("à la table depuis"), auto_now_add=True)
    # The flood limit, on the participant's own row: the ideas posted since the window opened.
    # An idea's write bumps them in a conditional UPDATE, whose WHERE PostgreSQL re-checks on
    # the row a concurrent post has just changed: posts at once by one phone are counted
    # exactly (events/domain/participation.py, post_idea).
    ideas_in_window = models.PositiveSmallIntegerField(default=0, editable=False)
    idea_window_started_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["table", "key"], name="participant_key_per_table"),
            # The dot quota, in the database: a vote decrements with `dots_left > 0` in the
            # WHERE clause, and this check refuses anything below zero.
            models.CheckConstraint(
                condition=Q(dots_left__gte=0), name="participant_dots_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class Theme(models.Model):
    """A group of ideas the facilitators gathered under one heading."""

    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("thème"), max_length=100)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["table", "name"], name="theme_name_per_table"),
        ]

    def __str__(self) -> str:
        return self.name


class Idea(models.Model):
    table = models.ForeignKey(
        Table, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("table")
    )
    participant = models.ForeignKey(
        Participant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("participant·e"),
    )
    text = models.TextField(_("idée"), max_length=IDEA_MAX_LENGTH)
    # Chosen by the participant's browser per submission: a retried POST finds its idea again.
    client_key = models.UUIDField(editable=False)
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("thème"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged",
        verbose_name=_("fusionnée dans"),
    )
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    # Moderation: a facilitator hides an offensive or off-topic idea from the board, the plenary,
    # the votes and the synthesis; who hid it stays visible to the organisers.
    hidden_at = models.DateTimeField(_("masquée le"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("masquée par"),
    )
    created_at = models.DateTimeField(_("postée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["table", "client_key"], name="idea_once_per_client_key"
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("pk")), name="idea_not_merged_into_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Vote(models.Model):
    """One dot on one idea. Several dots may go on the same idea."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="votes", verbose_name=_("participant·e")
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="votes", verbose_name=_("idée")
    )
    client_key = models.UUIDField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gommette")
        verbose_name_plural = _("gommettes")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "client_key"], name="vote_once_per_client_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} → {self.idea}"

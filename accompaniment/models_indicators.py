"""A project's own indicators beyond jobs ("Seniors rencontrés : 0 → 300 personnes") and the
values its team reports per period, verified by the coach as job records are (declared →
verified | returned; a returned value corrected goes back to declared in the same row)."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accompaniment.enums import Aggregation, JobStatus
from projects.models import Project

if TYPE_CHECKING:
    from territoire.models import User

DECIMAL: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class Indicator(models.Model):
    """What a project measures besides jobs: a name, a unit, where it starts and where it aims."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("projet")
    )
    name = models.CharField(_("intitulé"), max_length=150)
    unit = models.CharField(_("unité"), max_length=50)
    baseline = models.DecimalField(_("valeur de départ"), default=0, **DECIMAL)
    target = models.DecimalField(_("objectif"), **DECIMAL)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    aggregation = models.CharField(
        _("calcul du résultat"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    # Read by django-simple-history as it writes the history row; the domain sets them.
    _history_user: "User | None"
    _change_reason: str | None

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("name"), name="indicator_name_unique_per_project"
            ),
            models.CheckConstraint(
                condition=~Q(target=F("baseline")), name="indicator_target_not_baseline"
            ),
            models.CheckConstraint(
                condition=Q(aggregation__in=Aggregation.values), name="indicator_aggregation_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class IndicatorValue(models.Model):
    """An indicator's value over a period, declared by the team with its evidence."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicateur")
    )
    period_start = models.DateField(_("début de la période"))
    period_end = models.DateField(_("fin de la période"))
    value = models.DecimalField(_("valeur"), **DECIMAL)
    status = models.CharField(
        _("statut"), max_length=10, choices=JobStatus.choices, default=JobStatus.DECLARED
    )
    return_reason = models.TextField(_("motif du renvoi"), max_length=1000, blank=True)
    evidence_note = models.TextField(_("preuve : note"), max_length=2000, blank=True)
    evidence_link = models.URLField(_("preuve : lien"), blank=True)
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
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="indicator_value_period_ok"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="indicator_value_not_negative"),
            models.CheckConstraint(
                condition=Q(status__in=JobStatus.values), name="indicator_value_status_ok"
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "status", "period_end"], name="indicator_value_by_status"
            )
        ]

    def __str__(self) -> str:
        period = f"{self.period_start:%d/%m/%Y} au {self.period_end:%d/%m/%Y}"
        return f"{self.indicator.name} — {self.value} (du {period})"

    # The rules find a target's project and territory through ``project`` and ``project_id``.
    @property
    def project(self) -> Project:
        return self.indicator.project

    @property
    def project_id(self) -> int:
        return self.indicator.project_id

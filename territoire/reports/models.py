"""A requested report: one version of one kind over one scope, and where its rendering stands."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from territoire.enums import ReportStatus
from territoire.models import Territory


def reports_storage():
    """The storage the PDFs go to: ``STORAGES["reports"]`` (local files unless S3 is set)."""
    return storages["reports"]


class Report(models.Model):
    """One version of a report. Asking again makes a new version; earlier ones stay listed.

    ``render_task_id`` and ``lease_expires_at`` are the claim of the worker rendering it: a
    retried task finds its own claim, a claim past its lease is taken over (the worker died).
    """

    territory = models.ForeignKey(
        Territory, on_delete=models.CASCADE, related_name="reports", verbose_name=_("territoire")
    )
    kind = models.CharField(_("type de rapport"), max_length=40)
    parameters = models.JSONField(_("portée"), default=dict, blank=True)
    title = models.CharField(_("titre"), max_length=300)
    language = models.CharField(_("langue"), max_length=8, choices=settings.LANGUAGES, default="fr")
    status = models.CharField(
        _("état"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    file = models.FileField(
        _("fichier"), storage=reports_storage, upload_to="reports/", max_length=300, blank=True
    )
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("taille"), null=True, blank=True)
    render_ms = models.PositiveIntegerField(_("durée du rendu (ms)"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    error = models.TextField(_("raison de l'échec"), blank=True)
    render_task_id = models.CharField(max_length=64, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("demandé par"),
    )
    requested_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("rendu commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # Set by an organiser for kinds meant for everyone (the synthesis of debates): the version
    # the public pages link and anyone may download.
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True)
    # A version asked for by an erasure to replace a published one it deleted
    # (lifecycle.rerender_after_erasure): published as soon as it is ready.
    publish_when_ready = models.BooleanField(_("publier dès qu'il est prêt"), default=False)

    class Meta:
        verbose_name = _("rapport")
        verbose_name_plural = _("rapports")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["territory", "-requested_at"], name="report_territory_recent"),
            models.Index(
                fields=["status", "lease_expires_at"],
                name="report_unfinished",
                condition=Q(status__in=[ReportStatus.QUEUED, ReportStatus.RENDERING]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.READY) | ~Q(file=""),
                name="report_ready_has_file",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.FAILED) | ~Q(error=""),
                name="report_failure_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status=ReportStatus.READY),
                name="report_published_is_ready",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_download_url(self) -> str:
        return reverse("report_download", kwargs={"pk": self.pk})

    @property
    def is_pending(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RENDERING)

"""Records that make actions traceable and e-mails single: the audit log and sent e-mails.

Written only through ``territoire.audit.record`` and ``territoire.tasks.task_send_email``."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One sensitive action of an organiser, a facilitator or a coach: who, what, on which
    object (and its territory), when. Kept ``AUDIT_LOG_RETENTION_MONTHS`` months."""

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    actor_label = models.CharField(_("personne"), max_length=254, blank=True)
    role = models.CharField(_("rôle"), max_length=100, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("type d'objet"), max_length=100)
    target_id = models.PositiveBigIntegerField(_("identifiant de l'objet"), null=True, blank=True)
    territory = models.ForeignKey(
        "territoire.Territory",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("territoire"),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)
    details = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["territory", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '—'} {self.action}"


class SentEmail(models.Model):
    """An e-mail the mail server accepted, by its deduplication key: a redelivered task finds
    it and does not send again (territoire/tasks.py, task_send_email)."""

    key = models.CharField(max_length=64, unique=True)
    task_id = models.CharField(max_length=255, blank=True)
    sent_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("e-mail envoyé")
        verbose_name_plural = _("e-mails envoyés")

    def __str__(self) -> str:
        return self.key


class PendingTask(models.Model):
    """A background task the broker (Redis) could not take when it was asked for: kept here,
    sent by the beat's sweep once the broker is back (territoire/outbox.py). Written only there."""

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    queue = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("tâche en attente")
        verbose_name_plural = _("tâches en attente")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.task}"

"""A request for one's data made without an account: the row an e-mailed link stands for."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PrivacyRequest(models.Model):
    """ "Send me my data" or "erase my data" for an address, until its link is used or expires.

    The link carries a random secret, never the address (territoire/privacy/links.py); the row
    keeps the secret's SHA-256. Expired rows are purged by the daily ``purge_audit_log`` sweep,
    and a person's erasure deletes theirs.
    """

    class Action(models.TextChoices):
        ACCESS = "access", _("Accès")
        ERASURE = "erasure", _("Effacement")

    email = models.EmailField(_("adresse e-mail"))
    action = models.CharField(_("demande"), max_length=10, choices=Action.choices)
    secret_digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True, db_index=True)
    used_at = models.DateTimeField(_("utilisée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("demande sur ses données")
        verbose_name_plural = _("demandes sur ses données")

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.created_at:%Y-%m-%d}"

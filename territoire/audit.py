"""The audit log: who did what, on which object, when (territoire/ledger.py, AuditEntry).

Domain functions of sensitive actions call ``record`` inside their transaction, so an action
that rolls back leaves no entry. Entries are read-only in the admin, scoped to the organiser's
territories, and purged after ``AUDIT_LOG_RETENTION_MONTHS`` (a beat task)."""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoire.enums import Role
from territoire.ledger import AuditEntry, SentEmail
from territoire.queries import roles_by_territory
from territoire.rules import territory_id_of

# What the admin shows for each action (unknown actions show as recorded).
ACTION_LABELS = {
    "report.publish": _("rapport publié"),
    "report.unpublish": _("rapport retiré de la publication"),
    "project.publish": _("projet publié"),
    "project.status": _("statut du projet changé"),
    "project.coach": _("coach du projet changé"),
    "job.verify": _("emplois vérifiés"),
    "job.return": _("emplois renvoyés à l'équipe"),
    "idea.hide": _("idée masquée"),
    "idea.unhide": _("idée réaffichée"),
    "idea.merge": _("idées regroupées"),
    "idea.unmerge": _("idée sortie de son groupe"),
    "registration.check_in": _("arrivée enregistrée"),
    "invitation.send": _("invitation envoyée"),
    "membership.add": _("rôle donné"),
    "membership.change": _("rôle changé"),
    "membership.delete": _("rôle retiré"),
    "offer.accept": _("ressource acceptée"),
    "need.match": _("besoin mis en relation"),
    "event.anonymise_attendees": _("participant·es de la soirée anonymisé·es"),
}


def role_label(role: str) -> str:
    """The roles of an entry, in words."""
    labels = dict(Role.choices) | {"superuser": _("administration technique")}
    return ", ".join(str(labels.get(part, part)) for part in role.split(", ") if part)


def _role_of(by: Any, territory_id: int | None) -> str:
    if by is None or not getattr(by, "is_authenticated", False):
        return ""
    roles = roles_by_territory(by).get(territory_id, frozenset()) if territory_id else frozenset()
    if roles:
        return ", ".join(sorted(roles))
    return "superuser" if by.is_superuser else ""


def _plain(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Model):
        return {"type": value._meta.label_lower, "id": value.pk, "label": str(value)[:200]}
    return str(value)[:500]


def record(
    by: Any,
    action: str,
    target: Model,
    *,
    description: str | None = None,
    territory_id: int | None = None,
    **details: Any,
) -> AuditEntry:
    """Write one audit entry: ``by`` (a person, or None for the system) did ``action`` on
    ``target``; ``details`` (short values, models as their type and id) are kept as JSON.

    ``description`` defaults to the target's name (pass one without personal data for objects
    named after a person); ``territory_id`` to the target's territory (pass it when known, to
    save the lookup)."""
    territory_id = territory_id or territory_id_of(target)
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=(actor.full_name or actor.email)[:254] if actor else "",
        role=_role_of(actor, territory_id),
        action=action,
        target_type=target._meta.label_lower,
        target_id=target.pk,
        territory_id=territory_id,
        description=(str(target) if description is None else description)[:300],
        details={key: _plain(value) for key, value in details.items()},
    )


def purge_audit_log(*, now: datetime.datetime | None = None) -> int:
    """Delete audit entries older than the retention, and old sent-e-mail records; returns
    the number of audit entries deleted."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=round(30.44 * settings.AUDIT_LOG_RETENTION_MONTHS))
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    SentEmail.objects.filter(
        sent_at__lt=now - datetime.timedelta(days=settings.SENT_EMAIL_RETENTION_DAYS)
    ).delete()
    return deleted

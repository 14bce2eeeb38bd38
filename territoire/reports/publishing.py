"""Publishing a report: the version of a public kind (the synthesis of debates) that the public
pages link and anyone may download. One published version per kind and scope at a time."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from territoire.audit import record
from territoire.enums import ReportStatus
from territoire.errors import Refused
from territoire.models import User
from territoire.reports.kinds import get_report_kind
from territoire.reports.models import Report


class PublicationRefused(Refused):
    """The report cannot be published; the message says why, for the organiser."""


def publish_report(*, report: Report, by: User | None) -> Report:
    """Make ``report`` the published version of its kind and scope.

    Raises PublicationRefused when its kind is not meant for the public or it is not ready.
    Side effects: ``published_at`` set on it and cleared on the other versions of the same kind
    and scope (the public pages then link this one), in one transaction.
    """
    try:
        kind = get_report_kind(report.kind)
    except KeyError:
        raise PublicationRefused(_("Ce type de rapport n'existe plus.")) from None
    if not kind.public:
        raise PublicationRefused(
            _("Ce rapport est réservé à l'équipe du territoire : il ne se publie pas.")
        )
    if report.status != ReportStatus.READY:
        raise PublicationRefused(_("Seul un rapport prêt peut être publié."))
    with transaction.atomic():
        Report.objects.filter(
            territory_id=report.territory_id, kind=report.kind, parameters=report.parameters
        ).exclude(pk=report.pk).update(published_at=None)
        report.published_at = timezone.now()
        report.save(update_fields=["published_at"])
        record(by, "report.publish", report)
    return report


def unpublish_report(*, report: Report, by: User | None) -> Report:
    """Take ``report`` off the public pages. Side effects: ``published_at`` cleared."""
    with transaction.atomic():
        report.published_at = None
        report.save(update_fields=["published_at"])
        record(by, "report.unpublish", report)
    return report


def published_report(*, kind: str, territory_id: int, parameters: dict) -> Report | None:
    """The published, ready version of a kind over a scope, if any. One query."""
    return (
        Report.objects.filter(
            territory_id=territory_id,
            kind=kind,
            parameters=parameters,
            status=ReportStatus.READY,
            published_at__isnull=False,
        )
        .select_related("territory")
        .first()
    )

"""A report's life: requested, claimed by a worker, rendered and stored, or failed with a reason.

The claim is what makes rendering safe to retry: a worker takes a report with one conditional
UPDATE (queued, or rendering under its own task id after a redelivery, or rendering past its
lease because the worker that held it died). Storing the file and marking the report ready is
conditional on the same claim, and the file's name is fixed by the report, so a retried task never
leaves a second file.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from territoire.enums import ReportStatus
from territoire.models import User
from territoire.outbox import enqueue
from territoire.reports.kinds import Scope, get_report_kind
from territoire.reports.models import Report, reports_storage
from territoire.reports.publishing import publish_report
from territoire.reports.render import build_pdf

logger = logging.getLogger(__name__)

# Longer than the task's hard time limit: a lease past its end means the worker is gone.
RENDER_LEASE = datetime.timedelta(minutes=15)
# A queued report nobody claimed for this long lost its message (a broker restarted): send again.
QUEUED_TOO_LONG = datetime.timedelta(minutes=10)
# Claims of one report (retries after passing errors, redeliveries after a dead worker) before
# it is failed for good with the last reason.
MAX_ATTEMPTS = 5


class TransientRenderError(Exception):
    """Rendering failed for a reason that may pass (storage or database away): try again."""


def request_report(
    *,
    kind_code: str,
    scope: Scope,
    requested_by: User | None,
    language: str | None = None,
) -> Report:
    """Ask for a new version of a report; it is rendered in the background.

    Side effects: one Report row (queued); the rendering task is sent once the transaction
    commits. Earlier versions of the same report are kept. With the broker away, the report
    stays queued and ``requeue_stalled_reports`` sends it once the broker is back.
    """
    # In the function: territoire.tasks calls this module's functions (an import cycle).

    report = _new_report(kind_code, scope, requested_by, language)
    enqueue("territoire.render_report", swept=True, report_id=report.pk)
    return report


def render_in_process(
    *, kind_code: str, scope: Scope, requested_by: User | None = None, language: str = "fr"
) -> Report:
    """Ask for a report and render it here and now, not in a worker: for the demo and scripts
    that need the stored version at once. Side effects: those of ``render_report``."""
    report = _new_report(kind_code, scope, requested_by, language)
    return render_report(report_id=report.pk, task_id=f"in-process-{report.pk}") or report


def _new_report(
    kind_code: str, scope: Scope, requested_by: User | None, language: str | None
) -> Report:
    kind = get_report_kind(kind_code)
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if language[:2] not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        title = kind.title(scope)
    return Report.objects.create(
        territory=scope.territory,
        kind=kind.code,
        parameters=scope.as_parameters(),
        title=title[:300],
        language=language[:2],
        requested_by=requested_by,
    )


def claim_report(*, report_id: int, task_id: str) -> Report | None:
    """Take the report for rendering; None when it is done, failed, or held by a live worker."""
    now = timezone.now()
    claimable = (
        Q(status=ReportStatus.QUEUED)
        | Q(status=ReportStatus.RENDERING, render_task_id=task_id)
        | Q(status=ReportStatus.RENDERING, lease_expires_at__lt=now)
    )
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=ReportStatus.RENDERING,
        render_task_id=task_id,
        lease_expires_at=now + RENDER_LEASE,
        started_at=now,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    return Report.objects.select_related("territory", "requested_by").get(pk=report_id)


def render_report(*, report_id: int, task_id: str) -> Report | None:
    """Render a requested report and store its PDF, unless it is done or held elsewhere.

    Raises TransientRenderError when storage or the database failed (the task retries; the
    report goes back to the queue). Any other failure marks the report failed with a reason its
    requester can read. Side effects: the PDF in the reports storage under a name fixed by the
    report; the report ready (pages, size, time) or failed; an e-mail to the requester.
    """
    report = claim_report(report_id=report_id, task_id=task_id)
    if report is None:
        return None
    if report.attempts > MAX_ATTEMPTS:
        return _fail(report, task_id, _gave_up_reason(report))
    try:
        kind = get_report_kind(report.kind)
    except KeyError:
        return _fail(report, task_id, _reason(report, "unknown_kind"))
    try:
        scope = kind.scope_from_parameters(report.territory, report.parameters)
    except LookupError:
        return _fail(report, task_id, _reason(report, "scope_gone"))
    try:
        rendered = build_pdf(kind, scope, language=report.language)
    except DatabaseError as exc:
        _release(report, task_id, exc)
        raise TransientRenderError(str(exc)) from exc
    except Exception as exc:
        logger.exception("report %s (%s) could not be rendered", report.pk, report.kind)
        return _fail(report, task_id, _reason(report, "layout", error=type(exc).__name__))
    name = f"reports/{report.territory.slug}/{report.pk}-{kind.file_stem}.pdf"
    storage = reports_storage()
    try:
        if storage.exists(name):
            storage.delete(name)
        stored_name = storage.save(name, ContentFile(rendered.content))
    except OSError as exc:
        _release(report, task_id, exc)
        raise TransientRenderError(str(exc)) from exc
    with transaction.atomic():
        done = Report.objects.filter(
            pk=report.pk, status=ReportStatus.RENDERING, render_task_id=task_id
        ).update(
            status=ReportStatus.READY,
            file=stored_name,
            page_count=rendered.page_count,
            size_bytes=len(rendered.content),
            render_ms=round(rendered.gather_ms + rendered.render_ms),
            finished_at=timezone.now(),
            lease_expires_at=None,
            error="",
        )
        if done:
            report.refresh_from_db()
            if report.publish_when_ready:
                publish_report(report=report, by=None)
            _notify(report)
    return report


def rerender_after_erasure(reports: QuerySet[Report]) -> list[Report]:
    """Ask again, from the data as it now stands, for the latest ready version of each report
    (kind, scope and language) among ``reports``, which a person's erasure is about to delete;
    a version replacing a published one is published as soon as it is ready, so the public
    pages link the synthesis again without an organiser's step.

    Side effects: one queued Report per report, its rendering task sent once the transaction
    commits. Returns the new versions.
    """
    # In the function: territoire.tasks calls this module's functions (an import cycle).

    latest: dict[tuple, Report] = {}
    published: set[tuple] = set()
    for report in reports.filter(status=ReportStatus.READY).order_by("requested_at", "pk"):
        key = (report.territory_id, report.kind, repr(report.parameters), report.language)
        latest[key] = report
        if report.published_at is not None:
            published.add(key)
    again = []
    for key, report in latest.items():
        version = Report.objects.create(
            territory_id=report.territory_id,
            kind=report.kind,
            parameters=report.parameters,
            title=report.title,
            language=report.language,
            requested_by=None,
            publish_when_ready=key in published,
        )
        enqueue("territoire.render_report", swept=True, report_id=version.pk)
        again.append(version)
    return again


def requeue_stalled_reports(
    *, now: datetime.datetime | None = None, queue: str | None = None
) -> list[int]:
    """Send again the reports whose worker died (lease over) or whose message was lost, to
    ``queue`` (the default queue when None).

    A report interrupted MAX_ATTEMPTS times is failed instead, with a reason. Returns the ids
    sent again. Run by the beat every few minutes.
    """
    # In the function: territoire.tasks calls this module's functions (an import cycle).

    now = now or timezone.now()
    stalled = (
        Report.objects.annotate(last_move=Coalesce("started_at", "requested_at"))
        .filter(
            Q(status=ReportStatus.RENDERING, lease_expires_at__lt=now)
            | Q(status=ReportStatus.QUEUED, last_move__lt=now - QUEUED_TOO_LONG)
        )
        .select_related("territory", "requested_by")
    )
    sent = []
    for report in stalled:
        if report.status == ReportStatus.RENDERING and report.attempts >= MAX_ATTEMPTS:
            _fail(report, report.render_task_id, _gave_up_reason(report))
            continue
        requeued = Report.objects.filter(
            pk=report.pk, status=report.status, render_task_id=report.render_task_id
        ).update(status=ReportStatus.QUEUED, render_task_id="", lease_expires_at=None)
        if requeued:
            enqueue("territoire.render_report", queue=queue, swept=True, report_id=report.pk)
            sent.append(report.pk)
    return sent


def _release(report: Report, task_id: str, exc: Exception) -> None:
    """Give the claim back after a passing failure: the retry (or the sweep) takes it again."""
    note = f"{type(exc).__name__}: {exc}"[:300]
    try:
        Report.objects.filter(pk=report.pk, render_task_id=task_id).update(
            status=ReportStatus.QUEUED, lease_expires_at=None, error=note
        )
    except DatabaseError:
        logger.warning("report %s: could not release the claim; the sweep will", report.pk)


def _fail(report: Report, task_id: str, reason: str) -> Report:
    with transaction.atomic():
        failed = Report.objects.filter(
            pk=report.pk, status=ReportStatus.RENDERING, render_task_id=task_id
        ).update(
            status=ReportStatus.FAILED,
            error=reason,
            finished_at=timezone.now(),
            lease_expires_at=None,
        )
        if failed:
            report.refresh_from_db()
            _notify(report)
    return report


def _reason(report: Report, code: str, **values: str) -> str:
    with translation.override(report.language):
        reasons = {
            "unknown_kind": gettext("Ce type de rapport n'est plus disponible sur la plateforme."),
            "scope_gone": gettext(
                "Ce que couvrait le rapport n'existe plus (la soirée a été supprimée ?)."
            ),
            "layout": gettext(
                "Le document n'a pas pu être mis en page (%(error)s). L'équipe technique en "
                "trouvera le détail dans le journal du serveur ; vous pouvez le redemander."
            ),
        }
        return reasons[code] % values


def _gave_up_reason(report: Report) -> str:
    with translation.override(report.language):
        if report.error:
            return gettext(
                "Le rendu a échoué %(count)s fois ; dernière erreur : %(error)s. Redemandez le "
                "rapport plus tard ; si cela se reproduit, prévenez l'équipe technique."
            ) % {"count": MAX_ATTEMPTS, "error": report.error}
        return gettext(
            "Le rendu a été interrompu %(count)s fois (le processus qui le faisait s'est arrêté). "
            "Redemandez le rapport ; si cela se reproduit, prévenez l'équipe technique."
        ) % {"count": MAX_ATTEMPTS}


def _notify(report: Report) -> None:
    """E-mail the requester: the download link, or the reason of the failure."""
    # In the function: territoire.tasks calls this module's functions (an import cycle).

    person = report.requested_by
    if person is None or not person.email:
        return
    with translation.override(report.language):
        context = {
            "report": report,
            "ReportStatus": ReportStatus,
            "person": person,
            "download_url": settings.SITE_URL + report.get_download_url(),
            "reports_url": settings.SITE_URL
            + reverse("territory_reports", kwargs={"slug": report.territory.slug}),
        }
        if report.status == ReportStatus.READY:
            subject = gettext("Votre rapport est prêt : %(title)s") % {"title": report.title}
        else:
            subject = gettext("Votre rapport n'a pas pu être rendu : %(title)s") % {
                "title": report.title
            }
        body = render_to_string("territoire/email/report_done.txt", context)
    enqueue(
        "territoire.send_email",
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        to=[person.email],
    )


def delete_reports(reports: QuerySet[Report] | list[Report]) -> int:
    """Delete these versions and their files (a row deleted alone would leave its PDF behind).

    Side effects: the files removed from the reports storage, then the rows. Returns how many.
    """
    count = 0
    for report in reports:
        if report.file:
            report.file.storage.delete(report.file.name)
        report.delete()
        count += 1
    return count

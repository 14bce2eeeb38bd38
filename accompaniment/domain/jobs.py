"""Job records: declared by the team, verified by the coach or sent back with a reason.

declared → verified, declared → returned, returned → declared (corrected). Every change is kept in
the record's history. A project's totals are derived from the rows (see accompaniment/queries.py).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accompaniment.domain.errors import Refused
from accompaniment.domain.four_eyes import check_four_eyes
from accompaniment.enums import Contract, JobKind, JobStatus
from accompaniment.models import JobRecord
from projects.models import Project
from territoire.audit import record
from territoire.domain.languages import languages_of
from territoire.enums import Role
from territoire.impact.cache import impact_changed
from territoire.models import User
from territoire.outbox import enqueue


def check_job_figures(
    *, occurred_on: datetime.date, number: int, fte: Decimal, today: datetime.date
) -> None:
    """Refused (on its field) for a date in the future, no job, or more FTE than jobs."""
    if number is None or number <= 0:
        raise Refused(_("Le nombre d'emplois doit être d'au moins 1."), field="number")
    if fte is None or fte <= 0:
        raise Refused(_("L'équivalent temps plein doit être positif."), field="fte")
    if fte > number:
        raise Refused(
            _("L'équivalent temps plein ne peut pas dépasser le nombre d'emplois."), field="fte"
        )
    if occurred_on > today:
        raise Refused(_("On ne déclare pas un emploi à une date future."), field="occurred_on")


def declare_job(
    *,
    project: Project,
    occurred_on: datetime.date,
    number: int,
    contract: str,
    fte: Decimal,
    kind: str = JobKind.CREATED,
    evidence_note: str = "",
    evidence_file=None,
    by: User | None,
    today: datetime.date | None = None,
) -> JobRecord:
    """Declare jobs created or kept; the coach verifies them next.

    Raises Refused for figures that cannot be right. Side effects: one JobRecord row (declared)
    and its history; the evidence file is stored; after commit, an e-mail to the project's coach
    (to its territory's organisers when it has none) saying there are jobs to verify.
    """
    check_job_figures(
        occurred_on=occurred_on, number=number, fte=fte, today=today or timezone.localdate()
    )
    if contract not in Contract.values:
        raise Refused(_("Choisissez un type de contrat."), field="contract")
    job = JobRecord(
        project=project,
        occurred_on=occurred_on,
        number=number,
        contract=contract,
        fte=fte,
        kind=kind,
        evidence_note=evidence_note,
        declared_by=by,
    )
    if evidence_file is not None:
        job.evidence_file = evidence_file
    job._history_user = by
    job.save()
    impact_changed(project.territory_id)
    send_verification_request(job=job)
    return job


def verifiers(project: Project, *, declarant: User | None = None) -> list[User]:
    """Who verifies the project's jobs: its coach, else its territory's organisers (active
    accounts only), by e-mail address. Four eyes: never ``declarant`` (who declared or
    corrected the figures), unless the territory allows self-verification — when the coach
    declared, her organisers verify."""
    barred = None
    if declarant is not None and not project.territory.allow_self_verification:
        barred = declarant.pk
    coach = project.coach if project.coach_id is not None else None
    if coach is not None and coach.is_active and coach.pk != barred:
        return [coach]
    organisers = User.objects.filter(
        is_active=True,
        memberships__territory_id=project.territory_id,
        memberships__role=Role.ORGANISER,
    )
    if barred is not None:
        organisers = organisers.exclude(pk=barred)
    return list(organisers.distinct().order_by("email"))


def send_verification_request(*, job: JobRecord) -> int:
    """Tell whoever verifies the project's jobs that a declaration waits for them, each in
    their e-mail language (territoire.domain.languages).

    Returns the number of e-mails queued; each is sent by the e-mail task once the declaration
    is committed (a declaration rolled back sends nothing). Side effects: e-mail tasks.
    """
    project = job.project
    url = settings.SITE_URL + reverse(
        "job_list", kwargs={"territory": project.territory.slug, "slug": project.slug}
    )
    people = verifiers(project, declarant=job.declared_by)
    languages = languages_of([person.pk for person in people])
    for person in people:
        with translation.override(languages[person.pk]):
            subject = _("Emplois à vérifier : %(project)s") % {"project": project.name}
            body = render_to_string(
                "accompaniment/email/jobs_to_verify.txt",
                {"job": job, "project": project, "url": url},
            )
        enqueue("territoire.send_email", subject=subject, body=body, to=[person.email])
    return len(people)


def _locked(job: JobRecord, *expected: str) -> JobRecord:
    """The job's row, locked, if its status is one of ``expected``; else Refused."""
    current = JobRecord.objects.select_for_update().get(pk=job.pk)
    if current.status not in expected:
        raise Refused(
            _("Cette déclaration est déjà « %(status)s ».")
            % {"status": current.get_status_display()}
        )
    return current


def verify_job(*, job: JobRecord, by: User) -> JobRecord:
    """The coach (or an organiser) confirms a declaration: it now counts in the totals.

    Raises Refused unless the record is declared, or when ``by`` declared or corrected it
    (four eyes, accompaniment/domain/four_eyes.py). Side effects: status, verifier, time;
    history (saying so when the territory let the declarant verify her own figures).
    """
    with transaction.atomic():
        current = _locked(job, JobStatus.DECLARED)
        territory = current.project.territory
        current._change_reason = check_four_eyes(current, by, territory)
        current.status = JobStatus.VERIFIED
        current.verified_by = by
        current.verified_at = timezone.now()
        current.return_reason = ""
        current._history_user = by
        current.save(update_fields=["status", "verified_by", "verified_at", "return_reason"])
        record(by, "job.verify", current, project=current.project)
        impact_changed(current.project.territory_id)
    return current


def return_job(*, job: JobRecord, reason: str, by: User) -> JobRecord:
    """Send a declaration back to the team with a reason (a missing contract, a wrong date…).

    Raises Refused without a reason, unless the record is declared, or when ``by`` declared or
    corrected it (four eyes). Side effects: status and reason; history.
    """
    reason = reason.strip()
    if not reason:
        raise Refused(_("Dites à l'équipe ce qu'il faut corriger."), field="return_reason")
    with transaction.atomic():
        current = _locked(job, JobStatus.DECLARED)
        territory = current.project.territory
        current._change_reason = check_four_eyes(current, by, territory)
        current.status = JobStatus.RETURNED
        current.return_reason = reason
        current._history_user = by
        current.save(update_fields=["status", "return_reason"])
        record(by, "job.return", current, project=current.project, reason=reason[:300])
        impact_changed(current.project.territory_id)
    return current


def correct_job(
    *,
    job: JobRecord,
    occurred_on: datetime.date,
    number: int,
    contract: str,
    fte: Decimal,
    kind: str,
    evidence_note: str = "",
    evidence_file=None,
    by: User | None,
    today: datetime.date | None = None,
) -> JobRecord:
    """The team corrects a returned declaration and declares it again.

    Raises Refused for impossible figures or unless the record was returned. Side effects: the
    record's fields, status back to declared; history; after commit, the e-mail to the coach
    (``send_verification_request``).
    """
    check_job_figures(
        occurred_on=occurred_on, number=number, fte=fte, today=today or timezone.localdate()
    )
    if contract not in Contract.values:
        raise Refused(_("Choisissez un type de contrat."), field="contract")
    with transaction.atomic():
        current = _locked(job, JobStatus.RETURNED)
        current.occurred_on, current.number, current.fte = occurred_on, number, fte
        current.contract, current.kind = contract, kind
        current.evidence_note = evidence_note
        fields = ["occurred_on", "number", "fte", "contract", "kind", "evidence_note", "status"]
        if evidence_file is not None:
            current.evidence_file = evidence_file
            fields.append("evidence_file")
        current.status = JobStatus.DECLARED
        current.declared_by = by
        current._history_user = by
        current.save(update_fields=[*fields, "declared_by"])
        impact_changed(current.project.territory_id)
        send_verification_request(job=current)
    return current

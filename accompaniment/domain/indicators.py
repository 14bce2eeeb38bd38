"""A project's indicators beyond jobs, and the values its team reports per period.

The team (or its coach, or the territory's organisers) defines an indicator: a name, a unit, a
baseline and a target. The team declares a value per period with its evidence; the coach (or an
organiser, when the project has no coach) verifies it or sends it back with a reason, as for jobs:
declared → verified, declared → returned, returned → declared (corrected in the same row, so it
counts once). Officials read, never write. Every change moves the territory's impact figures
(``impact_changed``) and is kept in the rows' history.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accompaniment.domain.errors import Refused
from accompaniment.domain.four_eyes import check_four_eyes
from accompaniment.domain.jobs import verifiers
from accompaniment.enums import Aggregation, JobStatus
from accompaniment.models import Indicator, IndicatorValue
from projects.models import Project
from territoire.domain.languages import languages_of
from territoire.impact.cache import impact_changed
from territoire.models import User
from territoire.outbox import enqueue

# DecimalField(max_digits=12, decimal_places=2): what the columns can hold.
LIMIT = Decimal("10000000000")


def _allowed(by: User | None, perm: str, project: Project, message: str) -> None:
    """Refused unless ``by`` holds ``perm`` on the project (``None`` is the platform itself: the
    demo, a command)."""
    if by is not None and not by.has_perm(perm, project):
        raise Refused(message)


def _number(value: Decimal | None, field: str, label: str) -> Decimal:
    if value is None:
        raise Refused(_("Indiquez %(label)s.") % {"label": label}, field=field)
    if value < 0:
        raise Refused(_("Une valeur ne peut pas être négative."), field=field)
    if value >= LIMIT:
        raise Refused(_("Ce nombre est trop grand."), field=field)
    return value


def check_indicator(
    *, project: Project, name: str, unit: str, baseline: Decimal, target: Decimal, pk=None
) -> tuple[str, str]:
    """The name and unit, their spaces tidied; Refused (on its field) for a missing name or
    unit, a name the project already uses, a negative figure, or a target equal to the
    baseline."""
    name, unit = " ".join((name or "").split()), " ".join((unit or "").split())
    if not name:
        raise Refused(_("Donnez un intitulé à l'indicateur."), field="name")
    if not unit:
        raise Refused(_("Indiquez l'unité (personnes, repas, logements…)."), field="unit")
    _number(baseline, "baseline", _("la valeur de départ"))
    _number(target, "target", _("l'objectif"))
    if target == baseline:
        raise Refused(_("L'objectif doit différer de la valeur de départ."), field="target")
    same_name = Indicator.objects.filter(project=project, name__iexact=name).exclude(pk=pk)
    if same_name.exists():
        raise Refused(_("Le projet a déjà un indicateur de ce nom."), field="name")
    return name, unit


def define_indicator(
    *,
    project: Project,
    name: str,
    unit: str,
    target: Decimal,
    baseline: Decimal = Decimal("0"),
    description: str = "",
    aggregation: str = Aggregation.SUM,
    by: User | None,
) -> Indicator:
    """A new indicator for the project. Raises Refused for someone who may not change the project
    (officials) and for figures that cannot be right. Side effects: one Indicator row and its
    history; the territory's impact figures move."""
    _allowed(
        by,
        "accompaniment.define_indicators",
        project,
        _("Seuls l'équipe, son coach et les organisateurs définissent les indicateurs."),
    )
    if aggregation not in Aggregation.values:
        raise Refused(_("Choisissez comment les valeurs se cumulent."), field="aggregation")
    name, unit = check_indicator(
        project=project, name=name, unit=unit, baseline=baseline, target=target
    )
    indicator = Indicator(
        project=project,
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        description=(description or "").strip(),
        aggregation=aggregation,
        order=project.indicators.count(),
    )
    indicator._history_user = by
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:  # the same name, saved by someone else meanwhile
        raise Refused(_("Le projet a déjà un indicateur de ce nom."), field="name") from None
    impact_changed(project.territory_id)
    return indicator


def edit_indicator(
    *,
    indicator: Indicator,
    name: str,
    unit: str,
    target: Decimal,
    baseline: Decimal,
    description: str = "",
    aggregation: str = Aggregation.SUM,
    by: User | None,
) -> Indicator:
    """Change an indicator's name, unit, baseline, target or how its values add up. Raises
    Refused as ``define_indicator`` does. Side effects: the row and its history; impact."""
    project = indicator.project
    _allowed(
        by,
        "accompaniment.define_indicators",
        project,
        _("Seuls l'équipe, son coach et les organisateurs modifient les indicateurs."),
    )
    if aggregation not in Aggregation.values:
        raise Refused(_("Choisissez comment les valeurs se cumulent."), field="aggregation")
    name, unit = check_indicator(
        project=project,
        name=name,
        unit=unit,
        baseline=baseline,
        target=target,
        pk=indicator.pk,
    )
    indicator.name, indicator.unit = name, unit
    indicator.baseline, indicator.target = baseline, target
    indicator.description = (description or "").strip()
    indicator.aggregation = aggregation
    indicator._history_user = by
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:
        raise Refused(_("Le projet a déjà un indicateur de ce nom."), field="name") from None
    impact_changed(project.territory_id)
    return indicator


def delete_indicator(*, indicator: Indicator, by: User | None) -> None:
    """Remove an indicator and its values. Refused once a value was verified: verified figures
    are the territory's record (change the indicator instead). Side effects: rows deleted (their
    history keeps them); impact."""
    project = indicator.project
    _allowed(
        by,
        "accompaniment.define_indicators",
        project,
        _("Seuls l'équipe, son coach et les organisateurs suppriment les indicateurs."),
    )
    with transaction.atomic():
        if indicator.values.filter(status=JobStatus.VERIFIED).exists():
            raise Refused(
                _(
                    "Cet indicateur a des valeurs vérifiées : il ne peut plus être supprimé, "
                    "modifiez-le plutôt."
                )
            )
        indicator._history_user = by
        indicator.delete()
    impact_changed(project.territory_id)


def check_value(
    *,
    period_start: datetime.date | None,
    period_end: datetime.date | None,
    value: Decimal | None,
    today: datetime.date,
) -> None:
    """Refused (on its field) for a period missing, ending before it starts or starting in the
    future, and for a missing or negative value."""
    if period_start is None:
        raise Refused(_("Indiquez le début de la période."), field="period_start")
    if period_end is None:
        raise Refused(_("Indiquez la fin de la période."), field="period_end")
    if period_end < period_start:
        raise Refused(_("La fin de la période ne peut pas précéder son début."), field="period_end")
    if period_start > today:
        raise Refused(
            _("On ne déclare pas une période qui n'a pas commencé."), field="period_start"
        )
    _number(value, "value", _("la valeur"))


def declare_value(
    *,
    indicator: Indicator,
    period_start: datetime.date,
    period_end: datetime.date,
    value: Decimal,
    evidence_note: str = "",
    evidence_link: str = "",
    evidence_file=None,
    by: User | None,
    today: datetime.date | None = None,
) -> IndicatorValue:
    """The team declares an indicator's value over a period, with its evidence (a note, a link,
    a file already checked by ``evidence.clean_evidence_file``). Raises Refused for officials and
    impossible figures. Side effects: one IndicatorValue row (declared) and its history; impact;
    after commit, an e-mail to the coach (the organisers when the project has none)."""
    project = indicator.project
    _allowed(
        by,
        "accompaniment.declare_indicator_values",
        project,
        _("Seuls l'équipe, son coach et les organisateurs déclarent des valeurs."),
    )
    check_value(
        period_start=period_start,
        period_end=period_end,
        value=value,
        today=today or timezone.localdate(),
    )
    record = IndicatorValue(
        indicator=indicator,
        period_start=period_start,
        period_end=period_end,
        value=value,
        evidence_note=(evidence_note or "").strip(),
        evidence_link=evidence_link or "",
        declared_by=by,
    )
    if evidence_file is not None:
        record.evidence_file = evidence_file
    record._history_user = by
    record.save()
    impact_changed(project.territory_id)
    send_value_verification_request(record=record)
    return record


def send_value_verification_request(*, record: IndicatorValue) -> int:
    """Tell whoever verifies the project's figures (``jobs.verifiers``: its coach, else the
    organisers) that a value waits for them, each in their language. Returns the number of
    e-mails queued, sent once the declaration is committed."""
    indicator = record.indicator
    project = indicator.project
    url = settings.SITE_URL + reverse(
        "indicator_list", kwargs={"territory": project.territory.slug, "slug": project.slug}
    )
    people = verifiers(project, declarant=record.declared_by)
    languages = languages_of([person.pk for person in people])
    for person in people:
        with translation.override(languages[person.pk]):
            subject = _("Indicateur à vérifier : %(project)s") % {"project": project.name}
            body = render_to_string(
                "accompaniment/email/indicator_value_to_verify.txt",
                {"record": record, "indicator": indicator, "project": project, "url": url},
            )
        enqueue("territoire.send_email", subject=subject, body=body, to=[person.email])
    return len(people)


def _locked(record: IndicatorValue, *expected: str) -> IndicatorValue:
    """The value's row, locked, if its status is one of ``expected``; else Refused."""
    current = (
        IndicatorValue.objects.select_for_update()
        .select_related("indicator__project")
        .get(pk=record.pk)
    )
    if current.status not in expected:
        raise Refused(
            _("Cette valeur est déjà « %(status)s ».") % {"status": current.get_status_display()}
        )
    return current


def _may_verify(by: User | None, record: IndicatorValue) -> None:
    _allowed(
        by,
        "accompaniment.verify_indicator_values",
        record.indicator.project,
        _("Seuls le coach du projet et les organisateurs vérifient les valeurs."),
    )


def verify_value(*, record: IndicatorValue, by: User | None) -> IndicatorValue:
    """The coach (or an organiser) confirms a declared value: it now counts. Raises Refused
    unless the value is declared, or when ``by`` declared or corrected it (four eyes, see
    accompaniment/domain/four_eyes.py). Side effects: status, verifier, time; history; impact."""
    _may_verify(by, record)
    with transaction.atomic():
        current = _locked(record, JobStatus.DECLARED)
        territory = current.indicator.project.territory
        current._change_reason = check_four_eyes(current, by, territory)
        current.status = JobStatus.VERIFIED
        current.verified_by = by
        current.verified_at = timezone.now()
        current.return_reason = ""
        current._history_user = by
        current.save(update_fields=["status", "verified_by", "verified_at", "return_reason"])
        impact_changed(current.indicator.project.territory_id)
    return current


def return_value(*, record: IndicatorValue, reason: str, by: User | None) -> IndicatorValue:
    """Send a declared value back to the team with a reason. Raises Refused without a reason,
    unless the value is declared, or when ``by`` declared or corrected it. Side effects: status
    and reason; history; impact."""
    _may_verify(by, record)
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Dites à l'équipe ce qu'il faut corriger."), field="return_reason")
    with transaction.atomic():
        current = _locked(record, JobStatus.DECLARED)
        territory = current.indicator.project.territory
        current._change_reason = check_four_eyes(current, by, territory)
        current.status = JobStatus.RETURNED
        current.return_reason = reason
        current._history_user = by
        current.save(update_fields=["status", "return_reason"])
        impact_changed(current.indicator.project.territory_id)
    return current


def correct_value(
    *,
    record: IndicatorValue,
    period_start: datetime.date,
    period_end: datetime.date,
    value: Decimal,
    evidence_note: str = "",
    evidence_link: str = "",
    evidence_file=None,
    by: User | None,
    today: datetime.date | None = None,
) -> IndicatorValue:
    """The team corrects a returned value: the same row goes back to declared (it counts once).
    Raises Refused for impossible figures or unless the value was returned. Side effects: the
    row's fields and history; impact; after commit, the e-mail to the coach again."""
    _allowed(
        by,
        "accompaniment.declare_indicator_values",
        record.indicator.project,
        _("Seuls l'équipe, son coach et les organisateurs corrigent les valeurs."),
    )
    check_value(
        period_start=period_start,
        period_end=period_end,
        value=value,
        today=today or timezone.localdate(),
    )
    with transaction.atomic():
        current = _locked(record, JobStatus.RETURNED)
        current.period_start, current.period_end, current.value = period_start, period_end, value
        current.evidence_note = (evidence_note or "").strip()
        current.evidence_link = evidence_link or ""
        fields = ["period_start", "period_end", "value", "evidence_note", "evidence_link"]
        if evidence_file is not None:
            current.evidence_file = evidence_file
            fields.append("evidence_file")
        current.status = JobStatus.DECLARED
        current.declared_by = by
        current._history_user = by
        current.save(update_fields=[*fields, "status", "declared_by"])
        impact_changed(current.indicator.project.territory_id)
        send_value_verification_request(record=current)
    return current

"""The jobs on the impact page: created and kept apart, verified and declared apart, in people
and in full-time equivalents, month by month against the straight path from the evening to the
target, and the projection at the current pace — the sentence an official repeats.

Three queries whatever the number of projects and records."""

import datetime
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompaniment.enums import JobKind, JobStatus
from accompaniment.models import JobRecord
from territoire.extensions import Figure
from territoire.impact.registry import (
    Bar,
    BarChart,
    DataTable,
    ImpactFilter,
    ImpactSection,
    LineChart,
    Series,
)

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=9, decimal_places=2))
KINDS = (JobKind.CREATED, JobKind.KEPT)
STATUSES = (JobStatus.VERIFIED, JobStatus.DECLARED)


def job_records(impact: ImpactFilter) -> QuerySet[JobRecord]:
    """The territory's job records the filter keeps: its challenge's projects, its period."""
    records = JobRecord.objects.filter(project__territory=impact.territory)
    return impact.narrow(records, day="occurred_on", challenge="project__challenge_id")


def job_figures(impact: ImpactFilter) -> dict[str, int | Decimal]:
    """People and FTE by kind and status (``created_verified``, ``kept_declared_fte``…);
    returned records count nowhere. One query."""
    sums = {}
    for kind in KINDS:
        for status in STATUSES:
            only = Q(kind=kind, status=status)
            sums[f"{kind}_{status}"] = Coalesce(Sum("number", filter=only), 0)
            sums[f"{kind}_{status}_fte"] = Coalesce(Sum("fte", filter=only), ZERO)
    return job_records(impact).aggregate(**sums)


def _months(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def _month_end(month: datetime.date) -> datetime.date:
    return (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)


def _path(target: int, start: datetime.date, deadline: datetime.date, day: datetime.date):
    """The straight path's value on ``day``: 0 at the start, the target at the deadline."""
    share = (day - start).days / max((deadline - start).days, 1)
    return round(target * min(max(share, 0), 1), 1)


def _start_of(impact: ImpactFilter) -> datetime.date:
    territory = impact.territory
    return territory.evening_on or territory.launched_on


def _monthly_created(impact: ImpactFilter) -> dict[datetime.date, int]:
    """Created and verified jobs by month of their date. One query."""
    rows = (
        job_records(impact)
        .filter(kind=JobKind.CREATED, status=JobStatus.VERIFIED)
        .annotate(month=TruncMonth("occurred_on"))
        .values("month")
        .annotate(total=Sum("number"))
        .values_list("month", "total")
    )
    return {
        (month.date() if isinstance(month, datetime.datetime) else month): total
        for month, total in rows
    }


def projection(impact: ImpactFilter, verified: int) -> int | None:
    """The created jobs at the deadline if the pace since the evening holds; None before the
    evening, after the deadline or before the first verified job."""
    start, deadline = _start_of(impact), impact.territory.job_target_deadline
    elapsed = (impact.today - start).days
    if elapsed <= 0 or impact.today >= deadline or not verified:
        return None
    return round(verified * (deadline - start).days / elapsed)


def trajectory_chart(impact: ImpactFilter) -> LineChart:
    """Cumulative created and verified jobs by month, against the straight path to the target
    and the current pace carried on to the deadline (not drawn when a filter narrows them)."""
    territory = impact.territory
    start, deadline = _start_of(impact), territory.job_target_deadline
    monthly = _monthly_created(impact)
    first = min([start, *monthly]) if monthly else start
    if impact.since:
        first = impact.since
    # The whole cycle to the deadline; a narrowed chart stops at today (or the period's end).
    last = max(deadline, impact.today)
    if impact.is_narrowed:
        last = min(impact.until or impact.today, impact.today)
    months = _months(first, max(first, last))  # a period in the future: its first month
    today_month = impact.today.replace(day=1)
    before = sum(total for month, total in monthly.items() if month < months[0])
    actual, running = [], before
    for month in months:
        running += monthly.get(month, 0)
        actual.append(running if month <= today_month else None)
    labels = tuple(formats.date_format(month, "F Y") for month in months)
    series = [Series(_("Emplois créés et vérifiés (cumul)"), tuple(actual))]
    sentence = _(
        "Le cumul, mois par mois, des emplois créés et vérifiés : %(total)s à ce jour."
    ) % {"total": running}
    if not impact.is_narrowed:
        target = territory.job_target
        path = tuple(_path(target, start, deadline, _month_end(m)) for m in months)
        series.append(Series(_("Chemin régulier vers l'objectif"), path, style="target"))
        pace = projection(impact, running)
        if pace is not None:
            current = actual[months.index(today_month)] if today_month in months else running
            carried = tuple(
                None
                if month < today_month
                else current
                if month == today_month
                else round(
                    pace * (min(_month_end(month), deadline) - start).days / (deadline - start).days
                )
                if month <= deadline
                else None
                for month in months
            )
            series.append(Series(_("À ce rythme"), carried, style="projection"))
        sentence = _(
            "Le cumul, mois par mois, des emplois créés et vérifiés (%(total)s à ce jour), "
            "face au chemin régulier de la soirée à l'objectif de %(target)s emplois au "
            "%(deadline)s."
        ) % {
            "total": running,
            "target": target,
            "deadline": formats.date_format(deadline, "j F Y"),
        }
    return LineChart(
        title=_("Trajectoire des emplois créés"),
        sentence=sentence,
        x_labels=labels,
        series=tuple(series),
        unit=_("emplois"),
    )


def headline(impact: ImpactFilter, verified: int) -> tuple[str, str]:
    """The sentence an official repeats, and what it leaves out."""
    territory = impact.territory
    target, deadline = territory.job_target, territory.job_target_deadline
    on = formats.date_format(deadline, "j F Y")
    if impact.is_narrowed:
        said = (
            ngettext(
                "%(n)s emploi créé et vérifié pour ce défi.",
                "%(n)s emplois créés et vérifiés pour ce défi.",
                verified,
            )
            if impact.challenge_id
            else ngettext(
                "%(n)s emploi créé et vérifié sur la période.",
                "%(n)s emplois créés et vérifiés sur la période.",
                verified,
            )
        )
        return (
            said % {"n": verified},
            _(
                "L'objectif de %(target)s emplois au %(deadline)s et le rythme pour l'atteindre "
                "portent sur tout le territoire et toute la démarche : ils se lisent sans filtre."
            )
            % {"target": target, "deadline": on},
        )
    start = _start_of(impact)
    if impact.today < start:
        return (
            _("L'objectif : %(target)s emplois au %(deadline)s.")
            % {"target": target, "deadline": on},
            _("Le rythme se mesurera à partir de la soirée."),
        )
    if impact.today >= deadline:
        return (
            _("À l'échéance : %(n)s emplois créés et vérifiés, pour un objectif de %(target)s.")
            % {"n": verified, "target": target},
            "",
        )
    expected = round(_path(target, start, deadline, impact.today))
    on_path = ngettext(
        "Le chemin régulier vers l'objectif en attendait %(expected)s à ce jour ; "
        "%(n)s est créé et vérifié.",
        "Le chemin régulier vers l'objectif en attendait %(expected)s à ce jour ; "
        "%(n)s sont créés et vérifiés.",
        verified,
    ) % {"expected": expected, "n": verified}
    pace = projection(impact, verified)
    if pace is None:
        return (
            _("Aucun emploi créé n'est encore vérifié : le rythme se mesurera au premier."),
            on_path,
        )
    return (
        _("À ce rythme : %(pace)s emplois à l'échéance du %(deadline)s (objectif : %(target)s).")
        % {"pace": pace, "deadline": on, "target": target},
        on_path,
    )


def _fte(value: Decimal) -> str:
    return formats.number_format(value, decimal_pos=1 if value % 1 else 0)


def _by_domain(impact: ImpactFilter) -> BarChart:
    """Created and verified jobs by the projects' domain. One query."""
    rows = (
        job_records(impact)
        .filter(kind=JobKind.CREATED, status=JobStatus.VERIFIED)
        .values("project__domain__name")
        .annotate(total=Sum("number"), fte=Sum("fte"))
        .order_by("-total", "project__domain__name")
    )
    bars = tuple(
        Bar(
            label=row["project__domain__name"] or _("sans domaine"),
            value=row["total"],
            note=_("%(fte)s ETP") % {"fte": _fte(row["fte"])},
        )
        for row in rows
    )
    return BarChart(
        title=_("Emplois créés et vérifiés par domaine"),
        sentence=_("Les emplois créés et vérifiés, par domaine des projets qui les ont créés."),
        bars=bars,
        unit=_("emplois"),
    )


def jobs_section(impact: ImpactFilter) -> list[ImpactSection]:
    figures = job_figures(impact)

    def people(key: str) -> int:
        return int(figures[key])

    def fte(key: str) -> Decimal:
        return Decimal(figures[key])

    verified = people("created_verified")
    said, aside = headline(impact, verified)
    declared = people("created_declared") + people("kept_declared")
    rows = tuple(
        (
            label,
            people(f"{kind}_verified"),
            _fte(fte(f"{kind}_verified_fte")),
            people(f"{kind}_declared"),
            _fte(fte(f"{kind}_declared_fte")),
        )
        for kind, label in ((JobKind.CREATED, _("Créés")), (JobKind.KEPT, _("Maintenus")))
    )
    return [
        ImpactSection(
            key="jobs",
            title=_("Les emplois"),
            order=10,
            headline=said,
            intro=aside,
            figures=(
                Figure(
                    f"{verified} / {impact.territory.job_target}",
                    ngettext(
                        "emploi créé et vérifié, sur l'objectif",
                        "emplois créés et vérifiés, sur l'objectif",
                        verified,
                    ),
                ),
                Figure(
                    _fte(fte("created_verified_fte")),
                    _("ETP (équivalents temps plein) créés et vérifiés"),
                ),
                Figure(
                    str(people("kept_verified")),
                    ngettext(
                        "emploi maintenu et vérifié",
                        "emplois maintenus et vérifiés",
                        people("kept_verified"),
                    ),
                ),
                Figure(
                    str(declared),
                    ngettext(
                        "emploi déclaré, en attente de vérification",
                        "emplois déclarés, en attente de vérification",
                        declared,
                    ),
                ),
            ),
            charts=(trajectory_chart(impact), _by_domain(impact)),
            tables=(
                DataTable(
                    caption=_(
                        "Emplois créés et maintenus, vérifiés et déclarés (les emplois renvoyés "
                        "par le coach ne comptent nulle part)"
                    ),
                    columns=(
                        _("Emplois"),
                        _("Vérifiés (personnes)"),
                        _("Vérifiés (ETP)"),
                        _("Déclarés (personnes)"),
                        _("Déclarés (ETP)"),
                    ),
                    rows=rows,
                ),
            ),
        )
    ]

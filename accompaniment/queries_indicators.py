"""Reads of the indicators beyond jobs, shared by the project's page and the impact side: what
each indicator achieved (verified values only), what awaits verification, how far from baseline
to target. Aggregates in the database, a fixed number of queries whatever the data."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Case,
    Count,
    DecimalField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accompaniment.domain.four_eyes import awaiting
from accompaniment.enums import Aggregation, JobStatus
from accompaniment.models import Indicator, IndicatorValue
from territoire.models import User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

NUMBER: DecimalField = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=NUMBER)


def in_period(
    values: QuerySet[IndicatorValue],
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    prefix: str = "",
) -> QuerySet[IndicatorValue]:
    """The values whose period ends within [since, until] (both optional, inclusive)."""
    if since is not None:
        values = values.filter(**{f"{prefix}period_end__gte": since})
    if until is not None:
        values = values.filter(**{f"{prefix}period_end__lte": until})
    return values


class Figures(TypedDict):
    achieved: Decimal | None
    awaiting: Decimal | None
    declared_count: int


def with_figures(
    indicators: QuerySet[Indicator],
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> "QuerySet[WithAnnotations[Indicator, Figures]]":
    """Annotate each indicator, in the same query, with ``achieved`` (the sum of its verified
    values, or the latest verified one by period end, as its aggregation says; None for a
    "latest" indicator with no verified value yet), ``awaiting`` (the sum of its declared values)
    and ``declared_count``. Values counted are those whose period ends within [since, until]."""
    own = in_period(IndicatorValue.objects.filter(indicator=OuterRef("pk")), since, until)

    def total(status: str) -> Subquery:
        return Subquery(
            own.filter(status=status)
            .values("indicator")
            .annotate(total=Sum("value"))
            .values("total"),
            output_field=NUMBER,
        )

    latest = Subquery(
        own.filter(status=JobStatus.VERIFIED).order_by("-period_end", "-pk").values("value")[:1],
        output_field=NUMBER,
    )
    declared_count = Subquery(
        own.filter(status=JobStatus.DECLARED)
        .values("indicator")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )
    return indicators.annotate(
        achieved=Case(
            When(aggregation=Aggregation.LATEST, then=latest),
            default=Coalesce(total(JobStatus.VERIFIED), ZERO),
            output_field=NUMBER,
        ),
        awaiting=Coalesce(total(JobStatus.DECLARED), ZERO),
        declared_count=Coalesce(declared_count, 0),
    )


def progress(indicator: Indicator) -> int | None:
    """How far the indicator's ``achieved`` went from its baseline to its target, in percent
    (rounded; may pass 100 or fall below 0); None when nothing is verified yet."""
    achieved = getattr(indicator, "achieved", None)
    if achieved is None or indicator.target == indicator.baseline:
        return None
    share = (achieved - indicator.baseline) / (indicator.target - indicator.baseline)
    return int((share * 100).quantize(Decimal("1")))


@dataclass(frozen=True)
class IndicatorProgress:
    """An indicator with its figures (``with_figures``) and ``percent``, how far it went from
    its baseline to its target (``progress``)."""

    indicator: "WithAnnotations[Indicator, Figures]"
    percent: int | None

    @property
    def bar(self) -> int:
        return bar_width(self.percent)


def with_progress(
    indicators: "Iterable[WithAnnotations[Indicator, Figures]]",
) -> list[IndicatorProgress]:
    return [IndicatorProgress(indicator, progress(indicator)) for indicator in indicators]


def plain(number: Decimal) -> int | Decimal:
    """300 rather than 300.00, 12.5 rather than 12.50."""
    if number == number.to_integral_value():
        return int(number)
    return number.normalize()


def bar_width(percent: int | None) -> int:
    """The progress bar's width: the percentage held between 0 and 100."""
    return max(0, min(100, percent or 0))


def declared_values_by_project(project_ids) -> dict[int, int]:
    """How many indicator values await verification, by project. One query."""
    rows = (
        IndicatorValue.objects.filter(
            indicator__project_id__in=project_ids, status=JobStatus.DECLARED
        )
        .values("indicator__project_id")
        .annotate(n=Count("pk"))
        .values_list("indicator__project_id", "n")
    )
    return dict(rows)


def declared_values_by_territory(territory_ids, *, for_user: User | None = None) -> dict[int, int]:
    """How many indicator values await verification, by territory; with ``for_user``, only
    those she may verify (not declared or corrected by her, unless her territory allows it:
    accompaniment/domain/four_eyes.py). One query."""
    values = IndicatorValue.objects.filter(
        indicator__project__territory_id__in=territory_ids, status=JobStatus.DECLARED
    )
    if for_user is not None:
        values = values.filter(
            awaiting(IndicatorValue, for_user, territory_path="indicator__project__territory")
        )
    rows = (
        values.values("indicator__project__territory_id")
        .annotate(n=Count("pk"))
        .values_list("indicator__project__territory_id", "n")
    )
    return dict(rows)

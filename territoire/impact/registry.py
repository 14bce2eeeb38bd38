"""What the apps contribute to the impact side, and the filter every contribution reads.

A provider is called with an ``ImpactFilter`` (a territory, an optional period, an optional
challenge, and the day the figures are computed for) and runs a bounded number of queries
whatever the data: aggregates in the database, never Python loops over rows.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise

from territoire.extensions import Figure
from territoire.models import Territory

Text = str | Promise
Number = int | float | Decimal


@dataclass(frozen=True)
class ImpactFilter:
    """The figures asked for: a territory, narrowed to a period (inclusive dates, both
    optional) and to one challenge (its pk), computed as of ``today``."""

    territory: Territory
    since: datetime.date | None = None
    until: datetime.date | None = None
    challenge_id: int | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    @property
    def is_narrowed(self) -> bool:
        return bool(self.since or self.until or self.challenge_id)

    def key(self) -> str:
        """What tells two filters apart in a cache key."""
        return ":".join(
            (
                str(self.territory.pk),
                self.since.isoformat() if self.since else "",
                self.until.isoformat() if self.until else "",
                str(self.challenge_id or ""),
                self.today.isoformat(),
            )
        )

    def narrow(self, rows: QuerySet, *, day: str = "", challenge: str = "") -> QuerySet:
        """``rows`` kept by the filter: the chosen challenge through the lookup ``challenge``
        ("challenge_id", "project__challenge_id"), the period through the date lookup ``day``
        ("occurred_on", "created_at__date": days of the site's time zone), both inclusive."""
        if challenge and self.challenge_id:
            rows = rows.filter(**{challenge: self.challenge_id})
        if day and self.since:
            rows = rows.filter(**{f"{day}__gte": self.since})
        if day and self.until:
            rows = rows.filter(**{f"{day}__lte": self.until})
        return rows

    def in_period(self, day: datetime.date | None) -> bool:
        if day is None:
            return False
        return (self.since is None or day >= self.since) and (
            self.until is None or day <= self.until
        )


# Charts: plain data; ``territoire/impact/charts.py`` draws them as SVG with their data table.


@dataclass(frozen=True)
class Series:
    """One line of a line chart. ``values`` align with the chart's ``x_labels``; None is no
    value (a month still to come). ``style``: "actual" (solid), "target" (the straight path to
    the target, dashed) or "projection" (the current pace carried on, dotted)."""

    label: Text
    values: tuple[Number | None, ...]
    style: str = "actual"


@dataclass(frozen=True)
class LineChart:
    """Values over time (e.g. cumulative verified jobs per month against the target path)."""

    title: Text
    sentence: Text  # what the chart shows, in one sentence (its caption)
    x_labels: tuple[Text, ...]
    series: tuple[Series, ...]
    unit: Text = ""
    kind: str = "line"


@dataclass(frozen=True)
class Bar:
    """One bar; ``part`` is a share of it drawn darker (needs met among needs)."""

    label: Text
    value: Number
    part: Number | None = None
    note: Text = ""


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars (a funnel, projects by domain…). ``part_label`` names the bars' parts."""

    title: Text
    sentence: Text
    bars: tuple[Bar, ...]
    unit: Text = ""
    part_label: Text = ""
    kind: str = "bar"


Chart = LineChart | BarChart


@dataclass(frozen=True)
class DataTable:
    """A table of figures shown as is (per project indicators, milestone health…)."""

    caption: Text
    columns: tuple[Text, ...]
    rows: tuple[tuple[object, ...], ...]
    empty: Text = ""


@dataclass(frozen=True)
class ImpactSection:
    """One section of the impact page (and of the impact report): a title, an optional
    headline sentence shown big (the jobs' projection), figures, charts and tables."""

    key: str
    title: Text
    order: int = 100
    headline: Text = ""
    intro: Text = ""
    figures: tuple[Figure, ...] = ()
    charts: tuple[Chart, ...] = ()
    tables: tuple[DataTable, ...] = ()


@dataclass(frozen=True)
class FunnelStep:
    """One step of the projects funnel, from ideas at the tables to projects alive two years on."""

    order: int
    label: Text
    value: int
    note: Text = ""


# Exports and open data


@dataclass(frozen=True)
class Column:
    """A column of an export or dataset. ``name`` is the machine name (open data's field
    name); ``title`` the French header of CSV and Excel exports; ``type`` a Frictionless Table
    Schema type: string, integer, number, date, datetime, boolean."""

    name: str
    title: Text
    type: str = "string"
    description: Text = ""


@dataclass(frozen=True)
class ExportKind:
    """A private download of the impact page (CSV, or one sheet of the Excel file).

    ``rows(filter)`` yields tuples aligned with ``columns``, lazily (``.iterator()``), so a big
    export streams. ``organisers_only``: registrations and attendees, with personal data.
    """

    key: str  # file and sheet stem: "projets", "emplois"…
    label: Text
    columns: tuple[Column, ...]
    rows: Callable[[ImpactFilter], Iterable[tuple]]
    organisers_only: bool = False
    order: int = 100


@dataclass(frozen=True)
class OpenDataset:
    """A public dataset of a territory's open data: no personal data, ever."""

    key: str  # resource name: "projets"
    title: Text
    description: Text
    columns: tuple[Column, ...]
    rows: Callable[[Territory], Iterable[tuple]]
    order: int = 100


SectionProvider = Callable[[ImpactFilter], Iterable[ImpactSection]]
FunnelProvider = Callable[[ImpactFilter], Iterable[FunnelStep]]
ChallengeProvider = Callable[[Territory], list[tuple[int, str]]]
# provider(filter) -> a short string that changes when figures move without a domain write
# telling the cache (the night's tables: their version); one cheap query.
StampProvider = Callable[[ImpactFilter], str]

_sections: list[SectionProvider] = []
_funnel: list[FunnelProvider] = []
_challenges: list[ChallengeProvider] = []
_stamps: list[StampProvider] = []
_exports: dict[str, ExportKind] = {}
_datasets: dict[str, OpenDataset] = {}


def _register(registry: list, provider):
    if provider not in registry:
        registry.append(provider)
    return provider


def provide_impact_sections(provider: SectionProvider) -> SectionProvider:
    return _register(_sections, provider)


def provide_funnel_steps(provider: FunnelProvider) -> FunnelProvider:
    return _register(_funnel, provider)


def provide_impact_challenges(provider: ChallengeProvider) -> ChallengeProvider:
    return _register(_challenges, provider)


def provide_impact_stamp(provider: StampProvider) -> StampProvider:
    return _register(_stamps, provider)


def register_export(kind: ExportKind) -> ExportKind:
    _exports[kind.key] = kind
    return kind


def register_open_dataset(dataset: OpenDataset) -> OpenDataset:
    _datasets[dataset.key] = dataset
    return dataset


def impact_sections(impact: ImpactFilter) -> list[ImpactSection]:
    sections = [s for provider in _sections for s in provider(impact)]
    return sorted(sections, key=lambda section: section.order)


def funnel_steps(impact: ImpactFilter) -> list[FunnelStep]:
    steps = [s for provider in _funnel for s in provider(impact)]
    return sorted(steps, key=lambda step: step.order)


def impact_challenges(territory: Territory) -> list[tuple[int, str]]:
    return [c for provider in _challenges for c in provider(territory)]


def impact_stamps(impact: ImpactFilter) -> list[str]:
    return [provider(impact) for provider in _stamps]


def export_kinds(*, organiser: bool) -> list[ExportKind]:
    kinds = (k for k in _exports.values() if organiser or not k.organisers_only)
    return sorted(kinds, key=lambda kind: kind.order)


def export_kind(key: str) -> ExportKind | None:
    return _exports.get(key)


def open_datasets() -> list[OpenDataset]:
    return sorted(_datasets.values(), key=lambda dataset: dataset.order)


# The network: every territory side by side. Each app gives the figures it owns, for every
# territory at once, in a bounded number of queries whatever their number.


@dataclass(frozen=True)
class TerritoryProgress:
    """Where a territory stands, for the network page and the home page. ``jobs_verified``:
    jobs *created* and verified (the figure set against the target; kept jobs are apart).
    ``projects_alive_one_year``: projects alive one year after the evening, None until that
    year has passed."""

    territory_id: int
    jobs_verified: int = 0
    projects_born: int = 0
    projects_accompanied: int = 0
    projects_alive: int = 0
    projects_alive_one_year: int | None = None


# provider(territories, today) -> {territory id: {TerritoryProgress field: value}}
ProgressProvider = Callable[[list[Territory], datetime.date], dict[int, dict[str, int | None]]]

_progress: list[ProgressProvider] = []


def provide_territory_progress(provider: ProgressProvider) -> ProgressProvider:
    return _register(_progress, provider)


def territory_progress(
    territories: list[Territory], today: datetime.date
) -> dict[int, TerritoryProgress]:
    """Each territory's progress, by territory id (every territory given has one)."""
    # TerritoryProgress's fields by name, as the providers give them.
    figures: dict[int, dict[str, Any]] = {t.pk: {} for t in territories}
    if territories:
        for provider in _progress:
            for pk, values in provider(territories, today).items():
                figures.setdefault(pk, {}).update(values)
    return {pk: TerritoryProgress(territory_id=pk, **values) for pk, values in figures.items()}

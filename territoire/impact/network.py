"""The network's view of every territory: where each is in its cycle and how far its jobs are
from its target, from the figures the apps give (``registry.territory_progress``)."""

import datetime
from dataclasses import dataclass

from territoire.impact.registry import TerritoryProgress, territory_progress
from territoire.models import Territory


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from ``start`` to ``end`` (0 within the first month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def expected_jobs(territory: Territory, today: datetime.date) -> int | None:
    """The jobs expected by ``today`` on the straight path from the evening (no job) to the
    deadline (the target): target * elapsed / total. None before the evening."""
    start, deadline = territory.evening_on, territory.job_target_deadline
    if start is None or today < start or deadline <= start:
        return None
    elapsed = min((today - start).days, (deadline - start).days)
    return territory.job_target * elapsed // (deadline - start).days


@dataclass(frozen=True)
class TerritoryStanding:
    """One territory on the network page."""

    territory: Territory
    progress: TerritoryProgress
    phase: str
    accompaniment_month: int | None
    expected_jobs: int | None

    @property
    def jobs_percent(self) -> int:
        """Share of the target reached, in whole percents (at most 100, for the bar)."""
        return min(100, self.progress.jobs_verified * 100 // self.territory.job_target)

    @property
    def on_track(self) -> bool | None:
        """At or above the straight path; None before the evening."""
        if self.expected_jobs is None:
            return None
        return self.progress.jobs_verified >= self.expected_jobs


def standings(territories: list[Territory], today: datetime.date) -> list[TerritoryStanding]:
    """Every territory's standing, in the order given."""
    progress = territory_progress(territories, today)
    rows = []
    for territory in territories:
        phase = territory.phase_on(today)
        month = None
        if phase == "accompaniment" and territory.evening_on:
            month = months_between(territory.evening_on, today) + 1
            if territory.accompaniment_months:
                month = min(month, territory.accompaniment_months)
        rows.append(
            TerritoryStanding(
                territory=territory,
                progress=progress[territory.pk],
                phase=phase,
                accompaniment_month=month,
                expected_jobs=expected_jobs(territory, today),
            )
        )
    return rows

"""The projects' figures on the network page and the home page: projects born at each evening,
accompanied now, alive now and alive one year after the evening. A fixed number of queries
whatever the number of territories."""

import datetime

from events.models import FormedProject
from projects.queries import projects_alive_by_territory, projects_now_by_territory
from territoire.impact.registry import provide_territory_progress
from territoire.models import Territory
from territoire.queries import count_by


def one_year_after(day: datetime.date) -> datetime.date:
    """The same day a year later (28 February after a 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@provide_territory_progress
def project_progress(
    territories: list[Territory], today: datetime.date
) -> dict[int, dict[str, int | None]]:
    """Two queries, three once a territory's evening is a year old."""
    ids = [t.pk for t in territories]
    born = count_by(
        FormedProject.objects.filter(table__event__territory_id__in=ids),
        "table__event__territory_id",
    )
    now = projects_now_by_territory(ids)
    year_days = {
        t.pk: one_year_after(t.evening_on)
        for t in territories
        if t.evening_on and one_year_after(t.evening_on) <= today
    }
    alive_one_year = projects_alive_by_territory(year_days)
    return {
        t.pk: {
            "projects_born": born.get(t.pk, 0),
            "projects_accompanied": now.get(t.pk, {}).get("accompanied", 0),
            "projects_alive": now.get(t.pk, {}).get("alive", 0),
            "projects_alive_one_year": alive_one_year.get(t.pk, 0) if t.pk in year_days else None,
        }
        for t in territories
    }

"""The accompaniment's figure on the network page and the home page: jobs created and verified,
set against each territory's target. One query whatever the number of territories."""

import datetime

from accompaniment.cards import created_jobs_verified
from territoire.impact.registry import provide_territory_progress
from territoire.models import Territory


@provide_territory_progress
def job_progress(
    territories: list[Territory], today: datetime.date
) -> dict[int, dict[str, int | None]]:
    verified = created_jobs_verified([t.pk for t in territories])
    return {t.pk: {"jobs_verified": verified.get(t.pk, 0)} for t in territories}

import datetime

import pytest

from accompaniment.domain.plans import start_plan
from tests.accompaniment.factories import MilestoneTemplateFactory

EVENING = datetime.date(2026, 6, 4)
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Evidence files land in a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def plan(cast):
    """cast.project's 18-month plan from the evening, with three default milestones."""
    for month, title in ((1, "Équipe constituée"), (4, "Prototype"), (12, "Premier emploi")):
        MilestoneTemplateFactory(territory=cast.territory, title=title, month=month)
    return start_plan(project=cast.project, months=18, starts_on=EVENING, by=cast.coach)


def space_url(project, name: str = "project_space", **extra) -> str:
    from django.urls import reverse

    return reverse(
        name, kwargs={"territory": project.territory.slug, "slug": project.slug, **extra}
    )

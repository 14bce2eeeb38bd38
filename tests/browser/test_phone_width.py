"""On a 390 px phone no page scrolls sideways: the list tables of the accompaniment (jobs,
milestones, history, portfolio, resources) become one card per row, each value under its column's
name; needs, updates and forms (date fields included) fit too. Screenshots land in
tests/artifacts/."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page

from accompaniment.domain.plans import start_plan
from accompaniment.enums import Contract, JobStatus
from tests.accompaniment.factories import JobRecordFactory, MilestoneTemplateFactory
from tests.browser.conftest import shot
from tests.conftest import Cast

PHONE = 390


@pytest.fixture
def followed(transactional_db, cast: Cast) -> Cast:
    """cast.project with a plan, milestones and jobs declared in the longest words we have."""
    for month, title in ((1, "Équipe constituée"), (6, "Structure juridique (SCIC)")):
        MilestoneTemplateFactory(territory=cast.territory, title=title, month=month)
    start_plan(project=cast.project, months=18, starts_on=datetime.date(2026, 6, 4), by=cast.coach)
    JobRecordFactory(project=cast.project, number=2, contract=Contract.FIXED_TERM)
    JobRecordFactory(project=cast.project, status=JobStatus.VERIFIED)
    return cast


def _signed_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _page_width(page: Page, path: str, name: str) -> int:
    page.goto(path)
    shot(page, f"phone-{name}")
    return page.evaluate("document.documentElement.scrollWidth")


def test_accompaniment_tables_fit_a_phone(live_server, page: Page, followed: Cast):
    page.set_viewport_size({"width": PHONE, "height": 844})
    _signed_in(page, live_server, followed.coach)
    project = {"territory": followed.territory.slug, "slug": followed.project.slug}
    territory = {"territory": followed.territory.slug}
    paths = {
        "jobs": reverse("job_list", kwargs=project),
        "project-space": reverse("project_space", kwargs=project),
        "history": reverse("project_history", kwargs=project),
        "needs": reverse("need_list", kwargs=project),
        "updates": reverse("update_list", kwargs=project),
        "new-milestone": reverse("milestone_add", kwargs=project),
        "portfolio": reverse("portfolio", kwargs=territory),
        "resources": reverse("resource_list", kwargs=territory),
    }

    widths = {name: _page_width(page, path, name) for name, path in paths.items()}

    assert widths == dict.fromkeys(paths, PHONE)
    page.goto(paths["jobs"])
    contract = page.locator("td[data-label='Contrat']").first
    label = contract.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Contrat"'
    assert page.locator("table thead").first.bounding_box()["height"] <= 1


def test_tables_stay_tables_on_a_computer(live_server, page: Page, followed: Cast):
    page.set_viewport_size({"width": 1280, "height": 800})
    _signed_in(page, live_server, followed.coach)
    project = {"territory": followed.territory.slug, "slug": followed.project.slug}

    page.goto(reverse("job_list", kwargs=project))

    cell = page.locator("td[data-label='Contrat']").first
    assert cell.evaluate("cell => getComputedStyle(cell).display") == "table-cell"
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == "none"

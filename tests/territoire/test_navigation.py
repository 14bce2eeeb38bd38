"""The navigation is proven, not assumed: from ``/``, following only ``<a href>`` links (at
most three clicks), each role reaches the pages it needs on a territory built from factories."""

import datetime
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import JobStatus
from tests.accompaniment.factories import JobRecordFactory, PlanFactory
from tests.events.factories import EventFactory, TableFactory

MAX_CLICKS = 3
# Pages that are not navigation: the admin (its own world), files, the sign-out.
SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
SKIPPED_SUFFIXES = (".ics", ".svg", ".pdf", ".csv", ".xlsx", ".json", ".md", "/telecharger/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    urls = []
    for href in parser.hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # another site, mailto:, or a fragment of this page
        if parts.path.startswith(SKIPPED_PREFIXES) or parts.path.endswith(SKIPPED_SUFFIXES):
            continue
        urls.append(url)
    return urls


def crawl(client, start: str = "/") -> dict[str, int]:
    """Breadth-first from ``start``: every page reached with the number of clicks it took."""
    reached = {start: 0}
    queue = deque([start])
    while queue:
        url = queue.popleft()
        response = client.get(url)
        assert response.status_code < 500, url
        if reached[url] == MAX_CLICKS or response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(response.content.decode()):
            if link not in reached:
                reached[link] = reached[url] + 1
                queue.append(link)
    return reached


@pytest.fixture
def night(cast):
    """Tonight's evening of the cast's territory, a table run by the facilitator, jobs for the
    coach to verify, a plan for the team."""
    now = timezone.now()
    event = EventFactory(
        territory=cast.territory,
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=5),
    )
    table = TableFactory(event=event, facilitators=[cast.facilitator])
    PlanFactory(project=cast.project)
    JobRecordFactory(project=cast.project, status=JobStatus.DECLARED)
    return event, table


def project_url(project, name: str) -> str:
    return reverse(name, kwargs={"territory": project.territory.slug, "slug": project.slug})


def assert_reaches(reached: dict[str, int], *urls: str) -> None:
    missing = [url for url in urls if url not in reached]
    assert not missing, f"not reached within {MAX_CLICKS} clicks: {missing}"


def test_anonymous_finds_the_registration_and_the_tables(client, cast, night):
    event, _table = night

    reached = crawl(client)

    assert_reaches(
        reached, reverse("event_register", args=[event.slug]), reverse("table_code_entry")
    )
    assert reached[reverse("table_code_entry")] == 1


def test_attendee_finds_the_evening_before_the_night(client, cast):
    # An attendee has no account: the week before, she comes back from / to her evening.
    event = EventFactory(
        territory=cast.territory, starts_at=timezone.now() + datetime.timedelta(days=7)
    )

    reached = crawl(client)

    assert reached[reverse("event_register", args=[event.slug])] == 1
    assert reached[event.get_absolute_url()] == 1


def test_facilitator_reaches_her_console(client, cast, night):
    _event, table = night
    client.force_login(cast.facilitator)

    reached = crawl(client)

    assert_reaches(reached, reverse("console", args=[table.code]))
    assert reached[reverse("console", args=[table.code])] == 2  # Mon espace, the console


def test_organiser_reaches_the_night_screens(client, cast, night):
    event, _table = night
    client.force_login(cast.organiser)

    reached = crawl(client)

    screens = [
        reverse(name, args=[event.slug])
        for name in ("checkin_desk", "control_room", "plenary", "table_signs")
    ]
    assert_reaches(reached, *screens)


def test_coach_reaches_the_jobs_to_verify(client, cast, night):
    client.force_login(cast.coach)

    reached = crawl(client)

    assert_reaches(
        reached, project_url(cast.project, "job_list"), project_url(cast.project, "project_space")
    )


def test_team_member_reaches_the_project_space(client, cast, night):
    client.force_login(cast.team_member)

    reached = crawl(client)

    assert_reaches(reached, project_url(cast.project, "project_space"))


def test_official_reaches_the_figures(client, cast, night):
    client.force_login(cast.official)

    reached = crawl(client)

    assert_reaches(
        reached,
        reverse("portfolio", args=[cast.territory.slug]),
        reverse("territory_reports", args=[cast.territory.slug]),
        reverse("impact", args=[cast.territory.slug]),
    )


def test_anyone_reaches_a_territory_s_open_data(client, cast, night):
    assert_reaches(crawl(client), reverse("open_data", args=[cast.territory.slug]))

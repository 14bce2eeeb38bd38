import io

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from pypdf import PdfReader

from events.enums import EventStatus, Phase
from events.models import Event, FormedProject, Idea, Quote, SynthesisContribution, Table, Vote
from events.reports import gather_synthesis
from territoire.models import User
from territoire.reports.kinds import Scope
from territoire.reports.models import Report

pytestmark = pytest.mark.xdist_group("demo-events")


@pytest.fixture
def demo(demo_loaded, db, settings):
    """The demo, loaded once for this module (tests/conftest.py: demo_loaded)."""
    settings.DEBUG = True
    settings.MEDIA_ROOT, output = demo_loaded
    return output


def test_demo_has_a_finished_roubaix_evening_with_its_outcome(demo):
    evening = Event.objects.get(slug="soiree-velodrome-roubaix")

    assert evening.status == EventStatus.FINISHED
    assert evening.programme.count() >= 5
    assert evening.tables.count() >= 10
    assert set(evening.tables.values_list("phase", flat=True)) == {Phase.CLOSED}
    assert Idea.objects.filter(table__event=evening).count() >= 20
    assert FormedProject.objects.filter(table__event=evening).count() >= 12
    assert SynthesisContribution.objects.filter(table__event=evening).count() >= 12
    assert Quote.objects.filter(table__event=evening).exists()
    assert evening.registrations.filter(checked_in_at__isnull=False).count() >= 100


def test_demo_counters_match_the_rows(demo):
    for table in Table.objects.annotate(
        n_ideas=Count("ideas", distinct=True), n_people=Count("participants", distinct=True)
    ):
        assert table.idea_count == table.n_ideas
        assert table.participant_count == table.n_people
        assert table.vote_count == Vote.objects.filter(participant__table=table).count()
    for participant in Table.objects.first().participants.annotate(n=Count("votes")):
        assert participant.dots_left + participant.n == participant.table.dots_per_participant


def test_demo_quotes_respect_consent(demo):
    unnamed = Quote.objects.filter(consent_to_be_named=False).first()

    assert unnamed.attribution == unnamed.organisation_name


def test_demo_has_an_upcoming_event_open_for_registration(demo):
    upcoming = Event.objects.get(slug="soiree-lancement-figeac")

    assert upcoming.status == EventStatus.REGISTRATION_OPEN
    assert upcoming.starts_at.year == 2027
    assert upcoming.tables.exists()


def test_every_roubaix_table_finished_its_night(demo):
    tables = Table.objects.filter(event__slug="soiree-velodrome-roubaix").annotate(
        n_ideas=Count("ideas", distinct=True),
        n_votes=Count("participants__votes", distinct=True),
        n_contributions=Count("contributions", distinct=True),
        n_named=Count("contributions", filter=Q(contributions__consent_to_be_named=True)),
        n_quotes=Count("quotes", distinct=True),
        n_projects=Count("projects", distinct=True),
    )

    unfinished = [
        table.name
        for table in tables
        if not (
            table.n_ideas >= 3
            and table.n_votes
            and table.n_contributions
            and table.n_named
            and table.n_quotes
            and table.n_projects
        )
    ]

    assert len(tables) == 12
    assert unfinished == []


def test_the_demo_synthesis_has_every_table_written_and_ends_on_a_full_page(demo):
    report = Report.objects.get(kind="synthesis")
    with report.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    last_page = [line for line in reader.pages[-1].extract_text().splitlines() if line.strip()]

    assert "pas encore été rédigée" not in text
    # The running header and the page number are 2 lines; the section brings many more.
    assert len(last_page) > 6


def test_the_demo_synthesis_links_open_on_this_site(demo, settings):
    evening = Event.objects.get(slug="soiree-velodrome-roubaix")

    links = gather_synthesis(Scope(territory=evening.territory, event=evening))["further_reading"]

    assert len(links) >= 3
    assert [link.url for link in links if not link.url.startswith(settings.SITE_URL + "/")] == []


def test_the_demo_evening_page_offers_its_published_synthesis(demo, client):
    evening = Event.objects.get(slug="soiree-velodrome-roubaix")

    html = client.get(evening.get_absolute_url()).content.decode()
    download = client.get(reverse("event_synthesis", args=[evening.slug]))

    assert reverse("event_synthesis", args=[evening.slug]) in html
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_demo_has_the_roubaix_synthesis_ready_to_download(demo, client):
    from territoire.enums import ReportStatus
    from territoire.reports.models import Report

    report = Report.objects.get(kind="synthesis")
    client.force_login(User.objects.get(email="organisatrice@territoire.demo"))
    response = client.get(report.get_download_url())
    assert report.status == ReportStatus.READY
    assert report.page_count >= 8
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

"""The synthesis of debates, published by an organiser on the evening's public page."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus
from territoire.enums import ReportStatus
from territoire.reports.models import Report
from territoire.reports.publishing import PublicationRefused, publish_report, unpublish_report
from tests.events.factories import EventFactory


def synthesis_of(event, *, status=ReportStatus.READY, kind="synthesis") -> Report:
    report = Report(
        territory=event.territory,
        kind=kind,
        title=f"Synthèse — {event.title}",
        parameters={"event": event.pk},
        status=status,
        page_count=9,
    )
    if status == ReportStatus.READY:
        report.file.save(f"s-{event.pk}.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
        report.finished_at = timezone.now()
    report.save()
    return report


@pytest.fixture
def finished(cast):
    return EventFactory(
        territory=cast.territory,
        slug="soiree-finie",
        starts_at=timezone.now() - timezone.timedelta(days=30),
        status=EventStatus.FINISHED,
    )


def test_publishing_a_version_takes_the_earlier_one_off(cast, finished):
    first, second = synthesis_of(finished), synthesis_of(finished)
    publish_report(report=first, by=cast.organiser)

    publish_report(report=second, by=cast.organiser)

    first.refresh_from_db()
    assert (first.published_at, second.published_at is not None) == (None, True)


@pytest.mark.parametrize(
    ("kind", "status", "reason"),
    [
        ("portfolio", ReportStatus.READY, "réservé à l'équipe du territoire"),
        ("synthesis", ReportStatus.QUEUED, "Seul un rapport prêt"),
    ],
)
def test_only_a_ready_report_of_a_public_kind_is_published(cast, finished, kind, status, reason):
    report = synthesis_of(finished, status=status, kind=kind)

    with pytest.raises(PublicationRefused, match=reason):
        publish_report(report=report, by=cast.organiser)

    report.refresh_from_db()
    assert report.published_at is None


def test_the_evening_page_links_the_published_synthesis_for_everyone(
    client, cast, finished, django_assert_max_num_queries
):
    publish_report(report=synthesis_of(finished), by=cast.organiser)

    with django_assert_max_num_queries(6):
        html = client.get(finished.get_absolute_url()).content.decode()
    download = client.get(reverse("event_synthesis", args=[finished.slug]))

    assert reverse("event_synthesis", args=[finished.slug]) in html
    assert "Lire la synthèse des débats (PDF, 9 pages)" in html
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_an_unpublished_synthesis_stays_with_the_territory(client, cast, finished):
    report = synthesis_of(finished)
    publish_report(report=report, by=cast.organiser)
    unpublish_report(report=report, by=cast.organiser)

    html = client.get(finished.get_absolute_url()).content.decode()

    assert reverse("event_synthesis", args=[finished.slug]) not in html
    assert "n'est pas encore publiée" in html
    assert client.get(reverse("event_synthesis", args=[finished.slug])).status_code == 404


def test_a_draft_evening_publishes_nothing(client, cast):
    draft = EventFactory(territory=cast.territory, status=EventStatus.DRAFT)
    publish_report(report=synthesis_of(draft), by=cast.organiser)

    response = client.get(reverse("event_synthesis", args=[draft.slug]))

    assert response.status_code == 404


def test_the_organiser_publishes_from_the_reports_page(client, cast, finished):
    report = synthesis_of(finished)
    client.force_login(cast.organiser)
    page = client.get(reverse("territory_reports", args=[cast.territory.slug])).content.decode()

    response = client.post(reverse("report_publication", args=[report.pk]))
    after = client.get(response.url).content.decode()

    report.refresh_from_db()
    assert "Publier sur la page de la soirée" in page
    assert response.status_code == 302
    assert report.published_at is not None
    assert "Retirer de la page publique" in after
    assert "sur la page publique" in after


def test_a_refused_publication_says_why(client, cast, finished):
    report = synthesis_of(finished, kind="portfolio")
    client.force_login(cast.organiser)

    response = client.post(reverse("report_publication", args=[report.pk]), follow=True)

    report.refresh_from_db()
    assert report.published_at is None
    assert "il ne se publie pas" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("coach", 403), ("official", 403), ("other_organiser", 404), ("stranger", 404)],
)
def test_only_the_territory_s_organisers_publish(client, cast, finished, role, status):
    report = synthesis_of(finished)
    client.force_login(getattr(cast, role))

    response = client.post(reverse("report_publication", args=[report.pk]))

    report.refresh_from_db()
    assert response.status_code == status
    assert report.published_at is None

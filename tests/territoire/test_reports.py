"""The report machinery: rendering, the claim that makes retries harmless, failures with a
reason, the sweep after a dead worker, the reports page, the download and the command."""

import datetime
import io
from pathlib import Path

import pypdf
import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from territoire.enums import ReportStatus
from territoire.reports import kinds
from territoire.reports.kinds import ReportKind, Scope, register_report_kind
from territoire.reports.lifecycle import (
    MAX_ATTEMPTS,
    TransientRenderError,
    claim_report,
    render_report,
    request_report,
    requeue_stalled_reports,
)
from territoire.reports.models import Report
from territoire.reports.render import ReportResourceRefused, _fetcher, build_pdf
from territoire.reports.typography import NBSP, NNBSP, french
from tests.events.factories import EventFactory

TEMPLATES_DIR = Path(__file__).parent / "templates"


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def test_kinds(settings):
    """Two kinds of our own (one per territory, one per event) on a minimal template."""
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], TEMPLATES_DIR]}
    ]
    saved = dict(kinds._kinds)
    body = {"text": "Premier paragraphe : « déjà typographié ».\n\nSecond paragraphe."}

    def gather(scope: Scope) -> dict:
        if body.get("fail"):
            raise body["fail"]
        return {"body": body["text"]}

    register_report_kind(
        ReportKind(
            code="essai",
            label="Essai",
            template="reports_test/minimal.html",
            gather=gather,
            title=lambda scope: f"Essai — {scope.territory.name}",
            file_stem="essai",
            uses_period=True,
        )
    )
    from events.models import Event

    register_report_kind(
        ReportKind(
            code="essai-soiree",
            label="Essai par soirée",
            template="reports_test/minimal.html",
            gather=gather,
            title=lambda scope: f"Soirée {scope.event.title}",
            file_stem="essai-soiree",
            event_model=Event,
        )
    )
    yield body
    kinds._kinds.clear()
    kinds._kinds.update(saved)


# French typography


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ('Il a dit "oui"', f"Il a dit «{NBSP}oui{NBSP}»"),
        ("Constat: la ville", f"Constat{NBSP}: la ville"),
        ("Vraiment? Oui! Non; peut-être", f"Vraiment{NNBSP}? Oui{NNBSP}! Non{NNBSP}; peut-être"),
        ("« Quand on y croit, on y va ! »", f"«{NBSP}Quand on y croit, on y va{NNBSP}!{NBSP}»"),
        ("de 18:00 à 00:00, https://www.example.org", "de 18:00 à 00:00, https://www.example.org"),
        ("l'économie...", "l\u2019économie…"),
    ],
)
def test_french_typography_sets_the_spaces_and_signs(typed, printed):
    assert french(typed) == printed


def test_french_typography_is_stable_on_text_already_set():
    once = french('Le "Numéribus" : un bus ? Oui !')

    assert french(once) == once


# Rendering


def test_build_pdf_renders_a4_pages_with_the_embedded_font(cast, test_kinds):
    rendered = build_pdf(kinds.get_report_kind("essai"), Scope(territory=cast.territory))

    reader = pypdf.PdfReader(io.BytesIO(rendered.content))
    assert rendered.page_count == len(reader.pages) == 3
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (210, 297)
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert any("Inter" in font for font in fonts), fonts
    text = "\n".join(pdf_pages(rendered.content))
    assert "Essai — Métropole A" in text
    assert "déjà typographié" in text
    assert "Second paragraphe." in text


def test_text_people_typed_is_printed_not_interpreted(cast, test_kinds):
    test_kinds["text"] = "<b>gras</b> <img src=file:///etc/passwd> <script>x()</script>"

    rendered = build_pdf(kinds.get_report_kind("essai"), Scope(territory=cast.territory))

    text = "\n".join(pdf_pages(rendered.content))
    assert "<b>gras</b> <img src=file:///etc/passwd> <script>x()</script>" in text


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "https://example.org/logo.png", "ftp://example.org/x"]
)
def test_the_fetcher_reads_only_our_static_files(url):
    with pytest.raises(ReportResourceRefused):
        _fetcher().fetch(url)


# The lifecycle


def test_a_requested_report_is_rendered_stored_and_mailed(
    cast, test_kinds, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(
            kind_code="essai", scope=Scope(territory=cast.territory), requested_by=cast.organiser
        )

    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.title == "Essai — Métropole A"
    assert report.file.name == f"reports/metropole-a/{report.pk}-essai.pdf"
    assert report.page_count == 3
    with report.file.open("rb") as stored:
        assert report.size_bytes == len(stored.read())
    assert report.attempts == 1
    assert [m.to for m in mail.outbox] == [["orga@example.org"]]
    assert "est prêt" in mail.outbox[0].subject
    assert f"/espace/rapports/{report.pk}/telecharger/" in mail.outbox[0].body


def test_a_task_run_twice_makes_one_file(cast, test_kinds, settings):
    report = Report.objects.create(territory=cast.territory, kind="essai", title="Essai")
    render_report(report_id=report.pk, task_id="t-1")

    again = render_report(report_id=report.pk, task_id="t-1")
    other = render_report(report_id=report.pk, task_id="t-2")

    assert again is None and other is None
    files = list((Path(settings.MEDIA_ROOT) / "reports" / "metropole-a").iterdir())
    assert [f.name for f in files] == [f"{report.pk}-essai.pdf"]


def test_a_redelivered_task_takes_its_own_claim_back(cast, test_kinds):
    report = Report.objects.create(territory=cast.territory, kind="essai", title="Essai")
    assert claim_report(report_id=report.pk, task_id="t-1") is not None
    # The worker died mid-render: the broker delivers the same task again.

    rendered = render_report(report_id=report.pk, task_id="t-1")

    assert rendered.status == ReportStatus.READY
    assert rendered.attempts == 2


def test_a_live_claim_is_not_taken_but_an_expired_one_is(cast, test_kinds):
    report = Report.objects.create(territory=cast.territory, kind="essai", title="Essai")
    assert claim_report(report_id=report.pk, task_id="t-1") is not None

    assert render_report(report_id=report.pk, task_id="t-2") is None
    Report.objects.filter(pk=report.pk).update(
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    taken = render_report(report_id=report.pk, task_id="t-2")

    assert taken.status == ReportStatus.READY
    assert taken.render_task_id == "t-2"


def test_the_sweep_sends_again_what_a_dead_worker_left(
    cast, test_kinds, django_capture_on_commit_callbacks
):
    report = Report.objects.create(territory=cast.territory, kind="essai", title="Essai")
    claim_report(report_id=report.pk, task_id="t-dead")
    later = timezone.now() + datetime.timedelta(minutes=16)

    with django_capture_on_commit_callbacks(execute=True):
        sent = requeue_stalled_reports(now=later)

    report.refresh_from_db()
    assert sent == [report.pk]
    assert report.status == ReportStatus.READY


def test_the_sweep_gives_up_after_too_many_interruptions(cast, test_kinds):
    report = Report.objects.create(
        territory=cast.territory, kind="essai", title="Essai", requested_by=cast.organiser
    )
    claim_report(report_id=report.pk, task_id="t-dead")
    Report.objects.filter(pk=report.pk).update(attempts=MAX_ATTEMPTS)

    requeue_stalled_reports(now=timezone.now() + datetime.timedelta(minutes=16))

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "interrompu 5 fois" in report.error
    assert not report.file


def test_a_queued_report_whose_message_was_lost_is_sent_again(
    cast, test_kinds, django_capture_on_commit_callbacks
):
    report = Report.objects.create(territory=cast.territory, kind="essai", title="Essai")
    Report.objects.filter(pk=report.pk).update(
        requested_at=timezone.now() - datetime.timedelta(minutes=11)
    )

    with django_capture_on_commit_callbacks(execute=True):
        requeue_stalled_reports()

    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_a_storage_failure_is_retried_then_given_up_with_its_reason(cast, test_kinds, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def broken_save(self, name, content, max_length=None):
        raise OSError("disque plein")

    monkeypatch.setattr(FileSystemStorage, "save", broken_save)
    report = Report.objects.create(
        territory=cast.territory, kind="essai", title="Essai", requested_by=cast.organiser
    )

    with pytest.raises(TransientRenderError):
        render_report(report_id=report.pk, task_id="t-1")
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.QUEUED, "OSError: disque plein")

    for attempt in range(MAX_ATTEMPTS - 1):
        with pytest.raises(TransientRenderError):
            render_report(report_id=report.pk, task_id=f"t-{attempt + 2}")
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    render_report(report_id=report.pk, task_id="t-last")
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "dernière erreur : OSError: disque plein" in report.error


def test_the_task_retries_a_passing_failure(
    cast, test_kinds, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.files.storage import FileSystemStorage

    real_save = FileSystemStorage.save
    failures = iter([OSError("réseau coupé")])

    def flaky_save(self, name, content, max_length=None):
        for error in failures:
            raise error
        return real_save(self, name, content, max_length=max_length)

    monkeypatch.setattr(FileSystemStorage, "save", flaky_save)

    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(
            kind_code="essai", scope=Scope(territory=cast.territory), requested_by=None
        )

    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.attempts == 2


def test_a_layout_failure_is_recorded_with_a_readable_reason(
    cast, test_kinds, django_capture_on_commit_callbacks
):
    test_kinds["fail"] = ValueError("boom")

    with django_capture_on_commit_callbacks(execute=True):
        report = request_report(
            kind_code="essai", scope=Scope(territory=cast.territory), requested_by=cast.organiser
        )

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error.startswith("Le document n'a pas pu être mis en page (ValueError)")
    assert "n'a pas pu être rendu" in mail.outbox[0].subject
    assert report.error in mail.outbox[0].body


def test_a_report_whose_event_was_deleted_fails_with_that_reason(cast, test_kinds):
    event = EventFactory(territory=cast.territory)
    report = Report.objects.create(
        territory=cast.territory, kind="essai-soiree", title="x", parameters={"event": event.pk}
    )
    event.delete()

    render_report(report_id=report.pk, task_id="t-1")

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "n'existe plus" in report.error


def test_the_report_is_rendered_in_the_language_it_was_asked_in(cast, test_kinds):
    report = request_report(
        kind_code="essai", scope=Scope(territory=cast.territory), requested_by=None, language="en"
    )

    assert report.language == "en"


# The reports page


def _url(cast) -> str:
    return reverse("territory_reports", kwargs={"slug": cast.territory.slug})


@pytest.mark.parametrize("item_count", [1, 26])
def test_the_reports_page_lists_the_versions(
    client, cast, test_kinds, item_count, django_assert_max_num_queries
):
    for number in range(item_count):
        Report.objects.create(
            territory=cast.territory,
            kind="essai",
            title=f"Version {number}",
            requested_by=cast.organiser,
        )
    Report.objects.create(territory=cast.other_territory, kind="essai", title="Ailleurs")
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(12):
        response = client.get(_url(cast))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Version ") == min(item_count, 25)
    assert "Ailleurs" not in html
    assert 'hx-trigger="every 2s"' in html
    assert "Demander un rapport" in html


def test_older_versions_are_on_the_next_page_which_follows_itself(client, cast, test_kinds):
    for number in range(26):
        Report.objects.create(territory=cast.territory, kind="essai", title=f"Version {number:02}")
    client.force_login(cast.organiser)

    first = client.get(_url(cast)).content.decode()
    second = client.get(_url(cast), {"page": "2"}).content.decode()
    polled = client.get(_url(cast), {"page": "2"}, headers={"HX-Request": "true"})

    assert "Version 25" in first and "Version 00" not in first
    assert 'href="?page=2" rel="next"' in first
    assert "Version 00" in second and "Version 01" not in second
    assert f'hx-get="{_url(cast)}?page=2"' in second
    assert "Version 00" in polled.content.decode()


def test_officials_and_coaches_read_but_do_not_ask(client, cast, test_kinds):
    for person in (cast.official, cast.coach):
        client.force_login(person)

        response = client.get(_url(cast))
        refused = client.post(_url(cast), {"essai-kind": "essai"})

        assert response.status_code == 200
        assert "Demander un rapport" not in response.content.decode()
        assert refused.status_code == 403
    assert Report.objects.count() == 0


def test_asking_for_a_report_queues_it_and_the_page_follows_it(
    client, cast, test_kinds, django_capture_on_commit_callbacks
):
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            _url(cast), {"essai-kind": "essai", "essai-since": "2026-01-01"}, follow=True
        )

    report = Report.objects.get()
    assert report.parameters == {"since": "2026-01-01"}
    assert report.status == ReportStatus.QUEUED
    assert len(callbacks) == 1
    html = response.content.decode()
    assert "est demandé" in html
    assert "en attente" in html
    partial = client.get(_url(cast), headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="report-list"')
    callbacks[0]()
    done = client.get(_url(cast), headers={"HX-Request": "true"}).content.decode()
    assert "Télécharger" in done
    assert "every 2s" not in done


def test_a_bad_period_is_refused_with_what_was_typed_kept(client, cast, test_kinds):
    client.force_login(cast.organiser)

    response = client.post(
        _url(cast),
        {"essai-kind": "essai", "essai-since": "2026-06-01", "essai-until": "2026-01-01"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "La fin de la période doit venir après son début" in html
    assert 'value="2026-06-01"' in html
    assert Report.objects.count() == 0


def test_an_event_report_needs_an_event_of_the_territory(client, cast, test_kinds):
    other_event = EventFactory(territory=cast.other_territory, slug="ailleurs")
    EventFactory(territory=cast.territory, slug="ici")
    client.force_login(cast.organiser)

    missing = client.post(_url(cast), {"essai-soiree-kind": "essai-soiree"})
    foreign = client.post(
        _url(cast), {"essai-soiree-kind": "essai-soiree", "essai-soiree-event": other_event.slug}
    )

    assert missing.status_code == foreign.status_code == 400
    assert Report.objects.count() == 0


def test_the_failure_reason_is_shown_to_the_organiser(client, cast, test_kinds):
    Report.objects.create(
        territory=cast.territory,
        kind="essai",
        title="Essai",
        status=ReportStatus.FAILED,
        error="Ce type de rapport n'est plus disponible sur la plateforme.",
    )
    client.force_login(cast.organiser)

    html = client.get(_url(cast)).content.decode()

    assert "plus disponible sur la plateforme" in html
    assert "every 2s" not in html


# The download


@pytest.fixture
def ready_report(cast, test_kinds):
    report = Report.objects.create(territory=cast.territory, kind="essai", title="Essai")
    return render_report(report_id=report.pk, task_id="t-1")


@pytest.mark.parametrize("role", ["organiser", "coach", "official", "superuser"])
def test_the_territory_s_readers_download_the_pdf(client, cast, ready_report, role):
    client.force_login(getattr(cast, role))

    response = client.get(ready_report.get_download_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="essai-metropole-a-')
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("role", ["stranger", "facilitator", "other_organiser", "team_member"])
def test_nobody_else_downloads_it(client, cast, ready_report, role):
    client.force_login(getattr(cast, role))

    assert client.get(ready_report.get_download_url()).status_code == 404


def test_a_report_not_ready_has_nothing_to_download(client, cast, test_kinds):
    report = Report.objects.create(territory=cast.territory, kind="essai", title="Essai")
    client.force_login(cast.organiser)

    assert client.get(report.get_download_url()).status_code == 404


# The admin action and the command


def test_the_admin_action_asks_for_a_report_per_territory(
    client, cast, test_kinds, django_capture_on_commit_callbacks
):
    from territoire.admin import TerritoryAdmin
    from territoire.reports.actions import request_report_action

    TerritoryAdmin.actions = [*TerritoryAdmin.actions, request_report_action("essai", "Essai")]
    client.force_login(cast.organiser)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:territoire_territory_changelist"),
                {
                    "action": "request_essai_report",
                    "_selected_action": [cast.territory.pk, cast.other_territory.pk],
                },
                follow=True,
            )
    finally:
        TerritoryAdmin.actions = TerritoryAdmin.actions[:-1]

    report = Report.objects.get()
    assert (report.territory, report.status) == (cast.territory, ReportStatus.READY)
    assert "1 rapport demandé." in response.content.decode()


def test_the_command_renders_to_a_file(cast, test_kinds, tmp_path):
    EventFactory(territory=cast.territory, slug="soiree-a", title="La soirée")
    output = tmp_path / "soiree.pdf"
    errors = io.StringIO()

    call_command(
        "render_report", "essai-soiree", "--event", "soiree-a", "-o", str(output), stderr=errors
    )

    assert "Soirée La soirée" in "\n".join(pdf_pages(output.read_bytes()))
    assert "3 pages" in errors.getvalue()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["inconnu"], "unknown report kind 'inconnu'"),
        (["essai-soiree"], "needs --event SLUG"),
        (["essai-soiree", "--event", "absente"], "no event with the slug 'absente'"),
        (["essai"], "needs --territory SLUG"),
        (
            [
                "essai",
                "--territory",
                "metropole-a",
                "--since",
                "2026-02-01",
                "--until",
                "2026-01-01",
            ],
            "--since must come before --until",
        ),
    ],
)
def test_the_command_explains_bad_arguments(cast, test_kinds, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_report", *arguments)


@pytest.mark.parametrize(
    ("role", "linked"),
    [("organiser", True), ("coach", True), ("official", True), ("facilitator", False)],
)
def test_the_space_links_to_the_reports_of_those_who_read_them(client, cast, role, linked):
    client.force_login(getattr(cast, role))

    html = client.get(reverse("space")).content.decode()

    assert (f'href="{_url(cast)}"' in html) is linked


def test_an_event_report_without_any_event_says_so_and_offers_no_button(client, cast, test_kinds):
    client.force_login(cast.organiser)

    html = client.get(_url(cast)).content.decode()

    event_form = html.split('name="essai-soiree-kind"')[1].split("</form>")[0]
    assert "pas encore de soirée" in event_form
    assert "<button" not in event_form


def test_long_dates_use_the_french_ordinal_for_the_first():
    from django.utils import translation

    from territoire.reports.typography import long_date

    first, fourth = datetime.date(2026, 6, 1), datetime.date(2026, 6, 4)

    with translation.override("fr"):
        assert long_date(first, weekday=True) == "lundi 1er juin 2026"
        assert long_date(fourth) == "4 juin 2026"
    with translation.override("en"):
        assert long_date(first) == "1 June 2026"


def test_deleting_a_version_in_the_admin_deletes_its_file(client, cast, ready_report):
    path = Path(ready_report.file.path)
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:territoire_report_delete", args=[ready_report.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Report.objects.exists()
    assert not path.exists()

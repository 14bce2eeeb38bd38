"""An organiser asks for a report in a real browser: the page follows it from "en attente" to a
download link without being reloaded, and the file downloaded is the PDF."""

import pytest
from playwright.sync_api import Page, expect

from territoire.enums import Role
from territoire.reports import lifecycle
from territoire.reports.lifecycle import render_report
from territoire.reports.models import Report
from tests.browser.conftest import shot
from tests.browser.test_journey import BrowserLog
from tests.factories import PASSWORD, MembershipFactory, TerritoryFactory, UserFactory
from tests.projects.factories import ProjectFactory


@pytest.fixture
def organiser(transactional_db):
    territory = TerritoryFactory(name="Métropole lilloise", slug="metropole-lilloise")
    ProjectFactory(territory=territory, name="Numéribus", slug="numeribus")
    person = UserFactory(email="orga@example.org", full_name="Camille Dupré")
    MembershipFactory(territory=territory, user=person, role=Role.ORGANISER)
    return person


def test_organiser_asks_for_a_report_and_watches_it_become_ready(
    live_server, page: Page, organiser, monkeypatch, tmp_path
):
    # No worker in this test: the task is held back, then run by the test itself.
    held = []
    monkeypatch.setattr(lifecycle, "enqueue", lambda task, **kw: held.append(kw))
    log = BrowserLog(page, live_server.url.rstrip("/"))
    page.goto("/compte/login/")
    password_form = page.get_by_role("region", name="Avec un mot de passe")
    password_form.get_by_label("Adresse e-mail").fill(organiser.email)
    password_form.get_by_label("Mot de passe").fill(PASSWORD)
    password_form.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Rapports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les rapports de Métropole lilloise")

    portfolio = page.locator("form", has=page.get_by_role("heading", name="Portfolio des projets"))
    portfolio.get_by_label("Du").fill("2020-01-01")
    portfolio.get_by_role("button", name="Demander").click()
    expect(page.locator(".message--success")).to_contain_text("est demandé")
    expect(page.locator("#report-list")).to_contain_text("en attente")
    shot(page, "reports-1-queued")

    render_report(report_id=held[0]["report_id"], task_id="browser")
    download_link = page.get_by_role("link", name="Télécharger")
    expect(download_link).to_be_visible(timeout=10_000)  # the list polls every 2 s
    expect(page.locator("#report-list")).to_contain_text("prêt")
    shot(page, "reports-2-ready")
    with page.expect_download() as download:
        download_link.click()
    saved = tmp_path / "portfolio.pdf"
    download.value.save_as(saved)

    assert saved.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename.startswith("portfolio-des-projets-metropole-lilloise-")
    assert Report.objects.get().page_count == 3
    log.assert_clean("reports")

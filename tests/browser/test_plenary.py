"""The plenary on a projector through its secret screen link (no sign-in), fed by a phone at a
table, then spotlighting a project. 1920 by 1080 screenshots land in tests/artifacts/."""

import re

import pytest
from playwright.sync_api import Browser, expect

from events.domain.facilitation import form_project, set_phase_for_event
from events.domain.plenary import (
    clear_spotlight,
    renew_screen_link,
    revoke_screen_link,
    spotlight_project,
)
from events.enums import Phase
from tests.browser.conftest import shot
from tests.browser.test_journey import BrowserLog
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import EventFactory, TableFactory

PROJECTOR = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def evening(transactional_db):
    event = EventFactory(title="Soirée au vélodrome", venue="Vélodrome couvert")
    seniors = ChallengeFactory(territory=event.territory, title="Seniors et numérique")
    table = TableFactory(event=event, challenge=seniors, name="Table des seniors", code="SEN01")
    for n in range(2, 6):
        TableFactory(event=event, name=f"Table {n}", code=f"TAB0{n}")
    set_phase_for_event(event=event, phase=Phase.IDEATION, minutes=25, by=None)
    return event, table


def _context(browser: Browser, live_server, **options):
    return browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **options
    )


def test_the_projector_shows_an_idea_posted_on_a_phone(live_server, browser: Browser, evening):
    event, table = evening
    token = renew_screen_link(event=event, by=None)
    projector_context = _context(browser, live_server, viewport=PROJECTOR)
    phone_context = _context(browser, live_server, viewport=PHONE, is_mobile=True)
    projector, phone = projector_context.new_page(), phone_context.new_page()
    log = BrowserLog(projector, live_server.url.rstrip("/"))

    # The projector's computer opens the link: no sign-in, the plenary fills the screen.
    projector.goto(f"/ecran/{token}/")
    expect(projector.get_by_role("heading", level=1)).to_have_text("Soirée au vélodrome")
    expect(projector.locator(".plenary-join__url")).to_contain_text("/t/")
    expect(projector.locator(".plenary-codes")).to_contain_text("SEN01")
    # Five tables: each code on its own line, with its table's whole name (none cut short).
    names = projector.locator(".plenary-codes__name")
    assert names.evaluate_all("names => names.every(n => n.scrollWidth <= n.clientWidth)")
    expect(projector.locator(".plenary-countdown")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    expect(projector.locator(".plenary-phase__until")).to_contain_text("jusqu'à")
    assert projector_context.cookies() == []  # no session, no CSRF cookie
    shot(projector, "plenary-1-screen-link")

    # A participant joins the table on a phone and posts an idea.
    phone.goto(f"/t/{table.code}/")
    phone.get_by_label("Votre prénom ou votre nom").fill("Inès")
    phone.get_by_role("button", name=re.compile("Rejoindre", re.I)).click()
    phone.get_by_label("Proposez une idée").fill("Des lycéens qui aident les seniors une heure")
    phone.get_by_role("button", name="Envoyer mon idée").click()
    expect(phone.locator("#board")).to_contain_text("Des lycéens qui aident les seniors")

    # Within a poll, the idea and the person at table are on the big screen.
    expect(projector.locator(".plenary-ideas")).to_contain_text(
        "Des lycéens qui aident les seniors une heure", timeout=15000
    )
    expect(projector.locator(".plenary-figure--seated strong")).to_have_text("1")
    shot(projector, "plenary-2-idea-from-a-phone")

    # A project is born and the control room spotlights it: the screen shows it full size.
    project = form_project(
        table=table,
        name="Tandems numériques",
        pitch="Des lycéens et des seniors en binôme, une heure par semaine, au centre social.",
        ideas=[],
        members=[{"full_name": "Inès", "email": "ines@example.org"}],
        by=None,
    )
    expect(projector.locator(".plenary-projects")).to_contain_text(
        "Tandems numériques", timeout=15000
    )
    spotlight_project(event=event, project=project, by=None)
    expect(projector.locator(".plenary-spotlight__name")).to_have_text(
        "Tandems numériques", timeout=15000
    )
    expect(projector.locator(".plenary-join__url")).to_be_visible()  # joining stays on screen
    shot(projector, "plenary-3-spotlight")
    clear_spotlight(event=event, by=None)
    expect(projector.locator(".plenary-spotlight")).to_have_count(0, timeout=15000)

    log.assert_clean("plenary")

    # The link is revoked: at the next poll the projector says so instead of freezing.
    revoke_screen_link(event=event, by=None)
    expect(projector.get_by_role("heading", level=1)).to_contain_text(
        "Ce lien d'écran a été révoqué", timeout=15000
    )
    shot(projector, "plenary-4-link-revoked")
    phone_context.close()
    projector_context.close()

"""The night in real browsers: a participant on a phone and the facilitator's console side by side,
then the same participant flow with JavaScript disabled. Screenshots land in tests/artifacts/."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from events.enums import Phase
from events.models import FormedProject, Idea, Table, Vote
from territoire.enums import Role
from tests.browser.conftest import shot
from tests.browser.test_journey import BrowserLog
from tests.events.factories import EventFactory, TableFactory
from tests.factories import PASSWORD, MembershipFactory, UserFactory

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def night(transactional_db):
    facilitator = UserFactory(email="anim@example.org", full_name="Karim Benali")
    event = EventFactory(title="Soirée au vélodrome")
    MembershipFactory(territory=event.territory, user=facilitator, role=Role.FACILITATOR)
    table = TableFactory(event=event, name="Table des seniors", code="SEN01")
    table.facilitators.add(facilitator)
    return table, facilitator


def _sign_in(page: Page, email: str) -> None:
    page.goto("/compte/login/")
    form = page.get_by_role("region", name="Avec un mot de passe")
    form.get_by_label("Adresse e-mail").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()


def _new_context(browser: Browser, live_server, **options):
    return browser.new_context(
        base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris", **options
    )


def _set_phase(console: Page, label: str) -> None:
    console.locator(".phase-buttons").get_by_role("button", name=re.compile(label, re.I)).click()


def test_participant_and_facilitator_run_a_table(live_server, browser: Browser, night):
    table, facilitator = night
    phone_context = _new_context(browser, live_server, viewport=PHONE, is_mobile=True)
    console_context = _new_context(browser, live_server, viewport={"width": 820, "height": 1180})
    phone, console = phone_context.new_page(), console_context.new_page()
    log = BrowserLog(phone, live_server.url.rstrip("/"))

    # The participant types the table's code and gives a name.
    phone.goto("/t/")
    phone.get_by_label("Code de la table").fill("sen01")
    phone.get_by_role("button").filter(
        has_text=re.compile("rejoindre|Valider|OK", re.I)
    ).first.click()
    phone.get_by_label("Votre prénom ou votre nom").fill("Inès")
    phone.get_by_role("button", name=re.compile("Rejoindre", re.I)).click()
    shot(phone, "night-1-phone-joined")

    # The facilitator's console is open in a second browser.
    _sign_in(console, facilitator.email)
    console.goto(f"/espace/tables/{table.code}/")
    expect(console.get_by_role("heading", level=1)).to_contain_text("Table des seniors")

    for text in ("Un bus numérique de quartier", "Un bus qui passe dans chaque quartier"):
        phone.get_by_label("Proposez une idée").fill(text)
        phone.get_by_role("button", name="Envoyer mon idée").click()
        expect(phone.locator("#board")).to_contain_text(text)
    shot(phone, "night-2-phone-ideas")

    # The ideas reach the console without a reload (htmx polling).
    expect(console.locator("#idees")).to_contain_text(
        "Un bus qui passe dans chaque quartier", timeout=15000
    )
    shot(console, "night-3-console-ideas")
    second = Idea.objects.get(text__startswith="Un bus qui passe")
    first = Idea.objects.get(text__startswith="Un bus numérique")
    # The idea's one "Regrouper, classer…" link opens the shared picker in a dialog.
    console.locator(f"#idee-{second.pk}").get_by_role("link", name=re.compile("Regrouper")).click()
    picker = console.locator("#console-picker")
    expect(picker).to_be_visible()
    picker.get_by_role("button", name=re.compile("Un bus numérique")).click()
    expect(picker).to_be_hidden()
    expect(console.locator(f"#idee-{first.pk}")).to_contain_text("Un bus qui passe")

    _set_phase(console, "vote")
    expect(phone.get_by_role("button", name=re.compile("gommette")).first).to_be_visible(
        timeout=15000
    )
    for _ in range(3):
        phone.get_by_role("button", name=re.compile(r"\+1 gommette")).first.click()
        phone.wait_for_timeout(300)
    expect(phone.locator("#board")).to_contain_text(re.compile("Toutes vos gommettes sont posées"))
    shot(phone, "night-4-phone-dots")
    assert Vote.objects.filter(idea=first).count() == 3

    _set_phase(console, "formation")
    console.get_by_label("Nom du projet").fill("Numéribus")
    console.get_by_label("Pitch").fill("Un bus qui va au-devant des seniors isolés.")
    console.locator("#former").get_by_label(re.compile("Un bus numérique")).check()
    console.locator("#former").get_by_label("Inès").check()
    # The lead must be reachable: her address, typed on a row with her name, joins her entry.
    console.locator('[name="membre-0-full_name"]').fill("Inès")
    console.locator('[name="membre-0-email"]').fill("ines@example.org")
    console.get_by_role("button", name="Faire naître le projet").click()
    expect(console.locator("body")).to_contain_text("Numéribus")
    shot(console, "night-5-console-project")
    project = FormedProject.objects.get()
    assert list(project.ideas.all()) == [first]
    assert list(project.team.values_list("full_name", "email", "is_lead")) == [
        ("Inès", "ines@example.org", True)
    ]
    assert Table.objects.get(pk=table.pk).project_count == 1
    log.assert_clean("phone")
    phone_context.close()
    console_context.close()


def test_participant_posts_and_votes_without_javascript(live_server, browser: Browser, night):
    table, _facilitator = night
    context = _new_context(browser, live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()

    page.goto(f"/t/{table.code}/")
    page.get_by_label("Votre prénom ou votre nom").fill("Sans JS")
    page.get_by_role("button", name=re.compile("Rejoindre", re.I)).click()
    page.get_by_label("Proposez une idée").fill("Une idée envoyée sans JavaScript")
    page.get_by_role("button", name="Envoyer mon idée").click()
    expect(page.locator("body")).to_contain_text("Une idée envoyée sans JavaScript")
    # A retry of the same form (same client key) does not make a second idea.
    assert Idea.objects.filter(table=table).count() == 1

    Table.objects.filter(pk=table.pk).update(phase=Phase.VOTE, version=99)
    page.reload()
    page.get_by_role("button", name=re.compile(r"\+1 gommette")).first.click()
    expect(page.locator("body")).to_contain_text(re.compile("gommette"))
    shot(page, "night-6-phone-no-js")
    assert Vote.objects.filter(participant__table=table).count() == 1
    context.close()

"""One journey through a real browser: a territory's public page, then sign-in by e-mailed code,
then the person's space. Screenshots of each step land in tests/artifacts/."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from playwright.sync_api import ConsoleMessage, Page, Request, expect

from territoire.enums import Role
from tests.browser.conftest import shot
from tests.factories import DomainFactory, MembershipFactory, TerritoryFactory, UserFactory

NARROW = 360
CODE_LINE = re.compile(r"^\s*([A-Z0-9]{3,}(?:-[A-Z0-9]+)*)\s*$", re.MULTILINE)


class BrowserLog:
    """What a page asked for, and what it complained about, since the last reset."""

    def __init__(self, page: Page, origin: str) -> None:
        self.origin = origin
        self.foreign_requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))

    def _on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme == "data":
            return
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def assert_clean(self, step: str) -> None:
        assert self.foreign_requests == [], f"{step}: requests to other hosts"
        assert self.errors == [], f"{step}: console errors"
        self.foreign_requests.clear()
        self.errors.clear()


@pytest.fixture
def journey_cast(transactional_db):
    territory = TerritoryFactory(
        name="Vallée de la Bruche",
        slug="vallee-de-la-bruche",
        description="Quinze communes qui se mobilisent pour l'emploi.",
        job_target=250,
    )
    territory.domains.add(
        DomainFactory(name="Alimentation durable", slug="alimentation-durable"),
        DomainFactory(name="Mobilités", slug="mobilites"),
    )
    person = UserFactory(email="camille.elue@example.org", full_name="Camille Martin")
    MembershipFactory(territory=territory, user=person, role=Role.OFFICIAL)
    return territory, person


def test_visitor_finds_territory_then_signs_in_by_code(
    live_server, page: Page, new_context, journey_cast
):
    territory, person = journey_cast
    origin = live_server.url.rstrip("/")
    log = BrowserLog(page, origin)

    # Home: the territory is listed; nothing loaded from elsewhere, nothing logged as an error.
    page.goto("/")  # base_url: the live server
    territory_link = page.get_by_role("heading", name=territory.name).get_by_role("link")
    expect(territory_link).to_be_visible()
    shot(page, "1-home")
    log.assert_clean("home")

    # The territory's page: its name, its job target and its domains.
    territory_link.click()
    expect(page).to_have_url(f"{origin}/territoires/{territory.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(territory.name)
    expect(page.locator(".target-figure")).to_contain_text("250")
    expect(page.locator(".target-figure")).to_contain_text("emplois créés d'ici le 4 juin 2029")
    domains = page.get_by_role("region", name="Ses domaines").get_by_role("listitem")
    expect(domains).to_have_text(["Alimentation durable", "Mobilités"])
    shot(page, "2-territory")
    log.assert_clean("territory")

    # Sign in: ask for a code by e-mail.
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Se connecter"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    code_form = page.get_by_role("region", name="Recevoir un code par e-mail")
    code_form.locator("#id_code_email").fill(person.email)
    shot(page, "3-login")
    log.assert_clean("login")
    code_form.get_by_role("button", name="M'envoyer un code").click()

    # The confirmation page; the code comes from the e-mail the (eager) Celery task sent.
    expect(page).to_have_url(re.compile(r"/compte/login/code/confirm/$"))
    code_field = page.locator("#id_code")
    expect(code_field).to_be_visible()
    shot(page, "4-code")
    log.assert_clean("code confirmation")
    assert [message.to for message in mail.outbox] == [[person.email]]
    codes = CODE_LINE.findall(mail.outbox[0].body)
    assert len(codes) == 1, mail.outbox[0].body
    code_field.fill(codes[0])
    page.get_by_role("button", name="Confirmer").click()

    # The person's space lists the territory, the role held there and its cards.
    expect(page).to_have_url(f"{origin}/espace/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")
    card = page.locator(".space-territory").filter(
        has=page.get_by_role("link", name=territory.name)
    )
    expect(card).to_be_visible()
    expect(card.locator(".tag--role")).to_have_text("élu·e / agent·e de la collectivité")
    expect(card.locator(".next-card", has_text="Les chiffres du territoire")).to_be_visible()
    shot(page, "5-space")
    log.assert_clean("space")

    # The territory's page on a 360 px wide phone: nothing sticks out sideways.
    phone = new_context(viewport={"width": NARROW, "height": 740}).new_page()
    phone_log = BrowserLog(phone, origin)
    phone.goto(territory.get_absolute_url())
    expect(phone.get_by_role("heading", level=1)).to_have_text(territory.name)
    shot(phone, "6-territory-360")
    scroll_width = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW, f"horizontal overflow: {scroll_width}px wide"
    phone_log.assert_clean("territory at 360 px")

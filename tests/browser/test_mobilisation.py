"""The mobilisation in a real browser: a visitor joins a challenge and confirms by e-mail; the
organiser sees them on the board. Screenshots land in tests/artifacts/."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from challenges.enums import ChallengeStatus
from territoire.enums import Role
from tests.browser.conftest import shot
from tests.browser.test_journey import BrowserLog
from tests.challenges.factories import ChallengeFactory, SignUpFactory
from tests.factories import (
    PASSWORD,
    DomainFactory,
    MembershipFactory,
    TerritoryFactory,
    UserFactory,
)


@pytest.fixture
def mobilisation(transactional_db):
    territory = TerritoryFactory(name="Métropole lilloise", slug="metropole-lilloise")
    domain = DomainFactory(name="Bien-être dans la ville", slug="bien-etre-ville")
    territory.domains.add(domain)
    challenge = ChallengeFactory(
        territory=territory,
        domain=domain,
        title="Seniors : retrouver sa place",
        slug="seniors-numerique",
        question="Comment les seniors éloignés du numérique peuvent-ils retrouver leur place ?",
        status=ChallengeStatus.OPEN,
    )
    SignUpFactory(territory=territory, challenges=[challenge], full_name="Déjà Inscrite")
    organiser = UserFactory(email="orga@example.org")
    MembershipFactory(territory=territory, user=organiser, role=Role.ORGANISER)
    return territory, challenge, organiser


def test_visitor_joins_a_challenge_and_the_organiser_sees_it(live_server, page: Page, mobilisation):
    territory, challenge, organiser = mobilisation
    log = BrowserLog(page, live_server.url.rstrip("/"))

    page.goto(f"/territoires/{territory.slug}/")
    page.get_by_role("link", name="Les défis du territoire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Les défis de")
    expect(page.get_by_text("1 personne mobilisée")).to_be_visible()
    shot(page, "mobilisation-1-challenges")
    page.get_by_role("link", name=challenge.title).click()
    page.get_by_role("link", name="Je rejoins ce défi").click()

    page.get_by_label("Votre nom complet").fill("Inès Nouvelle")
    page.get_by_label("Votre adresse e-mail").fill("ines@example.org")
    page.get_by_label("Vous êtes").select_option(label="association")
    expect(page.get_by_label(re.compile(challenge.title))).to_be_checked()
    page.get_by_label(re.compile("animer une table")).check()
    page.get_by_label(re.compile("politique de confidentialité")).check()
    shot(page, "mobilisation-2-signup")
    page.get_by_role("button", name="Je m'inscris").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    log.assert_clean("sign-up")

    link = re.search(r"https?://\S+/inscription/confirmer/\S+/", mail.outbox[-1].body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirmer mon inscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inscription confirmée")
    shot(page, "mobilisation-3-confirmed")
    page.goto(challenge.get_absolute_url())
    expect(page.get_by_text("2 personnes mobilisées")).to_be_visible()
    log.assert_clean("confirmation")

    page.goto("/compte/login/")
    password_form = page.get_by_role("region", name="Avec un mot de passe")
    password_form.get_by_label("Adresse e-mail").fill(organiser.email)
    password_form.get_by_label("Mot de passe").fill(PASSWORD)
    password_form.get_by_role("button", name="Se connecter").click()
    page.get_by_role("link", name="Tableau de la mobilisation").click()
    expect(page.get_by_text("Inès Nouvelle")).to_be_visible()
    shot(page, "mobilisation-4-board")
    log.assert_clean("board")

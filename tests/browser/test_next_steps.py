"""Every person finds their next step, in a real browser: a citizen from ``/`` to a completed
registration for the evening, a facilitator from her space to her table's console; the spaces as
cards on a 390 px phone. Screenshots land in tests/artifacts/ (next-*.png)."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from events.models import Registration
from territoire.enums import Role
from tests.accompaniment.factories import JobRecordFactory, PlanFactory
from tests.browser.conftest import shot
from tests.events.factories import EventFactory, TableFactory
from tests.factories import PASSWORD, MembershipFactory, TerritoryFactory, UserFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def territory(transactional_db):
    territory = TerritoryFactory(
        name="Vallée de la Bruche", slug="vallee-de-la-bruche", job_target=250
    )
    return territory


def _sign_in(page: Page, email: str) -> None:
    page.goto("/compte/login/")
    form = page.get_by_role("region", name="Avec un mot de passe")
    form.get_by_label("Adresse e-mail").fill(email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()


def test_citizen_goes_from_home_to_a_registration(page: Page, territory):
    event = EventFactory(territory=territory, title="La soirée du lancement", capacity=500)

    page.goto("/")
    card = page.locator(".next-card", has_text="La soirée du lancement")
    expect(card).to_contain_text("Plus de 50 places")
    shot(page, "next-1-home")
    card.get_by_role("link", name="Je m'inscris à la soirée").click()

    page.get_by_label("Votre nom complet").fill("Léa Dupont")
    page.get_by_label("Votre adresse e-mail").fill("lea@example.org")
    page.get_by_label(re.compile("J'accepte que mes données servent")).check()
    shot(page, "next-2-registration")
    page.get_by_role("button", name="Je m'inscris").click()

    expect(page).to_have_url(re.compile(rf"/soirees/{event.slug}/inscription/merci/$"))
    shot(page, "next-3-registered")
    assert Registration.objects.get(event=event).email == "lea@example.org"


def test_facilitator_goes_from_her_space_to_the_console(page: Page, territory):
    now = timezone.now()
    event = EventFactory(
        territory=territory,
        title="La soirée du lancement",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=5),
    )
    facilitator = UserFactory(email="anim@example.org", full_name="Karim Benali")
    MembershipFactory(territory=territory, user=facilitator, role=Role.FACILITATOR)
    table = TableFactory(event=event, name="Table des seniors", code="SEN01")
    table.facilitators.add(facilitator)

    _sign_in(page, facilitator.email)
    page.goto("/espace/")
    card = page.locator(".next-card", has_text="Table des seniors")
    expect(card).to_contain_text("Votre table ce soir")
    shot(page, "next-4-facilitator-space")
    card.get_by_role("link", name="Ouvrir la console").click()

    expect(page).to_have_url(re.compile(r"/espace/tables/SEN01/$"))
    shot(page, "next-5-console")


@pytest.mark.parametrize("role", ("organiser", "coach", "team"))
def test_spaces_are_cards_on_a_phone(browser: Browser, live_server, territory, role):
    person = UserFactory(email=f"{role}@example.org", full_name="Camille Martin")
    event = EventFactory(territory=territory, title="La soirée du lancement")
    TableFactory(event=event)
    project = ProjectFactory(territory=territory, name="Bus des seniors")
    PlanFactory(project=project)
    JobRecordFactory(project=project, number=2)
    if role == "team":
        ProjectMemberFactory(project=project, user=person)
    else:
        MembershipFactory(territory=territory, user=person, role=role)
        if role == "coach":
            project.coach = person
            project.save()
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="fr-FR"
    )
    page = context.new_page()

    _sign_in(page, person.email)
    page.goto("/espace/")

    expect(page.locator(".next-card").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"next-6-space-{role}-390")
    context.close()
    assert width <= PHONE["width"]

"""An organiser configures their territory in the admin, in a real browser, under the CSP."""

import pytest
from playwright.sync_api import Page, expect

from territoire.enums import Role
from territoire.models import Invitation
from tests.browser.conftest import shot
from tests.browser.test_journey import BrowserLog
from tests.factories import PASSWORD, MembershipFactory, TerritoryFactory, UserFactory


@pytest.fixture
def organiser(transactional_db):
    territory = TerritoryFactory(name="Métropole lilloise", slug="metropole-lilloise")
    TerritoryFactory(name="Pays de Figeac", slug="pays-de-figeac")
    person = UserFactory(email="orga@example.org", full_name="Camille Dupré")
    MembershipFactory(territory=territory, user=person, role=Role.ORGANISER)
    return person


def test_organiser_invites_a_facilitator_from_the_admin(live_server, page: Page, organiser):
    log = BrowserLog(page, live_server.url.rstrip("/"))
    page.goto("/compte/login/")
    password_form = page.get_by_role("region", name="Avec un mot de passe")
    password_form.get_by_label("Adresse e-mail").fill(organiser.email)
    password_form.get_by_label("Mot de passe").fill(PASSWORD)
    password_form.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon espace")

    page.get_by_role("link", name="Inviter quelqu'un").click()
    expect(page.locator("#id_territory")).to_have_value(
        str(organiser.memberships.get().territory_id)
    )
    page.locator("#id_email").fill("nouvel.animateur@example.org")
    page.locator("#id_full_name").fill("Nouvel Animateur")
    page.locator("#id_role").select_option(Role.FACILITATOR)
    shot(page, "admin-1-invitation-add")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("a été ajouté")
    assert Invitation.objects.get().email == "nouvel.animateur@example.org"
    page.goto("/admin/territoire/territory/")
    expect(page.locator("#result_list")).to_contain_text("Métropole lilloise")
    expect(page.locator("#result_list")).not_to_contain_text("Pays de Figeac")
    shot(page, "admin-2-territories")
    page.get_by_role("link", name="Métropole lilloise").click()
    shot(page, "admin-3-territory-change")
    log.assert_clean("admin")

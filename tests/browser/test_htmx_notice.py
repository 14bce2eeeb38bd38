"""A failed htmx request outside the phone shows a notice (static/js/htmx-notice.js): htmx swaps
nothing for an error answer, so the console would otherwise sit there as if the click did
nothing. Tried on the facilitator's console: a refused action (403), then no network."""

import pytest
from playwright.sync_api import Browser, expect

from events.enums import Phase
from territoire.enums import Role
from tests.browser.conftest import shot
from tests.events.factories import EventFactory, IdeaFactory, TableFactory
from tests.factories import PASSWORD, MembershipFactory, UserFactory


@pytest.fixture
def console_table(transactional_db):
    facilitator = UserFactory(email="anim@example.org", full_name="Karim Benali")
    event = EventFactory(title="Soirée au vélodrome")
    MembershipFactory(territory=event.territory, user=facilitator, role=Role.FACILITATOR)
    table = TableFactory(event=event, name="Table des seniors", code="SEN02", phase=Phase.IDEATION)
    table.facilitators.add(facilitator)
    IdeaFactory(table=table, text="Un bus qui passe dans les hameaux")
    return table, facilitator


def test_the_console_says_why_an_action_failed_and_when_the_network_is_down(
    live_server, browser: Browser, console_table
):
    table, facilitator = console_table
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    page = context.new_page()
    page.goto("/compte/login/")
    form = page.get_by_role("region", name="Avec un mot de passe")
    form.get_by_label("Adresse e-mail").fill(facilitator.email)
    form.get_by_label("Mot de passe").fill(PASSWORD)
    form.get_by_role("button", name="Se connecter").click()
    page.goto(f"/espace/tables/{table.code}/")
    expect(page.locator("#htmx-notice")).to_be_hidden()

    def hide_from_the_picker():
        page.locator("#idees").get_by_role("link", name="Regrouper, classer…").first.click()
        picker = page.locator("#console-picker")
        expect(picker).to_be_visible()
        return picker.get_by_role("button", name="Masquer cette idée")

    # Taken off the table while the picker is open: the console's action answers 403.
    hide = hide_from_the_picker()
    table.facilitators.remove(facilitator)
    hide.click()

    notice = page.locator("#htmx-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("role", "alert")
    expect(notice).to_contain_text("Accès refusé")
    expect(notice).to_contain_text("Vous n'avez pas accès à cette page avec votre compte.")
    expect(page.locator("#idees")).to_contain_text("Un bus qui passe dans les hameaux")
    shot(page, "htmx-notice-1-refused")
    notice.get_by_role("button", name="Fermer").click()
    expect(notice).to_be_hidden()

    # Back at the table, but the network is gone.
    table.facilitators.add(facilitator)
    hide = hide_from_the_picker()
    page.route("**/espace/tables/**", lambda route: route.abort("internetdisconnected"))
    hide.click()

    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Pas de réseau\N{NO-BREAK SPACE}: réessayez.")
    shot(page, "htmx-notice-2-network")
    context.close()

"""The phone at the table is a kiosk, in a real browser: no site navigation, the phase pinned at
the top, the focus back in the idea field after posting and on the idea after a dot, and a post
lost on the network said plainly ("Pas envoyé") and retried without making a second idea."""

import re

import pytest
from playwright.sync_api import Browser, Route, expect

from events.domain.facilitation import set_phase
from events.enums import Phase
from events.models import Idea, Vote
from tests.browser.conftest import shot
from tests.browser.test_journey import BrowserLog
from tests.events.factories import EventFactory, TableFactory

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def table(transactional_db):
    event = EventFactory(title="Soirée au vélodrome")
    return TableFactory(event=event, name="Table des mobilités", code="KIO01")


def test_the_phone_is_a_kiosk_that_says_when_a_post_did_not_leave(
    live_server, browser: Browser, table
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=PHONE,
        is_mobile=True,
    )
    phone = context.new_page()
    log = BrowserLog(phone, live_server.url.rstrip("/"))

    # A phone joins the table: a kiosk, without the site's navigation.
    phone.goto("/t/KIO01/")
    expect(phone.get_by_text("Se connecter")).to_have_count(0)
    phone.get_by_label("Votre prénom ou votre nom").fill("Inès")
    phone.get_by_role("button", name=re.compile("Rejoindre", re.I)).click()
    expect(phone.locator(".phase")).to_contain_text("En ce moment")
    expect(phone.get_by_role("link", name="Rafraîchir")).to_be_visible()
    expect(phone.locator(".site-nav")).to_have_count(0)
    log.assert_clean("joined")

    # An idea posted: on the board, and the focus back in the field for the next one.
    field = phone.get_by_label("Proposez une idée")
    field.fill("Des vélos en libre-service à la gare")
    phone.get_by_role("button", name="Envoyer mon idée").click()
    expect(phone.locator("#board")).to_contain_text("Des vélos en libre-service à la gare")
    expect(phone.get_by_label("Proposez une idée")).to_be_focused()
    expect(phone.get_by_label("Proposez une idée")).to_have_value("")
    shot(phone, "kiosk-1-idea-posted")
    log.assert_clean("first idea")

    # The next post reaches the server, but its answer is lost on the way back.
    def lose_the_answer(route: Route) -> None:
        route.fetch()
        route.abort()

    phone.route("**/t/KIO01/idees/", lose_the_answer)
    phone.get_by_label("Proposez une idée").fill("Un parking sécurisé pour les vélos")
    phone.get_by_role("button", name="Envoyer mon idée").click()
    notice = phone.locator("#send-failed")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Pas envoyé")
    expect(phone.get_by_label("Proposez une idée")).to_have_value(
        "Un parking sécurisé pour les vélos"
    )
    shot(phone, "kiosk-2-not-sent")

    # Retried once the network is back: one idea, not two.
    phone.unroute("**/t/KIO01/idees/")
    notice.get_by_role("button", name="Réessayer").click()
    expect(notice).to_be_hidden()
    expect(phone.get_by_label("Proposez une idée")).to_have_value("")
    expect(phone.locator("#board")).to_contain_text("Un parking sécurisé pour les vélos")
    assert Idea.objects.filter(table=table, text="Un parking sécurisé pour les vélos").count() == 1
    shot(phone, "kiosk-3-retried")

    # The vote opens; after a dot the focus stays on that idea of the list.
    set_phase(table=table, phase=Phase.VOTE, minutes=10, by=None)
    phone.get_by_role("link", name="Rafraîchir").click()
    expect(phone.locator(".phase")).to_contain_text("Jusqu'à")
    idea = Idea.objects.get(text="Des vélos en libre-service à la gare")
    item = phone.locator(f"#idee-{idea.pk}")
    item.get_by_role("button", name=re.compile(r"\+1 gommette")).click()
    expect(item).to_contain_text("dont 1 de vous")
    expect(phone.locator(f"#idee-{idea.pk} :focus, #idee-{idea.pk}:focus")).to_have_count(1)
    assert Vote.objects.filter(idea=idea).count() == 1
    shot(phone, "kiosk-4-dot-placed")
    context.close()

"""The live pages at a real table's size, in Chromium (issue 15): the console's shared picker
with and without JavaScript, at tablet and phone width; the control room and the plenary
refreshing one table's row or card in place. Screenshots land in tests/artifacts/."""

import re
import uuid

import pytest
from playwright.sync_api import Browser, expect

from events.domain.facilitation import merge_ideas, set_phase
from events.domain.participation import cast_vote, join_table, post_idea
from events.enums import Phase
from events.models import Idea, Participant
from territoire.enums import Role
from tests.browser.conftest import ARTIFACTS, shot
from tests.browser.test_night import _new_context, _sign_in
from tests.events.factories import EventFactory, ParticipantFactory, TableFactory
from tests.factories import MembershipFactory, UserFactory

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
FINGER_PX = 44


@pytest.fixture
def evening(transactional_db):
    event = EventFactory(title="Soirée au vélodrome")
    facilitator = UserFactory(email="anim@example.org", full_name="Karim Benali")
    organiser = UserFactory(email="orga@example.org", full_name="Léa Martin")
    MembershipFactory(territory=event.territory, user=facilitator, role=Role.FACILITATOR)
    MembershipFactory(territory=event.territory, user=organiser, role=Role.ORGANISER)
    tables = [
        TableFactory(event=event, name=f"Table {n}", code=f"TAB{n:02d}", facilitators=[facilitator])
        for n in range(1, 6)
    ]
    return event, tables, facilitator, organiser


def _ideas(table, count: int) -> list[Idea]:
    people = ParticipantFactory.create_batch(4, table=table)
    return [
        post_idea(
            participant=people[n % 4],
            text=f"Idée {n + 1} : un jardin partagé au pied de l'immeuble, ouvert aux voisins",
            client_key=uuid.uuid4(),
        )
        for n in range(count)
    ]


def _new_idea(table, text: str) -> Idea:
    seat = join_table(table=table, key=uuid.uuid4().hex, display_name="Nadia")
    return post_idea(participant=seat, text=text, client_key=uuid.uuid4())


def test_the_picker_works_without_javascript(live_server, browser: Browser, evening):
    _event, tables, facilitator, _organiser = evening
    table = tables[0]
    first, second, _third = _ideas(table, 3)
    context = _new_context(browser, live_server, viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, facilitator.email)

    page.goto(f"/espace/tables/{table.code}/")
    page.locator(f"#idee-{second.pk}").get_by_role("link", name=re.compile("Regrouper")).click()
    expect(page).to_have_url(re.compile(rf"/idees/{second.pk}/$"))
    shot(page, "live-picker-page-390")
    page.get_by_role("button", name=re.compile("Idée 1 :")).click()

    expect(page.locator(f"#idee-{first.pk}")).to_contain_text("Idée 2 :")
    expect(page.locator("body")).to_contain_text("Les deux idées sont regroupées.")
    assert Idea.objects.get(pk=second.pk).merged_into_id == first.pk
    context.close()


def _open_console(browser: Browser, live_server, facilitator, table, viewport: dict):
    """The facilitator signed in, on the table's console, in a new browser context."""
    context = _new_context(browser, live_server, viewport=viewport)
    page = context.new_page()
    _sign_in(page, facilitator.email)
    page.goto(f"/espace/tables/{table.code}/")
    return context, page


@pytest.mark.parametrize("viewport", (DESKTOP, PHONE), ids=("1280", "390"))
def test_the_console_and_its_picker_at_tablet_and_phone_width(
    live_server, browser: Browser, evening, viewport
):
    _event, tables, facilitator, _organiser = evening
    table = tables[0]
    ideas = _ideas(table, 40)
    context, page = _open_console(browser, live_server, facilitator, table, viewport)
    width = viewport["width"]
    shot(page, f"live-console-{width}")
    page.locator(f"#idee-{ideas[5].pk}").get_by_role("link", name=re.compile("Regrouper")).click()
    picker = page.locator("#console-picker")
    expect(picker).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"live-console-picker-{width}.png"))  # the viewport

    box = picker.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width  # nothing sticks out sideways
    choice = picker.get_by_role("button", name=re.compile("Idée 1 :"))
    assert choice.bounding_box()["height"] >= FINGER_PX
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    choice.click()
    expect(picker).to_be_hidden()
    expect(page.locator(f"#idee-{ideas[0].pk}")).to_contain_text("Idée 6 :")
    context.close()


def _mark(page, selector: str) -> None:
    page.locator(selector).evaluate("element => { element.dataset.seen = 'yes'; }")


def _order(page) -> list[str]:
    return page.locator("#idees-liste > li").evaluate_all("items => items.map(li => li.id)")


def test_the_console_refreshes_idea_by_idea_and_keeps_the_best_voted_first(
    live_server, browser: Browser, evening
):
    _event, tables, facilitator, _organiser = evening
    table = tables[0]
    ideas = _ideas(table, 5)
    context, page = _open_console(browser, live_server, facilitator, table, DESKTOP)
    for idea in ideas:
        _mark(page, f"#idee-{idea.pk}")

    # A new idea is appended; the ideas already there are left as they are.
    newcomer = _new_idea(table, "Un atelier vélo au pied des tours")
    expect(page.locator(f"#idee-{newcomer.pk}")).to_contain_text("Un atelier vélo", timeout=15000)
    assert _order(page)[-1] == f"idee-{newcomer.pk}"
    for idea in ideas:
        assert page.locator(f"#idee-{idea.pk}").get_attribute("data-seen") == "yes"

    # The vote: the newcomer's two dots put it first, in place, without reloading the list.
    set_phase(table=table, phase=Phase.VOTE, by=facilitator)
    voter = Participant.objects.get(pk=newcomer.participant_id)
    for _ in range(2):
        cast_vote(participant=voter, idea=newcomer, client_key=uuid.uuid4())
    expect(page.locator(f"#idee-{newcomer.pk} .score strong")).to_have_text("2", timeout=15000)
    # The list is put back in order once the swap settles (console.js, htmx:afterSettle).
    expect(page.locator("#idees-liste > li").first).to_have_id(f"idee-{newcomer.pk}")
    assert page.locator(f"#idee-{ideas[2].pk}").get_attribute("data-seen") == "yes"

    # A merge: the idea folded into another leaves the list, the other shows it.
    merge_ideas(table=table, idea=ideas[4], into=ideas[0], by=facilitator)
    expect(page.locator(f"#idee-{ideas[4].pk}")).to_have_count(0, timeout=15000)
    expect(page.locator(f"#idee-{ideas[0].pk} .merged")).to_contain_text("Idée 5 :")
    expected = [
        f"idee-{pk}" for pk in (newcomer.pk, ideas[0].pk, ideas[1].pk, ideas[2].pk, ideas[3].pk)
    ]
    in_order = "ids => [...document.querySelectorAll('#idees-liste > li')].map(li => li.id).join()"
    page.wait_for_function(f"{in_order} === ids", arg=",".join(expected))
    assert _order(page) == expected
    shot(page, "live-console-idea-by-idea-1280")
    context.close()


def test_the_control_room_refreshes_only_the_row_that_moved(live_server, browser: Browser, evening):
    event, tables, _facilitator, organiser = evening
    context = _new_context(browser, live_server, viewport=DESKTOP)
    page = context.new_page()
    _sign_in(page, organiser.email)

    page.goto(f"/espace/soirees/{event.slug}/regie/")
    for table in tables:
        _mark(page, f"#table-{table.pk}")
    _new_idea(tables[3], "Un atelier vélo")

    # The row of the table that moved is replaced (its count moves); the others stay in place.
    moved = page.locator(f"#table-{tables[3].pk}")
    expect(moved.locator("td.num").nth(1)).to_have_text("1", timeout=15000)
    expect(page.locator(".control-totals")).to_contain_text("1 idée")
    assert moved.get_attribute("data-seen") is None
    for table in (tables[0], tables[1], tables[2], tables[4]):
        assert page.locator(f"#table-{table.pk}").get_attribute("data-seen") == "yes"
    shot(page, "live-control-room-1280")
    page.set_viewport_size(PHONE)
    shot(page, "live-control-room-390")
    context.close()


def test_the_plenary_refreshes_only_the_card_that_moved(live_server, browser: Browser, evening):
    event, tables, _facilitator, organiser = evening
    context = _new_context(browser, live_server, viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    _sign_in(page, organiser.email)

    page.goto(f"/espace/soirees/{event.slug}/pleniere/")
    for table in tables:
        _mark(page, f"#plenary-table-{table.pk}")
    _new_idea(tables[0], "Un atelier vélo au pied des tours")

    moved = page.locator(f"#plenary-table-{tables[0].pk}")
    expect(moved).to_contain_text("Un atelier vélo au pied des tours", timeout=15000)
    expect(page.locator("#plenary-figures")).to_contain_text("1")
    assert moved.get_attribute("data-seen") is None
    for table in tables[1:]:
        assert page.locator(f"#plenary-table-{table.pk}").get_attribute("data-seen") == "yes"
    shot(page, "live-plenary-1920")
    context.close()

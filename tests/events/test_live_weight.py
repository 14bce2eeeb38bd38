"""The live pages at a real evening's size (issue 15): byte budgets, 304s, and a changed poll
that carries only what moved (``events/live_stamps.py``).

Measured with ideas of ~90 characters, the console at 66 and 200 ideas, the control room and the
plenary at 30 tables of 10 ideas. ``python -m pytest tests/events/test_live_weight.py -s`` prints
the figures (docs/benchmarks.md).
"""

import datetime
import html
import json
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from events.domain.participation import join_table, post_idea
from events.models import Idea, Table
from tests.events.factories import EventFactory, ParticipantFactory, TableFactory

KB = 1000
TEXT = "Idée {n} : un bus numérique qui passe dans chaque quartier pour aider les seniors isolés"


def fill(table: Table, count: int) -> None:
    """``count`` ideas from six people, as the table's counters would say (one INSERT)."""
    people = ParticipantFactory.create_batch(6, table=table)
    Idea.objects.bulk_create(
        Idea(table=table, participant=people[n % 6], text=TEXT.format(n=n), client_key=uuid.uuid4())
        for n in range(count)
    )
    Table.objects.filter(pk=table.pk).update(idea_count=count, participant_count=6, version=count)
    # Posted a while ago: on PostgreSQL a later post's time is its transaction's start, which in
    # a test (one transaction) precedes these rows' Python clock and would number it first.
    Idea.objects.filter(table=table).update(created_at=timezone.now() - datetime.timedelta(hours=1))


def new_idea(table: Table, text: str = "Une ressourcerie de quartier") -> Idea:
    """An idea posted from a phone: the write bumps the table's version."""
    seat = join_table(table=table, key=uuid.uuid4().hex, display_name="Nadia")
    return post_idea(participant=seat, text=text, client_key=uuid.uuid4())


def poll_headers(page, element_id: str) -> dict[str, str]:
    """The headers the page's polling element sends with its next poll (its ``hx-headers``)."""
    text = page.content.decode()
    tag = re.search(rf'<div id="{element_id}"[^>]*>', text).group(0)
    return json.loads(html.unescape(re.search(r'hx-headers="([^"]*)"', tag).group(1)))


def report(label: str, response) -> int:
    size = len(response.content)
    print(f"\n{label}: {response.status_code}, {size / KB:.1f} KB")
    return size


# The console ------------------------------------------------------------------------------------


@pytest.fixture
def console_table(cast):
    return TableFactory(
        event=EventFactory(territory=cast.territory), facilitators=[cast.facilitator]
    )


def console_urls(table: Table) -> tuple[str, str]:
    return (
        reverse("console", kwargs={"code": table.code}),
        reverse("console_live", kwargs={"code": table.code}),
    )


def test_the_console_at_66_ideas_is_light_and_its_poll_carries_only_the_ideas(
    client, cast, console_table, django_assert_max_num_queries
):
    fill(console_table, 66)
    client.force_login(cast.facilitator)
    page_url, live_url = console_urls(console_table)

    with django_assert_max_num_queries(12):
        page = client.get(page_url)
    held = poll_headers(page, "console-live")
    unchanged = client.get(live_url, headers=held)
    new_idea(console_table)
    with django_assert_max_num_queries(12):
        changed = client.get(live_url, headers=held | {"HX-Request": "true"})

    assert report("console, 66 ideas, page", page) < 80 * KB
    assert unchanged.status_code == 304
    assert report("console, 66 ideas, poll after one idea", changed) < 40 * KB
    body = changed.content.decode()
    assert "Une ressourcerie de quartier" in body
    # The new idea alone, appended to the list the page holds; not the list again.
    assert 'hx-swap-oob="beforeend:#idees-liste"' in body
    assert body.count("data-picker") == 1
    assert 'id="idees"' not in body
    assert 'id="projets"' not in body  # nothing moved there: not re-sent


def test_the_console_at_200_ideas_stays_under_150_kb(
    client, cast, console_table, django_assert_max_num_queries
):
    fill(console_table, 200)
    client.force_login(cast.facilitator)
    page_url, live_url = console_urls(console_table)

    with django_assert_max_num_queries(12):
        page = client.get(page_url)
    held = poll_headers(page, "console-live")
    new_idea(console_table)
    changed = client.get(live_url, headers=held)

    assert report("console, 200 ideas, page", page) < 150 * KB
    assert report("console, 200 ideas, poll after one idea", changed) < 10 * KB
    # One link per idea to the shared picker, no per-idea list of the other ideas.
    assert page.content.decode().count("data-picker") == 200
    assert b"<select" not in page.content.split(b'id="idees"')[1].split(b"</section>")[0]


def test_a_console_poll_after_a_new_participant_leaves_the_ideas_alone(client, cast, console_table):
    fill(console_table, 66)
    client.force_login(cast.facilitator)
    page_url, live_url = console_urls(console_table)
    held = poll_headers(client.get(page_url), "console-live")

    join_table(table=console_table, key=uuid.uuid4().hex, display_name="Léon")
    changed = client.get(live_url, headers=held)

    body = changed.content.decode()
    assert changed.status_code == 200
    assert "Léon" in body and 'id="idees"' not in body
    assert report("console, 66 ideas, poll after one newcomer", changed) < 5 * KB


def idea_items(body: str) -> dict[int, str]:
    """The ideas' items in a page or a poll, by id: their opening tag."""
    return {int(m.group(1)): m.group(0) for m in re.finditer(r'<li id="idee-(\d+)"[^>]*>', body)}


def test_a_console_poll_replaces_the_ideas_that_moved_and_deletes_those_gone(
    client, cast, console_table
):
    from events.domain.facilitation import merge_ideas

    fill(console_table, 12)
    ideas = list(Idea.objects.filter(table=console_table).order_by("pk"))
    client.force_login(cast.facilitator)
    page_url, live_url = console_urls(console_table)
    held = poll_headers(client.get(page_url), "console-live")

    merge_ideas(table=console_table, idea=ideas[3], into=ideas[1], by=cast.facilitator)
    changed = client.get(live_url, headers=held)

    body = changed.content.decode()
    items = idea_items(body)
    # The idea that received the other is re-sent in place; the merged one leaves the list.
    assert set(items) == {ideas[1].pk, ideas[3].pk}
    assert 'hx-swap-oob="true"' in items[ideas[1].pk]
    assert 'hx-swap-oob="delete"' in items[ideas[3].pk]
    assert "beforeend" not in body and 'id="idees"' not in body

    # The page now holds the new stamps: the next poll, with nothing new, is a 304.
    held = poll_headers(changed, "console-live")
    assert client.get(live_url, headers=held).status_code == 304


def test_a_console_poll_sends_the_whole_list_when_the_first_idea_arrives(
    client, cast, console_table
):
    client.force_login(cast.facilitator)
    page_url, live_url = console_urls(console_table)
    page = client.get(page_url)
    assert "Pas encore d'idée" in page.content.decode()
    held = poll_headers(page, "console-live")

    new_idea(console_table)
    body = client.get(live_url, headers=held).content.decode()

    # The empty list had no <ol> to append to: the section comes whole, with its list.
    assert 'id="idees" aria-labelledby="ideas-title" hx-swap-oob="true"' in body
    assert 'id="idees-liste"' in body
    # Inside the whole section, the ideas are not out-of-band swaps of their own.
    assert 'hx-swap-oob="true"' not in next(iter(idea_items(body).values()))


def test_a_console_poll_sends_every_idea_to_a_page_that_held_no_stamps(client, cast, console_table):
    fill(console_table, 5)
    client.force_login(cast.facilitator)
    _page_url, live_url = console_urls(console_table)

    body = client.get(live_url, headers={"X-Live-Parts": "garbage,,=,i=,i12x=zz"}).content.decode()

    assert 'id="idees" aria-labelledby="ideas-title" hx-swap-oob="true"' in body
    assert len(idea_items(body)) == 5


def test_past_300_ideas_the_console_list_is_one_part_again(
    client, cast, console_table, monkeypatch
):
    from events import live_stamps

    monkeypatch.setattr(live_stamps, "IDEAS_ONE_BY_ONE", 4)
    fill(console_table, 5)
    client.force_login(cast.facilitator)
    page_url, live_url = console_urls(console_table)
    held = poll_headers(client.get(page_url), "console-live")

    assert not [key for key in held["X-Live-Parts"].split(",") if re.match(r"i\d+=", key)]
    new_idea(console_table)
    body = client.get(live_url, headers=held).content.decode()
    assert 'id="idees" aria-labelledby="ideas-title" hx-swap-oob="true"' in body
    assert len(idea_items(body)) == 6


# The control room and the plenary ---------------------------------------------------------------


@pytest.fixture
def evening(cast):
    event = EventFactory(territory=cast.territory)
    tables = [TableFactory(event=event, facilitators=[cast.facilitator]) for _ in range(30)]
    for table in tables:
        fill(table, 10)
    return event, tables


def test_the_control_room_at_30_tables_re_sends_one_row_per_table_that_moved(
    client, cast, evening, django_assert_max_num_queries
):
    event, tables = evening
    client.force_login(cast.organiser)
    page_url = reverse("control_room", kwargs={"slug": event.slug})
    live_url = reverse("control_live", kwargs={"slug": event.slug})

    with django_assert_max_num_queries(16):
        page = client.get(page_url)
    held = poll_headers(page, "control-live")
    unchanged = client.get(live_url, headers=held)
    new_idea(tables[7])
    with django_assert_max_num_queries(12):
        changed = client.get(live_url, headers=held | {"HX-Request": "true"})

    assert report("control room, 30 tables, page", page) < 120 * KB
    assert page.content.decode().count("data-version=") == 30
    assert unchanged.status_code == 304
    assert report("control room, 30 tables, poll after one idea", changed) < 20 * KB
    body = changed.content.decode()
    assert re.findall(r'<tr id="table-(\d+)"', body) == [str(tables[7].pk)]
    assert 'hx-swap-oob="true"' in body and "<template>" in body
    assert body.lstrip().startswith('<div id="control-live"')  # the totals come along


def test_a_control_room_without_stamps_gets_every_row(client, cast, evening):
    event, _tables = evening
    client.force_login(cast.organiser)

    response = client.get(reverse("control_live", kwargs={"slug": event.slug}))

    assert response.content.decode().count('<tr id="table-') == 30


def test_the_plenary_at_30_tables_re_sends_one_card_per_table_that_moved(
    client, cast, evening, django_assert_max_num_queries
):
    event, tables = evening
    client.force_login(cast.organiser)
    page_url = reverse("plenary", kwargs={"slug": event.slug})
    live_url = reverse("plenary_live", kwargs={"slug": event.slug})

    with django_assert_max_num_queries(12):
        page = client.get(page_url)
    held = poll_headers(page, "plenary-poll")
    unchanged = client.get(live_url, headers=held)
    new_idea(tables[3], "Un atelier vélo au pied des tours")
    with django_assert_max_num_queries(12):
        changed = client.get(live_url, headers=held)

    report("plenary, 30 tables, page", page)
    assert unchanged.status_code == 304
    assert report("plenary, 30 tables, poll after one idea", changed) < 20 * KB
    body = changed.content.decode()
    assert re.findall(r'id="plenary-table-(\d+)"', body) == [str(tables[3].pk)]
    # The card counts the new idea (which of the table's unvoted ideas it shows first is the
    # database's order of equals: not asserted).
    assert "11\u00a0idées" in body or "11 idées" in body
    assert 'id="plenary-figures"' in body  # the evening's count of ideas moved too
    assert 'id="plenary-live"' not in body  # not the whole screen
    assert 'id="plenary-bar"' not in body  # nor the phase, which did not move


@pytest.mark.parametrize("table_count", (3, 30))
def test_the_plenary_and_control_room_polls_cost_the_same_for_3_or_30_tables(
    client, cast, table_count, django_assert_max_num_queries
):
    event = EventFactory(territory=cast.territory)
    for _ in range(table_count):
        fill(TableFactory(event=event), 10)
    client.force_login(cast.organiser)

    for name in ("control_room", "control_live", "plenary", "plenary_live"):
        with django_assert_max_num_queries(16):
            response = client.get(reverse(name, kwargs={"slug": event.slug}))
        report(f"{name}, {table_count} tables, everything", response)
        assert response.status_code == 200


@pytest.mark.parametrize(
    "parts",
    ["", "garbage", "ideas", "=,=,==", "ideas=" + "x" * 500, ",".join(["a=b"] * 5000), "é=ü"],
)
def test_a_malformed_stamps_header_gets_every_part_again(client, cast, console_table, parts):
    new_idea(console_table)
    client.force_login(cast.facilitator)

    response = client.get(console_urls(console_table)[1], headers={"X-Live-Parts": parts})

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="idees"' in body and 'id="participants"' in body
    assert "X-Live-Parts" in response["Vary"]


def test_stamps_are_stable_while_nothing_moves(client, cast, console_table):
    """Two readings of the same data give the same stamps (no address, no lazy text in them):
    otherwise every poll would re-send everything."""
    fill(console_table, 3)
    event = console_table.event
    client.force_login(cast.organiser)
    pages = {
        "console-live": reverse("console", kwargs={"code": console_table.code}),
        "control-live": reverse("control_room", kwargs={"slug": event.slug}),
        "plenary-poll": reverse("plenary", kwargs={"slug": event.slug}),
    }

    for element_id, url in pages.items():
        first, second = (poll_headers(client.get(url), element_id) for _ in range(2))
        assert first["X-Live-Parts"] == second["X-Live-Parts"], element_id


def test_a_console_poll_shows_a_phase_launched_elsewhere_and_only_then(client, cast, console_table):
    from events.domain.facilitation import set_phase
    from events.enums import Phase

    fill(console_table, 3)
    client.force_login(cast.facilitator)
    page_url, live_url = console_urls(console_table)
    held = poll_headers(client.get(page_url), "console-live")

    new_idea(console_table)
    after_idea = client.get(live_url, headers=held)
    assert 'id="phase-buttons"' not in after_idea.content.decode()

    # The other facilitator (or the control room) opens the vote: this console's buttons follow.
    set_phase(table=console_table, phase=Phase.VOTE, by=cast.organiser)
    body = client.get(live_url, headers=poll_headers(after_idea, "console-live")).content.decode()
    buttons = body.split('id="phase-buttons"')[1].split("</div>")[0]
    assert 'hx-swap-oob="true"' in buttons
    current = re.search(r'value="(\w+)"\s+class="[^"]*"\s+aria-current="step"', buttons)
    assert current and current.group(1) == Phase.VOTE

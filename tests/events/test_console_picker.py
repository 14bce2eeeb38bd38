"""The console's shared picker: one idea's page (or dialog) to regroup it, file it, hide it."""

import uuid

import pytest
from django.urls import reverse

from events.domain.moderation import hide_idea
from events.domain.participation import join_table, post_idea
from events.models import Idea, Table
from territoire.enums import Role
from tests.challenges.factories import ChallengeFactory
from tests.conftest import member
from tests.events.factories import EventFactory, IdeaFactory, TableFactory


@pytest.fixture
def table_facilitator(cast):
    return member(cast.territory, Role.FACILITATOR, email="anim-table@example.org")


@pytest.fixture
def table(cast, table_facilitator):
    event = EventFactory(territory=cast.territory)
    challenge = ChallengeFactory(territory=cast.territory, title="Seniors connectés")
    return TableFactory(
        event=event, challenge=challenge, code="SEN7", facilitators=[table_facilitator]
    )


def idea(table: Table, text: str) -> Idea:
    seat = join_table(table=table, key=uuid.uuid4().hex, display_name="Nadia")
    return post_idea(participant=seat, text=text, client_key=uuid.uuid4())


def picker_url(table: Table, an_idea: Idea) -> str:
    return reverse("console_idea", kwargs={"code": table.code, "idea_id": an_idea.pk})


def test_each_idea_links_to_the_picker_instead_of_listing_every_other_idea(
    client, table, table_facilitator
):
    first, second, third = (idea(table, text) for text in ("Un bus", "Un car", "Un vélo"))
    client.force_login(table_facilitator)

    html = client.get(reverse("console", kwargs={"code": table.code})).content.decode()

    for an_idea in (first, second, third):
        assert f'href="{picker_url(table, an_idea)}" data-picker' in html
    assert "<select" not in html.split('id="idees"')[1].split("</section>")[0]
    assert 'id="console-picker"' in html  # the one shared <dialog>


def test_the_picker_page_works_without_javascript(client, table, table_facilitator):
    duplicate, target = idea(table, "Un bus"), idea(table, "Un car")
    client.force_login(table_facilitator)

    page = client.get(picker_url(table, duplicate))

    html = page.content.decode()
    assert page.status_code == 200
    assert "<html" in html and "Regrouper avec" in html and "Thème" in html
    assert f'name="into" value="{target.pk}"' in html
    assert f'name="into" value="{duplicate.pk}"' not in html  # not with itself
    assert "hx-post" not in html.split('class="picker"')[1]  # plain forms on the page
    # Its forms post to the console's actions, which come back to the console.
    response = client.post(
        reverse("console_merge", kwargs={"code": table.code}),
        {"idea": duplicate.pk, "into": target.pk},
    )
    assert response.status_code == 303
    duplicate.refresh_from_db()
    assert duplicate.merged_into == target


def test_the_picker_for_the_dialog_is_the_fragment_with_htmx_forms(
    client, table, table_facilitator
):
    an_idea, other = idea(table, "Un bus"), idea(table, "Un car")
    client.force_login(table_facilitator)

    response = client.get(picker_url(table, an_idea), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert 'hx-target="#console-live"' in html
    assert f'value="{other.pk}"' in html
    assert "HX-Request" in response["Vary"]


def test_a_merged_idea_s_picker_offers_to_separate_it(client, table, table_facilitator):
    duplicate, target = idea(table, "Un bus"), idea(table, "Un car")
    Idea.objects.filter(pk=duplicate.pk).update(merged_into=target)
    client.force_login(table_facilitator)

    html = client.get(picker_url(table, duplicate)).content.decode()

    assert "Regroupée avec l'idée n°2." in html
    assert "Séparer" in html
    assert 'name="into" value=""' in html


def test_hidden_ideas_and_ideas_of_another_table_have_no_picker(client, table, table_facilitator):
    hidden = idea(table, "Spam")
    hide_idea(table=table, idea=hidden, by=table_facilitator)
    theirs = IdeaFactory(table=TableFactory(event=table.event))
    client.force_login(table_facilitator)

    assert client.get(picker_url(table, hidden)).status_code == 404
    assert client.get(picker_url(table, theirs)).status_code == 404


def test_the_picker_is_the_console_s_people_only(client, cast, table):
    an_idea = idea(table, "Un bus")
    client.force_login(cast.facilitator)  # a facilitator of the territory, not of this table

    assert client.get(picker_url(table, an_idea)).status_code == 403


@pytest.mark.parametrize("count", (2, 20))
def test_the_picker_s_queries_do_not_grow_with_ideas(
    client, table, table_facilitator, count, django_assert_max_num_queries
):
    ideas = [IdeaFactory(table=table) for _ in range(count)]
    client.force_login(table_facilitator)

    with django_assert_max_num_queries(8):
        response = client.get(picker_url(table, ideas[0]))

    assert response.status_code == 200

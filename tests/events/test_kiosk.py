"""The phone at the table is a kiosk: no site navigation or sign-in, a refresh link for phones
without JavaScript, the "not sent" notice ready, the idea field focused again after a post."""

import html
import uuid

import pytest
from django.urls import reverse

from events.enums import Phase
from events.models import Participant
from tests.events.factories import IdeaFactory, TableFactory

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def join(client, table) -> Participant:
    response = client.post(
        reverse("table_join", kwargs={"code": table.code}), {"display_name": "Awa"}
    )
    assert response.status_code == 303
    return Participant.objects.get(table=table, display_name="Awa")


@pytest.mark.parametrize("phase", (Phase.IDEATION, Phase.VOTE, Phase.FORMATION))
def test_the_table_page_is_a_kiosk(client, db, phase, django_assert_max_num_queries):
    table = TableFactory(phase=phase)
    IdeaFactory(table=table, text="Une idée déjà là")
    join(client, table)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("table_join", kwargs={"code": table.code}))

    page = text(response)
    assert response.status_code == 200
    assert "Se connecter" not in page
    assert "site-nav" not in page
    assert 'href="/"' not in page
    refresh = reverse("table_join", kwargs={"code": table.code})
    assert f'<a class="phase__refresh" href="{refresh}">Rafraîchir</a>' in page
    assert 'id="send-failed"' in page
    assert "Pas envoyé" in page
    assert "js/phone.js" in page
    assert "kiosk--live" in page


def test_a_signed_in_organiser_sees_the_kiosk_too(client, cast):
    table = TableFactory(event__territory=cast.territory)
    client.force_login(cast.organiser)
    join(client, table)

    page = text(client.get(reverse("table_join", kwargs={"code": table.code})))

    assert "Mon espace" not in page
    assert "Se déconnecter" not in page


def test_the_join_page_is_a_kiosk(client, db):
    table = TableFactory()

    response = client.get(reverse("table_join", kwargs={"code": table.code}))

    page = text(response)
    assert response.status_code == 200
    assert "Se connecter" not in page
    assert "Rejoindre la table" in page


def test_a_posted_idea_brings_back_an_empty_field_that_takes_the_focus(client, db):
    table = TableFactory()
    join(client, table)

    response = client.post(
        reverse("idea_post", kwargs={"code": table.code}),
        {"text": "Un atelier vélo", "client_key": str(uuid.uuid4())},
        headers=HTMX,
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in page
    assert "autofocus" in page
    assert "Un atelier vélo" not in page


def test_a_refused_idea_comes_back_focused_with_what_was_typed(client, db):
    table = TableFactory()
    join(client, table)

    response = client.post(
        reverse("idea_post", kwargs={"code": table.code}),
        {"text": "x" * 600, "client_key": str(uuid.uuid4())},
        headers=HTMX,
    )

    page = response.content.decode()
    assert "autofocus" in page
    assert "x" * 600 in page


def test_the_first_page_does_not_pop_the_keyboard(client, db):
    table = TableFactory()
    join(client, table)

    page = client.get(reverse("table_join", kwargs={"code": table.code})).content.decode()

    assert "autofocus" not in page

"""The night on a participant's phone: joining by code, ideas, dots, teams, the polled board."""

import html
import uuid

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.domain.board import bump
from events.domain.participation import post_idea
from events.enums import EventStatus, Phase
from events.models import Idea, Participant, Table, TeamMember, Theme, Vote
from events.queries_participant import forget_table_code
from events.views.participant import COOKIE_SALT, cookie_name
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    IdeaFactory,
    ParticipantFactory,
    RegistrationFactory,
    TableFactory,
    TeamMemberFactory,
    VoteFactory,
)

HTMX = {"HX-Request": "true"}
# During the vote, after a change: the version, the table, its ideas and who awaits an answer
# about being named (the board shared by the table's phones); the participant's dots and votes
# are still cached from the first poll.
BOARD_RENDER_QUERIES = 4
# Another phone at the same table, once the board is rendered: its dots and its votes.
PHONE_QUERIES = 2
# The same page with the table behind the code not yet cached (two of them: what the participant
# was asked about being named in the synthesis, and who at the table awaits an answer, for the
# shared board; a single UNION each).
PAGE_QUERIES = 6
# During project formation: the participant and table; what she was asked about being named;
# the ideas and who awaits an answer about being named; the projects with their teams.
FORMATION_PAGE_QUERIES = 5


def join_url(table, code=None) -> str:
    return reverse("table_join", kwargs={"code": code or table.code})


def board_url(table) -> str:
    return reverse("table_board", kwargs={"code": table.code})


def idea_url(table) -> str:
    return reverse("idea_post", kwargs={"code": table.code})


def vote_url(table, idea) -> str:
    return reverse("vote_cast", kwargs={"code": table.code, "idea_id": idea.pk})


def withdraw_url(table, vote) -> str:
    return reverse("vote_withdraw", kwargs={"code": table.code, "vote_id": vote.pk})


def team_url(table, project) -> str:
    return reverse("team_join", kwargs={"code": table.code, "project_id": project.pk})


def join(client, table, name="Awa", **fields) -> Participant:
    """Seat the test client at the table through the join form: it now holds the cookie."""
    response = client.post(join_url(table), {"display_name": name, **fields})
    assert response.status_code == 303
    return Participant.objects.get(table=table, display_name=name)


def text(response) -> str:
    """The page as a reader sees it: entities decoded (translated strings and variables alike)."""
    return html.unescape(response.content.decode())


def new_key() -> str:
    return str(uuid.uuid4())


# Finding the table


def test_code_entry_sends_a_typed_code_to_its_table_whatever_the_case(client, db):
    table = TableFactory(code="RBX01Z")

    response = client.get(reverse("table_code_entry"), {"code": " rbx01z "})

    assert response.status_code == 302
    assert response["Location"] == join_url(table)


def test_code_entry_with_an_unknown_code_says_so_with_the_form(client, db):
    TableFactory(code="RBX01Z")

    response = client.get(reverse("table_code_entry"), {"code": "NOPE9"})

    html = response.content.decode()
    assert response.status_code == 404
    assert "Code inconnu" in html
    assert 'name="code"' in html


def test_code_entry_without_a_code_shows_the_field(client, db):
    response = client.get(reverse("table_code_entry"))

    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()


@pytest.mark.parametrize("code", ("NOPE9", "<script>", "TROPLONGCODE"))
def test_table_page_of_an_unknown_code_is_404_with_the_code_form(client, db, code):
    response = client.get(join_url(None, code=code))

    html = response.content.decode()
    assert response.status_code == 404
    assert "Code inconnu" in html
    assert 'name="code"' in html
    assert "<script>" not in html


def test_table_code_in_the_url_is_case_insensitive(client, db):
    table = TableFactory(code="RBX01Z")

    response = client.get(join_url(table, code="rbx01z"))

    assert response.status_code == 200
    assert response.context["table"] == table


# Joining


def test_join_seats_the_participant_with_a_signed_cookie_for_that_table(client, db):
    table = TableFactory(dots_per_participant=4)

    response = client.post(
        join_url(table),
        {
            "display_name": " Awa ",
            "organisation_name": "Centre social",
            "consent_to_be_named": "on",
        },
    )

    participant = Participant.objects.get(table=table)
    cookie = response.cookies[cookie_name(table.code)]
    assert response.status_code == 303
    assert response["Location"] == join_url(table)
    assert (participant.display_name, participant.organisation_name) == ("Awa", "Centre social")
    assert participant.consent_to_be_named is True
    assert participant.dots_left == 4
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 12 * 3600
    assert cookie.value != participant.key
    table.refresh_from_db()
    assert table.participant_count == 1


def test_joined_participant_sees_the_table_page(client, db):
    event = EventFactory()
    challenge = ChallengeFactory(territory=event.territory, question="Comment rompre l'isolement ?")
    table = TableFactory(name="Table 4", event=event, challenge=challenge)
    join(client, table, name="Awa")

    response = client.get(join_url(table))

    html = text(response)
    assert response.status_code == 200
    assert response.templates[0].name == "events/table_participant.html"
    assert "Comment rompre l'isolement ?" in html
    assert "<strong>Awa</strong>" in html
    assert "Bienvenue à la table" in html
    assert 'id="idea-form"' in html
    assert 'hx-trigger="every 5s, board-changed from:body"' in html


def test_join_without_a_name_keeps_what_was_typed(client, db):
    table = TableFactory()

    response = client.post(join_url(table), {"display_name": " ", "organisation_name": "Mairie"})

    assert response.status_code == 400
    assert "Dites-nous comment vous appeler." in response.content.decode()
    assert 'value="Mairie"' in response.content.decode()
    assert not Participant.objects.exists()
    assert cookie_name(table.code) not in response.cookies


def test_a_ticket_code_links_the_registration_but_prefills_nothing_personal(client, db):
    # A ticket code is printed and shown around: whoever types it at a table must not learn
    # its holder's name or organisation, nor consent to be named on their behalf.
    table = TableFactory()
    registration = RegistrationFactory(
        event=table.event,
        full_name="Marie Exemple",
        organisation_name="Mutuelle du Nord",
        consent_to_be_named=True,
        checked_in_at=timezone.now(),
    )

    page = client.get(join_url(table), {"billet": registration.ticket_code.lower()})
    form = page.context["form"]
    response = client.post(
        join_url(table),
        {
            "display_name": "Marie",
            "consent_to_be_named": "on",
            "billet": form.initial["billet"],
        },
    )

    participant = Participant.objects.get(table=table)
    html = page.content.decode()
    assert "Billet reconnu." in html
    assert "Marie Exemple" not in html
    assert "Mutuelle du Nord" not in html
    assert form.initial == {"billet": registration.ticket_code}
    assert response.status_code == 303
    assert participant.registration == registration
    assert (participant.display_name, participant.consent_to_be_named) == ("Marie", True)


def test_join_consent_from_the_ticket_can_be_withdrawn(client, db):
    table = TableFactory()
    registration = RegistrationFactory(
        event=table.event, consent_to_be_named=True, checked_in_at=timezone.now()
    )

    client.post(join_url(table), {"display_name": "Marie", "billet": registration.ticket_code})

    participant = Participant.objects.get(table=table)
    assert participant.registration == registration
    assert participant.consent_to_be_named is False


@pytest.mark.parametrize("case", ("not_checked_in", "other_event", "unknown"))
def test_join_does_not_prefill_from_a_ticket_not_checked_in_here(client, db, case):
    table = TableFactory()
    registration = {
        "not_checked_in": lambda: RegistrationFactory(event=table.event, full_name="Marie"),
        "other_event": lambda: RegistrationFactory(
            event=EventFactory(), full_name="Marie", checked_in_at=timezone.now()
        ),
        "unknown": lambda: None,
    }[case]()
    ticket = registration.ticket_code if registration else "ZZZZ9999"

    page = client.get(join_url(table), {"billet": ticket})
    posted = client.post(join_url(table), {"display_name": "Marie", "billet": ticket})

    assert "Marie" not in page.context["form"].initial.values()
    assert "Ce billet n'est pas reconnu" in text(page)
    assert posted.status_code == 400
    assert not Participant.objects.exists()


@pytest.mark.parametrize("over", ("event_finished", "table_closed"))
def test_table_that_is_over_shows_a_clear_page(client, db, over):
    table = TableFactory()
    if over == "event_finished":
        table.event.status = EventStatus.FINISHED
        table.event.save()
    else:
        table.phase = Phase.CLOSED
        table.save()

    page = client.get(join_url(table))
    posted = client.post(join_url(table), {"display_name": "Awa"})

    assert page.status_code == 200
    assert "Cette table est terminée" in page.content.decode()
    assert posted.status_code == 200
    assert not Participant.objects.exists()


def test_participant_of_a_table_now_closed_sees_it_is_over(client, db, django_assert_num_queries):
    table = TableFactory()
    join(client, table)
    table.phase = Phase.CLOSED
    table.save()

    # The participant and table; what she was asked about being named (one UNION: she may
    # still answer once the table is closed); the table's projects (none).
    with django_assert_num_queries(3):
        response = client.get(join_url(table))

    assert response.status_code == 200
    assert "Cette table est terminée" in response.content.decode()
    assert 'id="board"' not in response.content.decode()


def test_tampered_cookie_is_a_stranger(client, db):
    table = TableFactory()
    ParticipantFactory(table=table, key="secret-key")
    client.cookies[cookie_name(table.code)] = "secret-key"

    page = client.get(join_url(table))
    posted = client.post(idea_url(table), {"text": "Une idée", "client_key": new_key()})

    assert 'name="display_name"' in page.content.decode()
    assert posted.status_code == 403
    assert not Idea.objects.exists()


def test_a_participant_removed_from_the_table_can_no_longer_write_with_their_cookie(client, db):
    table = TableFactory()
    participant = join(client, table)
    participant.delete()

    posted = client.post(idea_url(table), {"text": "Une idée", "client_key": new_key()})
    htmx = client.post(idea_url(table), {"text": "Une idée", "client_key": new_key()}, headers=HTMX)

    assert posted.status_code == 403
    assert "Rejoignez d'abord cette table" in text(posted)
    assert htmx.status_code == 403
    assert htmx["HX-Redirect"] == join_url(table)
    assert not Idea.objects.exists()


def test_a_cookie_of_a_code_now_given_to_another_table_writes_nothing_there(client, db):
    table_a = TableFactory(phase=Phase.VOTE, code="AAAA2")
    idea_a = IdeaFactory(table=table_a)
    join(client, table_a)
    Table.objects.filter(pk=table_a.pk).update(code="AAAA3")
    forget_table_code("AAAA2")
    table_b = TableFactory(phase=Phase.VOTE, event=table_a.event, code="AAAA2")
    IdeaFactory(table=table_b)

    # The cookie t_AAAA2 is table A's: under the code AAAA2, now table B's, it writes nothing.
    vote = client.post(
        reverse("vote_cast", kwargs={"code": "AAAA2", "idea_id": idea_a.pk}),
        {"client_key": new_key()},
    )

    assert vote.status_code == 403
    assert not Vote.objects.exists()


def test_a_signed_cookie_without_the_seat_in_it_seats_nobody(client, db):
    table = TableFactory()
    ParticipantFactory(table=table, key="a-bare-key")
    name = cookie_name(table.code)
    # Signed with the right salt, but only a key: not a cookie this site makes.
    client.cookies[name] = signing.get_cookie_signer(salt=name + COOKIE_SALT).sign("a-bare-key")

    posted = client.post(idea_url(table), {"text": "Une idée", "client_key": new_key()})

    assert posted.status_code == 403  # as for anyone not seated at the table
    assert not Idea.objects.exists()


# One table's cookie says nothing at another table


def test_participant_of_table_a_cannot_act_on_table_b(client, db):
    table_a = TableFactory(phase=Phase.VOTE)
    table_b = TableFactory(phase=Phase.VOTE, event=table_a.event)
    idea_b = IdeaFactory(table=table_b)
    join(client, table_a)

    idea_on_b = client.post(idea_url(table_b), {"text": "Intrus", "client_key": new_key()})
    vote_on_b = client.post(vote_url(table_b, idea_b), {"client_key": new_key()})
    vote_through_a = client.post(vote_url(table_a, idea_b), {"client_key": new_key()})
    htmx_on_b = client.post(vote_url(table_b, idea_b), {"client_key": new_key()}, headers=HTMX)

    assert idea_on_b.status_code == 403
    assert "Rejoignez d'abord cette table" in text(idea_on_b)
    assert vote_on_b.status_code == 403
    assert vote_through_a.status_code == 404
    assert htmx_on_b.status_code == 403
    assert htmx_on_b["HX-Redirect"] == join_url(table_b)
    assert list(Idea.objects.all()) == [idea_b]
    assert not Vote.objects.exists()


def test_a_signed_cookie_copied_from_table_a_to_b_is_refused(client, db):
    table_a = TableFactory()
    table_b = TableFactory(event=table_a.event)
    join(client, table_a)
    value = client.cookies[cookie_name(table_a.code)].value
    client.cookies[cookie_name(table_b.code)] = value

    response = client.post(idea_url(table_b), {"text": "Intrus", "client_key": new_key()})

    assert response.status_code == 403
    assert not Idea.objects.exists()


# Ideas


def test_idea_post_plain_redirects_with_a_message(client, db):
    table = TableFactory()
    participant = join(client, table)

    response = client.post(idea_url(table), {"text": "Un bus numérique", "client_key": new_key()})
    page = client.get(join_url(table))

    assert response.status_code == 303
    assert response["Location"] == join_url(table)
    assert list(Idea.objects.values_list("text", "participant")) == [
        ("Un bus numérique", participant.pk)
    ]
    assert "Votre idée est au tableau" in page.content.decode()
    assert "Un bus numérique" in page.content.decode()


@pytest.mark.parametrize("htmx", (False, True))
def test_idea_posted_twice_with_the_same_key_is_one_idea(client, db, htmx):
    table = TableFactory()
    join(client, table)
    data = {"text": "Un bus numérique", "client_key": new_key()}
    headers = HTMX if htmx else {}

    first = client.post(idea_url(table), data, headers=headers)
    retry = client.post(idea_url(table), data, headers=headers)

    table.refresh_from_db()
    assert (first.status_code, retry.status_code) == ((200, 200) if htmx else (303, 303))
    assert Idea.objects.count() == 1
    assert table.idea_count == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    (
        ("   ", "Écrivez votre idée avant de l'envoyer."),
        ("x" * 501, "Votre idée fait 501 caractères : 500 au plus"),
    ),
)
def test_idea_empty_or_too_long_is_refused_keeping_the_text(client, db, typed, message):
    table = TableFactory()
    join(client, table)
    key = new_key()

    response = client.post(idea_url(table), {"text": typed, "client_key": key})

    html = text(response)
    assert response.status_code == 400
    assert message in html
    assert f'value="{key}"' in html
    if typed.strip():
        assert typed in html
    assert not Idea.objects.exists()


def test_idea_with_a_tampered_key_gets_a_message_and_a_fresh_key(client, db):
    table = TableFactory()
    join(client, table)

    response = client.post(idea_url(table), {"text": "Une idée", "client_key": "pas-un-uuid"})

    html = text(response)
    form = response.context["idea_form"]
    assert response.status_code == 400
    assert "Ce formulaire n'est plus valide" in html
    assert "Une idée" in html
    assert isinstance(form.render_key, uuid.UUID)
    assert not Idea.objects.exists()


def test_idea_outside_the_ideas_phase_is_refused(client, db):
    table = TableFactory()
    join(client, table)
    table.phase = Phase.VOTE
    table.save()

    response = client.post(idea_url(table), {"text": "Trop tard", "client_key": new_key()})

    assert response.status_code == 409
    assert "La phase des idées est close" in response.content.decode()
    assert not Idea.objects.exists()


def test_idea_flood_is_rate_limited_with_a_message(client, db):
    table = TableFactory()
    join(client, table)
    for index in range(20):
        client.post(idea_url(table), {"text": f"Idée {index}", "client_key": new_key()})

    response = client.post(idea_url(table), {"text": "Encore une", "client_key": new_key()})

    html = text(response)
    assert response.status_code == 429
    assert "Vous envoyez beaucoup d'idées d'un coup : patientez une minute." in html
    assert "Encore une" in html
    assert Idea.objects.count() == 20


def test_idea_htmx_answers_a_notice_and_a_fresh_form_then_the_board_shows_it(client, db):
    table = TableFactory()
    join(client, table)
    key = new_key()

    response = client.post(
        idea_url(table), {"text": "Un jardin partagé", "client_key": key}, headers=HTMX
    )
    board = client.get(board_url(table), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "board-changed"
    assert html.lstrip().startswith('<div id="notices" class="notices" role="status"')
    assert '<div id="notices" class="notices" role="status" hx-swap-oob="true">' in html
    assert "Votre idée est au tableau" in html
    assert 'id="idea-form"' in html and 'hx-swap-oob="true"' in html
    assert 'hx-swap="none"' in html
    assert key not in html
    assert "HX-Request" in response["Vary"]
    assert "Un jardin partagé" in board.content.decode()
    assert "Votre idée" in board.content.decode()


def test_idea_htmx_refusal_keeps_the_text_in_the_form(client, db):
    table = TableFactory()
    join(client, table)

    response = client.post(
        idea_url(table), {"text": "y" * 600, "client_key": new_key()}, headers=HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "y" * 600 in html
    assert "Votre idée fait 600 caractères" in html
    assert not Idea.objects.exists()


def test_idea_htmx_after_the_ideas_phase_reloads_the_page_with_the_message(client, db):
    table = TableFactory()
    join(client, table)
    table.phase = Phase.VOTE
    table.save()

    response = client.post(
        idea_url(table), {"text": "Trop tard", "client_key": new_key()}, headers=HTMX
    )
    page = client.get(join_url(table))

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"
    assert "La phase des idées est close à cette table." in text(page)
    assert not Idea.objects.exists()


def test_script_typed_anywhere_is_shown_escaped(client, db):
    table = TableFactory()
    join(client, table, name="<script>alert(1)</script>", organisation_name="<b>Org</b>")
    client.post(idea_url(table), {"text": "<script>alert(2)</script>", "client_key": new_key()})

    html = client.get(join_url(table)).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


# Dots


def test_vote_cast_twice_with_the_same_key_spends_one_dot(client, db):
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table)
    participant = join(client, table)
    data = {"client_key": new_key()}

    first = client.post(vote_url(table, idea), data)
    retry = client.post(vote_url(table, idea), data)

    participant.refresh_from_db()
    idea.refresh_from_db()
    assert (first.status_code, retry.status_code) == (303, 303)
    assert Vote.objects.filter(participant=participant).count() == 1
    assert (participant.dots_left, idea.vote_count) == (2, 1)


def test_vote_quota_refuses_the_fourth_dot_with_a_message(client, db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    ideas = IdeaFactory.create_batch(2, table=table)
    participant = join(client, table)
    for idea in (ideas[0], ideas[0], ideas[1]):
        client.post(vote_url(table, idea), {"client_key": new_key()})

    response = client.post(vote_url(table, ideas[1]), {"client_key": new_key()}, follow=True)

    participant.refresh_from_db()
    assert "Vous avez utilisé toutes vos gommettes." in response.content.decode()
    assert participant.dots_left == 0
    assert Vote.objects.filter(participant=participant).count() == 3
    # The +1 buttons are the table's, hidden for this phone; the form they submit is gone.
    assert 'class="board board--no-dots"' in response.content.decode()
    assert 'id="vote-form"' not in response.content.decode()


def test_vote_outside_the_vote_phase_is_refused(client, db):
    table = TableFactory(phase=Phase.IDEATION)
    idea = IdeaFactory(table=table)
    participant = join(client, table)

    response = client.post(vote_url(table, idea), {"client_key": new_key()}, follow=True)

    participant.refresh_from_db()
    assert "Le vote n'est pas ouvert à cette table." in text(response)
    assert participant.dots_left == 3
    assert not Vote.objects.exists()


def test_vote_on_a_merged_idea_is_refused(client, db):
    table = TableFactory(phase=Phase.VOTE)
    target = IdeaFactory(table=table)
    merged = IdeaFactory(table=table, merged_into=target)
    join(client, table)

    response = client.post(vote_url(table, merged), {"client_key": new_key()}, follow=True)

    assert "Cette idée a été regroupée avec une autre" in response.content.decode()
    assert not Vote.objects.exists()


@pytest.mark.parametrize("key", ("", "pas-un-uuid"))
def test_vote_with_a_tampered_key_gets_a_message(client, db, key):
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table)
    join(client, table)

    response = client.post(vote_url(table, idea), {"client_key": key}, follow=True)

    assert "Ce formulaire n'est plus valide" in text(response)
    assert not Vote.objects.exists()


def test_vote_on_an_unknown_idea_is_404(client, db):
    table = TableFactory(phase=Phase.VOTE)
    join(client, table)

    response = client.post(
        reverse("vote_cast", kwargs={"code": table.code, "idea_id": 999999}),
        {"client_key": new_key()},
    )

    assert response.status_code == 404


def test_vote_htmx_answers_a_notice_then_the_board_shows_the_dots_left(
    client, db, django_capture_on_commit_callbacks
):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    idea = IdeaFactory(table=table, text="Un bus numérique")
    join(client, table)
    before = client.get(board_url(table), headers=HTMX)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(vote_url(table, idea), {"client_key": new_key()}, headers=HTMX)
    board = client.get(board_url(table), headers={**HTMX, "If-None-Match": before["ETag"]})

    html = board.content.decode()
    assert response.status_code == 200
    assert response["HX-Trigger"] == "board-changed"
    assert "Gommette posée." in response.content.decode()
    assert 'id="board"' not in response.content.decode()
    assert board.status_code == 200
    assert "Il vous reste <strong>2</strong> gommettes" in html
    assert "1 gommette" in html and "dont 1 de vous" in html
    assert (
        reverse("vote_withdraw", kwargs={"code": table.code, "vote_id": Vote.objects.get().pk})
        in html
    )


def test_vote_htmx_refusal_says_why_without_touching_the_board(client, db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=1)
    idea = IdeaFactory(table=table)
    join(client, table)
    client.post(vote_url(table, idea), {"client_key": new_key()}, headers=HTMX)

    response = client.post(vote_url(table, idea), {"client_key": new_key()}, headers=HTMX)

    assert response.status_code == 200
    assert "HX-Trigger" not in response
    assert "Vous avez utilisé toutes vos gommettes." in response.content.decode()
    assert Vote.objects.count() == 1


def test_vote_withdraw_returns_the_dot_and_a_retry_changes_nothing(client, db):
    table = TableFactory(phase=Phase.VOTE)
    idea = IdeaFactory(table=table)
    participant = join(client, table)
    client.post(vote_url(table, idea), {"client_key": new_key()})
    vote = Vote.objects.get()

    first = client.post(withdraw_url(table, vote))
    retry = client.post(withdraw_url(table, vote))

    participant.refresh_from_db()
    idea.refresh_from_db()
    assert (first.status_code, retry.status_code) == (303, 303)
    assert not Vote.objects.exists()
    assert (participant.dots_left, idea.vote_count) == (3, 0)


def test_vote_withdraw_of_someone_elses_dot_changes_nothing(client, db):
    table = TableFactory(phase=Phase.VOTE)
    other_vote = VoteFactory(idea=IdeaFactory(table=table))
    join(client, table)

    client.post(withdraw_url(table, other_vote))

    assert list(Vote.objects.all()) == [other_vote]


# Teams


def test_team_join_records_the_contact_once(client, db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table, name="Bus numérique")
    participant = join(client, table, name="Awa", organisation_name="Centre social")
    prefix = f"p{project.pk}"

    first = client.post(team_url(table, project), {f"{prefix}-email": "awa@example.org"})
    again = client.post(team_url(table, project), {f"{prefix}-phone": "06 12 34 56 78"})
    page = client.get(join_url(table))

    member = TeamMember.objects.get()
    assert (first.status_code, again.status_code) == (303, 303)
    assert (member.participant, member.full_name, member.organisation_name) == (
        participant,
        "Awa",
        "Centre social",
    )
    assert (member.email, member.phone) == ("", "06 12 34 56 78")
    assert "Vous êtes dans l'équipe" in text(page)


def test_team_join_needs_an_email_or_a_phone(client, db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table)
    join(client, table)
    prefix = f"p{project.pk}"

    empty = client.post(team_url(table, project), {f"{prefix}-email": "", f"{prefix}-phone": ""})
    bad = client.post(team_url(table, project), {f"{prefix}-email": "pas-une-adresse"})

    assert empty.status_code == 400
    assert "Laissez une adresse e-mail ou un numéro de téléphone" in empty.content.decode()
    assert bad.status_code == 400
    assert "Cette adresse e-mail n'est pas valide." in text(bad)
    assert 'value="pas-une-adresse"' in bad.content.decode()
    assert not TeamMember.objects.exists()


def test_team_join_htmx_answers_the_project_card(client, db):
    table = TableFactory(phase=Phase.FORMATION)
    project = FormedProjectFactory(table=table)
    join(client, table)

    response = client.post(
        team_url(table, project), {f"p{project.pk}-email": "awa@example.org"}, headers=HTMX
    )

    html = text(response)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article class="card project" id="projet-{project.pk}">')
    assert "1 personne dans l'équipe" in html
    assert TeamMember.objects.count() == 1


def test_team_join_of_another_tables_project_is_404(client, db):
    table = TableFactory(phase=Phase.FORMATION)
    other_project = FormedProjectFactory(table=TableFactory(phase=Phase.FORMATION))
    join(client, table)

    response = client.post(
        team_url(table, other_project), {f"p{other_project.pk}-email": "awa@example.org"}
    )

    assert response.status_code == 404
    assert not TeamMember.objects.exists()


# The board


def test_board_shows_themes_and_merged_ideas_under_their_target(client, db):
    table = TableFactory(phase=Phase.VOTE)
    mobility = Theme.objects.create(table=table, name="Mobilité")
    target = IdeaFactory(table=table, text="Un bus de quartier", theme=mobility)
    IdeaFactory(table=table, text="Une navette le soir", merged_into=target)
    IdeaFactory(table=table, text="Un café numérique")
    join(client, table)

    response = client.get(board_url(table), headers=HTMX)

    html = response.content.decode()
    assert (
        html.index("Mobilité")
        < html.index("Un bus de quartier")
        < html.index("Une navette le soir")
        < html.index("Autres idées")
        < html.index("Un café numérique")
    )
    assert html.count("+1 gommette") == 2


def test_board_shows_the_phase_end_time(client, db):
    ends = timezone.now().replace(microsecond=0) + timezone.timedelta(minutes=20)
    table = TableFactory(phase_ends_at=ends)
    join(client, table)

    response = client.get(board_url(table), headers=HTMX)

    local = timezone.localtime(ends)
    until = f"Jusqu'à {local.hour} h {local:%M}"
    html = response.content.decode().replace("&#x27;", "'")
    assert f'<time datetime="{local.isoformat()}">{until}</time>' in html


def test_board_without_a_seat_sends_to_the_join_page(client, db):
    table = TableFactory()

    plain = client.get(board_url(table))
    htmx = client.get(board_url(table), headers=HTMX)

    assert plain.status_code == 302
    assert plain["Location"] == join_url(table)
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == join_url(table)


def test_board_answers_304_without_any_query_once_warm(client, db, django_assert_num_queries):
    table = TableFactory()
    participant = join(client, table)
    first = client.get(board_url(table), headers=HTMX)
    etag = first["ETag"]

    with django_assert_num_queries(0):
        response = client.get(board_url(table), headers={**HTMX, "If-None-Match": etag})

    assert first.status_code == 200
    assert etag == f'W/"t{table.pk}-v{table.version + 1}-p{participant.pk}"'
    assert "no-cache" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "no-cache" in response["Cache-Control"]


def test_board_etag_changes_after_a_new_idea(client, db, django_capture_on_commit_callbacks):
    table = TableFactory()
    join(client, table)
    etag = client.get(board_url(table), headers=HTMX)["ETag"]
    other = ParticipantFactory(table=table)

    with django_capture_on_commit_callbacks(execute=True):
        post_idea(participant=other, text="Une idée neuve", client_key=uuid.uuid4())
    response = client.get(board_url(table), headers={**HTMX, "If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "Une idée neuve" in response.content.decode()


def test_board_etag_is_per_participant(client, db):
    table = TableFactory()
    join(client, table, name="Awa")
    etag = client.get(board_url(table), headers=HTMX)["ETag"]
    client.cookies.clear()
    join(client, table, name="Bilal")

    response = client.get(board_url(table), headers={**HTMX, "If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag


def test_board_asks_for_a_page_refresh_when_the_phase_changed(client, db):
    table = TableFactory(phase=Phase.FORMATION)
    join(client, table)

    response = client.get(board_url(table) + "?phase=vote", headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


def test_board_follows_the_vote_opening_without_a_page_reload(client, db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    idea = IdeaFactory(table=table, text="Un bus numérique")
    join(client, table)

    response = client.get(board_url(table) + "?phase=ideation", headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert "HX-Refresh" not in response
    assert html.lstrip().startswith('<section id="board"')
    assert "?phase=vote" in html  # the next polls ask for the vote's board
    assert '<form id="idea-form" hx-swap-oob="delete"></form>' in html
    assert "Le vote est ouvert" in html
    assert f'formaction="{vote_url(table, idea)}"' in html
    assert 'id="vote-form"' in html


def test_one_vote_form_serves_every_idea_and_a_double_tap_is_one_dot(client, db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    first, second = IdeaFactory.create_batch(2, table=table)
    participant = join(client, table)
    key = new_key()  # the board's one #vote-form key, sent whichever +1 is tapped

    client.post(vote_url(table, first), {"client_key": key}, headers=HTMX)
    client.post(vote_url(table, first), {"client_key": key}, headers=HTMX)  # double tap
    client.post(vote_url(table, second), {"client_key": key}, headers=HTMX)

    participant.refresh_from_db()
    assert sorted(Vote.objects.values_list("idea_id", flat=True)) == sorted([first.pk, second.pk])
    assert participant.dots_left == 1


@pytest.mark.parametrize(
    "query", ({"projets": "²"}, {"projets": "9" * 5000}, {"phase": "<script>"}, {"projets": "-1"})
)
def test_board_survives_odd_query_values(client, db, query):
    table = TableFactory(phase=Phase.FORMATION)
    join(client, table)

    response = client.get(board_url(table), query, headers=HTMX)

    assert response.status_code in (200, 204)
    assert "<script>" not in response.content.decode()


def test_board_of_a_table_now_closed_reloads_the_page(client, db):
    table = TableFactory()
    join(client, table)
    table.phase = Phase.CLOSED
    table.save()

    response = client.get(board_url(table) + "?phase=ideation", headers=HTMX)

    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize("item_count", (1, 3))
def test_board_renders_in_bounded_queries(
    client, db, django_assert_num_queries, django_capture_on_commit_callbacks, item_count
):
    table = TableFactory(phase=Phase.VOTE)
    join(client, table)
    client.get(board_url(table), headers=HTMX)
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(item_count):
            idea = IdeaFactory(table=table)
            VoteFactory.create_batch(index + 1, idea=idea)
            IdeaFactory(table=table, merged_into=idea)
        bump(table.pk)

    with django_assert_num_queries(BOARD_RENDER_QUERIES):
        response = client.get(board_url(table), headers=HTMX)

    assert response.status_code == 200
    assert response.content.decode().count("+1 gommette") == item_count


def test_board_is_rendered_once_per_change_for_the_whole_table(
    client, db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    neighbour = ParticipantFactory(table=table, display_name="Bilal", dots_left=2)
    idea = IdeaFactory(table=table, text="Un bus numérique", participant=neighbour)
    with django_capture_on_commit_callbacks(execute=True):
        VoteFactory(idea=idea, participant=neighbour)
        bump(table.pk)
    other_phone = Client()
    join(other_phone, table, name="Awa")
    join(client, table, name="Chloé")
    first = other_phone.get(board_url(table), headers=HTMX)
    cache.delete(f"events:table-version:{table.pk}")

    # The second phone: the version (one read, then cached); its dots and votes (one query).
    with django_assert_num_queries(PHONE_QUERIES):
        second = client.get(board_url(table), headers=HTMX)

    assert (first.status_code, second.status_code) == (200, 200)
    assert first["ETag"] != second["ETag"]
    for response in (first, second):
        page = response.content.decode()
        assert "Un bus numérique" in page and "1 gommette" in page
        assert "Il vous reste <strong>3</strong> gommettes" in page
        assert "Votre idée" not in page and "dont 1 de vous" not in page
        assert page.count("+1 gommette") == 1
    assert first.content != second.content  # each phone's form has its own client key


def test_board_marks_the_participants_own_ideas_and_dots(client, db):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    IdeaFactory(table=table, text="L'idée de quelqu'un d'autre")
    participant = join(client, table)
    mine = IdeaFactory(table=table, text="Mon idée à moi", participant=participant)
    client.post(vote_url(table, mine), {"client_key": new_key()})
    client.post(vote_url(table, mine), {"client_key": new_key()})

    page = client.get(board_url(table), headers=HTMX).content.decode()

    own = page[page.index(f'id="idee-{mine.pk}"') - 40 :]
    assert own.startswith('<li class="idea idea--mine"') or 'class="idea idea--mine"' in own[:80]
    assert page.count("idea--mine") == 1
    assert page.count("Votre idée") == 1
    assert "dont 2 de vous" in page
    assert "Il vous reste <strong>1</strong> gommette" in page
    assert page.count("Retirer") == 1
    assert "<!--§" not in page


@pytest.mark.parametrize("item_count", (1, 3))
def test_participant_page_renders_in_bounded_queries(
    client, db, django_assert_num_queries, item_count
):
    table = TableFactory(phase=Phase.VOTE)
    join(client, table)
    for _index in range(item_count):
        IdeaFactory(table=table)
    cache.clear()

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(join_url(table))

    assert response.status_code == 200
    assert response.content.decode().count("+1 gommette") == item_count


@pytest.mark.parametrize("item_count", (1, 3))
def test_formation_page_renders_in_bounded_queries(
    client, db, django_assert_num_queries, item_count
):
    table = TableFactory(phase=Phase.FORMATION)
    join(client, table)
    for _index in range(item_count):
        project = FormedProjectFactory(table=table)
        IdeaFactory(table=table)
        TeamMemberFactory.create_batch(2, project=project)

    with django_assert_num_queries(FORMATION_PAGE_QUERIES):
        response = client.get(join_url(table))

    assert response.status_code == 200
    assert text(response).count("Je rejoins l'équipe") == item_count


def test_full_table_points_newcomers_to_a_sibling_with_room(client, db):
    from tests.events.factories import TableFactory

    full = TableFactory(capacity=2, code="FULL1")
    Table.objects.filter(pk=full.pk).update(participant_count=2)
    sibling = TableFactory(event=full.event, challenge=full.challenge, code="ROOM1", name="Table B")

    response = client.get(reverse("table_join", kwargs={"code": "FULL1"}))

    html = response.content.decode()
    assert "Cette table est complète\u00a0: rejoignez la table Table B (code ROOM1)." in html
    assert reverse("table_join", kwargs={"code": sibling.code}) in html


def test_a_deleted_table_or_participant_is_forgotten_by_the_phones(
    client, db, django_capture_on_commit_callbacks
):
    table = TableFactory()
    participant = join(client, table)
    client.get(board_url(table), headers=HTMX)  # the code and the cookie are now cached

    with django_capture_on_commit_callbacks(execute=True):
        participant.delete()
    posted = client.post(idea_url(table), {"text": "Encore là ?", "client_key": new_key()})
    with django_capture_on_commit_callbacks(execute=True):
        table.delete()
    board = client.get(board_url(table), headers=HTMX)

    assert posted.status_code == 403
    assert board.status_code == 404
    assert not Idea.objects.exists()


def test_the_phones_dots_follow_a_withdrawal_and_a_deleted_idea(
    client, db, django_capture_on_commit_callbacks
):
    table = TableFactory(phase=Phase.VOTE, dots_per_participant=3)
    first, second = IdeaFactory.create_batch(2, table=table)
    join(client, table)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(vote_url(table, first), {"client_key": new_key()})
        client.post(vote_url(table, second), {"client_key": new_key()})
    assert "Il vous reste <strong>1</strong> gommette" in text(
        client.get(board_url(table), headers=HTMX)
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(withdraw_url(table, Vote.objects.get(idea=first)))
    after_withdrawal = client.get(board_url(table), headers=HTMX)
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()  # an organiser removes it in the admin: its dot goes with it
        bump(table.pk)
    after_deletion = client.get(board_url(table), headers=HTMX)

    assert "Il vous reste <strong>2</strong> gommettes" in text(after_withdrawal)
    assert "dont 1 de vous" in text(after_withdrawal)
    assert "dont 1 de vous" not in text(after_deletion)
    assert "Retirer" not in text(after_deletion)


def test_a_seat_cached_under_a_code_that_moved_to_another_table_is_not_trusted(client, db):
    table = TableFactory(code="OLD1")
    join(client, table)
    client.get(board_url(table), headers=HTMX)  # the seat is cached under OLD1
    table.code = "NEW1"
    table.save()
    other = TableFactory(code="OLD1")
    forget_table_code("OLD1")

    response = client.post(
        reverse("idea_post", kwargs={"code": "OLD1"}),
        {"text": "Sur quelle table ?", "client_key": new_key()},
    )

    assert response.status_code == 403
    assert not Idea.objects.filter(table=other).exists()


def test_each_fresh_idea_form_has_its_own_key_and_a_valid_token(client, db):
    table = TableFactory()
    join(client, table)
    keys = []
    for text in ("Première idée", "Deuxième idée"):
        response = client.post(
            idea_url(table), {"text": text, "client_key": new_key()}, headers=HTMX
        )
        html = response.content.decode()
        assert "stand-in" not in html
        assert 'name="csrfmiddlewaretoken" value="' in html
        keys.append(html.split('name="client_key" value="')[1].split('"')[0])

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = client.cookies
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    posted = csrf_client.post(
        idea_url(table),
        {"text": "Avec le jeton", "client_key": keys[1], "csrfmiddlewaretoken": token},
    )

    assert keys[0] != keys[1] and all(uuid.UUID(key) for key in keys)
    assert posted.status_code == 303
    assert Idea.objects.count() == 3

"""The plenary screen: its secret link, what it shows, what the control room spotlights."""

import datetime
import uuid

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from events.domain.facilitation import form_project, set_phase_for_event
from events.domain.participation import join_table, post_idea
from events.domain.plenary import (
    SpotlightRefused,
    clear_spotlight,
    renew_screen_link,
    revoke_screen_link,
    spotlight_idea,
    spotlight_project,
)
from events.enums import Phase
from events.models import Event, Idea
from events.queries_plenary import phase_now, plenary_screen_url, top_ideas
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    IdeaFactory,
    RegistrationFactory,
    TableFactory,
)


@pytest.fixture
def event(cast):
    return EventFactory(territory=cast.territory, slug="roubaix", title="Soirée de Roubaix")


def screen_url(token: str, live: bool = False) -> str:
    return reverse("plenary_screen_live" if live else "plenary_screen", kwargs={"token": token})


def control(name: str, event) -> str:
    return reverse(name, kwargs={"slug": event.slug})


def fresh(event) -> Event:
    return Event.objects.get(pk=event.pk)


def idea_at(table, text: str) -> Idea:
    participant = join_table(table=table, key=uuid.uuid4().hex, display_name="Nadia")
    return post_idea(participant=participant, text=text, client_key=uuid.uuid4())


# The screen link: domain ------------------------------------------------------------------------


def test_renewing_the_screen_link_makes_a_long_random_token_and_kills_the_previous(db, event):
    first = renew_screen_link(event=event, by=None)
    second = renew_screen_link(event=event, by=None)

    assert first != second
    assert first.startswith(f"{event.pk}-") and len(first.split("-", 1)[1]) >= 32
    assert fresh(event).screen_secret == second.split("-", 1)[1]


def test_plenary_screen_url_is_absolute_and_empty_without_a_link(db, event, rf, settings):
    settings.SITE_URL = "https://territoire.example"
    assert plenary_screen_url(event) == ""
    token = renew_screen_link(event=event, by=None)

    assert plenary_screen_url(event) == f"https://territoire.example/ecran/{token}/"
    assert plenary_screen_url(event, rf.get("/", HTTP_HOST="testserver")) == (
        f"http://testserver/ecran/{token}/"
    )


# The screen link: views -------------------------------------------------------------------------


def test_the_screen_link_shows_the_plenary_without_signing_in_nor_a_session(client, event):
    TableFactory(event=event, name="Table des seniors", code="SEN01")
    token = renew_screen_link(event=event, by=None)

    response = client.get(screen_url(token))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "events/plenary.html"
    assert "Soirée de Roubaix" in html and "SEN01" in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert screen_url(token, live=True) in html  # it polls through the link too
    assert "sessionid" not in response.cookies and Session.objects.count() == 0
    assert "csrfmiddlewaretoken" not in html and "<form" not in html  # read-only


@pytest.mark.parametrize(
    "token",
    [
        *("", "nope", "999999-abc", "{pk}-wrong-secret", "{pk}-", "-{secret}", "{pk}x-{secret}"),
        *("²-abc", "²-{secret}", "99999999999999999999-{secret}", " {pk}-{secret}"),
    ],
)
def test_a_wrong_screen_token_answers_404(client, event, token):
    good = renew_screen_link(event=event, by=None)
    secret = good.split("-", 1)[1]
    token = token.format(pk=event.pk, secret=secret) or "x"

    assert client.get(screen_url(token)).status_code == 404
    assert client.get(screen_url(token, live=True)).status_code == 404


def test_a_revoked_or_renewed_link_answers_404_at_once(client, event):
    old = renew_screen_link(event=event, by=None)
    assert client.get(screen_url(old)).status_code == 200
    new = renew_screen_link(event=event, by=None)

    renewed_old = client.get(screen_url(old, live=True))
    renewed_new = client.get(screen_url(new, live=True))
    revoke_screen_link(event=event, by=None)
    revoked = client.get(screen_url(new, live=True))

    assert (renewed_old.status_code, renewed_new.status_code) == (404, 200)
    assert revoked.status_code == 404


def test_a_revoked_link_turns_the_projector_to_a_page_that_says_so(client, event):
    token = renew_screen_link(event=event, by=None)
    revoke_screen_link(event=event, by=None)

    poll = client.get(screen_url(token, live=True), headers={"HX-Request": "true"})
    page = client.get(screen_url(token))

    # htmx swaps no 404: the poll asks the browser to reload, the page then says why it is empty
    assert poll.status_code == 404 and poll["HX-Refresh"] == "true"
    assert page.status_code == 404 and "HX-Refresh" not in page
    assert page.templates[0].name == "events/screen_closed.html"
    assert "Ce lien d'écran a été révoqué" in page.content.decode().replace("&#x27;", "'")
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_another_events_secret_does_not_open_this_event(client, event):
    other = EventFactory()
    other_token = renew_screen_link(event=other, by=None)
    renew_screen_link(event=event, by=None)
    forged = f"{event.pk}-{other_token.split('-', 1)[1]}"

    assert client.get(screen_url(forged)).status_code == 404


@pytest.mark.parametrize("item_count", (1, 3))
def test_screen_link_queries_are_bounded_and_an_unchanged_poll_is_304(
    client, event, item_count, django_assert_num_queries
):
    for n in range(item_count):
        table = TableFactory(event=event)
        idea_at(table, f"Idée {n}")
        FormedProjectFactory(table=table)
    token = renew_screen_link(event=event, by=None)

    # The event with its fingerprint and spotlight, the tables, their top ideas, the projects.
    with django_assert_num_queries(4):
        page = client.get(screen_url(token))
    with django_assert_num_queries(4):
        live = client.get(screen_url(token, live=True))
    with django_assert_num_queries(1):
        unchanged = client.get(
            screen_url(token, live=True), headers={"If-None-Match": live["ETag"]}
        )

    assert (page.status_code, live.status_code, unchanged.status_code) == (200, 200, 304)
    assert unchanged.content == b""
    assert len(page.context["screen"].stats.tables) == item_count


def test_the_join_qr_code_is_an_svg_of_the_short_address(client):
    response = client.get(reverse("join_qr"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") or b"<svg" in response.content


# What the plenary shows -------------------------------------------------------------------------


def test_plenary_shows_join_address_qr_codes_seated_people_ideas_and_projects(
    client, event, settings
):
    settings.SITE_URL = "https://territoire.example"
    table = TableFactory(event=event, name="Table des seniors", code="SEN01")
    idea_at(table, "Un bus numérique qui change de quartier")
    form_project(
        table=table,
        name="Tandems numériques",
        pitch="Des binômes.",
        ideas=[],
        members=[{"full_name": "Marc", "email": "marc@example.org"}],
        by=None,
    )
    RegistrationFactory(event=event, checked_in_at=timezone.now())
    token = renew_screen_link(event=event, by=None)

    response = client.get(screen_url(token))

    html = response.content.decode()
    stats = response.context["screen"].stats
    assert "territoire.example/t/" in html and reverse("join_qr") in html
    assert "SEN01" in html and "Un bus numérique qui change de quartier" in html
    assert "Tandems numériques" in html
    assert (stats.participant_count, stats.present) == (1, 1)  # seated, beside checked in
    assert "personne à table" in html


def test_plenary_leaves_hidden_and_merged_ideas_out(client, event):
    table = TableFactory(event=event)
    kept = idea_at(table, "Une idée qui reste")
    hidden = idea_at(table, "Une idée masquée")
    merged = idea_at(table, "Un doublon fusionné")
    Idea.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    Idea.objects.filter(pk=merged.pk).update(merged_into=kept)
    token = renew_screen_link(event=event, by=None)

    html = client.get(screen_url(token)).content.decode()

    assert "Une idée qui reste" in html
    assert "Une idée masquée" not in html and "Un doublon fusionné" not in html


def test_top_ideas_are_the_best_voted_three_per_table_in_one_query(
    db, event, django_assert_num_queries
):
    first, second = TableFactory(event=event), TableFactory(event=event)
    ideas = [IdeaFactory(table=first, text=f"Idée {n}", vote_count=n) for n in range(5)]
    duplicate = IdeaFactory(table=first, text="Doublon", vote_count=10, merged_into=ideas[0])
    IdeaFactory(table=second, text="Seule")
    IdeaFactory(text="Une autre soirée", vote_count=50)

    with django_assert_num_queries(1):
        top = top_ideas(event)

    assert [idea.text for idea in top[first.pk]] == ["Idée 0", "Idée 4", "Idée 3"]
    assert top[first.pk][0].total_votes == 10 + 0  # its duplicate's dots count
    assert [idea.text for idea in top[second.pk]] == ["Seule"]
    assert duplicate.pk not in {idea.pk for ideas in top.values() for idea in ideas}


def test_the_phase_and_its_countdown_are_on_screen(client, event):
    TableFactory(event=event)
    TableFactory(event=event)
    set_phase_for_event(event=event, phase=Phase.VOTE, minutes=20, by=None)
    token = renew_screen_link(event=event, by=None)

    response = client.get(screen_url(token))

    html = response.content.decode()
    now = response.context["screen"].phase
    ends = timezone.localtime(now.ends_at)
    assert (now.phase, now.table_count) == (Phase.VOTE, 2)
    assert f"jusqu'à {ends:%-H} h {ends:%M}" in html.replace("&#x27;", "'")
    assert f'data-countdown-to="{ends.isoformat()}"' in html


def test_phase_now_takes_the_phase_of_most_open_tables(db):
    later = timezone.now() + datetime.timedelta(minutes=30)
    tables = [
        type("T", (), {"phase": phase, "phase_ends_at": ends})
        for phase, ends in [
            (Phase.VOTE, later),
            (Phase.VOTE, None),
            (Phase.IDEATION, None),
            (Phase.CLOSED, None),
        ]
    ]

    now = phase_now(tables)

    assert (now.phase, now.ends_at, now.table_count, now.open_count) == (Phase.VOTE, later, 2, 3)
    assert phase_now([]) is None


# The spotlight ----------------------------------------------------------------------------------


def test_spotlighting_an_idea_shows_it_full_size_then_back_to_the_overview(client, event):
    table = TableFactory(event=event, name="Table des seniors")
    idea = idea_at(table, "Des lycéens qui aident les seniors")
    idea_at(table, "Une autre idée")
    token = renew_screen_link(event=event, by=None)
    etag = client.get(screen_url(token, live=True))["ETag"]

    spotlight_idea(event=event, idea=Idea.objects.get(pk=idea.pk), by=None)
    spotlit = client.get(screen_url(token, live=True), headers={"If-None-Match": etag})
    clear_spotlight(event=event, by=None)
    back = client.get(screen_url(token, live=True), headers={"If-None-Match": spotlit["ETag"]})

    assert spotlit.status_code == 200
    html = spotlit.content.decode()
    assert "plenary-spotlight" in html and "Des lycéens qui aident les seniors" in html
    assert "Une autre idée" not in html
    assert back.status_code == 200 and "plenary-spotlight" not in back.content.decode()
    assert "Une autre idée" in back.content.decode()


def test_a_spotlit_idea_that_gets_hidden_leaves_the_screen(client, event):
    table = TableFactory(event=event)
    idea = idea_at(table, "Une idée déplacée")
    spotlight_idea(event=event, idea=Idea.objects.get(pk=idea.pk), by=None)
    token = renew_screen_link(event=event, by=None)
    assert "Une idée déplacée" in client.get(screen_url(token)).content.decode()

    Idea.objects.filter(pk=idea.pk).update(hidden_at=timezone.now())

    html = client.get(screen_url(token)).content.decode()
    assert "Une idée déplacée" not in html and "plenary-spotlight" not in html


def test_spotlighting_a_project_shows_its_name_and_pitch(client, event):
    project = FormedProjectFactory(
        table=TableFactory(event=event), name="Boussole", pitch="Un guide."
    )
    spotlight_project(event=event, project=project, by=None)
    token = renew_screen_link(event=event, by=None)

    html = client.get(screen_url(token)).content.decode()

    assert "Boussole" in html and "Un guide." in html and "plenary-spotlight--project" in html
    assert (fresh(event).spotlight_project_id, fresh(event).spotlight_idea_id) == (project.pk, None)


def test_spotlight_refuses_other_events_hidden_and_merged_ideas(db, event):
    table = TableFactory(event=event)
    foreign = IdeaFactory()
    hidden = IdeaFactory(table=table, hidden_at=timezone.now())
    merged = IdeaFactory(table=table, merged_into=IdeaFactory(table=table))

    for idea in (foreign, hidden, merged):
        with pytest.raises(SpotlightRefused):
            spotlight_idea(event=event, idea=idea, by=None)
    with pytest.raises(SpotlightRefused):
        spotlight_project(event=event, project=FormedProjectFactory(), by=None)

    assert fresh(event).spotlight_idea_id is None and fresh(event).plenary_version == 0


# The control room's forms -----------------------------------------------------------------------


def test_organiser_spotlights_from_the_control_room_and_returns(client, cast, event):
    table = TableFactory(event=event)
    idea = idea_at(table, "Une idée à l'écran")
    client.force_login(cast.organiser)

    page = client.get(control("control_room", event))
    posted = client.post(control("control_spotlight", event), {"idea": idea.pk})
    after = client.get(control("control_room", event))
    cleared = client.post(control("control_spotlight", event), {"clear": "1"})

    assert "Une idée à l'écran" in page.content.decode().replace("&#x27;", "'")
    assert posted.status_code == 303 and posted.url.endswith("#spotlight")
    assert "Revenir à la vue d" in after.content.decode()
    assert cleared.status_code == 303 and fresh(event).spotlight_idea_id is None
    assert fresh(event).plenary_version == 2


def test_spotlight_by_htmx_answers_the_section(client, cast, event):
    idea = idea_at(TableFactory(event=event), "Une idée")
    client.force_login(cast.organiser)

    response = client.post(
        control("control_spotlight", event), {"idea": idea.pk}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<section")
    assert "Revenir à la vue d" in html and fresh(event).spotlight_idea_id == idea.pk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"idea": "foreign"}, "Cette idée n'est pas une idée de cette soirée."),
        ({"idea": "999999"}, "Cette idée n'existe plus."),
        ({"idea": "abc"}, "Choisissez une idée ou un projet à mettre à l'écran."),
        ({"idea": "²"}, "Choisissez une idée ou un projet à mettre à l'écran."),
        ({"idea": "99999999999999999999"}, "Choisissez une idée ou un projet à mettre à l'écran."),
        ({"project": "²"}, "Choisissez une idée ou un projet à mettre à l'écran."),
        ({"project": "foreign"}, "Ce projet n'est pas né à cette soirée."),
        ({}, "Choisissez une idée ou un projet à mettre à l'écran."),
    ],
)
def test_a_bad_spotlight_is_refused_with_a_clear_message(client, cast, event, data, message):
    TableFactory(event=event)
    foreign = {"idea": IdeaFactory().pk, "project": FormedProjectFactory().pk}
    data = {name: foreign[name] if value == "foreign" else value for name, value in data.items()}
    client.force_login(cast.organiser)

    response = client.post(control("control_spotlight", event), data, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [message]
    assert fresh(event).spotlight_idea_id is None and fresh(event).spotlight_project_id is None


def test_organiser_creates_renews_and_revokes_the_link_from_the_control_room(client, cast, event):
    client.force_login(cast.organiser)

    created = client.post(control("control_screen_link", event), {"action": "renew"}, follow=True)
    token = f"{event.pk}-{fresh(event).screen_secret}"
    revoked = client.post(control("control_screen_link", event), {"action": "revoke"})

    assert f"/ecran/{token}/" in created.content.decode()
    assert revoked.status_code == 303 and fresh(event).screen_secret == ""
    assert client.get(screen_url(token)).status_code == 404


@pytest.mark.parametrize(
    "role", ["facilitator", "coach", "official", "stranger", "other_organiser"]
)
def test_only_organisers_spotlight_or_touch_the_link(client, cast, event, role):
    idea = idea_at(TableFactory(event=event), "Une idée")
    client.force_login(getattr(cast, role))

    spotlit = client.post(control("control_spotlight", event), {"idea": idea.pk})
    linked = client.post(control("control_screen_link", event), {"action": "renew"})

    assert (spotlit.status_code, linked.status_code) == (403, 403)
    assert fresh(event).spotlight_idea_id is None and fresh(event).screen_secret == ""


# The admin's event page -------------------------------------------------------------------------


def test_organiser_renews_and_revokes_the_link_from_the_admin(client, cast, event):
    client.force_login(cast.organiser)
    changelist = reverse("admin:events_event_changelist")

    client.post(changelist, {"action": "screen_link_renew", "_selected_action": [event.pk]})
    token = f"{event.pk}-{fresh(event).screen_secret}"
    page = client.get(reverse("admin:events_event_change", args=[event.pk]))
    client.post(changelist, {"action": "screen_link_revoke", "_selected_action": [event.pk]})

    assert len(token) >= 34 and f"/ecran/{token}/" in page.content.decode()
    assert fresh(event).screen_secret == ""
    assert client.get(screen_url(token)).status_code == 404


def test_an_event_with_a_spotlit_idea_can_still_be_deleted(db, event):
    idea = IdeaFactory(table=TableFactory(event=event))
    spotlight_idea(event=event, idea=Idea.objects.get(pk=idea.pk), by=None)

    event.delete()

    assert not Event.objects.filter(pk=event.pk).exists()
    assert not Idea.objects.filter(pk=idea.pk).exists()


def test_the_screen_link_expires_two_days_after_the_evening(client, event):
    token = renew_screen_link(event=event, by=None)
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(days=1, hours=4), ends_at=now - datetime.timedelta(1)
    )
    assert client.get(screen_url(token)).status_code == 200

    Event.objects.filter(pk=event.pk).update(
        starts_at=now - datetime.timedelta(days=2, hours=4), ends_at=now - datetime.timedelta(2)
    )
    page = client.get(screen_url(token))
    assert page.status_code == 404
    assert "a expiré" in page.content.decode()
    assert client.get(screen_url(token, live=True)).status_code == 404

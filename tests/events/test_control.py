import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from events.domain.facilitation import form_project, set_phase
from events.domain.participation import cast_vote, join_table, post_idea
from events.enums import Phase
from events.models import Event, Idea, Participant, Registration, Table, Vote
from events.queries_live import control_room_rows
from events.queries_plenary import event_live_stats
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import EventFactory, RegistrationFactory, TableFactory
from tests.factories import UserFactory

PARIS = datetime.timezone(datetime.timedelta(hours=2))
NOW = datetime.datetime(2026, 6, 4, 21, 30, tzinfo=PARIS)


@pytest.fixture
def event(cast):
    return EventFactory(territory=cast.territory, slug="roubaix", title="Soirée de Roubaix")


def url(name: str, event) -> str:
    return reverse(name, kwargs={"slug": event.slug})


def fresh(table: Table) -> Table:
    return Table.objects.get(pk=table.pk)


def play(table: Table, ideas: int, votes_per_idea: int) -> None:
    """Ideas and votes posted through the domain, as on the night."""
    set_phase(table=table, phase=Phase.IDEATION, by=None)
    author = join_table(table=table, key=uuid.uuid4().hex, display_name="Autrice")
    posted = [
        post_idea(participant=author, text=f"Idée {n}", client_key=uuid.uuid4())
        for n in range(ideas)
    ]
    set_phase(table=table, phase=Phase.VOTE, by=None)
    for idea in posted:
        for _ in range(votes_per_idea):
            voter = join_table(table=table, key=uuid.uuid4().hex, display_name="Votant")
            cast_vote(participant=voter, idea=idea, client_key=uuid.uuid4())


def check_in(event, email: str = "", when=None) -> Registration:
    fields = {"email": email} if email else {}
    return RegistrationFactory(event=event, checked_in_at=when or timezone.now(), **fields)


# Who may see them -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("organiser", 200),
        ("superuser", 200),
        ("facilitator", 403),
        ("coach", 403),
        ("official", 403),
        ("stranger", 403),
        ("other_organiser", 403),
    ],
)
def test_plenary_and_control_room_are_for_organisers(client, cast, event, role, expected):
    table = TableFactory(event=event, facilitators=[cast.facilitator])
    client.force_login(getattr(cast, role))

    for name in ("plenary", "plenary_live", "control_room", "control_live"):
        assert client.get(url(name, event)).status_code == expected
    posted = client.post(url("control_phase", event), {"phase": "vote"})
    redirected = client.post(url("control_redirect", event), {"table": table.pk})

    assert posted.status_code == redirected.status_code == (303 if expected == 200 else 403)
    assert fresh(table).phase == (Phase.VOTE if expected == 200 else Phase.IDEATION)


def test_plenary_sends_anonymous_people_to_log_in_and_404s_unknown_events(client, cast, event):
    anonymous = client.get(url("plenary", event))
    client.force_login(cast.organiser)
    unknown = client.get(reverse("control_room", kwargs={"slug": "nulle-part"}))

    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert unknown.status_code == 404


# The plenary ------------------------------------------------------------------------------------


def test_plenary_counts_match_what_happened_at_the_tables(client, cast, event):
    first, second = TableFactory(event=event, name="A"), TableFactory(event=event, name="B")
    play(first, ideas=3, votes_per_idea=2)
    play(second, ideas=1, votes_per_idea=1)
    form_project(
        table=first,
        name="Bus",
        pitch="Un bus.",
        ideas=[],
        members=[{"full_name": "Marc", "phone": "0612345678"}],
        by=None,
    )
    TableFactory()  # another event's table: it must not count
    for _ in range(4):
        check_in(event)
    RegistrationFactory(event=event)  # registered, not arrived
    client.force_login(cast.organiser)

    response = client.get(url("plenary", event))

    stats = response.context["screen"].stats
    assert (stats.present, stats.idea_count, stats.vote_count, stats.project_count) == (4, 4, 7, 1)
    assert stats.idea_count == Idea.objects.filter(table__event=event).count()
    assert stats.vote_count == Vote.objects.filter(idea__table__event=event).count()
    assert stats.participant_count == Participant.objects.filter(table__event=event).count()
    assert [
        (t.name, t.participant_count, t.idea_count, t.vote_count, t.project_count, t.phase)
        for t in stats.tables
    ] == [("A", 7, 3, 6, 1, Phase.VOTE), ("B", 2, 1, 1, 0, Phase.VOTE)]
    html = response.content.decode()
    assert "arrivées à l'accueil" in html and "personnes à table" in html and "projet né" in html
    assert 'class="page-plenary"' in html


def test_plenary_live_answers_304_until_an_idea_or_an_arrival(client, cast, event):
    table = TableFactory(event=event)
    client.force_login(cast.organiser)
    etag = client.get(url("plenary_live", event))["ETag"]

    unchanged = client.get(url("plenary_live", event), headers={"If-None-Match": etag})
    play(table, ideas=1, votes_per_idea=0)
    after_idea = client.get(url("plenary_live", event), headers={"If-None-Match": etag})
    check_in(event)
    after_arrival = client.get(
        url("plenary_live", event), headers={"If-None-Match": after_idea["ETag"]}
    )

    assert unchanged.status_code == 304
    assert after_idea.status_code == 200
    assert "Idée 0" in after_idea.content.decode()
    assert after_arrival.status_code == 200
    assert len({etag, after_idea["ETag"], after_arrival["ETag"]}) == 3


# The control room -------------------------------------------------------------------------------


def test_control_room_flags_a_table_silent_for_15_minutes(db):
    event = EventFactory(starts_at=NOW - datetime.timedelta(hours=1))
    quiet = TableFactory(event=event, name="Calme")
    busy = TableFactory(event=event, name="Active")
    never = TableFactory(event=event, name="Jamais")
    closed = TableFactory(event=event, name="Finie", phase=Phase.CLOSED)
    Table.objects.filter(pk=quiet.pk).update(last_activity_at=NOW - datetime.timedelta(minutes=16))
    Table.objects.filter(pk=busy.pk).update(last_activity_at=NOW - datetime.timedelta(minutes=14))
    Table.objects.filter(pk=closed.pk).update(last_activity_at=NOW - datetime.timedelta(hours=2))

    rows = control_room_rows(event, NOW)

    assert {row.table.name: row.is_silent for row in rows} == {
        "Calme": True,
        "Active": False,
        "Jamais": True,
        "Finie": False,
    }
    assert never.last_activity_at is None


def test_control_room_flags_no_table_silent_before_the_doors_open_or_just_after(db):
    event = EventFactory(starts_at=NOW + datetime.timedelta(hours=2))
    just_opened = EventFactory(starts_at=NOW - datetime.timedelta(minutes=10))
    TableFactory(event=event, name="Avant")
    old_activity = NOW - datetime.timedelta(hours=3)  # set up in the afternoon
    early = TableFactory(event=just_opened, name="Ouverture")
    Table.objects.filter(pk=early.pk).update(last_activity_at=old_activity)

    before = control_room_rows(event, NOW)
    after = control_room_rows(just_opened, NOW)

    assert [row.is_silent for row in before + after] == [False, False]


def test_control_room_flags_tables_whose_facilitators_are_not_checked_in(cast):
    event = EventFactory(territory=cast.territory)
    arrived = UserFactory(email="arrivee@example.org", full_name="Awa Arrivée")
    absent = UserFactory(email="absent@example.org", full_name="Bruno Absent")
    check_in(event, email="Arrivee@Example.org")
    RegistrationFactory(event=event, email="absent@example.org")  # registered, not there
    check_in(EventFactory(), email="absent@example.org")  # checked in at another event
    TableFactory(event=event, name="A", facilitators=[arrived, absent])
    TableFactory(event=event, name="B", facilitators=[absent])
    TableFactory(event=event, name="C")

    rows = control_room_rows(event, NOW)

    assert [
        (r.table.name, r.has_facilitator, r.facilitator_checked_in, r.facilitator_names)
        for r in rows
    ] == [
        ("A", True, True, ["Awa Arrivée", "Bruno Absent"]),
        ("B", True, False, ["Bruno Absent"]),
        ("C", False, False, []),
    ]


def test_control_room_shows_flags_timers_and_siblings_for_full_tables(client, cast, event):
    challenge = ChallengeFactory(territory=cast.territory, title="Seniors")
    full = TableFactory(event=event, challenge=challenge, name="Seniors 1", capacity=2)
    sibling = TableFactory(event=event, challenge=challenge, name="Seniors 2", capacity=8)
    Table.objects.filter(pk=full.pk).update(
        participant_count=2,
        last_activity_at=timezone.now() - datetime.timedelta(minutes=30),
        phase=Phase.VOTE,
        phase_ends_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    Table.objects.filter(pk=sibling.pk).update(last_activity_at=timezone.now())
    Event.objects.filter(pk=event.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(cast.organiser)

    response = client.get(url("control_room", event))

    html = response.content.decode()
    rows = {row.table.name: row for row in response.context["rows"]}
    assert (rows["Seniors 1"].is_full, rows["Seniors 1"].is_silent) == (True, True)
    assert rows["Seniors 1"].timer_over is True
    assert rows["Seniors 1"].siblings_with_room == [sibling]
    assert rows["Seniors 2"].siblings_with_room == []
    assert response.context["help_count"] == 2  # nobody checked in to run either table
    assert "silencieuse depuis 15 min" in html
    assert "temps écoulé" in html
    assert f'<option value="{sibling.pk}">Seniors 2 (0/8)</option>' in html


def test_control_phase_starts_a_phase_with_its_timer_on_every_table(client, cast, event):
    tables = TableFactory.create_batch(3, event=event)
    elsewhere = TableFactory()
    client.force_login(cast.organiser)

    response = client.post(url("control_phase", event), {"phase": "vote", "minutes": "20"})
    followed = client.get(response["Location"])

    assert response.status_code == 303
    for table in tables:
        table = fresh(table)
        assert table.phase == Phase.VOTE
        assert table.phase_ends_at - table.phase_started_at == datetime.timedelta(minutes=20)
    assert fresh(elsewhere).phase == Phase.IDEATION
    [message] = [str(m) for m in followed.context["messages"]]
    assert message.startswith("Phase « vote » lancée sur 3 tables. Fin prévue à ")


@pytest.mark.parametrize(
    "data", [{"phase": "pause"}, {"phase": "vote", "minutes": "999"}, {"minutes": "10"}, {}]
)
def test_control_phase_with_bad_input_answers_a_message(client, cast, event, data):
    table = TableFactory(event=event)
    client.force_login(cast.organiser)

    response = client.post(url("control_phase", event), data, follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert fresh(table).phase == Phase.IDEATION


def test_control_redirect_confirms_a_sibling_and_refuses_others(client, cast, event):
    challenge = ChallengeFactory(territory=cast.territory)
    full = TableFactory(event=event, challenge=challenge, name="S1", code="SEN1", capacity=1)
    sibling = TableFactory(event=event, challenge=challenge, name="S2", code="SEN2")
    other_challenge = TableFactory(event=event, name="M1")
    other_event = TableFactory(challenge=challenge, name="X1")
    Table.objects.filter(pk=full.pk).update(participant_count=1)
    client.force_login(cast.organiser)

    def post(to_table, table=full):
        response = client.post(
            url("control_redirect", event),
            {"table": getattr(table, "pk", table), "to_table": getattr(to_table, "pk", to_table)},
            follow=True,
        )
        return [(m.level_tag, str(m)) for m in response.context["messages"]]

    assert post(sibling) == [
        (
            "success",
            "Orientez les nouveaux arrivants de « S1 » vers « S2 » (code SEN2). La page d'une "
            "table complète propose d'elle-même une table du même défi qui a de la place.",
        )
    ]
    assert post(other_challenge)[0][0] == "error"
    assert post(other_event)[0] == ("error", "Choisissez deux tables de cette soirée.")
    assert post("abc")[0][0] == "error"
    assert post(sibling, table="")[0][0] == "error"


def test_control_live_answers_304_then_changes_with_a_vote(client, cast, event):
    table = TableFactory(event=event)
    play(table, ideas=1, votes_per_idea=0)
    client.force_login(cast.organiser)
    etag = client.get(url("control_live", event))["ETag"]

    unchanged = client.get(url("control_live", event), headers={"If-None-Match": etag})
    set_phase(table=table, phase=Phase.VOTE, by=None)
    changed = client.get(url("control_live", event), headers={"If-None-Match": etag})

    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_event_live_stats_reads_counters_not_rows(db, django_assert_num_queries):
    event = EventFactory()
    table = TableFactory(event=event)
    Table.objects.filter(pk=table.pk).update(idea_count=40, vote_count=90, participant_count=12)

    with django_assert_num_queries(2):
        stats = event_live_stats(event)

    assert (stats.idea_count, stats.vote_count, stats.participant_count) == (40, 90, 12)


# Bounded queries --------------------------------------------------------------------------------


def night(event, table_count: int) -> None:
    for _ in range(table_count):
        facilitator = UserFactory()
        table = TableFactory(event=event, facilitators=[facilitator, UserFactory()])
        check_in(event, email=facilitator.email)
        play(table, ideas=2, votes_per_idea=1)


@pytest.mark.parametrize("item_count", (1, 3))
def test_plenary_queries_are_bounded(client, cast, event, item_count, django_assert_num_queries):
    night(event, item_count)
    client.force_login(cast.organiser)

    # Session, user, the event with its fingerprint, roles, tables, top ideas, projects born.
    with django_assert_num_queries(7):
        page = client.get(url("plenary", event))
    with django_assert_num_queries(7):
        live = client.get(url("plenary_live", event))
    # Session, user, the event with its fingerprint, roles: one aggregate, no count per table.
    with django_assert_num_queries(4):
        unchanged = client.get(url("plenary_live", event), headers={"If-None-Match": live["ETag"]})

    assert (page.status_code, live.status_code, unchanged.status_code) == (200, 200, 304)
    assert len(page.context["screen"].stats.tables) == item_count


@pytest.mark.parametrize("item_count", (1, 3))
def test_control_room_queries_are_bounded(
    client, cast, event, item_count, django_assert_num_queries, monkeypatch
):
    night(event, item_count)
    client.force_login(cast.organiser)
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)  # the ETag carries the minute

    # The page adds the spotlight's choices to the live part: the ideas, the projects.
    with django_assert_num_queries(9):
        page = client.get(url("control_room", event))
    with django_assert_num_queries(7):
        live = client.get(url("control_live", event))
    with django_assert_num_queries(4):
        unchanged = client.get(url("control_live", event), headers={"If-None-Match": live["ETag"]})

    assert (page.status_code, live.status_code, unchanged.status_code) == (200, 200, 304)
    assert len(page.context["rows"]) == item_count

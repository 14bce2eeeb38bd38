"""Every write of the night goes through the domain, the admin included: an organiser who
changes a table's phase or code, or an event's status, in the admin is followed by the phones at
once (the table's version moves; a former code is forgotten)."""

import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus, Phase, RegistrationStatus
from events.models import Table
from tests.events.factories import EventFactory, IdeaFactory, RegistrationFactory, TableFactory

HTMX = {"HX-Request": "true"}
EMPTY_INLINES = {
    f"{prefix}-{field}": 0
    for prefix in ("contributions", "quotes")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def table(cast):
    event = EventFactory(territory=cast.territory)
    return TableFactory(event=event, code="VELO1", phase=Phase.IDEATION)


def table_form(table: Table, **changes) -> dict:
    data = {
        "event": table.event_id,
        "challenge": table.challenge_id,
        "name": table.name,
        "code": table.code,
        "capacity": table.capacity,
        "dots_per_participant": table.dots_per_participant,
        "phase": table.phase,
        **EMPTY_INLINES,
    }
    return data | changes


def seated_phone(table: Table) -> tuple[Client, str]:
    """A phone seated at the table, with the ETag of the board it last polled."""
    phone = Client()
    response = phone.post(
        reverse("table_join", kwargs={"code": table.code}), {"display_name": "Awa"}
    )
    assert response.status_code == 303
    board = phone.get(reverse("table_board", kwargs={"code": table.code}), headers=HTMX)
    assert board.status_code == 200
    return phone, board["ETag"]


def test_a_phase_changed_in_the_admin_reaches_the_phones_next_poll(
    client, cast, table, django_capture_on_commit_callbacks
):
    IdeaFactory(table=table, text="Un marché de producteurs")
    phone, etag = seated_phone(table)
    assert (
        phone.get(
            reverse("table_board", kwargs={"code": table.code}),
            headers={**HTMX, "If-None-Match": etag},
        ).status_code
        == 304
    )
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:events_table_change", args=[table.pk]),
            table_form(table, phase=Phase.VOTE),
        )
    poll = phone.get(
        reverse("table_board", kwargs={"code": table.code}) + "?phase=ideation",
        headers={**HTMX, "If-None-Match": etag},
    )

    table.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert table.phase == Phase.VOTE
    assert table.phase_ends_at is None
    assert poll.status_code == 200
    assert "+1 gommette" in text(poll)
    assert "Le vote est ouvert" in text(poll)


def test_a_code_changed_in_the_admin_makes_the_former_code_unknown_at_once(
    client, cast, table, django_capture_on_commit_callbacks
):
    phone, _etag = seated_phone(table)  # the former code is cached by the phones' lookups
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:events_table_change", args=[table.pk]), table_form(table, code="NEUF7")
        )
    former = Client().get(reverse("table_join", kwargs={"code": "VELO1"}))
    board = phone.get(reverse("table_board", kwargs={"code": "VELO1"}), headers=HTMX)
    new = Client().get(reverse("table_join", kwargs={"code": "NEUF7"}))

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert former.status_code == 404
    assert "Code inconnu" in text(former)
    assert board.status_code == 404
    assert new.status_code == 200


def test_a_capacity_changed_in_the_admin_bumps_the_version(
    client, cast, table, django_capture_on_commit_callbacks
):
    version = table.version
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:events_table_change", args=[table.pk]), table_form(table, capacity=20)
        )

    table.refresh_from_db()
    assert table.capacity == 20
    assert table.version == version + 1


def test_an_event_status_changed_in_the_admin_form_reaches_its_tables(
    client, cast, table, django_capture_on_commit_callbacks
):
    event = table.event
    phone, etag = seated_phone(table)
    client.force_login(cast.organiser)
    form = client.get(reverse("admin:events_event_change", args=[event.pk]))
    data = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and name != "partners"
    }
    starts_at, ends_at = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    data |= {
        "starts_at_0": starts_at.strftime("%d/%m/%Y"),
        "starts_at_1": starts_at.strftime("%H:%M:%S"),
        "ends_at_0": ends_at.strftime("%d/%m/%Y"),
        "ends_at_1": ends_at.strftime("%H:%M:%S"),
        "status": EventStatus.FINISHED,
        "programme-TOTAL_FORMS": 0,
        "programme-INITIAL_FORMS": 0,
    }
    data.pop("starts_at", None)
    data.pop("ends_at", None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)
    poll = phone.get(
        reverse("table_board", kwargs={"code": table.code}),
        headers={**HTMX, "If-None-Match": etag},
    )

    event.refresh_from_db()
    table.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert event.status == EventStatus.FINISHED
    assert table.phase == Phase.CLOSED
    assert poll.status_code == 204
    assert poll["HX-Refresh"] == "true"


def test_opening_registration_from_the_admin_bumps_the_tables(client, cast, table):
    version = table.version
    client.force_login(cast.organiser)

    client.post(
        reverse("admin:events_event_changelist"),
        {"action": "close_registration", "_selected_action": [table.event_id]},
    )

    table.refresh_from_db()
    table.event.refresh_from_db()
    assert table.event.status == EventStatus.REGISTRATION_CLOSED
    assert table.version == version + 1


def test_finishing_an_event_closes_every_table_and_clears_its_timer(db):
    import datetime

    from events.domain.tables import set_event_status

    event = EventFactory()
    timed = TableFactory(
        event=event,
        phase=Phase.VOTE,
        phase_ends_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    open_table = TableFactory(event=event, phase=Phase.IDEATION)
    elsewhere = TableFactory(phase=Phase.IDEATION)

    set_event_status(event=event, status=EventStatus.FINISHED, by=None)

    for table in (timed, open_table, elsewhere):
        table.refresh_from_db()
    assert (timed.phase, timed.phase_ends_at, timed.version) == (Phase.CLOSED, None, 1)
    assert (open_table.phase, open_table.version) == (Phase.CLOSED, 1)
    assert (elsewhere.phase, elsewhere.version) == (Phase.IDEATION, 0)


def test_a_capacity_raised_in_the_admin_gives_the_waiting_list_its_places(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(territory=cast.territory, capacity=1, status=EventStatus.REGISTRATION_OPEN)
    RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    client.force_login(cast.organiser)
    form = client.get(reverse("admin:events_event_change", args=[event.pk]))
    data = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and name not in {"partners", "starts_at", "ends_at"}
    }
    starts_at, ends_at = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    data |= {
        "starts_at_0": starts_at.strftime("%d/%m/%Y"),
        "starts_at_1": starts_at.strftime("%H:%M:%S"),
        "ends_at_0": ends_at.strftime("%d/%m/%Y"),
        "ends_at_1": ends_at.strftime("%H:%M:%S"),
        "capacity": 2,
        "programme-TOTAL_FORMS": 0,
        "programme-INITIAL_FORMS": 0,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:events_event_change", args=[event.pk]), data)

    waiting.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert [message.to for message in mailoutbox] == [[waiting.email]]

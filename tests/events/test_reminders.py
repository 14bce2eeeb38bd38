import datetime

import pytest
from django.core import mail
from django.db import connection

from events.domain import reminders
from events.domain.reminders import send_due_reminders
from events.enums import EventStatus, RegistrationStatus, ReminderKind
from events.models import ReminderSent
from events.tasks import task_send_due_reminders
from tests.conftest import require_service
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.test_registration import run_together

NOW = datetime.datetime(2026, 5, 28, 9, 0, tzinfo=datetime.UTC)


def event_starting_in(cast, delta: datetime.timedelta, **fields):
    starts_at = NOW + delta
    return EventFactory(
        territory=cast.territory,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=6),
        **fields,
    )


def sent_to() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_sweep_run_twice_sends_each_reminder_once(cast):
    week = event_starting_in(cast, datetime.timedelta(days=6, hours=12), title="Soirée A")
    day = event_starting_in(cast, datetime.timedelta(hours=20), title="Soirée B")
    RegistrationFactory(event=week, email="semaine@example.org")
    RegistrationFactory(event=day, email="veille@example.org")

    first = send_due_reminders(now=NOW)
    second = send_due_reminders(now=NOW + datetime.timedelta(minutes=15))

    assert (first, second) == (2, 0)
    assert sent_to() == ["semaine@example.org", "veille@example.org"]
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["C'est demain : Soirée B", "Dans une semaine : Soirée A"]
    assert sorted(ReminderSent.objects.values_list("kind", flat=True)) == [
        ReminderKind.DAY_BEFORE,
        ReminderKind.WEEK_BEFORE,
    ]


def test_week_then_day_reminders_reach_the_same_person_once_each(cast):
    event = event_starting_in(cast, datetime.timedelta(days=6, hours=23))
    registration = RegistrationFactory(event=event, email="amina@example.org")

    for hours in range(0, 7 * 24, 6):
        send_due_reminders(now=NOW + datetime.timedelta(hours=hours))

    assert sorted(registration.reminders_sent.values_list("kind", flat=True)) == [
        ReminderKind.DAY_BEFORE,
        ReminderKind.WEEK_BEFORE,
    ]
    assert sent_to() == ["amina@example.org", "amina@example.org"]


@pytest.mark.parametrize(
    "delta",
    (
        datetime.timedelta(days=7, minutes=1),
        datetime.timedelta(days=5),
        datetime.timedelta(minutes=-1),
    ),
)
def test_no_reminder_outside_the_windows(cast, delta):
    RegistrationFactory(event=event_starting_in(cast, delta))

    assert send_due_reminders(now=NOW) == 0
    assert mail.outbox == []


def test_a_failure_mid_sweep_is_retried_by_the_next_sweep(cast, monkeypatch):
    event = event_starting_in(cast, datetime.timedelta(hours=20))
    for name in ("un", "deux", "trois"):
        RegistrationFactory(event=event, email=f"{name}@example.org")
    real_send = reminders.send_reminder

    def flaky_send(*, registration, kind):
        if registration.email == "deux@example.org":
            raise OSError("le serveur de courrier ne répond pas")
        real_send(registration=registration, kind=kind)

    monkeypatch.setattr(reminders, "send_reminder", flaky_send)
    first = send_due_reminders(now=NOW)
    monkeypatch.setattr(reminders, "send_reminder", real_send)
    second = send_due_reminders(now=NOW + datetime.timedelta(minutes=15))
    third = send_due_reminders(now=NOW + datetime.timedelta(minutes=30))

    assert (first, second, third) == (2, 1, 0)
    assert sent_to() == ["deux@example.org", "trois@example.org", "un@example.org"]
    assert ReminderSent.objects.count() == 3


def test_waitlisted_cancelled_walk_ins_and_draft_events_get_nothing(cast):
    event = event_starting_in(cast, datetime.timedelta(hours=20))
    RegistrationFactory(event=event, email="attente@example.org", status="waitlisted")
    RegistrationFactory(
        event=event, email="annule@example.org", status=RegistrationStatus.CANCELLED
    )
    RegistrationFactory(event=event, email="abc123@walk-in.invalid", is_walk_in=True)
    draft = event_starting_in(cast, datetime.timedelta(hours=20), status=EventStatus.DRAFT)
    RegistrationFactory(event=draft, email="brouillon@example.org")
    RegistrationFactory(event=event, email="inscrit@example.org")

    assert send_due_reminders(now=NOW) == 1
    assert sent_to() == ["inscrit@example.org"]


def test_reminder_carries_the_ticket_ics_and_cancel_links(cast):
    event = event_starting_in(cast, datetime.timedelta(hours=20), title="Soirée de Roubaix")
    RegistrationFactory(event=event, full_name="Amina Diallo", ticket_code="ABCD2345")

    send_due_reminders(now=NOW)

    body = mail.outbox[0].body
    assert "Bonjour Amina Diallo," in body
    assert "C'est demain\u00a0: «\u00a0Soirée de Roubaix\u00a0»." in body
    assert "ABCD2345" in body
    assert "/billets/" in body
    assert "/annuler/" in body
    assert f"/soirees/{event.slug}/agenda.ics" in body


def test_sweep_queries_do_not_grow_with_nothing_to_send(cast, django_assert_num_queries):
    event = event_starting_in(cast, datetime.timedelta(hours=20))
    RegistrationFactory.create_batch(3, event=event)
    send_due_reminders(now=NOW)

    with django_assert_num_queries(2):  # one look-up per kind: everyone was already reminded
        assert send_due_reminders(now=NOW) == 0


def test_task_sends_due_reminders(cast):
    now = datetime.datetime.now(tz=datetime.UTC)
    starts_at = now + datetime.timedelta(hours=3)
    event = EventFactory(
        territory=cast.territory,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=6),
    )
    RegistrationFactory(event=event, email="amina@example.org")

    result = task_send_due_reminders.delay()

    assert result.get() == 1
    assert sent_to() == ["amina@example.org"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_sweeps_running_at_once_send_each_reminder_once(cast):
    if connection.vendor != "postgresql":
        require_service("concurrent inserts need PostgreSQL: set DATABASE_URL")
    event = event_starting_in(cast, datetime.timedelta(hours=20))
    for index in range(5):
        RegistrationFactory(event=event, email=f"p{index}@example.org")

    results = run_together(3, lambda index: send_due_reminders(now=NOW))

    assert sum(results) == 5
    assert sent_to() == [f"p{index}@example.org" for index in range(5)]
    assert ReminderSent.objects.count() == 5

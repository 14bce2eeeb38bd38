"""The facilitators' e-mail the day before the evening: their tables and consoles, once."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from events.domain import facilitator_reminders
from events.domain.facilitator_reminders import send_due_facilitator_reminders
from events.enums import EventStatus
from events.models import FacilitatorReminderSent
from tests.events.factories import EventFactory, TableFactory
from tests.factories import UserFactory

NOW = datetime.datetime(2026, 5, 28, 9, 0, tzinfo=datetime.UTC)


def event_starting_in(cast, delta: datetime.timedelta, **fields):
    starts_at = NOW + delta
    return EventFactory(
        territory=cast.territory,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=6),
        **fields,
    )


def test_each_facilitator_gets_one_email_with_every_console(cast, settings):
    settings.SITE_URL = "https://territoire.example.org"
    event = event_starting_in(cast, datetime.timedelta(hours=20), title="Soirée du vélodrome")
    first = TableFactory(event=event, name="Table Mobilité", facilitators=[cast.facilitator])
    second = TableFactory(event=event, name="Table Santé", facilitators=[cast.facilitator])
    other = UserFactory(email="autre-anim@example.org")
    TableFactory(event=event, facilitators=[other])
    TableFactory(event=event_starting_in(cast, datetime.timedelta(days=3)), facilitators=[other])

    sent = send_due_facilitator_reminders(now=NOW)
    again = send_due_facilitator_reminders(now=NOW + datetime.timedelta(minutes=15))

    assert (sent, again) == (2, 0)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anim@example.org",
        "autre-anim@example.org",
    ]
    message = next(m for m in mail.outbox if m.to == ["anim@example.org"])
    assert message.subject == "C'est demain : votre table à Soirée du vélodrome"
    for table in (first, second):
        assert f"https://territoire.example.org{reverse('console', args=[table.code])}" in (
            message.body
        )
    assert "Table Mobilité" in message.body
    assert FacilitatorReminderSent.objects.count() == 2


def test_no_email_for_a_draft_or_a_table_without_facilitator(cast):
    draft = event_starting_in(cast, datetime.timedelta(hours=5), status=EventStatus.DRAFT)
    TableFactory(event=draft, facilitators=[cast.facilitator])
    TableFactory(event=event_starting_in(cast, datetime.timedelta(hours=5)))

    assert send_due_facilitator_reminders(now=NOW) == 0
    assert mail.outbox == []


def test_a_failed_send_is_retried_by_the_next_sweep(cast, monkeypatch):
    event = event_starting_in(cast, datetime.timedelta(hours=20))
    TableFactory(event=event, facilitators=[cast.facilitator])
    real_send = facilitator_reminders.send_facilitator_reminder

    def failing(**kwargs):
        raise ConnectionError("SMTP down")

    monkeypatch.setattr(facilitator_reminders, "send_facilitator_reminder", failing)
    assert send_due_facilitator_reminders(now=NOW) == 0
    assert FacilitatorReminderSent.objects.count() == 0

    monkeypatch.setattr(facilitator_reminders, "send_facilitator_reminder", real_send)
    assert send_due_facilitator_reminders(now=NOW) == 1
    assert [message.to for message in mail.outbox] == [["anim@example.org"]]


@pytest.mark.parametrize("item_count", (1, 3))
def test_finding_who_to_remind_is_one_query(cast, django_assert_num_queries, item_count):
    event = event_starting_in(cast, datetime.timedelta(hours=20))
    for _ in range(item_count):
        TableFactory(event=event, facilitators=[UserFactory(), UserFactory()])

    with django_assert_num_queries(1):
        due = facilitator_reminders.due_facilitations(NOW)

    assert len(due) == 2 * item_count


def test_the_email_is_in_the_facilitators_language(cast):
    from django.utils import timezone

    from tests.factories import InvitationFactory

    InvitationFactory(
        territory=cast.territory,
        email=cast.facilitator.email,
        language="en",
        accepted_by=cast.facilitator,
        accepted_at=timezone.now(),
    )
    event = event_starting_in(cast, datetime.timedelta(hours=20), title="Soirée du vélodrome")
    TableFactory(event=event, facilitators=[cast.facilitator])
    TableFactory(event=event, facilitators=[UserFactory(email="autre-anim@example.org")])

    send_due_facilitator_reminders(now=NOW)

    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects == {
        "anim@example.org": "It's tomorrow: your table at Soirée du vélodrome",
        "autre-anim@example.org": "C'est demain : votre table à Soirée du vélodrome",
    }

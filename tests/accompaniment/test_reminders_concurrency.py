"""Two sweeps at once (two beat hosts, a rerun by hand during the daily run), on PostgreSQL:
each person gets one digest, each reminder is recorded once, nobody is skipped."""

import datetime
import time

import pytest
from django.core import mail
from django.db import connection

from accompaniment.domain import reminders
from accompaniment.domain.reminders import send_due_reminders
from accompaniment.models import ReminderDigest, ReminderItem
from tests.accompaniment.factories import MilestoneFactory
from tests.conftest import require_service
from tests.events.test_registration import run_together
from tests.factories import UserFactory
from tests.projects.factories import ProjectMemberFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

DAY = datetime.date(2026, 10, 1)


@pytest.mark.parametrize("sweeps", (2, 3))
def test_sweeps_running_at_once_send_each_digest_once(cast, monkeypatch, sweeps):
    if connection.vendor != "postgresql":
        require_service("concurrent sweeps need PostgreSQL: set DATABASE_URL")
    for n in range(8):
        ProjectMemberFactory(project=cast.project, user=UserFactory(email=f"p{n}@example.org"))
    MilestoneFactory(project=cast.project, due_on=DAY + datetime.timedelta(days=2))
    MilestoneFactory(project=cast.project, due_on=DAY - datetime.timedelta(days=20))
    real_send = reminders.send_digest_email

    def slow_send(*, person, day, connection=None):
        # Sending takes a while, as SMTP does: the sweeps overlap on every person.
        time.sleep(0.05)
        real_send(person=person, day=day, connection=connection)

    monkeypatch.setattr(reminders, "send_digest_email", slow_send)

    results = run_together(sweeps, lambda index: send_due_reminders(day=DAY))

    assert all(not isinstance(result, BaseException) for result in results), results
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted(
        ["coach@example.org", "equipe@example.org"] + [f"p{n}@example.org" for n in range(8)]
    )
    assert recipients == expected
    assert sum(result.sent for result in results) == 10
    assert sum(result.failed for result in results) == 0
    # The sweeps did meet: one of them found a person's digest taken by another.
    assert sum(result.already_sent_today for result in results) >= 1
    assert ReminderDigest.objects.count() == 10
    # 9 team members x (due + overdue) and the coach's overdue-after-14-days.
    assert ReminderItem.objects.count() == 19

"""An e-mail is sent once even when its task is delivered twice (a worker died after sending)."""

import datetime
import threading
import time

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from territoire.audit import purge_audit_log
from territoire.ledger import SentEmail
from territoire.tasks import task_send_email
from tests.conftest import require_service

MESSAGE = {"subject": "Votre invitation", "body": "Bonjour", "to": ["awa@example.org"]}


def test_a_redelivered_task_sends_one_email(db):
    task_send_email.apply(kwargs=MESSAGE, task_id="tache-1")
    task_send_email.apply(kwargs=MESSAGE, task_id="tache-1")  # the broker delivers it again

    assert len(mail.outbox) == 1
    assert SentEmail.objects.filter(task_id="tache-1").count() == 1


def test_two_tasks_with_the_same_message_send_two_emails(db):
    task_send_email.apply(kwargs=MESSAGE, task_id="tache-1")
    task_send_email.apply(kwargs=MESSAGE, task_id="tache-2")

    assert len(mail.outbox) == 2


def test_a_key_given_by_the_caller_deduplicates_across_tasks(db):
    task_send_email.apply(kwargs={**MESSAGE, "dedup_key": "rappel-42"}, task_id="tache-1")
    task_send_email.apply(kwargs={**MESSAGE, "dedup_key": "rappel-42"}, task_id="tache-2")

    assert len(mail.outbox) == 1


def test_a_failed_send_leaves_no_record_so_the_retry_sends(db, monkeypatch):
    calls = []

    def refuse_once(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("serveur de mail absent")
        return 1

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse_once)

    # The first delivery fails (the task asks to be retried); the retry keeps the task id.
    with pytest.raises(Retry):
        task_send_email.apply(kwargs=MESSAGE, task_id="tache-1", throw=True)
    assert not SentEmail.objects.exists()

    task_send_email.apply(kwargs=MESSAGE, task_id="tache-1")

    assert len(calls) == 2
    assert SentEmail.objects.filter(task_id="tache-1").count() == 1


def test_old_records_are_purged(db, settings):
    settings.SENT_EMAIL_RETENTION_DAYS = 30
    SentEmail.objects.create(key="ancien", sent_at=timezone.now() - datetime.timedelta(days=31))
    SentEmail.objects.create(key="recent")

    purge_audit_log()

    assert list(SentEmail.objects.values_list("key", flat=True)) == ["recent"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_at_once_send_one_email(monkeypatch):
    """The broker hands the same message to two workers (a visibility timeout passed): the
    second waits on the first's record, then sends nothing."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL needed (set DATABASE_URL) for two deliveries at once")
    sent = []
    barrier = threading.Barrier(2, timeout=10)

    def slow_send(self, *args, **kwargs):
        time.sleep(0.3)  # the mail server taking its time, the record not yet committed
        sent.append(self.to)
        return 1

    def deliver() -> None:
        try:
            barrier.wait()
            task_send_email.apply(kwargs=MESSAGE, task_id="tache-1")
        finally:
            connections.close_all()

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", slow_send)
    workers = [threading.Thread(target=deliver) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert len(sent) == 1
    assert SentEmail.objects.count() == 1

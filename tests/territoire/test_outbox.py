"""Tasks asked for while the broker (Redis) is away: the write is saved, the person gets the usual
answer (never a 500), and the task is sent once the broker is back (territoire/outbox.py).

The broker is a real Celery connection to a closed port: what publishing to a Redis that is down
does, kombu's retries included."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events.models import Registration
from territoire.celery import app as celery_app
from territoire.enums import ReportStatus
from territoire.ledger import PendingTask
from territoire.outbox import send_pending_tasks
from territoire.reports.lifecycle import requeue_stalled_reports
from territoire.reports.models import Report
from territoire.tasks import task_send_pending_tasks
from tests.challenges.factories import ChallengeFactory
from tests.events.factories import EventFactory
from tests.events.test_registration import register_url, typed
from tests.own_redis import free_port
from tests.territoire.test_reports import test_kinds  # noqa: F401 (a fixture)


def _use_broker(url: str, *, eager: bool) -> None:
    celery_app.conf.broker_url = url
    celery_app.conf.task_always_eager = eager
    celery_app._pool = None  # the connections to the previous broker
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_away():
    """The Celery broker is a Redis nobody listens to; ``back()`` makes it one that works (here:
    tasks run in-process, as the tests' own broker)."""
    previous = (celery_app.conf.broker_url, celery_app.conf.task_always_eager)

    class Broker:
        @staticmethod
        def back() -> None:
            _use_broker(previous[0], eager=True)

    _use_broker(f"redis://127.0.0.1:{free_port()}/0", eager=False)
    yield Broker
    _use_broker(previous[0], eager=previous[1])


def test_a_registration_is_saved_and_its_e_mail_sent_once_the_broker_is_back(
    client, cast, broker_away, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    event = EventFactory(territory=cast.territory, title="Soirée de Roubaix")
    challenge = ChallengeFactory(territory=cast.territory)

    with django_assert_max_num_queries(25), django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), typed(challenge), follow=True)
    kept = list(PendingTask.objects.values_list("task", flat=True))
    still_away = send_pending_tasks()
    broker_away.back()
    sent = task_send_pending_tasks.delay().get()

    assert response.status_code == 200
    assert "Nous avons écrit à <strong>amina@example.org</strong>" in response.content.decode()
    assert Registration.objects.filter(email="amina@example.org").exists()
    assert kept == ["events.send_registration_email"]
    assert still_away == 0  # the sweep keeps them while the broker is still away
    assert sent == 1
    assert PendingTask.objects.count() == 0
    assert [message.to for message in mail.outbox] == [["amina@example.org"]]
    assert mail.outbox[0].subject == "Votre place est confirmée — Soirée de Roubaix"


def test_a_report_asked_for_stays_queued_and_its_sweep_sends_it_once_the_broker_is_back(
    client,
    cast,
    test_kinds,  # noqa: F811
    broker_away,
    django_capture_on_commit_callbacks,
):
    client.force_login(cast.organiser)
    reports = reverse("territory_reports", kwargs={"slug": cast.territory.slug})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reports, {"essai-kind": "essai"}, follow=True)
    report = Report.objects.get()
    broker_away.back()
    later = timezone.now() + datetime.timedelta(minutes=11)
    with django_capture_on_commit_callbacks(execute=True):
        requeued = requeue_stalled_reports(now=later)
    report.refresh_from_db()

    assert response.status_code == 200
    assert "est demandé" in response.content.decode()
    assert PendingTask.objects.count() == 0  # the report's row is its outbox
    assert requeued == [report.pk]
    assert report.status == ReportStatus.READY


def test_an_unknown_kept_task_is_dropped_rather_than_blocking_the_others(db):
    PendingTask.objects.create(task="territoire.a_task_removed_since", kwargs={"x": 1})
    PendingTask.objects.create(task="territoire.ping", kwargs={"value": "encore"})

    assert send_pending_tasks() == 1
    assert PendingTask.objects.count() == 0


def test_a_task_is_asked_for_by_a_name_a_task_has():
    from territoire.outbox import enqueue

    with pytest.raises(KeyError):
        enqueue("territoire.no_such_task", to=["x@example.org"])


def test_every_task_the_code_asks_for_is_registered():
    """The domain asks for tasks by name (territoire/outbox.py): each name written in the apps
    names a registered task, so a typo fails here rather than on the night."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    asked = set()
    for app in ("territoire", "challenges", "events", "projects", "accompaniment"):
        for path in (root / app).rglob("*.py"):
            asked |= set(re.findall(r'enqueue\(\s*"([\w.]+)"', path.read_text()))
    assert len(asked) >= 5
    celery_app.loader.import_default_modules()
    assert asked - set(celery_app.tasks) == set()

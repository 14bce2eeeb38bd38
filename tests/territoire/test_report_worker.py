"""Reports rendered by a real Celery worker over Redis, on the PostgreSQL test database: the
file written once, and a worker killed mid-render leaves the report retried, not "rendering"
for ever."""

import datetime
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from territoire.celery import app
from territoire.enums import ReportStatus
from territoire.reports.lifecycle import requeue_stalled_reports
from territoire.reports.models import Report
from territoire.tasks import task_render_report
from tests.conftest import require_service
from tests.projects.factories import ProjectFactory
from tests.test_celery_worker import redis_url, start_worker, stop_worker  # noqa: F401

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(redis_url, settings) -> dict[str, str]:  # noqa: F811
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: a worker process cannot share an in-memory SQLite database")
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }


@pytest.fixture
def real_broker():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


def _wait_for(report: Report, statuses: set[str], timeout: float = 90) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.05)
    raise AssertionError(f"report still {report.status} after {timeout} s")


def _portfolio(territory, projects: int) -> Report:
    for number in range(projects):
        ProjectFactory(
            territory=territory, name=f"Projet {number:03d}", slug=f"projet-{number:03d}"
        )
    return Report.objects.create(territory=territory, kind="portfolio", title="Portfolio")


def test_a_worker_renders_a_report_and_stores_it_once(cast, worker_env, real_broker, settings):
    report = _portfolio(cast.territory, 2)
    process = start_worker("reports-one", worker_env)
    try:
        task_render_report.apply_async(kwargs={"report_id": report.pk}, queue="reports-one")
        task_render_report.apply_async(kwargs={"report_id": report.pk}, queue="reports-one")
        _wait_for(report, {ReportStatus.READY, ReportStatus.FAILED})
        time.sleep(1)  # the second task runs after the first: it must find the report done
    finally:
        stop_worker(process)

    report.refresh_from_db()
    files = list((Path(settings.MEDIA_ROOT) / "reports" / cast.territory.slug).iterdir())
    assert report.status == ReportStatus.READY, report.error
    assert report.attempts == 1
    assert [f.name for f in files] == [f"{report.pk}-portfolio-des-projets.pdf"]
    assert files[0].read_bytes().startswith(b"%PDF-")


def test_a_worker_killed_mid_render_leaves_the_report_retried(
    cast, worker_env, real_broker, settings
):
    report = _portfolio(cast.territory, 60)
    first = start_worker("reports-killed", worker_env)
    try:
        task_render_report.apply_async(kwargs={"report_id": report.pk}, queue="reports-killed")
        _wait_for(report, {ReportStatus.RENDERING})
        time.sleep(0.5)
    finally:
        first.kill()  # SIGKILL: no goodbye, the task never finishes
        first.communicate()
    report.refresh_from_db()
    assert report.status == ReportStatus.RENDERING
    assert not report.file

    second = start_worker("reports-killed", worker_env)
    try:
        # Before the lease ends, the sweep leaves it alone: the worker might be alive.
        assert requeue_stalled_reports(queue="reports-killed") == []
        after_lease = timezone.now() + datetime.timedelta(minutes=16)
        assert requeue_stalled_reports(now=after_lease, queue="reports-killed") == [report.pk]
        _wait_for(report, {ReportStatus.READY, ReportStatus.FAILED})
    finally:
        stop_worker(second)

    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.attempts == 2
    assert report.page_count > 61  # the cover, the contents, one page per project
    files = list((Path(settings.MEDIA_ROOT) / "reports" / cast.territory.slug).iterdir())
    assert len(files) == 1

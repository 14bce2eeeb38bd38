"""A real task through a real Celery worker over Redis (CI runs it; without Redis it skips)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from territoire.celery import app
from territoire.tasks import task_ping
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.services


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        require_service("REDIS_URL is not set: no broker to send a task through")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:
        require_service(f"Redis does not answer at {url}: {exc}")
    return url


def start_worker(queue: str, env: dict[str, str]) -> subprocess.Popen:
    """A worker process of our own, consuming only ``queue``."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "territoire",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            queue,
            "-n",
            f"{queue}-{uuid.uuid4().hex[:4]}@%h",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    print(output)  # shown by pytest when the test failed


@pytest.fixture
def worker(redis_url):
    """A worker on a queue of its own, stopped after the test."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    process = start_worker(queue, {"REDIS_URL": redis_url})
    yield queue
    stop_worker(process)


def test_a_task_goes_through_a_real_worker_and_comes_back(worker):
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        result = task_ping.apply_async(kwargs={"value": "vélodrome"}, queue=worker)
        # disable_sync_subtasks: an eager task that failed earlier in the session can leave
        # Celery believing it runs inside a task; this test never does.
        answer = result.get(timeout=60, disable_sync_subtasks=False)
    finally:
        app.conf.task_always_eager = previous

    assert answer == "pong:vélodrome"
    assert result.status == "SUCCESS"

import json

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper


def test_healthz_reports_every_service_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] in {"ok", "in-process"}
    assert "no-cache" in response.headers["Cache-Control"]


def test_healthz_is_503_when_the_database_is_down(client, db, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(BaseDatabaseWrapper, "cursor", refuse)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "error"
    assert json.loads(response.content)["status"] == "down"


def test_healthz_degraded_but_200_when_the_cache_fails(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache away")

    with monkeypatch.context() as patch:
        patch.setattr(LocMemCache, "set", broken)
        response = client.get("/healthz")

    assert response.status_code == 200
    assert json.loads(response.content) | {"broker": "-"} == {
        "status": "degraded",
        "database": "ok",
        "cache": "down",
        "broker": "-",
        "failing": ["cache"],
    }


@pytest.mark.parametrize("eager", [False])
def test_healthz_reports_a_broker_that_does_not_answer(client, db, settings, eager):
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    from territoire.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.broker_url = previous

    assert response.status_code == 200
    assert json.loads(response.content)["broker"] == "error"

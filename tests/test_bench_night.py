"""The night's setup at a tiny size: each table's facilitator and the organisers get a session
that opens what ``bench/night.py`` polls (the console, the control room)."""

import pytest
from django.conf import settings

from bench.night import staff
from bench.setup_night import build

pytestmark = pytest.mark.django_db


def test_the_staff_s_sessions_open_the_pages_the_night_polls(client, django_assert_max_num_queries):
    built = build(tables=2, organisers=1)
    watchers = staff(built, consoles=2, organisers=1)

    assert [w.kind for w in watchers] == ["console", "console", "control room"]
    for watcher in watchers:
        name, value = watcher.cookie.split("=", 1)
        assert name == settings.SESSION_COOKIE_NAME
        client.cookies[name] = value
        with django_assert_max_num_queries(30):
            page = client.get(watcher.page)
        with django_assert_max_num_queries(30):
            unchanged = client.get(
                watcher.live, headers={"If-None-Match": page.headers["ETag"], "HX-Request": "true"}
            )
        assert page.status_code == 200, watcher.page
        assert unchanged.status_code == 304, watcher.live

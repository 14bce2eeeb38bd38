"""The data builder and the page measures of ``make bench-pages`` at a tiny size: the rows the
pages list, the counters the live pages read, and every measured page answering its person."""

import pytest

from bench.htmx_poll import ask_headers, poll_state
from bench.pages import budgets
from bench.pages_data import build
from bench.pages_measure import measure_in_process, page_specs, post_one_idea
from challenges.models import SignUp
from events.models import Idea, Participant, Table
from projects.models import Project

pytestmark = pytest.mark.django_db

TINY = {"projects": 6, "signups": 12, "tables": 2, "ideas": 11}


def test_the_builder_makes_the_rows_and_counters_the_pages_read():
    made = build(1, counts=TINY)

    assert Project.objects.count() == made["projects"] == 6
    assert SignUp.objects.count() == made["signups"] == 12
    assert Idea.objects.count() == made["ideas"] == 22
    assert Idea.objects.filter(merged_into__isnull=False).count() == 2  # the 10th of each table
    for table in Table.objects.all():
        assert table.idea_count == table.ideas.count() == 11
        assert table.participant_count == table.participants.count()
        assert table.facilitators.count() == 1
    assert Participant.objects.filter(ideas__isnull=True).count() == 2  # one poster a table


def test_every_measured_page_answers_its_person_within_bounded_queries(
    django_assert_max_num_queries,
):
    build(1, counts=TINY)
    specs = page_specs(1)

    with django_assert_max_num_queries(1200):
        measured = measure_in_process(specs, times=1)

    assert {spec.name for spec in specs} >= {"console", "control room", "plenary", "showcase"}
    for spec in specs:
        result = measured[spec.name]
        assert result["status"] == spec.expect, spec.name
        assert result["bytes"] > 0, spec.name
        assert result["queries"] > 0, spec.name


def test_a_poll_holding_the_page_s_etag_is_unchanged_until_an_idea_arrives(client):
    build(1, counts=TINY)
    console = next(spec for spec in page_specs(1) if spec.name == "console")
    client.force_login(console.user)
    page = client.get(console.url)
    held = poll_state(page.content.decode(), page.headers["ETag"], console.poll)

    unchanged = client.get(held["url"], headers=ask_headers(held))
    post_one_idea(console.table_code)
    changed = client.get(held["url"], headers=ask_headers(held))

    assert unchanged.status_code == 304
    assert changed.status_code == 200
    assert "ETag" in changed.headers


def test_budgets_say_missed_met_and_not_measured():
    results = {
        10: {
            "served": {
                "console": {"bytes": 90 * 1024, "changed": {"bytes": 10 * 1024}},
                "control room": {"bytes": 50 * 1024, "unchanged": {"statuses": {"200": 1}}},
            },
            "in_process": {"sign-ups CSV": {"peak_kib": 100.0}},
        }
    }

    checks = {label: verdict for label, _measured, verdict in budgets(results)}

    assert checks["console page at 66 ideas < 80 KB"] is False
    assert checks["console poll after one idea, 66 ideas < 40 KB"] is True
    assert checks["control room page at 30 tables < 120 KB"] is True
    assert checks["control room poll with nothing new is a 304 (x10)"] is False
    assert checks["console page at 200 ideas < 150 KB"] is None

"""Numbers from URLs and forms: only ASCII digits, never more than a column holds."""

import pytest

from territoire.inputs import parse_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", 0),
        ("999999999999999999", 999999999999999999),  # 18 digits: still a bigint
        ("²", None),  # str.isdigit() says yes, int() says no
        ("\u0661", None),  # an Arabic-Indic one: int() would take it
        ("99999999999999999999", None),  # beyond PostgreSQL's bigint
        ("-3", None),
        ("1e3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_int_takes_ascii_digits_only_within_bounds(value, expected):
    assert parse_int(value) == expected


def test_parse_int_respects_a_smaller_bound():
    assert parse_int("123456789", max_digits=9) == 123456789
    assert parse_int("1234567890", max_digits=9) is None


def test_a_huge_id_in_a_url_is_a_404_not_a_server_error(client, cast):
    from django.urls import reverse

    huge = "99999999999999999999"  # beyond PostgreSQL's bigint: Django answers "no such row"
    project = cast.project
    client.force_login(cast.coach)
    job = reverse(
        "job_verify", kwargs={"territory": project.territory.slug, "slug": project.slug, "pk": 1}
    )
    client_report = reverse("report_download", kwargs={"pk": 1})

    assert client.post(job.replace("/1/", f"/{huge}/")).status_code == 404
    assert client.get(client_report.replace("/1/", f"/{huge}/")).status_code == 404

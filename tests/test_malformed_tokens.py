"""A link whose token is not made of our tokens' characters (a NUL typed as ``%00``, which
PostgreSQL refuses in a query) answers what an unknown token answers, and never reaches a
query: on PostgreSQL the query itself was a 500."""

import pytest
from django.db import connection
from django.urls import reverse

from territoire.tokens import is_urlsafe_token

# Every URL whose last segment is a token; the ticket and the screen links are signed or split
# before any query, the others are looked up as they are.
TOKEN_URLS = (
    "table_follow_confirm",
    "table_follow_stop",
    "project_follow_confirm",
    "project_follow_stop",
    "project_invitation_accept",
    "invitation_accept",
    "reminder_preferences",
    "signup_confirm",
    "ticket",
    "ticket_qr",
    "ticket_cancel",
    "plenary_screen",
    "plenary_screen_live",
)
MALFORMED = ("abc%00def", "%00", "1-abc%00")


def _answer(client, method: str, url: str):
    """The response, and the parameters of every query it made (PostgreSQL refuses a NUL in
    any of them; SQLite's logged SQL would hide it, cut at the NUL)."""
    params = []

    def record(execute, sql, sql_params, many, context):
        params.extend(sql_params or ())
        return execute(sql, sql_params, many, context)

    with connection.execute_wrapper(record):
        response = getattr(client, method)(url)
    return response, params


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", TOKEN_URLS)
@pytest.mark.parametrize("malformed", MALFORMED)
def test_a_malformed_token_answers_as_an_unknown_one_without_a_query(
    client, name, method, malformed
):
    pattern = reverse(name, kwargs={"token": "TOKEN"})
    unknown, _ = _answer(client, method, pattern.replace("TOKEN", "1-unknown-token"))
    response, queries = _answer(client, method, pattern.replace("TOKEN", malformed))

    assert response.status_code == unknown.status_code
    assert response.status_code != 500
    assert [t.name for t in response.templates] == [t.name for t in unknown.templates]
    assert not [p for p in queries if isinstance(p, str) and "\x00" in p]


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("Abc_d-9", True),
        ("x" * 64, True),
        ("x" * 65, False),
        ("", False),
        ("abc\x00", False),
        ("abc def", False),
        ("abc\n", False),
    ],
)
def test_our_tokens_shape(token, expected):
    assert is_urlsafe_token(token) is expected

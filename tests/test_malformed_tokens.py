"""A link whose token or table code is not made of the characters ours are (a NUL typed as
``%00``, which PostgreSQL refuses in a query) answers what an unknown one answers, and never
reaches a query: on PostgreSQL the query itself was a 500."""

import pytest
from django.db import connection
from django.urls import reverse

from territoire.tokens import is_urlsafe_token
from tests.factories import UserFactory

# Every URL with a secret or a code in its path; the ticket, sign-up and screen links are signed
# or split before any query, the others are looked up as they are.
TOKEN_URLS = (
    ("table_follow_confirm", "token"),
    ("table_follow_stop", "token"),
    ("project_follow_confirm", "token"),
    ("project_follow_stop", "token"),
    ("project_invitation_accept", "token"),
    ("invitation_accept", "token"),
    ("reminder_preferences", "token"),
    ("signup_confirm", "token"),
    ("ticket", "token"),
    ("ticket_qr", "token"),
    ("ticket_cancel", "token"),
    ("plenary_screen", "token"),
    ("plenary_screen_live", "token"),
    ("table_join", "code"),
    ("table_qr", "code"),
    ("table_follow", "code"),
    ("console", "code"),
    ("console_live", "code"),
)
# A NUL inside or alone; a digit that is not an ASCII one (where an id is read from the link).
MALFORMED = ("abc%00def", "%00", "%C2%B2-abc")


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
@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "kwarg"), TOKEN_URLS)
@pytest.mark.parametrize("malformed", MALFORMED)
def test_a_malformed_token_answers_as_an_unknown_one_without_a_query(
    client, name, kwarg, method, malformed, signed_in
):
    if signed_in:
        client.force_login(UserFactory())
    pattern = reverse(name, kwargs={kwarg: "TOKEN"})
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

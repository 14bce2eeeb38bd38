"""No 500 on any input: every URL the resolver knows, as every role that reaches its view, gets
forms posted with generated values (empty, huge, unicode digits, NUL and control characters,
CR/LF, huge and non-numeric ids, tampered signed values). The answer is never a server error,
and when it is a refusal (4xx, or a page showing form errors) nothing already saved changed.

The fields come from the page's own forms (GET) and from what the view's module reads
(``request.POST.get("…")`` and its form classes), so POST-only endpoints are covered too.
The same values go to the page's GET forms (searches, filters).

Bounded: ``NO500_EXAMPLES`` examples per role and endpoint, unless set the hypothesis
profile's (tests/conftest.py: 2 in `make test`, 6 in CI's HYPOTHESIS_PROFILE=ci); run on
PostgreSQL too (CI does), where NUL and out-of-range ids only fail there.
"""

import os

import pytest
from django.db import connection, models
from django.urls import resolve
from django.urls.exceptions import Resolver404
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.hostile import Field, hostile_text, names_read_by, page_forms
from tests.test_permission_matrix import (
    ALL_URLS,
    EXPECTED,
    _count_as_the_domain_does,
    _objects,
    _url,
)

EXAMPLES = int(os.environ.get("NO500_EXAMPLES", settings.default.max_examples))
# Answers that mean the view ran (or refused the method but may take a POST).
REACHES_VIEW = {200, 302, 405}
# Nothing to post to: the admin's object → change redirect, static uploads. The signed-in
# erasure deletes the account posting to it, so no two examples start alike (hypothesis calls
# that flaky): its bad input is tested in tests/territoire/test_privacy_pages.py.
SKIPPED = {"media", "my_data_erase"}


def _targets() -> list[str]:
    return [key for key in ALL_URLS if key not in SKIPPED and not key.endswith("_<object>")]


def _saved(objects: dict[str, object]) -> dict[str, list[tuple]]:
    """What is stored for each of the cast's objects, read again from the database (raw SQL:
    this runs after every answer)."""
    rows = {}
    with connection.cursor() as cursor:
        for name, obj in objects.items():
            if isinstance(obj, models.Model):
                meta = obj._meta
                table = connection.ops.quote_name(meta.db_table)
                column = connection.ops.quote_name(meta.pk.column)
                cursor.execute(f"SELECT * FROM {table} WHERE {column} = %s", [obj.pk])
                rows[name] = cursor.fetchall()
    return rows


def _is_refusal(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    content = b"" if response.streaming else response.content
    return response.status_code == 200 and b'class="errorlist' in content


def _fields_for(client, url: str, key: str) -> tuple[dict[str, Field], dict[str, Field]]:
    """(fields posted to ``url``, fields of the page's GET forms)."""
    post_fields: dict[str, Field] = {}
    get_fields: dict[str, Field] = {}
    response = client.get(url)
    _read(response)
    if (
        not response.streaming
        and response.status_code == 200
        and "html" in response.get("Content-Type", "")
    ):
        for form in page_forms(response.content.decode()):
            if form.method == "get":
                get_fields |= form.fields
            elif form.action in {"", url, "."} or _same_view(form.action, key):
                post_fields |= form.fields
    view = resolve(url).func
    for name in names_read_by(view):
        post_fields.setdefault(name, Field(name, "text"))
    return post_fields, get_fields


def _same_view(action: str, key: str) -> bool:
    try:
        match = resolve(action.split("?")[0])
    except Resolver404:
        return False
    return match.view_name == key


def _values(data, fields: dict[str, Field]) -> dict[str, str]:
    posted = {}
    for name, known in sorted(fields.items()):
        value = data.draw(st.one_of(st.just(known.plausible()), hostile_text))
        posted[name] = value
    return posted


@pytest.mark.parametrize("key", _targets())
def test_no_server_error_on_generated_input(client, cast, key):
    objects = _objects(cast)
    _count_as_the_domain_does(objects)
    url = _url(key, cast, objects)
    for role, user in cast.role_users().items():
        if EXPECTED[key][role] in REACHES_VIEW:
            _post_generated_values(client, url, key, role, user, objects)


def _post_generated_values(client, url: str, key: str, role: str, user, objects) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)
    post_fields, get_fields = _fields_for(client, url, key)
    # What is saved, read again only after an answer that may have changed it (most are refusals).
    saved = {"now": _saved(objects)}

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure is shown
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def posts_are_answered(data):
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # signed out by the previous example: sets last_login
            saved["now"] = _saved(objects)
        response = client.post(url, _values(data, post_fields))
        _read(response)
        assert response.status_code < 500, (role, url, response.status_code)
        after = _saved(objects)
        if _is_refusal(response):
            assert after == saved["now"], (role, url, "changed on a refusal")
        saved["now"] = after
        if get_fields:
            response = client.get(url, _values(data, get_fields))
            _read(response)
            assert response.status_code < 500, (role, url, response.status_code)

    posts_are_answered()


def _read(response) -> None:
    if response.streaming:
        # Read to the end: the test client then closes the download's file itself.
        b"".join(response.streaming_content)

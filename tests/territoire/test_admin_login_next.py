"""The admin's login URL follows ``?next=`` only on this site (issue 14: open redirect, 500)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

HOSTILE = [
    "https://evil.example/voler",
    "//evil.example/voler",
    "/\\evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "http://testserver\x00.evil.example/",
]


def _login(client, next_url: str):
    return client.get(reverse("admin:login"), {"next": next_url})


@pytest.mark.parametrize("next_url", HOSTILE)
def test_a_signed_in_organiser_is_never_sent_elsewhere(
    client, cast, next_url, django_assert_max_num_queries
):
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(10):
        response = _login(client, next_url)

    if "\x00" in next_url:  # refused before the admin, as every NUL (territoire/middleware.py)
        assert response.status_code == 400
        return
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


@pytest.mark.parametrize("next_url", HOSTILE)
def test_a_visitor_goes_to_the_sign_in_page_with_a_next_on_this_site(client, db, next_url):
    response = _login(client, next_url)

    if "\x00" in next_url:  # refused before the admin, as every NUL (territoire/middleware.py)
        assert response.status_code == 400
        return
    assert response.status_code == 302
    target = urlsplit(response.url)
    assert target.path == reverse("account_login")
    assert parse_qs(target.query)["next"] == [reverse("admin:index")]


def test_a_next_on_this_site_is_followed(client, cast):
    client.force_login(cast.organiser)
    page = reverse("admin:territoire_territory_changelist")

    response = _login(client, page)

    assert response.status_code == 302
    assert response.url == page


def test_a_visitor_keeps_a_next_on_this_site(client, db):
    page = reverse("admin:territoire_territory_changelist")

    response = _login(client, page)

    assert parse_qs(urlsplit(response.url).query)["next"] == [page]

"""Sign-in limits behind the reverse proxy: keyed on the client's own address, shown on the page,
and never a way to lock somebody else out (issue 14)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from territoire.clientip import client_address
from tests.factories import PASSWORD

PROXY = "172.18.0.5"  # the reverse proxy on the compose network: REMOTE_ADDR for everybody
ATTACKER = "203.0.113.66"
COACH_AT_HOME = "198.51.100.7"


@pytest.fixture
def behind_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _sign_in(client, email: str, password: str, *, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def test_a_wrong_password_says_so_in_french(client, cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = _sign_in(client, cast.coach.email, "pas-le-bon")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="message message--error" role="alert"><p>' in html  # the form's, not htmx's
    assert "mot de passe" in html and "incorrect" in html
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_from_one_client_do_not_lock_out_the_others(
    client, cast, behind_the_proxy, django_assert_max_num_queries
):
    for attempt in range(12):
        _sign_in(client, f"inconnu{attempt}@example.org", "faux", forwarded_for=ATTACKER)
    limited = _sign_in(client, cast.organiser.email, PASSWORD, forwarded_for=ATTACKER)

    with django_assert_max_num_queries(25):
        response = _sign_in(client, cast.coach.email, PASSWORD, forwarded_for=COACH_AT_HOME)

    assert limited.status_code == 200
    assert "Trop de tentatives" in limited.content.decode()
    assert response.status_code == 302
    assert response.url == reverse("space")


def test_a_rate_limited_attempt_says_so_in_french_even_with_the_right_password(
    client, cast, behind_the_proxy
):
    for _ in range(5):
        _sign_in(client, cast.coach.email, "faux", forwarded_for=ATTACKER)

    response = _sign_in(client, cast.coach.email, PASSWORD, forwarded_for=ATTACKER)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="message message--error" role="alert"><p>' in html  # the form's, not htmx's
    assert "Trop de tentatives de connexion" in html
    assert "_auth_user_id" not in client.session


def test_nobody_can_lock_a_person_out_of_her_account(client, cast, behind_the_proxy):
    for _ in range(8):
        _sign_in(client, cast.coach.email, "faux", forwarded_for=ATTACKER)

    response = _sign_in(client, cast.coach.email, PASSWORD, forwarded_for=COACH_AT_HOME)

    assert response.status_code == 302
    assert response.url == reverse("space")


def test_a_forged_forwarded_for_entry_buys_no_new_attempts(client, cast, behind_the_proxy):
    for attempt in range(5):
        _sign_in(client, cast.coach.email, "faux", forwarded_for=f"10.9.9.{attempt}, {ATTACKER}")

    response = _sign_in(client, cast.coach.email, PASSWORD, forwarded_for=f"10.9.9.99, {ATTACKER}")

    assert "Trop de tentatives" in response.content.decode()


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=ATTACKER)

    assert client_address(request) == "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (1, f"6.6.6.6, {ATTACKER}", ATTACKER),
        (2, f"6.6.6.6, {ATTACKER}, 172.18.0.9", ATTACKER),
        (2, ATTACKER, ATTACKER),  # came through one proxy only
        (1, "pas-une-adresse", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, f"{ATTACKER}:51234", ATTACKER),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
    ],
)
def test_the_client_is_read_through_the_trusted_proxies(settings, proxies, forwarded_for, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_address(request) == expected


def test_too_many_sign_in_attempts_get_a_french_page(client, cast, behind_the_proxy):
    for attempt in range(30):
        _sign_in(client, f"inconnu{attempt}@example.org", "faux", forwarded_for=ATTACKER)

    response = _sign_in(client, cast.coach.email, PASSWORD, forwarded_for=ATTACKER)
    elsewhere = _sign_in(client, cast.coach.email, PASSWORD, forwarded_for=COACH_AT_HOME)

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "Attendez une minute" in response.content.decode()
    assert elsewhere.status_code == 302

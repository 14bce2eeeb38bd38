import re

from django.core import mail
from django.urls import reverse

from territoire.models import User


def _request_code(client, email: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("account_request_login_code"), {"email": email}, follow=True)


def test_login_by_emailed_code_lands_in_the_space(client, cast, django_capture_on_commit_callbacks):
    response = _request_code(client, cast.official.email, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [cast.official.email]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[0].body, re.M).group(1)
    confirmed = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)

    assert confirmed.redirect_chain[-1][0] == reverse("space")
    assert confirmed.context["user"] == cast.official
    html = confirmed.content.decode()
    assert "Mon espace" in html
    assert "Métropole A" in html


def test_wrong_code_is_refused_with_a_message(client, cast, django_capture_on_commit_callbacks):
    _request_code(client, cast.official.email, django_capture_on_commit_callbacks)

    response = client.post(reverse("account_confirm_login_code"), {"code": "ZZZZZZ"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_unknown_address_gets_no_code_and_no_account(
    client, db, django_capture_on_commit_callbacks
):
    _request_code(client, "personne@example.org", django_capture_on_commit_callbacks)

    assert all(message.to == ["personne@example.org"] for message in mail.outbox)
    assert not any(re.search(r"^\s*[A-Z0-9]{4}-[A-Z0-9]{4}\s*$", m.body, re.M) for m in mail.outbox)
    assert not User.objects.exists()


def test_login_page_offers_the_code_first(client, db):
    response = client.get(reverse("account_login"))

    html = response.content.decode()
    assert html.index("Recevoir un code par e-mail") < html.index("Avec un mot de passe")
    assert "sur invitation" in html


def test_password_login_still_works(client, cast):
    from tests.factories import PASSWORD

    response = client.post(
        reverse("account_login"), {"login": cast.coach.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("space")

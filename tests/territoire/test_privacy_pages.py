"""Privacy (GDPR): the notices, the register, the my-data pages and the e-mailed links."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from territoire.models import PrivacyRequest, User
from territoire.privacy import links as privacy_links
from territoire.privacy.people import erase_person
from territoire.privacy.registry import processings
from territoire.tasks import task_purge_audit_log
from tests.events.factories import EventFactory
from tests.territoire.privacy_people import (
    EMAIL,
    NAME,
    OTHER_EMAIL,
    rows_mentioning,
)


def test_territory_notice_lists_every_processing_and_its_controller(
    client, cast, django_assert_max_num_queries
):
    cast.territory.privacy_controller = "Métropole A, 1 place de la Mairie"
    cast.territory.privacy_contact = "dpo@metropole-a.example.org"
    cast.territory.save()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("privacy_notice", args=[cast.territory.slug]))
    content = response.content.decode()
    assert "1 place de la Mairie" in content
    assert "dpo@metropole-a.example.org" in content
    for processing in processings():
        assert str(escape(processing.name)) in content
        assert str(escape(processing.retention)) in content


def test_sign_up_and_registration_forms_link_the_territory_notice(client, cast):
    url = reverse("privacy_notice", args=[cast.territory.slug])
    assert url in client.get(reverse("signup", args=[cast.territory.slug])).content.decode()
    event = EventFactory(territory=cast.territory)
    response = client.get(reverse("event_register", args=[event.slug]))
    assert url in response.content.decode()
    assert (
        url in client.get(reverse("territory_detail", args=[cast.territory.slug])).content.decode()
    )


def test_organisers_export_the_register(client, cast, django_assert_max_num_queries):
    cast.territory.privacy_controller = "=HYPERLINK(1)"
    cast.territory.save()
    url = reverse("privacy_register_csv", args=[cast.territory.slug])
    client.force_login(cast.organiser)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body
    assert response["Content-Type"].startswith("text/csv")
    assert "Inscriptions à la soirée" in body and "Base légale" in body
    client.force_login(cast.other_organiser)
    assert client.get(url).status_code == 403
    client.force_login(cast.facilitator)
    assert client.get(url).status_code == 403


def test_signed_in_person_downloads_their_data(client, jeanne, django_assert_max_num_queries):
    client.force_login(jeanne)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("my_data")).status_code == 200
    with django_assert_max_num_queries(40):
        response = client.get(reverse("my_data_export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["territoire"]["compte"]["adresse"] == EMAIL
    assert OTHER_EMAIL not in response.content.decode()


def test_signed_in_erasure_asks_for_confirmation_then_erases_everything(client, cast, jeanne):
    client.force_login(jeanne)
    url = reverse("my_data_erase")
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Cochez la case" in response.content.decode()
    assert User.objects.filter(pk=jeanne.pk).exists()

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response.url == reverse("privacy_erased")
    assert not User.objects.filter(pk=jeanne.pk).exists()
    assert rows_mentioning("privatissima") == []
    assert client.get(reverse("space")).status_code == 302  # signed out


def _without_csrf(response) -> str:
    content = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content)


def test_public_request_answers_the_same_for_known_and_unknown_addresses(
    client, jeanne, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("privacy_request")
    with django_assert_max_num_queries(40), django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": EMAIL, "action": "access"})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "personne.inconnue@example.org", "action": "access"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known) == _without_csrf(unknown)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert "/mes-donnees/lien/" in mail.outbox[0].body


def test_public_request_keeps_what_was_typed_on_a_bad_address(client, db):
    response = client.post(
        reverse("privacy_request"), {"email": "pas-une-adresse", "action": "access"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "pas-une-adresse" in content and "n&#x27;est pas valide" in content
    assert mail.outbox == []


def test_e_mailed_access_link_downloads_the_data(client, jeanne):
    url = reverse(
        "privacy_link", args=[privacy_links.new_request(email=EMAIL, action=privacy_links.ACCESS)]
    )
    assert "Télécharger mes données" in client.get(url).content.decode()
    response = client.post(url)
    data = json.loads(response.content)
    assert data["challenges"]["inscriptions"][0]["nom"] == NAME


def test_e_mailed_erasure_link_erases_only_after_the_confirmation(client, jeanne):
    url = reverse(
        "privacy_link", args=[privacy_links.new_request(email=EMAIL, action=privacy_links.ERASURE)]
    )
    client.get(url)  # a mail scanner opening the link changes nothing
    assert User.objects.filter(pk=jeanne.pk).exists()
    client.post(url, {})
    assert User.objects.filter(pk=jeanne.pk).exists()
    response = client.post(url, {"confirm": "on"})
    assert "Vos données ont été effacées" in response.content.decode()
    assert not User.objects.filter(pk=jeanne.pk).exists()
    assert rows_mentioning("privatissima") == []


@pytest.mark.parametrize(
    "token",
    ["nimporte-quoi", "eyJlIjoiYUBiLmMiLCJhIjoiZXJhc3VyZSJ9:1abc:xyz", "\u00b2", "a" * 500],
)
def test_tampered_links_answer_in_french(client, jeanne, token):
    response = client.post(reverse("privacy_link", args=[token]), {"confirm": "on"})
    assert response.status_code == 200
    assert "Ce lien n&#x27;est pas valide." in response.content.decode()
    assert User.objects.filter(pk=jeanne.pk).exists()


def test_expired_links_answer_in_french(client, jeanne, monkeypatch):
    token = privacy_links.new_request(email=EMAIL, action=privacy_links.ERASURE)
    monkeypatch.setattr(privacy_links, "LINK_MAX_AGE", datetime.timedelta(seconds=-1))
    response = client.post(reverse("privacy_link", args=[token]), {"confirm": "on"})
    assert "Ce lien a expiré." in response.content.decode()
    assert User.objects.filter(pk=jeanne.pk).exists()


def test_general_notice_links_each_territory_notice_and_the_request_page(
    client, cast, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("privacy"))
    content = response.content.decode()
    assert reverse("privacy_notice", args=[cast.territory.slug]) in content
    assert reverse("privacy_notice", args=[cast.other_territory.slug]) in content
    assert reverse("privacy_request") in content


def test_the_space_links_my_data_and_the_organisers_register(client, cast):
    client.force_login(cast.organiser)
    content = client.get(reverse("space")).content.decode()
    assert reverse("my_data") in content
    assert reverse("privacy_register_csv", args=[cast.territory.slug]) in content
    client.force_login(cast.facilitator)
    content = client.get(reverse("space")).content.decode()
    assert reverse("privacy_register_csv", args=[cast.territory.slug]) not in content


def test_public_requests_are_limited_per_connection(client, db):
    url = reverse("privacy_request")
    for _ in range(5):
        client.post(url, {"email": "quelquun@example.org", "action": "erasure"})
    response = client.post(url, {"email": "quelquun@example.org", "action": "erasure"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Trop de demandes" in content and "quelquun@example.org" in content


# The link names a row by a random secret: no address in it ---------------------------------


def test_the_e_mailed_link_carries_no_address(client, jeanne, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("privacy_request"), {"email": EMAIL, "action": "erasure"})
    link = re.search(r"/mes-donnees/lien/([^/\s]+)/", mail.outbox[0].body).group(1)
    assert len(link) >= 43
    assert EMAIL.split("@")[0] not in link.lower()
    request = PrivacyRequest.objects.get()
    assert request.email == EMAIL.lower() and link not in request.secret_digest


def test_an_erasure_link_clicked_twice_shows_erased_twice(client, jeanne):
    url = reverse(
        "privacy_link", args=[privacy_links.new_request(email=EMAIL, action=privacy_links.ERASURE)]
    )
    first = client.post(url, {"confirm": "on"})
    second = client.post(url, {"confirm": "on"})
    again = client.get(url)
    assert "Vos données ont été effacées" in first.content.decode()
    assert "Vos données ont été effacées" in second.content.decode()
    assert "Ce lien a déjà servi" in again.content.decode().replace("&#x27;", "'")
    # The spent row remembers no address; the erasure removed the other pending ones.
    assert list(PrivacyRequest.objects.values_list("email", flat=True)) == [""]


def test_an_access_link_downloads_again_on_a_double_click(client, jeanne):
    url = reverse(
        "privacy_link", args=[privacy_links.new_request(email=EMAIL, action=privacy_links.ACCESS)]
    )
    assert client.post(url).status_code == client.post(url).status_code == 200


def test_erasure_deletes_the_persons_pending_requests(client, jeanne):
    privacy_links.new_request(email=EMAIL, action=privacy_links.ACCESS)
    privacy_links.new_request(email="autre@example.org", action=privacy_links.ACCESS)
    erase_person(EMAIL, jeanne)
    assert list(PrivacyRequest.objects.values_list("email", flat=True)) == ["autre@example.org"]


def test_expired_requests_are_purged_by_the_daily_sweep(db):
    privacy_links.new_request(email=EMAIL, action=privacy_links.ACCESS)
    PrivacyRequest.objects.update(
        created_at=timezone.now() - privacy_links.LINK_MAX_AGE - datetime.timedelta(minutes=1)
    )
    fresh = privacy_links.new_request(email=EMAIL, action=privacy_links.ERASURE)
    task_purge_audit_log()
    assert [r.action for r in PrivacyRequest.objects.all()] == ["erasure"]
    assert privacy_links.read_link(fresh).action == "erasure"

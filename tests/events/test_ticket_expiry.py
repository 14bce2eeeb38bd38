"""A ticket's links stop working a week after its evening (events/domain/registration.py:
ticket_expires_at): the page, its QR code and its cancel page answer 410 "ce billet a expiré"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.domain.registration import (
    TICKET_DAYS_AFTER_EVENING,
    ticket_expires_at,
    ticket_has_expired,
    ticket_token,
)
from events.enums import EventStatus, RegistrationStatus
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _past_registration(cast, *, days_after_end: float, **fields):
    ends_at = timezone.now() - datetime.timedelta(days=days_after_end)
    event = EventFactory(
        territory=cast.territory,
        title="Soirée de Roubaix",
        starts_at=ends_at - datetime.timedelta(hours=4),
        ends_at=ends_at,
        status=EventStatus.FINISHED,
    )
    return RegistrationFactory(event=event, full_name="Amina Diallo", **fields)


def test_a_ticket_lives_a_week_after_its_evening_ends(cast):
    registration = _past_registration(cast, days_after_end=1)
    event = registration.event
    assert ticket_expires_at(event) == event.ends_at + datetime.timedelta(
        days=TICKET_DAYS_AFTER_EVENING
    )
    assert not ticket_has_expired(registration, ticket_expires_at(event) - datetime.timedelta(1))
    assert ticket_has_expired(registration, ticket_expires_at(event))


def test_the_day_after_the_evening_the_ticket_still_opens(client, cast):
    registration = _past_registration(cast, days_after_end=1)
    response = client.get(reverse("ticket", kwargs={"token": ticket_token(registration)}))
    assert response.status_code == 200
    assert "Amina Diallo" in response.content.decode()


@pytest.mark.parametrize("name", ("ticket", "ticket_qr", "ticket_cancel"))
def test_an_expired_ticket_says_so_with_the_territory_link(
    client, cast, name, django_assert_max_num_queries
):
    registration = _past_registration(cast, days_after_end=TICKET_DAYS_AFTER_EVENING + 1)
    url = reverse(name, kwargs={"token": ticket_token(registration)})

    with django_assert_max_num_queries(2):
        response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 410
    assert "Ce billet a expiré" in html
    assert cast.territory.get_absolute_url() in html
    assert "Amina Diallo" not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_an_expired_ticket_cannot_be_cancelled(client, cast):
    registration = _past_registration(cast, days_after_end=TICKET_DAYS_AFTER_EVENING + 1)

    response = client.post(reverse("ticket_cancel", kwargs={"token": ticket_token(registration)}))

    assert response.status_code == 410
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_qr_code_is_never_cached_beyond_the_expiry(client, cast):
    registration = _past_registration(cast, days_after_end=TICKET_DAYS_AFTER_EVENING - 1)

    response = client.get(reverse("ticket_qr", kwargs={"token": ticket_token(registration)}))

    assert response.status_code == 200
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert 0 < max_age <= 24 * 3600


def test_a_bad_token_is_still_404_not_410(client, db):
    assert client.get(reverse("ticket", kwargs={"token": "pas-un-billet"})).status_code == 404

import datetime
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from events.domain.checkin import (
    AlreadyCheckedIn,
    CheckInRefused,
    check_in,
    present_count,
    register_walk_in,
)
from events.enums import RegistrationStatus
from events.models import Registration
from tests.conftest import require_service
from tests.events.factories import EventFactory, RegistrationFactory
from tests.events.test_registration import run_together

# The session, its user, the user's roles, the event, the count of people present.
DOOR_QUERIES = 5


def desk_url(event, query: str = "") -> str:
    url = reverse("checkin_desk", kwargs={"slug": event.slug})
    return f"{url}?q={query}" if query else url


def walk_in_url(event) -> str:
    return reverse("checkin_walk_in", kwargs={"slug": event.slug})


def count_url(event) -> str:
    return reverse("checkin_count", kwargs={"slug": event.slug})


@pytest.fixture
def event(cast):
    return EventFactory(territory=cast.territory)


@pytest.fixture
def door(client, cast):
    client.force_login(cast.facilitator)
    return client


# The domain


def test_check_in_sets_the_time_and_the_volunteer(event, cast):
    registration = RegistrationFactory(event=event)

    check_in(registration=registration, by=cast.facilitator)

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == cast.facilitator
    assert present_count(event) == 1


def test_check_in_twice_keeps_the_first_time(event, cast):
    registration = RegistrationFactory(event=event)
    check_in(registration=registration, by=cast.facilitator)
    registration.refresh_from_db()
    first_time = registration.checked_in_at

    with pytest.raises(AlreadyCheckedIn) as already:
        check_in(registration=registration, by=cast.organiser)

    registration.refresh_from_db()
    assert already.value.registration.checked_in_at == first_time
    assert registration.checked_in_at == first_time
    assert registration.checked_in_by == cast.facilitator
    assert present_count(event) == 1


def test_cancelled_registration_cannot_be_checked_in(event, cast):
    registration = RegistrationFactory(
        event=event, full_name="Bruno", status=RegistrationStatus.CANCELLED
    )

    with pytest.raises(CheckInRefused, match="L'inscription de Bruno est annulée"):
        check_in(registration=registration, by=cast.facilitator)

    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_waitlisted_person_let_in_at_the_door_is_confirmed(event, cast):
    registration = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)

    check_in(registration=registration, by=cast.facilitator)

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.checked_in_at is not None


def test_walk_in_without_email_gets_a_placeholder_address(event, cast):
    registration = register_walk_in(
        event=event, full_name=" Chloé Martin ", organisation_name="Mairie", by=cast.facilitator
    )

    registration.refresh_from_db()
    assert registration.full_name == "Chloé Martin"
    assert registration.is_walk_in is True
    assert registration.email.endswith("@walk-in.invalid")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.checked_in_by == cast.facilitator
    assert len(registration.ticket_code) == 8
    # Typed by a volunteer: the desk is recorded as the channel, no consent text, never named.
    assert (registration.consent_channel, registration.consent_text_version) == (
        "check_in_desk",
        "",
    )
    assert registration.consent_to_be_named is False
    second = register_walk_in(event=event, full_name="Chloé Martin", by=cast.facilitator)
    assert second.pk != registration.pk
    assert present_count(event) == 2
    assert mail.outbox == []


def test_walk_in_with_a_registered_address_checks_that_registration_in(event, cast):
    registered = RegistrationFactory(
        event=event, email="amina@example.org", status=RegistrationStatus.CANCELLED
    )

    registration = register_walk_in(
        event=event, full_name="Amina D.", email="Amina@Example.org", by=cast.facilitator
    )

    registered.refresh_from_db()
    assert registration.pk == registered.pk
    assert registered.status == RegistrationStatus.CONFIRMED
    assert registered.cancelled_at is None
    assert registered.checked_in_at is not None
    assert Registration.objects.count() == 1


# The door's pages


@pytest.mark.parametrize(
    ("role", "expected"),
    (
        ("organiser", 200),
        ("facilitator", 200),
        ("superuser", 200),
        ("coach", 403),
        ("official", 403),
        ("stranger", 403),
        ("other_organiser", 403),
    ),
)
@pytest.mark.parametrize("page", ("checkin_desk", "checkin_walk_in", "checkin_count"))
def test_door_pages_are_for_the_territorys_organisers_and_facilitators(
    client, cast, event, role, expected, page
):
    client.force_login(cast.role_users()[role])

    response = client.get(reverse(page, kwargs={"slug": event.slug}))

    assert response.status_code == expected


@pytest.mark.parametrize("page", ("checkin_desk", "checkin_walk_in", "checkin_count"))
def test_door_pages_send_anonymous_visitors_to_login(client, event, page):
    url = reverse(page, kwargs={"slug": event.slug})

    response = client.get(url)

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")


def test_door_post_is_refused_to_other_roles(client, cast, event):
    registration = RegistrationFactory(event=event)
    client.force_login(cast.coach)

    response = client.post(desk_url(event), {"registration": registration.pk})

    registration.refresh_from_db()
    assert response.status_code == 403
    assert registration.checked_in_at is None


@pytest.mark.parametrize("page", ("checkin_desk", "checkin_walk_in", "checkin_count"))
def test_unknown_event_is_404_at_the_door(door, page):
    assert door.get(reverse(page, kwargs={"slug": "inconnue"})).status_code == 404


def test_desk_finds_a_scanned_or_typed_ticket_code(door, event):
    RegistrationFactory(event=event, full_name="Amina Diallo", ticket_code="ABCD2345")
    RegistrationFactory(event=event, full_name="Bruno Lefebvre", ticket_code="WXYZ6789")

    scanned = door.get(desk_url(event, "ABCD2345"))
    typed = door.get(desk_url(event, "abcd 2345"))

    for response in (scanned, typed):
        html = response.content.decode()
        assert "Amina Diallo" in html
        assert "Bruno Lefebvre" not in html
        assert html.count('name="registration"') == 1


def test_desk_finds_people_by_name_or_organisation(door, event, cast):
    RegistrationFactory(event=event, full_name="Amina Diallo", organisation_name="Humanis")
    RegistrationFactory(event=event, full_name="Bruno Lefebvre")
    RegistrationFactory(event=EventFactory(territory=cast.territory), full_name="Amina Autre")

    by_name = door.get(desk_url(event, "amina")).content.decode()
    by_organisation = door.get(desk_url(event, "human")).content.decode()
    nobody = door.get(desk_url(event, "zoé")).content.decode()

    assert "Amina Diallo" in by_name
    assert "Amina Autre" not in by_name
    assert "Amina Diallo" in by_organisation
    assert "Personne ne correspond à «\u00a0zoé\u00a0»." in nobody


def test_desk_shows_the_live_count_polled_by_htmx(door, event):
    RegistrationFactory(event=event, checked_in_at=timezone.now())

    html = door.get(desk_url(event)).content.decode()

    assert f'hx-get="{count_url(event)}"' in html
    assert 'hx-trigger="every 10s"' in html
    assert 'hx-swap="outerHTML"' in html
    assert '<strong class="door-count__number">1</strong>' in html
    assert f'href="{walk_in_url(event)}"' in html


def test_one_tap_checks_in_with_the_persons_name(door, event, cast):
    registration = RegistrationFactory(event=event, full_name="Amina Diallo")

    response = door.post(desk_url(event), {"registration": registration.pk}, follow=True)

    registration.refresh_from_db()
    html = response.content.decode()
    assert response.redirect_chain == [(desk_url(event), 302)]
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == cast.facilitator
    assert "Amina Diallo est arrivé·e. Bienvenue !" in html
    assert '<strong class="door-count__number">1</strong>' in html


def test_second_tap_says_when_the_person_arrived(door, event):
    arrived = timezone.make_aware(datetime.datetime(2026, 6, 4, 18, 42))
    registration = RegistrationFactory(event=event, full_name="Amina Diallo", checked_in_at=arrived)

    response = door.post(desk_url(event), {"registration": registration.pk}, follow=True)

    registration.refresh_from_db()
    assert "Amina Diallo est déjà arrivé·e à 18h42." in response.content.decode()
    assert registration.checked_in_at == arrived


def test_cancelled_registration_is_refused_at_the_door(door, event):
    registration = RegistrationFactory(
        event=event, full_name="Bruno", status=RegistrationStatus.CANCELLED
    )

    response = door.post(desk_url(event), {"registration": registration.pk}, follow=True)

    registration.refresh_from_db()
    assert "L&#x27;inscription de Bruno est annulée" in response.content.decode()
    assert registration.checked_in_at is None


@pytest.mark.parametrize("posted", ("abc", "²", "99999999999999999999999", "", "-1"))
def test_tampered_registration_id_is_a_message_not_an_error(door, event, posted):
    response = door.post(desk_url(event), {"registration": posted}, follow=True)

    assert response.status_code == 200
    assert "Cette inscription n&#x27;existe pas pour cette soirée." in response.content.decode()


def test_another_events_registration_cannot_be_checked_in_here(door, event, cast):
    elsewhere = RegistrationFactory(event=EventFactory(territory=cast.territory))

    response = door.post(desk_url(event), {"registration": elsewhere.pk}, follow=True)

    elsewhere.refresh_from_db()
    assert "Cette inscription n&#x27;existe pas pour cette soirée." in response.content.decode()
    assert elsewhere.checked_in_at is None


def test_walk_in_form_registers_and_checks_in(door, event):
    response = door.post(
        walk_in_url(event),
        {"full_name": "Chloé Martin", "organisation_name": "Mairie", "email": ""},
        follow=True,
    )

    registration = Registration.objects.get()
    assert response.redirect_chain == [(desk_url(event), 302)]
    assert "Chloé Martin est inscrit·e sur place et arrivé·e. Bienvenue !" in (
        response.content.decode()
    )
    assert registration.is_walk_in is True
    assert registration.checked_in_at is not None


def test_walk_in_of_someone_already_in_says_so(door, event):
    arrived = timezone.make_aware(datetime.datetime(2026, 6, 4, 18, 5))
    RegistrationFactory(
        event=event, full_name="Amina Diallo", email="amina@example.org", checked_in_at=arrived
    )

    response = door.post(
        walk_in_url(event), {"full_name": "Amina", "email": "amina@example.org"}, follow=True
    )

    assert "Cette adresse est déjà inscrite : Amina Diallo est arrivé·e à 18h05." in (
        response.content.decode()
    )
    assert Registration.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "error"),
    (
        ({"full_name": "", "email": "chloe@example.org"}, "Indiquez le nom de la personne."),
        (
            {"full_name": "Chloé", "email": "chloe@"},
            "Cette adresse e-mail n&#x27;est pas valide.",
        ),
        ({"full_name": "C" * 151, "email": ""}, "150 caractères au plus"),
    ),
)
def test_walk_in_bad_input_keeps_what_was_typed(door, event, data, error):
    response = door.post(walk_in_url(event), {"organisation_name": "Mairie", **data})

    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    assert 'value="Mairie"' in html
    assert Registration.objects.count() == 0


def test_script_in_a_walk_in_name_is_shown_as_text(door, event):
    door.post(walk_in_url(event), {"full_name": "<b>Chloé</b>"})

    html = door.get(desk_url(event, "Chlo")).content.decode()

    assert "&lt;b&gt;Chloé&lt;/b&gt;" in html
    assert "<b>Chloé</b>" not in html


def test_count_answers_304_while_unchanged(door, event, cast):
    RegistrationFactory(event=event, checked_in_at=timezone.now())
    waiting = RegistrationFactory(event=event)

    first = door.get(count_url(event))
    unchanged = door.get(count_url(event), headers={"if-none-match": first["ETag"]})
    check_in(registration=waiting, by=cast.facilitator)
    changed = door.get(count_url(event), headers={"if-none-match": first["ETag"]})

    assert first.status_code == 200
    assert first["ETag"] == 'W/"present-1"'
    assert '<strong class="door-count__number">1</strong>' in first.content.decode()
    assert "no-cache" in first["Cache-Control"]
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged["ETag"] == 'W/"present-1"'
    assert changed.status_code == 200
    assert changed["ETag"] == 'W/"present-2"'
    assert '<strong class="door-count__number">2</strong>' in changed.content.decode()
    assert "<html" not in changed.content.decode()


@pytest.mark.parametrize("item_count", (1, 3))
def test_desk_search_in_bounded_queries(door, event, django_assert_num_queries, item_count):
    RegistrationFactory.create_batch(item_count, event=event, full_name="Amina Diallo")
    RegistrationFactory.create_batch(
        item_count, event=event, full_name="Amina Arrivée", checked_in_at=timezone.now()
    )

    with django_assert_num_queries(DOOR_QUERIES + 1):  # + the search
        response = door.get(desk_url(event, "Amina"))

    assert response.content.decode().count('name="registration"') == item_count


@pytest.mark.parametrize("item_count", (1, 3))
def test_count_in_bounded_queries(door, event, django_assert_num_queries, item_count):
    RegistrationFactory.create_batch(item_count, event=event, checked_in_at=timezone.now())

    with django_assert_num_queries(DOOR_QUERIES):
        response = door.get(count_url(event))

    assert f'<strong class="door-count__number">{item_count}</strong>' in (
        response.content.decode()
    )


def test_check_in_post_in_bounded_queries(door, event, django_assert_max_num_queries):
    registration = RegistrationFactory(event=event)

    # the registration, the UPDATE, the audit entry
    with django_assert_max_num_queries(DOOR_QUERIES + 3):
        door.post(desk_url(event), {"registration": registration.pk})


def test_walk_in_page_in_bounded_queries(door, event, django_assert_num_queries):
    with django_assert_num_queries(DOOR_QUERIES - 1):  # no count on this page
        response = door.get(walk_in_url(event))

    assert 'name="full_name"' in response.content.decode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_volunteers_tapping_at_once_check_in_once(cast):
    if connection.vendor != "postgresql":
        require_service("concurrent updates need PostgreSQL: set DATABASE_URL")
    registration = RegistrationFactory(event=EventFactory(territory=cast.territory))
    volunteers = [cast.facilitator, cast.organiser, cast.facilitator, cast.organiser]

    results = run_together(
        len(volunteers),
        lambda index: check_in(
            registration=Registration.objects.get(pk=registration.pk), by=volunteers[index]
        ),
    )

    registration.refresh_from_db()
    first = [r for r in results if isinstance(r, Registration)]
    late = [r for r in results if isinstance(r, AlreadyCheckedIn)]
    assert (len(first), len(late)) == (1, len(volunteers) - 1)
    assert registration.checked_in_at == first[0].checked_in_at
    assert {r.registration.checked_in_at for r in late} == {registration.checked_in_at}


def test_the_desk_clock_reads_the_french_way_in_french_and_the_english_way_in_english():
    import datetime

    from django.utils import timezone, translation

    from events.views.checkin import clock

    moment = timezone.make_aware(datetime.datetime(2026, 11, 22, 18, 42))
    with translation.override("fr"):
        french = clock(moment)
    with translation.override("en"):
        english = clock(moment)

    assert (french, english) == ("18h42", "18:42")


# Issue 14: a walk-in consents on the spot, herself


def test_walk_in_ticks_her_own_consent_and_it_is_recorded(door, event):
    page = door.get(walk_in_url(event)).content.decode()
    assert "être nommé·e dans la synthèse des débats" in page
    assert 'name="consented"' in page

    door.post(
        walk_in_url(event),
        {
            "full_name": "Chloé Martin",
            "email": "chloe@example.org",
            "organisation_name": "",
            "consented": "on",
        },
    )

    registration = Registration.objects.get()
    assert registration.is_walk_in is True  # the channel: the desk, "accueil"
    assert registration.consent_to_be_named is True
    assert registration.consented_at is not None
    assert registration.email == "chloe@example.org"


def test_walk_in_without_consent_stays_on_the_evenings_list_only(door, event):
    door.post(
        walk_in_url(event),
        {"full_name": "Chloé Martin", "email": "chloe@example.org", "organisation_name": ""},
    )

    registration = Registration.objects.get()
    assert registration.full_name == "Chloé Martin"
    assert registration.checked_in_at is not None
    assert registration.consent_to_be_named is False
    # Her address is not kept: nothing is sent to her after the evening.
    assert registration.email.endswith("@walk-in.invalid")

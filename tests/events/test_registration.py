import datetime
import re
import threading
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from challenges.enums import ChallengeStatus
from events.domain import registration as registration_domain
from events.domain import registration_changes
from events.domain.registration import (
    REGISTRATION_CONSENT_VERSION,
    TICKET_ALPHABET,
    RegistrationRefused,
    cancel,
    register,
    registration_from_token,
    ticket_token,
)
from events.enums import EventStatus, ProgrammeKind, RegistrationStatus
from events.models import Registration
from territoire.enums import ConsentChannel
from tests.challenges.factories import ChallengeFactory
from tests.conftest import require_service
from tests.events.factories import (
    EventFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    TableFactory,
)

# 16:00 UTC is 18h00 in Paris, on a Thursday.
# A Thursday in June, still to come (a past evening's page shows what was born there instead).
STARTS_AT = datetime.datetime(2099, 6, 4, 16, 0, tzinfo=datetime.UTC)
DETAIL_QUERIES = 3  # the event with its territory, the confirmed count, the programme
REGISTER_PAGE_QUERIES = 3  # the event, the confirmed count, the challenges


def register_url(event) -> str:
    return reverse("event_register", kwargs={"slug": event.slug})


def typed(*challenges, **overrides) -> dict:
    return {
        "full_name": "Amina Diallo",
        "email": "amina@example.org",
        "organisation_name": "Les Jardins du Nord",
        "preferred_challenges": [c.pk for c in challenges],
        "consent_to_be_named": "on",
        "consent": "on",
        "website": "",
        **overrides,
    }


def sign_up(event, email: str, **fields) -> Registration:
    return register(event=event, full_name=fields.pop("full_name", email), email=email, **fields)


def paths(text: str) -> dict[str, str]:
    """The site paths of the links in an e-mail, by their last segment."""
    found = {}
    for word in text.split():
        if word.startswith("http"):
            path = urlsplit(word).path
            found[path.rstrip("/").rsplit("/", 1)[-1]] = path
    return found


# The domain


def test_register_confirms_until_capacity_then_waitlists(cast):
    event = EventFactory(territory=cast.territory, capacity=2)

    first = sign_up(event, "un@example.org")
    second = sign_up(event, "deux@example.org")
    third = sign_up(event, "trois@example.org")
    fourth = sign_up(event, "quatre@example.org")

    assert [r.status for r in (first, second, third, fourth)] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]
    assert registration_domain.waiting_list_position(third) == 1
    assert registration_domain.waiting_list_position(fourth) == 2


def change_link(message) -> str:
    return urlsplit(re.search(r"https?://\S+/billets/modifier/\S+/", message.body).group()).path


def registered_yesterday(event, email: str, **fields) -> Registration:
    registration = sign_up(event, email, **fields)
    Registration.objects.filter(pk=registration.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    registration.refresh_from_db()
    return registration


# Registering twice used to update the registration: anyone knowing an address could rewrite
# a person's name, organisation and consent to be named. Now the owner confirms by e-mail.


def test_register_twice_changes_nothing_and_emails_the_owner(
    cast, django_capture_on_commit_callbacks
):
    event = EventFactory(territory=cast.territory)
    challenge = ChallengeFactory(territory=cast.territory)
    first = registered_yesterday(event, "amina@example.org", full_name="Amina")
    before = Registration.objects.values().get()

    with django_capture_on_commit_callbacks(execute=True):
        again = sign_up(
            event,
            "  Amina@Example.ORG ",
            full_name="Usurpatrice",
            preferred_challenges=[challenge],
            consent_to_be_named=True,
        )

    assert again.pk == first.pk
    assert Registration.objects.values().get() == before
    assert list(first.preferred_challenges.all()) == []
    [message] = mail.outbox
    assert message.to == ["amina@example.org"]
    assert message.subject == f"Votre inscription — {event.title}"
    assert "Votre inscription n'a pas changé." in message.body
    assert "Usurpatrice" in message.body
    assert reverse("ticket", kwargs={"token": ticket_token(first)}) in message.body


def test_change_link_applies_the_details_and_the_consent(
    client, cast, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    event = EventFactory(territory=cast.territory)
    challenge = ChallengeFactory(territory=cast.territory)
    registration = registered_yesterday(event, "amina@example.org", full_name="Amina")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(
            event,
            "amina@example.org",
            full_name="Amina Diallo",
            preferred_challenges=[challenge],
            consent_to_be_named=True,
        )
    link = change_link(mail.outbox[0])

    with django_assert_max_num_queries(4):  # the registration, its choices, the challenges
        shown = client.get(link)
    registration.refresh_from_db()
    assert shown.status_code == 200
    assert "Amina Diallo" in shown.content.decode()
    assert registration.full_name == "Amina"

    with django_capture_on_commit_callbacks(execute=True):
        applied = client.post(link)

    registration.refresh_from_db()
    assert applied.status_code == 302
    assert applied["Location"] == reverse("ticket", kwargs={"token": ticket_token(registration)})
    assert registration.full_name == "Amina Diallo"
    assert registration.consent_to_be_named is True
    assert registration.consent_text_version == REGISTRATION_CONSENT_VERSION
    assert registration.consent_channel == ConsentChannel.WEB_FORM
    assert list(registration.preferred_challenges.all()) == [challenge]
    assert Registration.objects.count() == 1

    # A double click leads to the same ticket and changes nothing more; the link is spent.
    again = client.post(link)
    reopened = client.get(link)

    assert (again.status_code, again["Location"]) == (302, applied["Location"])
    assert reopened.status_code == 400
    assert "Ce lien a déjà servi" in reopened.content.decode()


def test_register_again_after_cancelling_goes_to_the_end_of_the_queue_once_confirmed(
    client, cast, django_capture_on_commit_callbacks
):
    event = EventFactory(territory=cast.territory, capacity=1)
    holder = sign_up(event, "un@example.org")
    waiting = sign_up(event, "deux@example.org")
    cancel(registration=holder)  # promotes "deux"
    late = sign_up(event, "trois@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, "un@example.org")
    holder.refresh_from_db()
    assert holder.status == RegistrationStatus.CANCELLED  # nothing changes until confirmed
    [message] = mail.outbox
    assert "Pour vous inscrire à nouveau avec ces informations" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_link(message))

    back = Registration.objects.get(pk=holder.pk)
    assert back.status == RegistrationStatus.WAITLISTED
    assert back.cancelled_at is None
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert registration_domain.waiting_list_position(late) == 1
    assert registration_domain.waiting_list_position(back) == 2


@pytest.mark.parametrize("problem", ("expired", "tampered", "spent", "closed", "garbage"))
def test_change_link_refused_with_a_message_and_nothing_changes(
    client, cast, monkeypatch, django_capture_on_commit_callbacks, problem
):
    event = EventFactory(territory=cast.territory)
    registration = registered_yesterday(event, "amina@example.org", full_name="Amina")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(event, "amina@example.org", full_name="Usurpatrice")
    link = change_link(mail.outbox[0])
    if problem == "expired":
        monkeypatch.setattr(registration_changes, "CHANGE_MAX_AGE", datetime.timedelta(seconds=-1))
    elif problem == "tampered":
        link = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"
    elif problem == "garbage":
        link = reverse("registration_change_confirm", kwargs={"token": "n'importe-quoi"})
    elif problem == "spent":
        cancel(registration=registration)
    else:
        event.status = EventStatus.REGISTRATION_CLOSED
        event.save()
    before = Registration.objects.values().get()

    shown = client.get(link)
    posted = client.post(link)

    expected = {
        "expired": "Ce lien a expiré.",
        "tampered": "Ce lien de confirmation n&#x27;est pas valide.",
        "garbage": "Ce lien de confirmation n&#x27;est pas valide.",
        "spent": "Ce lien a déjà servi",
        "closed": "Les inscriptions à cette soirée ne sont pas ouvertes.",
    }[problem]
    assert posted.status_code == 400
    assert expected in posted.content.decode()
    assert shown.status_code == (200 if problem == "closed" else 400)
    assert Registration.objects.values().get() == before


def done_page(client, event, data) -> tuple:
    response = client.post(register_url(event), data)
    page = client.get(response["Location"])
    html = page.content.decode().replace(data["email"], "ADDRESS")
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return response.status_code, response["Location"], page.status_code, html


def test_known_and_new_addresses_get_the_same_answer(cast, django_capture_on_commit_callbacks):
    event = EventFactory(territory=cast.territory)
    registered_yesterday(event, "amina@example.org", full_name="Amina")

    with django_capture_on_commit_callbacks(execute=True):
        known = done_page(Client(), event, typed(full_name="Autre"))
        new = done_page(Client(), event, typed(email="nouvelle@example.org"))

    assert known == new
    assert [m.to for m in mail.outbox] == [["amina@example.org"], ["nouvelle@example.org"]]
    assert Registration.objects.get(email="amina@example.org").full_name == "Amina"


def answers_and_queries(event, data) -> tuple:
    """What the requester sees of a registration: the POST's answer, the page it leads to, then
    the evening's page with its places left; and how many queries those two pages took. (The
    POST itself writes a row for a new address only: see docs/security.md.)"""
    client, steps = Client(), []
    response = client.post(register_url(event), data)
    with CaptureQueriesContext(connection) as done:
        page = client.get(response["Location"])
    with CaptureQueriesContext(connection) as shown:
        event_page = client.get(event.get_absolute_url())
    for answer in (response, page, event_page):
        html = answer.content.decode().replace(data["email"], "ADDRESS")
        html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        steps.append((answer.status_code, answer.get("Location"), html))
    return steps, [len(done), len(shown)]


def test_a_known_address_and_a_new_one_answer_alike_down_to_places_left_and_queries(
    cast, django_capture_on_commit_callbacks
):
    """The places left move only for a new address: the page shows them in steps, so the
    evening's page after registering reads the same, in as many queries."""
    event = EventFactory(territory=cast.territory, capacity=80)
    registered_yesterday(event, "amina@example.org", full_name="Amina")

    with django_capture_on_commit_callbacks(execute=True):
        known, known_queries = answers_and_queries(event, typed(full_name="Autre"))
        new, new_queries = answers_and_queries(event, typed(email="nouvelle@example.org"))

    assert known == new
    assert "Plus de 50 places disponibles." in new[2][2]
    assert known_queries == new_queries
    assert [m.to for m in mail.outbox] == [["amina@example.org"], ["nouvelle@example.org"]]


def test_double_submit_is_one_row_and_one_email(client, cast, django_capture_on_commit_callbacks):
    event = EventFactory(territory=cast.territory)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(register_url(event), typed())
        second = client.post(register_url(event), typed())

    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_registering_racing_another_for_the_same_address_answers_the_same(
    client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    """The other request inserts the row between our lookup and our insert."""
    event = EventFactory(territory=cast.territory)
    lookups = []

    def the_other_request_inserts_after_our_lookup(queryset):
        if queryset.model is not Registration or lookups:
            return original_first(queryset)
        lookups.append(queryset)
        RegistrationFactory(
            event=event,
            email="amina@example.org",
            full_name="Amina Diallo",
            organisation_name="Les Jardins du Nord",
            consent_to_be_named=True,
            language="fr",
        )
        return None

    original_first = QuerySet.first
    monkeypatch.setattr(QuerySet, "first", the_other_request_inserts_after_our_lookup)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), typed())

    assert response.status_code == 302
    assert Registration.objects.count() == 1
    assert mail.outbox == []  # the other request sends the one ticket


def test_registering_records_the_consent_as_given_on_the_web_form(cast):
    event = EventFactory(territory=cast.territory)

    registration = sign_up(event, "amina@example.org", consent_to_be_named=True)

    assert registration.consented_at is not None
    assert registration.consent_text_version == REGISTRATION_CONSENT_VERSION
    assert registration.consent_channel == ConsentChannel.WEB_FORM


@pytest.mark.parametrize(
    "status",
    (EventStatus.DRAFT, EventStatus.REGISTRATION_CLOSED, EventStatus.FINISHED),
)
def test_register_is_refused_unless_registration_is_open(cast, status):
    event = EventFactory(territory=cast.territory, status=status)

    with pytest.raises(RegistrationRefused, match="ne sont pas ouvertes"):
        sign_up(event, "amina@example.org")

    assert Registration.objects.count() == 0


def test_register_keeps_only_the_territorys_open_challenges(cast):
    event = EventFactory(territory=cast.territory)
    kept = ChallengeFactory(territory=cast.territory)
    closed = ChallengeFactory(territory=cast.territory, status=ChallengeStatus.CLOSED)
    elsewhere = ChallengeFactory(territory=cast.other_territory)

    registration = sign_up(
        event, "amina@example.org", preferred_challenges=[kept, closed, elsewhere]
    )

    assert list(registration.preferred_challenges.all()) == [kept]


def test_ticket_codes_are_eight_unambiguous_characters(cast):
    event = EventFactory(territory=cast.territory)

    codes = {sign_up(event, f"p{i}@example.org").ticket_code for i in range(20)}

    assert len(codes) == 20
    assert all(len(code) == 8 and set(code) <= set(TICKET_ALPHABET) for code in codes)
    assert not set("0O1I") & set(TICKET_ALPHABET)


def test_ticket_code_collision_draws_again(cast, monkeypatch):
    event = EventFactory(territory=cast.territory)
    RegistrationFactory(event=event, ticket_code="ABCDEFGH")
    draws = iter(["ABCDEFGH", "ABCDEFGH", "JKLMNPQR"])
    monkeypatch.setattr(registration_domain, "new_ticket_code", lambda: next(draws))

    registration = sign_up(event, "amina@example.org")

    assert registration.ticket_code == "JKLMNPQR"
    assert Registration.objects.count() == 2


def test_cancel_promotes_the_oldest_waitlisted_and_emails_them(
    cast, django_capture_on_commit_callbacks
):
    event = EventFactory(territory=cast.territory, capacity=1, title="Soirée de Roubaix")
    holder = sign_up(event, "un@example.org")
    oldest = sign_up(event, "deux@example.org", full_name="Bruno Lefebvre")
    younger = sign_up(event, "trois@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        cancel(registration=holder)

    holder.refresh_from_db()
    oldest.refresh_from_db()
    younger.refresh_from_db()
    assert holder.status == RegistrationStatus.CANCELLED
    assert holder.cancelled_at is not None
    assert oldest.status == RegistrationStatus.CONFIRMED
    assert younger.status == RegistrationStatus.WAITLISTED
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["deux@example.org"]
    assert message.subject == ("Une place s'est libérée : vous êtes inscrit·e — Soirée de Roubaix")
    assert "Bonjour Bruno Lefebvre," in message.body
    assert "une place s'est libérée" in message.body
    assert reverse("ticket", kwargs={"token": ticket_token(oldest)}) in message.body


def test_cancelling_a_waitlisted_registration_promotes_nobody(cast):
    event = EventFactory(territory=cast.territory, capacity=1)
    sign_up(event, "un@example.org")
    waiting = sign_up(event, "deux@example.org")
    behind = sign_up(event, "trois@example.org")

    cancel(registration=waiting)

    behind.refresh_from_db()
    assert behind.status == RegistrationStatus.WAITLISTED
    assert registration_domain.waiting_list_position(behind) == 1


def test_cancel_twice_changes_nothing(cast):
    event = EventFactory(territory=cast.territory)
    registration = sign_up(event, "un@example.org")
    first = cancel(registration=registration)

    second = cancel(registration=registration)

    assert second.cancelled_at == first.cancelled_at
    assert second.status == RegistrationStatus.CANCELLED


def test_cancel_is_refused_once_the_evening_is_over(cast):
    event = EventFactory(territory=cast.territory, status=EventStatus.FINISHED)
    registration = RegistrationFactory(event=event)

    with pytest.raises(RegistrationRefused, match="a déjà eu lieu"):
        cancel(registration=registration)


def test_raised_capacity_goes_to_the_waiting_list_first(cast):
    event = EventFactory(territory=cast.territory, capacity=1)
    sign_up(event, "un@example.org")
    waiting = sign_up(event, "deux@example.org")
    event.capacity = 2
    event.save(update_fields=["capacity"])

    newcomer = sign_up(event, "trois@example.org")

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert newcomer.status == RegistrationStatus.WAITLISTED


def test_ticket_token_round_trip_and_tampering(cast):
    registration = RegistrationFactory(event=EventFactory(territory=cast.territory))
    token = ticket_token(registration)

    assert registration_from_token(token) == registration
    assert registration_from_token(token[:-2] + "xx") is None
    assert registration_from_token("pas-un-jeton") is None
    assert registration_from_token(signing.Signer(salt="autre").sign_object(1)) is None
    assert registration_from_token(signing.Signer(salt="events.ticket").sign_object("1")) is None
    assert registration_from_token(signing.dumps(registration.pk, salt="events.ticket")) is None
    assert ticket_token(registration) == token  # the same link in every e-mail


# The public pages


def test_event_page_shows_date_place_programme_and_places_left(client, cast):
    event = EventFactory(
        territory=cast.territory,
        title="Soirée de lancement de Roubaix",
        venue="Vélodrome couvert",
        address="1 rue Alexandre Fleming, Roubaix",
        description="Mille personnes, trente tables.",
        starts_at=STARTS_AT,
        ends_at=STARTS_AT + datetime.timedelta(hours=6),
        capacity=3,
    )
    ProgrammeItemFactory(event=event, kind=ProgrammeKind.WELCOME, title="Accueil café")
    ProgrammeItemFactory(
        event=event,
        kind=ProgrammeKind.WORKSHOP,
        title="Tables de défis",
        starts_at=STARTS_AT + datetime.timedelta(minutes=90),
    )
    RegistrationFactory(event=event)

    response = client.get(event.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "Soirée de lancement de Roubaix" in html
    assert "Jeudi 4 juin 2099, 18h00 \N{EN DASH} 00h00" in html
    assert "Vélodrome couvert" in html
    assert "1 rue Alexandre Fleming, Roubaix" in html
    assert "Mille personnes, trente tables." in html
    assert html.index("Accueil café") < html.index("Tables de défis")
    assert ">19h30<" in html
    assert "Ateliers aux tables" in html
    assert "Dernières places disponibles." in html
    assert f'href="{register_url(event)}"' in html
    assert reverse("event_ics", kwargs={"slug": event.slug}) in html


def test_full_event_page_says_waiting_list(client, cast):
    event = EventFactory(territory=cast.territory, capacity=1)
    RegistrationFactory(event=event)

    html = client.get(event.get_absolute_url()).content.decode()

    assert "Complet\u00a0: les nouvelles inscriptions vont sur la liste d'attente." in html
    assert "Je m'inscris sur la liste d'attente" in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_event_page_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    event = EventFactory(territory=cast.territory)
    ProgrammeItemFactory.create_batch(item_count, event=event)
    RegistrationFactory.create_batch(item_count, event=event)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(event.get_absolute_url())

    assert response.content.decode().count('class="programme__item"') == item_count


@pytest.mark.parametrize("role", ("anonymous", "stranger", "facilitator", "other_organiser"))
def test_draft_event_is_404_for_the_public(client, cast, role):
    event = EventFactory(territory=cast.territory, status=EventStatus.DRAFT)
    user = cast.role_users()[role]
    if user:
        client.force_login(user)

    for name in ("event_detail", "event_register", "event_ics"):
        response = client.get(reverse(name, kwargs={"slug": event.slug}))
        assert response.status_code == 404, name


def test_draft_event_is_previewed_by_its_organisers(client, cast):
    event = EventFactory(territory=cast.territory, status=EventStatus.DRAFT)
    client.force_login(cast.organiser)

    response = client.get(event.get_absolute_url())

    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Brouillon — aperçu réservé à l'équipe d'organisation" in (response.content.decode())


def test_unknown_event_is_404(client, db):
    assert client.get(reverse("event_detail", kwargs={"slug": "inconnue"})).status_code == 404


@pytest.mark.parametrize("item_count", (1, 3))
def test_register_page_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    event = EventFactory(territory=cast.territory)
    ChallengeFactory.create_batch(item_count, territory=cast.territory)

    with django_assert_num_queries(REGISTER_PAGE_QUERIES):
        response = client.get(register_url(event))

    assert response.content.decode().count('name="preferred_challenges"') == item_count


def test_register_page_offers_the_challenges_with_a_table_at_the_event(client, cast):
    event = EventFactory(territory=cast.territory)
    at_table = ChallengeFactory(territory=cast.territory, title="Seniors et numérique")
    ChallengeFactory(territory=cast.territory, title="Sans table")
    ChallengeFactory(territory=cast.territory, title="Défi clos", status=ChallengeStatus.CLOSED)
    ChallengeFactory(territory=cast.other_territory, title="Ailleurs")
    TableFactory(event=event, challenge=at_table)
    TableFactory(event=event, challenge=at_table)

    html = client.get(register_url(event)).content.decode()

    assert html.count('name="preferred_challenges"') == 1
    assert "Seniors et numérique" in html


def test_register_page_offers_all_open_challenges_while_no_table_is_set(client, cast):
    event = EventFactory(territory=cast.territory)
    ChallengeFactory(territory=cast.territory, title="Premier défi")
    ChallengeFactory(territory=cast.territory, title="Second défi")
    ChallengeFactory(territory=cast.territory, title="Défi clos", status=ChallengeStatus.CLOSED)
    ChallengeFactory(territory=cast.other_territory, title="Ailleurs")

    html = client.get(register_url(event)).content.decode()

    assert html.count('name="preferred_challenges"') == 2
    assert "Défi clos" not in html
    assert "Ailleurs" not in html


def test_registering_sends_the_ticket_by_email(client, cast, django_capture_on_commit_callbacks):
    event = EventFactory(territory=cast.territory, title="Soirée de Roubaix")
    challenge = ChallengeFactory(territory=cast.territory)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), typed(challenge), follow=True)

    registration = Registration.objects.get()
    token = ticket_token(registration)
    html = response.content.decode()
    assert response.redirect_chain == [
        (reverse("event_register_done", kwargs={"slug": event.slug}), 302)
    ]
    # The page says the same to a new and a known address: the status is in the e-mail.
    assert "Nous avons écrit à <strong>amina@example.org</strong>" in html
    assert token not in html  # the ticket goes to the address, not to whoever typed it
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.consent_to_be_named is True
    assert registration.language == "fr"
    assert list(registration.preferred_challenges.all()) == [challenge]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["amina@example.org"]
    assert message.subject == "Votre place est confirmée — Soirée de Roubaix"
    assert "Votre place est confirmée pour «\u00a0Soirée de Roubaix\u00a0»." in message.body
    links = paths(message.body)
    assert links[token] == reverse("ticket", kwargs={"token": token})
    assert links["annuler"] == reverse("ticket_cancel", kwargs={"token": token})
    assert links["agenda.ics"] == reverse("event_ics", kwargs={"slug": event.slug})
    assert registration.ticket_code in message.body
    names = [name for name, _content, _type in message.attachments]
    assert names == [f"{event.slug}.ics", f"billet-{registration.ticket_code}.png"]


def test_registering_on_a_full_event_says_waiting_list(
    client, cast, django_capture_on_commit_callbacks
):
    event = EventFactory(territory=cast.territory, capacity=1, title="Soirée de Roubaix")
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(event), typed(), follow=True)

    # The page says the same to a new and a known address: the position is in the e-mail.
    assert "Vérifiez vos e-mails" in response.content.decode()
    message = mail.outbox[0]
    assert message.subject == "Vous êtes sur la liste d'attente — Soirée de Roubaix"
    assert "vous êtes sur la liste d'attente, en position 2." in message.body
    assert [name for name, _c, _t in message.attachments] == [f"{event.slug}.ics"]


@pytest.mark.parametrize(
    ("overrides", "error"),
    (
        ({"full_name": "   "}, "Indiquez votre nom."),
        ({"email": "amina@"}, "Cette adresse e-mail n&#x27;est pas valide."),
        ({"email": ""}, "Indiquez votre adresse e-mail."),
        ({"full_name": "A" * 151}, "150 caractères au plus (vous en avez tapé 151)."),
        ({"organisation_name": "O" * 201}, "200 caractères au plus (vous en avez tapé 201)."),
        ({"consent": ""}, "Votre accord est nécessaire pour vous inscrire"),
        ({"preferred_challenges": ["premier"]}, "Choisissez parmi les tables proposées."),
    ),
)
def test_bad_input_is_answered_in_the_form_keeping_what_was_typed(client, cast, overrides, error):
    event = EventFactory(territory=cast.territory)
    data = typed(**overrides)

    response = client.post(register_url(event), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert error in html
    assert "Le formulaire contient des erreurs" in html
    assert f'value="{data["organisation_name"]}"' in html
    if data["email"]:
        assert f'value="{data["email"]}"' in html
    assert Registration.objects.count() == 0


def test_another_territorys_challenge_is_refused(client, cast):
    event = EventFactory(territory=cast.territory)
    ChallengeFactory(territory=cast.territory)
    elsewhere = ChallengeFactory(territory=cast.other_territory)

    response = client.post(register_url(event), typed(elsewhere))

    assert response.status_code == 400
    assert "Choisissez parmi les tables proposées." in response.content.decode()
    assert Registration.objects.count() == 0


def test_script_in_the_name_is_shown_as_text(client, cast, django_capture_on_commit_callbacks):
    event = EventFactory(territory=cast.territory)
    name = "<script>alert('x')</script>"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url(event), typed(full_name=name))
    registration = Registration.objects.get()
    html = client.get(reverse("ticket", kwargs={"token": ticket_token(registration)}))

    page = html.content.decode()
    assert registration.full_name == name
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_honeypot_is_refused(client, cast):
    event = EventFactory(territory=cast.territory)

    response = client.post(register_url(event), typed(website="http://spam.example"))

    assert response.status_code == 400
    assert "Votre envoi n&#x27;a pas pu être accepté." in response.content.decode()
    assert Registration.objects.count() == 0


def test_flood_is_rate_limited_keeping_what_was_typed(client, cast):
    event = EventFactory(territory=cast.territory)
    for index in range(5):
        client.post(register_url(event), typed(email=f"personne{index}@example.org"))

    response = client.post(register_url(event), typed(email="sixieme@example.org"))

    html = response.content.decode()
    assert response.status_code == 429
    assert "Trop d&#x27;envois en peu de temps : réessayez dans quelques minutes." in html
    assert 'value="sixieme@example.org"' in html
    assert Registration.objects.count() == 5


def test_closed_registration_is_refused_with_a_message(client, cast):
    event = EventFactory(territory=cast.territory, status=EventStatus.REGISTRATION_CLOSED)

    page = client.get(register_url(event))
    response = client.post(register_url(event), typed())

    assert page.status_code == 200
    assert "Les inscriptions à cette soirée ne sont pas ouvertes." in page.content.decode()
    assert 'name="full_name"' not in page.content.decode()
    assert response.status_code == 409
    assert "Les inscriptions à cette soirée ne sont pas ouvertes." in response.content.decode()
    assert Registration.objects.count() == 0


# The ticket


def test_ticket_page_shows_the_code_the_qr_and_the_links(client, cast):
    event = EventFactory(territory=cast.territory, title="Soirée de Roubaix")
    registration = RegistrationFactory(
        event=event, full_name="Amina Diallo", ticket_code="ABCD2345"
    )
    token = ticket_token(registration)

    response = client.get(reverse("ticket", kwargs={"token": token}))

    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Amina Diallo" in html
    assert "Soirée de Roubaix" in html
    assert "Place confirmée" in html
    assert '<span class="ticket__code">ABCD2345</span>' in html
    assert f'src="{reverse("ticket_qr", kwargs={"token": token})}"' in html
    assert reverse("event_ics", kwargs={"slug": event.slug}) in html
    assert reverse("ticket_cancel", kwargs={"token": token}) in html


def test_ticket_qr_is_an_svg_of_the_ticket_code(client, cast):
    registration = RegistrationFactory(event=EventFactory(territory=cast.territory))

    response = client.get(reverse("ticket_qr", kwargs={"token": ticket_token(registration)}))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith((b"<?xml", b"<svg"))
    assert b"<svg" in response.content
    assert "max-age=604800" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_ticket_qr_is_a_full_qr_code_phones_can_read(cast):
    registration = RegistrationFactory(
        event=EventFactory(territory=cast.territory), ticket_code="ABCD2345"
    )

    code = registration_domain._qr_code(registration)

    assert code.is_micro is False


@pytest.mark.parametrize("name", ("ticket", "ticket_qr", "ticket_cancel"))
def test_bad_ticket_token_is_404(client, db, name):
    assert client.get(reverse(name, kwargs={"token": "pas-un-billet"})).status_code == 404


def test_ticket_of_a_deleted_registration_is_404(client, cast):
    registration = RegistrationFactory(event=EventFactory(territory=cast.territory))
    token = ticket_token(registration)
    registration.delete()

    assert client.get(reverse("ticket", kwargs={"token": token})).status_code == 404


def test_cancel_link_asks_then_cancels_once(client, cast, django_capture_on_commit_callbacks):
    event = EventFactory(territory=cast.territory, capacity=1)
    registration = RegistrationFactory(event=event)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)
    url = reverse("ticket_cancel", kwargs={"token": ticket_token(registration)})

    page = client.get(url)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert "Oui, j'annule mon inscription" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    again = client.post(url, follow=True)

    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert response.redirect_chain == [(url, 302)]
    assert "Votre inscription est annulée" in response.content.decode()
    assert again.status_code == 200
    assert registration.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert [m.to for m in mail.outbox] == [[waiting.email]]


def test_cancelled_ticket_shows_no_qr(client, cast):
    registration = RegistrationFactory(
        event=EventFactory(territory=cast.territory), status=RegistrationStatus.CANCELLED
    )
    token = ticket_token(registration)

    html = client.get(reverse("ticket", kwargs={"token": token})).content.decode()

    assert "Inscription annulée" in html
    assert reverse("ticket_qr", kwargs={"token": token}) not in html


def test_cancel_after_the_evening_is_refused_with_a_message(client, cast):
    event = EventFactory(territory=cast.territory, status=EventStatus.FINISHED)
    registration = RegistrationFactory(event=event)
    url = reverse("ticket_cancel", kwargs={"token": ticket_token(registration)})

    response = client.post(url)

    assert response.status_code == 409
    assert "Cette soirée a déjà eu lieu." in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.parametrize("item_count", (1, 3))
def test_ticket_page_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    event = EventFactory(territory=cast.territory)
    RegistrationFactory.create_batch(item_count, event=event, status=RegistrationStatus.WAITLISTED)
    registration = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)

    with django_assert_num_queries(2):  # the registration with its event, the position
        response = client.get(reverse("ticket", kwargs={"token": ticket_token(registration)}))

    assert f"position {item_count + 1}" in response.content.decode()


# Under concurrency, on PostgreSQL


def run_together(count: int, action) -> list:
    """Run ``action(index)`` in ``count`` threads released at the same instant."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action(index)
        except Exception as error:  # reported to the test, which expects none
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_people_registering_at_once_for_the_last_place_get_it_once(cast):
    if connection.vendor != "postgresql":
        require_service("row locks need PostgreSQL: set DATABASE_URL")
    event = EventFactory(territory=cast.territory, capacity=3)
    RegistrationFactory.create_batch(2, event=event)

    results = run_together(6, lambda index: sign_up(event, f"dernier{index}@example.org"))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert sorted(r.status for r in results).count(RegistrationStatus.CONFIRMED) == 1
    assert (
        Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count() == 3
    )
    assert (
        Registration.objects.filter(event=event, status=RegistrationStatus.WAITLISTED).count() == 5
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_same_address_registering_at_once_is_one_registration(cast):
    if connection.vendor != "postgresql":
        require_service("row locks need PostgreSQL: set DATABASE_URL")
    event = EventFactory(territory=cast.territory)

    results = run_together(4, lambda index: sign_up(event, "amina@example.org"))

    assert [r for r in results if isinstance(r, Exception)] == []
    assert {r.pk for r in results} == {Registration.objects.get(event=event).pk}

import datetime
import re
import threading
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from challenges.domain import signup_changes, signups
from challenges.domain.signups import SIGNUP_CONSENT_VERSION, confirmation_token
from challenges.enums import ActorKind, ChallengeStatus
from challenges.models import SignUp
from territoire.enums import ConsentChannel
from tests.challenges.factories import ChallengeFactory, SignUpFactory
from tests.conftest import require_service

SIGNUP_PAGE_QUERIES = 3  # the territory, the chosen challenge (?defi=), the open challenges


def signup_url(territory) -> str:
    return reverse("signup", kwargs={"territory_slug": territory.slug})


def typed(*challenges, **overrides) -> dict:
    return {
        "full_name": "Karim Benali",
        "email": "karim@example.org",
        "organisation_name": "Les Jardins du Nord",
        "actor_kind": ActorKind.ASSOCIATION,
        "challenges": [c.pk for c in challenges],
        "wants_to_facilitate": "on",
        "consent": "on",
        "website": "",
        **overrides,
    }


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


def pending_signup(territory, **fields) -> SignUp:
    return SignUpFactory(
        territory=territory, confirmed_at=None, confirmation_nonce="a" * 32, **fields
    )


def confirm_url(signup: SignUp) -> str:
    return reverse("signup_confirm", kwargs={"token": confirmation_token(signup)})


def test_signup_sends_one_confirmation_and_counts_only_once_confirmed(
    client, cast, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(territory=cast.territory, title="Seniors et numérique")
    list_url = reverse("challenge_list", kwargs={"territory_slug": cast.territory.slug})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup_url(cast.territory), typed(challenge), follow=True)

    signup = SignUp.objects.get()
    assert response.redirect_chain == [
        (reverse("signup_thanks", kwargs={"territory_slug": cast.territory.slug}), 302)
    ]
    assert "Nous avons envoyé un lien de confirmation à <strong>karim@example.org</strong>." in (
        response.content.decode()
    )
    assert (signup.full_name, signup.actor_kind, signup.wants_to_facilitate) == (
        "Karim Benali",
        ActorKind.ASSOCIATION,
        True,
    )
    assert list(signup.challenges.all()) == [challenge]
    assert signup.confirmed_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["karim@example.org"]
    assert "Seniors et numérique" in mail.outbox[0].body
    assert "valable 7 jours" in mail.outbox[0].body
    link = re.search(r"https?://\S+/inscription/confirmer/\S+/", mail.outbox[0].body).group()
    assert "1 personne mobilisée" not in client.get(list_url).content.decode()

    response = client.post(urlsplit(link).path)

    html = response.content.decode()
    signup.refresh_from_db()
    assert response.status_code == 200
    assert signup.confirmed_at is not None
    assert "Inscription confirmée" in html
    assert "Métropole A" in html
    assert f'<a href="{challenge.get_absolute_url()}">Seniors et numérique</a>' in html
    assert "1 personne mobilisée" in client.get(list_url).content.decode()


def test_signup_records_the_consent_as_given_on_the_web_form(client, cast):
    client.post(signup_url(cast.territory), typed())

    signup = SignUp.objects.get()
    assert signup.consented_at is not None
    assert signup.consent_text_version == SIGNUP_CONSENT_VERSION
    assert signup.consent_channel == ConsentChannel.WEB_FORM


# An address that already signed up: its owner proves owning it before anything changes.
# (This replaces the former "signing up twice updates the first" behaviour: anyone knowing an
# address could rewrite that person's name, organisation and consent.)


def change_link(message) -> str:
    return urlsplit(re.search(r"https?://\S+/inscription/modifier/\S+/", message.body).group()).path


def last_changed_yesterday(signup: SignUp) -> SignUp:
    SignUp.objects.filter(pk=signup.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=1)
    )
    signup.refresh_from_db()
    return signup


def confirmed_signup(territory, *challenges) -> SignUp:
    return last_changed_yesterday(
        SignUpFactory(
            territory=territory,
            email="karim@example.org",
            full_name="Karim Benali",
            organisation_name="Les Jardins du Nord",
            challenges=list(challenges),
        )
    )


def test_signup_with_a_known_address_changes_nothing_until_its_owner_confirms(
    client, cast, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    first, second = ChallengeFactory.create_batch(2, territory=cast.territory)
    signup = confirmed_signup(cast.territory, first)
    before = SignUp.objects.values().get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_url(cast.territory),
            typed(second, email="Karim@Example.ORG", full_name="Usurpateur", wants_to_mentor="on"),
        )

    assert response.status_code == 302
    assert SignUp.objects.values().get() == before
    assert list(signup.challenges.all()) == [first]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["karim@example.org"]
    assert "Votre inscription n'a pas changé." in message.body
    assert "Usurpateur" in message.body
    link = change_link(message)

    with django_assert_max_num_queries(4):  # the sign-up, its choices, the challenges
        shown = client.get(link)

    assert shown.status_code == 200
    assert "Usurpateur" in shown.content.decode()
    assert SignUp.objects.values().get() == before

    applied = client.post(link)

    signup.refresh_from_db()
    assert applied.status_code == 200
    assert "Inscription confirmée" in applied.content.decode()
    assert (signup.full_name, signup.wants_to_mentor) == ("Usurpateur", True)
    assert signup.email == "karim@example.org"
    assert list(signup.challenges.all()) == [second]
    assert signup.consented_at > before["consented_at"]
    assert signup.consent_text_version == SIGNUP_CONSENT_VERSION
    assert signup.consent_channel == ConsentChannel.WEB_FORM

    # A double click shows the same page and changes nothing more; the link is spent.
    again = client.post(link)
    reopened = client.get(link)

    assert again.status_code == 200
    assert "Inscription confirmée" in again.content.decode()
    assert reopened.status_code == 400
    assert "Ce lien a déjà servi" in reopened.content.decode()


def test_change_link_confirms_a_signup_never_confirmed(
    client, cast, django_capture_on_commit_callbacks
):
    signup = last_changed_yesterday(pending_signup(cast.territory, email="karim@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup_url(cast.territory), typed(full_name="Karim B."))

    client.post(change_link(mail.outbox[0]))

    signup.refresh_from_db()
    assert signup.full_name == "Karim B."
    assert signup.confirmed_at is not None


def thanks_page(client, territory, data) -> tuple[int, str, str]:
    response = client.post(signup_url(territory), data)
    page = client.get(response["Location"])
    html = page.content.decode().replace(data["email"], "ADDRESS")
    return response.status_code, response["Location"], page.status_code, without_csrf(html)


def without_csrf(html: str) -> str:
    """A page without its CSRF tokens (each browser has its own)."""
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_known_and_new_addresses_get_the_same_answer(cast, django_capture_on_commit_callbacks):
    confirmed_signup(cast.territory)

    with django_capture_on_commit_callbacks(execute=True):
        known = thanks_page(Client(), cast.territory, typed(full_name="Autre"))
        new = thanks_page(Client(), cast.territory, typed(email="nouvelle@example.org"))

    assert known == new
    assert [m.to for m in mail.outbox] == [["karim@example.org"], ["nouvelle@example.org"]]


def test_known_and_new_addresses_then_read_the_same_public_pages_in_as_many_queries(
    cast, django_capture_on_commit_callbacks
):
    """The public figures count confirmed sign-ups only: a new address moves none of them
    until its owner confirms, so the thanks page and the territory's page read the same."""
    confirmed_signup(cast.territory)
    answers, queries = [], []
    with django_capture_on_commit_callbacks(execute=True):
        for data in (typed(full_name="Autre"), typed(email="nouvelle@example.org")):
            client = Client()
            response = client.post(signup_url(cast.territory), data)
            with CaptureQueriesContext(connection) as read:
                thanks = client.get(response["Location"])
                public = client.get(cast.territory.get_absolute_url())
            answers.append(
                [
                    (page.status_code, without_csrf(page.content.decode()))
                    for page in (thanks, public)
                ]
            )
            answers[-1][0] = (answers[-1][0][0], answers[-1][0][1].replace(data["email"], "@"))
            queries.append(len(read))

    assert answers[0] == answers[1]
    assert queries[0] == queries[1]
    assert [m.to for m in mail.outbox] == [["karim@example.org"], ["nouvelle@example.org"]]


@pytest.mark.parametrize("problem", ("expired", "tampered", "spent"))
def test_change_link_expired_tampered_or_spent_changes_nothing(
    client, cast, monkeypatch, django_capture_on_commit_callbacks, problem
):
    confirmed_signup(cast.territory)
    before = SignUp.objects.values().get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(signup_url(cast.territory), typed(full_name="Usurpateur"))
    link = change_link(mail.outbox[0])
    if problem == "expired":
        monkeypatch.setattr(signups, "CONFIRMATION_MAX_AGE", datetime.timedelta(seconds=-1))
        monkeypatch.setattr(signup_changes, "CONFIRMATION_MAX_AGE", datetime.timedelta(seconds=-1))
    elif problem == "tampered":
        link = link[:-2] + ("A" if link[-2] != "A" else "B") + "/"
    else:
        SignUp.objects.update(organisation_name="Changé entre-temps")
        before["organisation_name"] = "Changé entre-temps"

    shown = client.get(link)
    posted = client.post(link)

    expected = {
        "expired": "Ce lien a expiré.",
        "tampered": "Ce lien de confirmation n&#x27;est pas valide.",
        "spent": "Ce lien a déjà servi",
    }[problem]
    assert (shown.status_code, posted.status_code) == (400, 400)
    assert expected in shown.content.decode()
    assert expected in posted.content.decode()
    assert SignUp.objects.values().get() | {"updated_at": None} == before | {"updated_at": None}


def test_change_link_of_garbage_is_refused(client, db):
    response = client.post(reverse("signup_change_confirm", kwargs={"token": "n'importe-quoi"}))

    assert response.status_code == 400
    assert "pas valide" in response.content.decode()


def test_double_submit_is_one_row_and_one_email(client, cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(signup_url(cast.territory), typed())
        second = client.post(signup_url(cast.territory), typed())

    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])
    assert SignUp.objects.count() == 1
    assert len(mail.outbox) == 1


def test_signup_racing_another_for_the_same_address_answers_the_same(
    client, cast, monkeypatch, django_capture_on_commit_callbacks
):
    """The double click that answered 500: the other request inserts the row between our
    lookup and our insert (IntegrityError on the unique address)."""
    lookups = []

    def the_other_request_inserts_after_our_lookup(queryset):
        if queryset.model is not SignUp or lookups:
            return original_first(queryset)
        lookups.append(queryset)
        SignUpFactory(
            territory=cast.territory,
            email="karim@example.org",
            full_name="Karim Benali",
            organisation_name="Les Jardins du Nord",
            actor_kind=ActorKind.ASSOCIATION,
            wants_to_facilitate=True,
            wants_to_mentor=False,
            language="fr",
            confirmed_at=None,
        )
        return None

    original_first = QuerySet.first
    monkeypatch.setattr(QuerySet, "first", the_other_request_inserts_after_our_lookup)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup_url(cast.territory), typed())

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "signup_thanks", kwargs={"territory_slug": cast.territory.slug}
    )
    assert SignUp.objects.count() == 1
    assert mail.outbox == []  # the other request sends the one confirmation


def test_signup_page_preselects_the_challenge_from_the_link(client, cast):
    chosen = ChallengeFactory(territory=cast.territory, slug="seniors")
    other = ChallengeFactory(territory=cast.territory)

    response = client.get(signup_url(cast.territory) + "?defi=seniors")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{chosen.pk}" id="id_challenges_0" checked' in html
    assert f'value="{other.pk}" id="id_challenges_1">' in html
    assert "Je veux bien animer une table le soir de l&#x27;événement (formation proposée)" in html
    assert "Je veux bien parrainer un projet" in html
    assert f'href="{reverse("privacy_notice", args=[cast.territory.slug])}"' in html


@pytest.mark.parametrize("item_count", (1, 3))
def test_signup_page_in_bounded_queries(client, cast, django_assert_num_queries, item_count):
    ChallengeFactory.create_batch(item_count, territory=cast.territory)

    with django_assert_num_queries(SIGNUP_PAGE_QUERIES):
        response = client.get(signup_url(cast.territory) + "?defi=inconnu")

    assert response.content.decode().count('name="challenges"') == item_count


def test_signup_lists_only_the_territorys_open_challenges(client, cast):
    ChallengeFactory(territory=cast.territory, title="Défi ouvert")
    ChallengeFactory(territory=cast.territory, title="Défi clos", status=ChallengeStatus.CLOSED)
    ChallengeFactory(territory=cast.territory, title="Défi brouillon", status="draft")
    ChallengeFactory(territory=cast.other_territory, title="Défi d'ailleurs")

    response = client.get(signup_url(cast.territory) + "?defi=defi-clos")

    html = response.content.decode()
    assert "Défi ouvert" in html
    assert "Défi clos" not in html
    assert "Défi brouillon" not in html
    assert "Défi d&#x27;ailleurs" not in html
    assert "checked" not in html


def test_signup_without_open_challenge_is_still_possible(
    client, cast, django_capture_on_commit_callbacks
):
    ChallengeFactory(territory=cast.territory, status=ChallengeStatus.CLOSED)

    page = client.get(signup_url(cast.territory))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(signup_url(cast.territory), typed())

    assert "Aucun défi n'est ouvert pour l'instant." in page.content.decode()
    assert response.status_code == 302
    assert SignUp.objects.get().challenges.count() == 0


@pytest.mark.parametrize("which", ("closed", "draft", "other_territory", "not_a_number"))
def test_signup_refuses_a_challenge_one_cannot_join(client, cast, which):
    challenges = {
        "closed": ChallengeFactory(territory=cast.territory, status=ChallengeStatus.CLOSED),
        "draft": ChallengeFactory(territory=cast.territory, status=ChallengeStatus.DRAFT),
        "other_territory": ChallengeFactory(territory=cast.other_territory),
    }
    chosen = challenges[which].pk if which in challenges else "premier"

    response = client.post(signup_url(cast.territory), typed(challenges=[chosen]))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Ce défi n&#x27;est pas ouvert aux inscriptions" in html
    assert 'value="Karim Benali"' in html
    assert SignUp.objects.count() == 0


def test_signup_without_consent_is_refused(client, cast):
    data = typed()
    del data["consent"]

    response = client.post(signup_url(cast.territory), data)

    assert response.status_code == 400
    assert "Votre accord est nécessaire pour vous inscrire" in response.content.decode()
    assert SignUp.objects.count() == 0


def test_signup_with_overlong_or_missing_fields_keeps_what_was_typed(client, cast):
    long_name = "Karim " + "B" * 150

    response = client.post(
        signup_url(cast.territory),
        typed(full_name=long_name, email="karim@", actor_kind="licorne", wants_to_mentor="on"),
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "au plus 150 caractères" in html
    assert "Cette adresse e-mail n&#x27;est pas valide." in html
    assert "Choisissez une réponse de la liste." in html
    assert f'value="{long_name}"' in html
    assert 'value="karim@"' in html
    assert 'name="wants_to_mentor" id="id_wants_to_mentor" checked' in html
    assert SignUp.objects.count() == 0


def test_signup_with_blank_name_is_refused(client, cast):
    response = client.post(signup_url(cast.territory), typed(full_name="   "))

    assert response.status_code == 400
    assert "Indiquez votre nom." in response.content.decode()


def test_signup_with_filled_honeypot_is_refused(client, cast):
    response = client.post(signup_url(cast.territory), typed(website="http://spam.example"))

    assert response.status_code == 400
    assert "Votre envoi n&#x27;a pas pu être accepté." in response.content.decode()
    assert SignUp.objects.count() == 0


def test_signup_flood_is_rate_limited(client, cast):
    for index in range(5):
        client.post(signup_url(cast.territory), typed(email=f"personne{index}@example.org"))

    response = client.post(signup_url(cast.territory), typed(email="sixieme@example.org"))

    html = response.content.decode()
    assert response.status_code == 429
    assert "Trop d&#x27;envois en peu de temps : réessayez dans quelques minutes." in html
    assert 'value="sixieme@example.org"' in html
    assert SignUp.objects.count() == 5


def test_signup_of_unknown_territory_is_404(client, db):
    response = client.get(reverse("signup", kwargs={"territory_slug": "nulle-part"}))

    assert response.status_code == 404


def test_confirmation_link_opened_does_not_confirm(client, cast):
    signup = pending_signup(cast.territory)

    response = client.get(confirm_url(signup))

    signup.refresh_from_db()
    assert response.status_code == 200
    assert "Confirmer mon inscription" in response.content.decode()
    assert signup.confirmed_at is None


def test_confirmation_link_works_once(client, cast):
    signup = pending_signup(cast.territory)
    url = confirm_url(signup)
    client.post(url)

    response = client.post(url)

    assert response.status_code == 400
    assert "Ce lien a déjà servi" in response.content.decode()


def test_confirmation_page_names_the_person_escaped(client, cast):
    signup = pending_signup(cast.territory, full_name="<b>Zoé</b>")

    response = client.post(confirm_url(signup))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Merci &lt;b&gt;Zoé&lt;/b&gt;\u202f!" in html
    assert "<b>Zoé" not in html


def test_confirmation_link_expires(client, cast, monkeypatch):
    signup = pending_signup(cast.territory)
    monkeypatch.setattr(signups, "CONFIRMATION_MAX_AGE", datetime.timedelta(seconds=-1))

    response = client.post(confirm_url(signup))

    signup.refresh_from_db()
    assert response.status_code == 400
    assert "Ce lien a expiré." in response.content.decode()
    assert signup.confirmed_at is None


def test_confirmation_link_tampered_is_refused(client, cast):
    signup = pending_signup(cast.territory)
    token = confirmation_token(signup)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.post(reverse("signup_confirm", kwargs={"token": forged}))

    assert response.status_code == 400
    assert "Ce lien de confirmation n&#x27;est pas valide." in response.content.decode()
    assert SignUp.objects.filter(confirmed_at__isnull=False).count() == 0


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_same_address_signing_up_at_once_is_one_signup(cast):
    """The double click that answered 500, for real: concurrent inserts of one address."""
    if connection.vendor != "postgresql":
        require_service("concurrent inserts need PostgreSQL: set DATABASE_URL")

    results = run_together(
        4,
        lambda index: signups.sign_up(
            territory=cast.territory,
            full_name="Karim Benali",
            email="karim@example.org",
            actor_kind=ActorKind.ASSOCIATION,
            challenges=[],
        ),
    )

    assert [r for r in results if isinstance(r, Exception)] == []
    assert {r.pk for r in results} == {SignUp.objects.get().pk}

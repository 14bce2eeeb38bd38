import pytest
from django.urls import reverse

from accompaniment.domain.errors import Refused
from accompaniment.domain.needs import (
    OFFER_CONSENT_VERSION,
    accept_offer,
    match_need,
    propose_offer,
)
from accompaniment.enums import NeedKind
from accompaniment.models import NeedMatch, ResourceOffer
from territoire.enums import Role
from tests.accompaniment.factories import NeedFactory, ResourceOfferFactory
from tests.factories import MembershipFactory, UserFactory


def offer_url(territory) -> str:
    return reverse("resource_offer_public", kwargs={"territory": territory.slug})


def accept_url(offer) -> str:
    return reverse(
        "resource_offer_accept", kwargs={"territory": offer.territory.slug, "pk": offer.pk}
    )


def typed(**changes) -> dict:
    return {
        "organisation_name": "Menuiserie Dupont",
        "kind": NeedKind.PREMISES,
        "title": "Atelier de 50 m² le mardi",
        "description": "Établi et scie à ruban.",
        "contact_name": "Paul Dupont",
        "contact_email": "paul@menuiserie.example",
        "consent": "on",
        "website": "",
        **changes,
    }


def proposed(territory, **changes) -> ResourceOffer:
    fields = typed(**changes)
    return propose_offer(
        territory=territory,
        consented=True,
        **{k: v for k, v in fields.items() if k not in ("consent", "website")},
    )


def test_a_local_actor_proposes_an_offer_the_organisers_are_told(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    # A second organiser of the territory; another territory's organiser is not told.
    MembershipFactory(
        territory=cast.territory, role=Role.ORGANISER, user=UserFactory(email="orga2@example.org")
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(offer_url(cast.territory), typed())

    assert response.status_code == 303
    assert response["Location"] == f"{offer_url(cast.territory)}?merci=1"
    offer = ResourceOffer.objects.get()
    assert (offer.territory, offer.organisation, offer.organisation_name) == (
        cast.territory,
        None,
        "Menuiserie Dupont",
    )
    assert (offer.is_available, offer.proposed_publicly) == (False, True)
    assert offer.contact_email == "paul@menuiserie.example"
    # The box the person ticked is kept: when, and which wording.
    assert offer.contact_consented_at is not None
    assert offer.contact_consent_version == OFFER_CONSENT_VERSION
    assert sorted(m.to[0] for m in mailoutbox) == ["orga2@example.org", "orga@example.org"]
    assert "Atelier de 50 m² le mardi" in mailoutbox[0].subject
    assert "Menuiserie Dupont" in mailoutbox[0].body
    assert reverse("resource_list", kwargs={"territory": cast.territory.slug}) in (
        mailoutbox[0].body
    )

    thanks = client.get(response["Location"])
    assert "Merci\u202f! L'équipe d'organisation du territoire vous recontactera." in thanks.text
    assert "<form" not in thanks.text.split("<main", 1)[-1]


def test_no_email_is_sent_if_the_proposal_is_rolled_back(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        proposed(cast.territory)

    assert len(callbacks) == 1  # the organisers' e-mail waits for the commit
    assert mailoutbox == []


def test_bad_input_keeps_what_was_typed_with_a_french_message(client, cast):
    response = client.post(
        offer_url(cast.territory),
        typed(contact_email="pas-une-adresse", title="", consent=""),
    )

    html = response.text
    assert response.status_code == 400
    assert "Cette adresse e-mail n&#x27;est pas valide." in html
    assert "Donnez un intitulé à votre proposition." in html
    assert "Votre accord est nécessaire pour que l&#x27;équipe puisse vous contacter." in html
    assert 'value="pas-une-adresse"' in html
    assert 'value="Menuiserie Dupont"' in html
    assert "Établi et scie à ruban.</textarea>" in html
    assert not ResourceOffer.objects.exists()


def test_an_unknown_kind_is_refused_in_french(client, cast):
    response = client.post(offer_url(cast.territory), typed(kind="yacht"))

    assert response.status_code == 400
    assert "Choisissez ce que vous proposez dans la liste." in response.text
    assert not ResourceOffer.objects.exists()


def test_a_filled_honeypot_is_refused(client, cast, mailoutbox):
    response = client.post(offer_url(cast.territory), typed(website="http://spam.example"))

    assert response.status_code == 400
    assert "Votre envoi n&#x27;a pas pu être accepté." in response.text
    assert not ResourceOffer.objects.exists()
    assert mailoutbox == []


def test_a_flood_is_rate_limited_keeping_what_was_typed(client, cast):
    for index in range(5):
        client.post(offer_url(cast.territory), typed(title=f"Offre n°{index}"))

    response = client.post(offer_url(cast.territory), typed(title="La sixième offre"))

    assert response.status_code == 429
    assert "Trop d&#x27;envois en peu de temps : réessayez dans quelques minutes." in (
        response.text
    )
    assert 'value="La sixième offre"' in response.text
    assert ResourceOffer.objects.count() == 5


def test_an_unknown_territory_is_a_404(client, db):
    response = client.get(reverse("resource_offer_public", kwargs={"territory": "nulle-part"}))

    assert response.status_code == 404


def test_the_territory_page_links_to_the_proposal_page(client, cast):
    response = client.get(cast.territory.get_absolute_url())

    assert offer_url(cast.territory) in response.text


def test_the_page_queries_are_bounded(client, cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get(offer_url(cast.territory))

    assert response.status_code == 200
    assert 'name="website"' in response.text


def test_a_proposed_offer_is_not_matchable_until_accepted(client, cast):
    need = NeedFactory(project=cast.project, kind=NeedKind.PREMISES)
    offer = proposed(cast.territory)
    client.force_login(cast.organiser)

    across = client.get(reverse("needs_across", kwargs={"territory": cast.territory.slug}))
    assert across.context["rows"][0]["offers"] == []
    with pytest.raises(Refused, match="plus disponible"):
        match_need(need=need, offer=offer, by=cast.organiser)
    refused = client.post(
        reverse("need_match", kwargs={"territory": cast.territory.slug, "pk": need.pk}),
        {"offer": offer.pk},
    )
    assert refused.status_code == 302
    assert not NeedMatch.objects.exists()

    response = client.post(accept_url(offer))

    assert response.status_code == 303
    offer.refresh_from_db()
    assert offer.is_available
    across = client.get(reverse("needs_across", kwargs={"territory": cast.territory.slug}))
    assert across.context["rows"][0]["offers"] == [offer]
    assert "Menuiserie Dupont" in across.text
    match_need(need=need, offer=offer, by=cast.organiser)
    assert NeedMatch.objects.get().offer == offer


def test_accepting_twice_is_refused(cast):
    offer = proposed(cast.territory)
    accept_offer(offer=offer, by=cast.organiser)

    with pytest.raises(Refused, match="déjà disponible"):
        accept_offer(offer=offer, by=cast.organiser)


@pytest.mark.parametrize(
    ("role", "status"),
    [("coach", 403), ("official", 403), ("stranger", 403), ("other_organiser", 403)],
)
def test_only_the_territory_organisers_accept(client, cast, role, status):
    offer = proposed(cast.territory)
    client.force_login(getattr(cast, role))

    response = client.post(accept_url(offer))

    assert response.status_code == status
    offer.refresh_from_db()
    assert not offer.is_available


def test_the_team_cannot_accept(client, cast):
    offer = proposed(cast.territory)
    client.force_login(cast.team_member)

    assert client.post(accept_url(offer)).status_code == 403
    offer.refresh_from_db()
    assert not offer.is_available


def test_an_offer_of_another_territory_is_a_404(client, cast):
    offer = proposed(cast.other_territory)
    client.force_login(cast.organiser)

    response = client.post(
        reverse("resource_offer_accept", kwargs={"territory": cast.territory.slug, "pk": offer.pk})
    )

    assert response.status_code == 404
    offer.refresh_from_db()
    assert not offer.is_available


@pytest.mark.parametrize("item_count", (1, 52))
def test_organisers_see_the_proposals_to_review(
    client, cast, django_assert_max_num_queries, item_count
):
    for index in range(item_count):
        proposed(cast.territory, title=f"Proposition {index:02}")
    ResourceOfferFactory(territory=cast.territory, title="Garage municipal")
    client.force_login(cast.organiser)

    # each list: its count and its page (50 a page)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("resource_list", kwargs={"territory": cast.territory.slug}))

    html = response.text
    assert "Propositions à examiner" in html
    assert [o.title for o in response.context["proposed"]] == [
        f"Proposition {index:02}" for index in range(min(item_count, 50))
    ]
    assert [o.title for o in response.context["offers"]] == ["Garage municipal"]
    assert html.count(">Accepter</button>") == min(item_count, 50)
    assert response.context["proposed_page"].count == item_count
    assert "Menuiserie Dupont" in html


def test_a_coach_sees_the_proposals_without_the_button(client, cast):
    proposed(cast.territory)
    client.force_login(cast.coach)

    response = client.get(reverse("resource_list", kwargs={"territory": cast.territory.slug}))

    assert "Propositions à examiner" in response.text
    assert ">Accepter</button>" not in response.text


def test_without_the_consent_box_nothing_is_stored(client, cast, mailoutbox):
    fields = typed()
    del fields["consent"]

    response = client.post(offer_url(cast.territory), fields)

    assert response.status_code == 400
    assert "Votre accord est nécessaire" in response.text
    assert "Atelier de 50 m² le mardi" in response.text
    assert not ResourceOffer.objects.exists()
    with pytest.raises(Refused):
        propose_offer(
            territory=cast.territory,
            consented=False,
            **{k: v for k, v in fields.items() if k != "website"},
        )
    assert not ResourceOffer.objects.exists()

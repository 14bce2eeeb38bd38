import pytest

from accompaniment.domain.errors import Refused
from accompaniment.domain.needs import close_need, match_need, state_need
from accompaniment.enums import NeedKind, NeedStatus
from accompaniment.models import NeedMatch, ResourceOffer
from tests.accompaniment.conftest import space_url
from tests.accompaniment.factories import NeedFactory, NeedMatchFactory, ResourceOfferFactory
from tests.factories import OrganisationFactory
from tests.projects.factories import ProjectFactory


def test_state_and_close_a_need(cast):
    need = state_need(
        project=cast.project, kind=NeedKind.PREMISES, description=" Un garage ", by=None
    )

    close_need(need=need, status=NeedStatus.MET, by=cast.team_member)

    need.refresh_from_db()
    assert (need.description, need.status) == ("Un garage", NeedStatus.MET)
    with pytest.raises(Refused, match="déjà clos"):
        close_need(need=need, status=NeedStatus.CLOSED, by=cast.team_member)


def test_match_tells_the_team_and_the_offer_contact(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    need = NeedFactory(project=cast.project)
    offer = ResourceOfferFactory(
        territory=cast.territory, title="Garage municipal", contact_email="mairie@example.org"
    )

    with django_capture_on_commit_callbacks(execute=True):
        match_need(need=need, offer=offer, by=cast.organiser, note="Appelez Claire.")

    assert sorted(m.to[0] for m in mailoutbox) == ["equipe@example.org", "mairie@example.org"]
    assert all("Appelez Claire." in m.body for m in mailoutbox)
    with pytest.raises(Refused, match="déjà mis en relation"):
        match_need(need=need, offer=offer, by=cast.organiser)


def test_match_refuses_an_offer_of_another_territory_or_unavailable(cast):
    need = NeedFactory(project=cast.project)

    with pytest.raises(Refused, match="pas proposée sur ce territoire"):
        match_need(need=need, offer=ResourceOfferFactory(), by=cast.organiser)
    with pytest.raises(Refused, match="plus disponible"):
        match_need(
            need=need,
            offer=ResourceOfferFactory(territory=cast.territory, is_available=False),
            by=cast.organiser,
        )
    assert not NeedMatch.objects.exists()


def test_the_team_sees_who_answered(client, cast):
    need = NeedFactory(project=cast.project)
    NeedMatchFactory(
        need=need,
        offer=ResourceOfferFactory(
            territory=cast.territory,
            title="Atelier partagé",
            organisation=OrganisationFactory(territory=cast.territory, name="SoBizHub"),
        ),
    )
    client.force_login(cast.team_member)

    response = client.get(space_url(cast.project, "need_list"))

    assert "Mis en relation avec «\u00a0Atelier partagé\u00a0»" in response.text
    assert "SoBizHub" in response.text


@pytest.mark.parametrize("item_count", (1, 21))
def test_needs_across_lists_open_needs_beside_offers_of_their_kind(
    client, cast, django_assert_max_num_queries, item_count
):
    for _ in range(item_count):
        NeedFactory(project=ProjectFactory(territory=cast.territory), kind=NeedKind.PREMISES)
    NeedFactory(project=cast.project, kind=NeedKind.FUNDING, status=NeedStatus.CLOSED)
    NeedFactory(kind=NeedKind.PREMISES)  # another territory's
    ResourceOfferFactory(territory=cast.territory, kind=NeedKind.PREMISES, title="Garage")
    ResourceOfferFactory(territory=cast.territory, kind=NeedKind.FUNDING, title="Prêt d'honneur")
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(10):
        response = client.get(f"/espace/territoires/{cast.territory.slug}/besoins/")

    rows = response.context["rows"]
    assert len(rows) == min(item_count, 20)
    assert [[o.title for o in row["offers"]] for row in rows] == [["Garage"]] * len(rows)
    assert response.context["needs"].count == item_count


def test_organiser_matches_from_the_page(client, cast, django_capture_on_commit_callbacks):
    need = NeedFactory(project=cast.project)
    offer = ResourceOfferFactory(territory=cast.territory)
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/espace/territoires/{cast.territory.slug}/besoins/{need.pk}/mettre-en-relation/",
            {"offer": offer.pk, "note": ""},
        )

    assert response.status_code == 302
    assert NeedMatch.objects.get().offer == offer


def test_a_coach_cannot_match(client, cast):
    need = NeedFactory(project=cast.project)
    offer = ResourceOfferFactory(territory=cast.territory)
    client.force_login(cast.coach)

    response = client.post(
        f"/espace/territoires/{cast.territory.slug}/besoins/{need.pk}/mettre-en-relation/",
        {"offer": offer.pk},
    )

    assert response.status_code == 403
    assert not NeedMatch.objects.exists()


def test_organiser_records_an_offer_and_a_bad_email_keeps_the_input(client, cast):
    client.force_login(cast.organiser)
    url = f"/espace/territoires/{cast.territory.slug}/ressources/"
    form = {
        "kind": "premises",
        "title": "Salle de réunion",
        "contact_name": "Claire",
        "contact_email": "pas-une-adresse",
    }

    refused = client.post(url, form)
    accepted = client.post(url, form | {"contact_email": "claire@example.org"})

    assert "Salle de réunion" in refused.text
    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert ResourceOffer.objects.get().territory == cast.territory


def test_needs_across_pages_show_the_rest_and_any_page_is_safe(client, cast):
    for index in range(21):
        NeedFactory(
            project=ProjectFactory(territory=cast.territory, name=f"Projet {index:02}"),
            kind=NeedKind.PREMISES,
        )
    ResourceOfferFactory(territory=cast.territory, kind=NeedKind.PREMISES, title="Garage")
    client.force_login(cast.organiser)
    url = f"/espace/territoires/{cast.territory.slug}/besoins/"

    first = client.get(url)
    second = client.get(url, {"page": "2"})
    beyond = client.get(url, {"page": "99999999999999999999999"})

    assert "21 besoins ouverts" in first.text
    assert 'href="?page=2" rel="next"' in first.text
    assert len(second.context["rows"]) == 1
    assert second.context["rows"][0]["offers"][0].title == "Garage"
    assert {row["need"].pk for row in first.context["rows"]}.isdisjoint(
        {row["need"].pk for row in second.context["rows"]}
    )
    assert beyond.status_code == 200
    assert len(beyond.context["rows"]) == 20

"""An organiser of territory A gets no object of territory B: by list, by URL, by autocomplete."""

import json

import pytest
from django.urls import reverse

from territoire.enums import OrganisationKind, Role
from territoire.models import Membership, Organisation
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture
def organisations(cast):
    return {
        "a": OrganisationFactory(territory=cast.territory, name="Mairie de A"),
        "b": OrganisationFactory(territory=cast.other_territory, name="Mairie de B"),
    }


def test_organiser_reaches_the_admin_without_staff_flag(client, cast):
    client.force_login(cast.organiser)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert cast.organiser.is_staff is False
    assert "Territoires et personnes" in response.content.decode()


@pytest.mark.parametrize("role", ["facilitator", "coach", "official", "stranger"])
def test_other_roles_are_refused_the_admin(client, cast, role):
    client.force_login(getattr(cast, role))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 403


def test_anonymous_is_sent_to_the_sign_in_page(client, db):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("model", "visible", "hidden"),
    [
        ("territory", "Métropole A", "Vallée B"),
        ("organisation", "Mairie de A", "Mairie de B"),
        ("membership", "orga@example.org", "orga-b@example.org"),
    ],
)
def test_lists_show_only_the_organisers_territories(
    client, cast, organisations, django_assert_max_num_queries, model, visible, hidden
):
    client.force_login(cast.organiser)

    with django_assert_max_num_queries(20):
        response = client.get(reverse(f"admin:territoire_{model}_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert visible in html or str(cast.organiser) in html
    assert hidden not in html


def test_superuser_sees_every_territory(client, cast):
    client.force_login(cast.superuser)

    response = client.get(reverse("admin:territoire_territory_changelist"))

    assert [t.name for t in response.context["cl"].result_list] == ["Métropole A", "Vallée B"]


@pytest.mark.parametrize("action", ["change", "delete", "history"])
def test_other_territorys_objects_are_404_by_url(client, cast, organisations, action):
    client.force_login(cast.organiser)
    targets = {
        "territory": cast.other_territory,
        "organisation": organisations["b"],
        "membership": Membership.objects.get(user=cast.other_organiser),
    }

    for model, obj in targets.items():
        response = client.get(reverse(f"admin:territoire_{model}_{action}", args=[obj.pk]))

        # Django's admin answers a redirect to the index ("doesn't exist") for objects outside
        # the queryset, or 403 where the action itself is not allowed; nothing is shown.
        assert response.status_code in {302, 403}, model
        if response.status_code == 302:
            assert response.url == reverse("admin:index")
        assert str(obj) not in response.content.decode()


def test_organiser_cannot_post_a_change_to_another_territory(client, cast, organisations):
    client.force_login(cast.organiser)
    target = organisations["b"]

    client.post(
        reverse("admin:territoire_organisation_change", args=[target.pk]),
        {"territory": cast.other_territory.pk, "name": "Piratée", "kind": "company"},
    )

    target.refresh_from_db()
    assert target.name == "Mairie de B"


def test_organiser_cannot_create_in_another_territory(client, cast):
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:territoire_organisation_add"),
        {"territory": cast.other_territory.pk, "name": "Intruse", "kind": OrganisationKind.COMPANY},
    )

    assert response.status_code == 200
    assert "territory" in response.context["adminform"].form.errors
    assert not Organisation.objects.filter(name="Intruse").exists()


def test_organiser_creates_an_organisation_in_their_territory(client, cast):
    client.force_login(cast.organiser)

    response = client.post(
        reverse("admin:territoire_organisation_add"),
        {
            "territory": cast.territory.pk,
            "name": "Ressourcerie",
            "kind": OrganisationKind.ASSOCIATION,
        },
    )

    assert response.status_code == 302
    assert Organisation.objects.get(name="Ressourcerie").territory == cast.territory


def _autocomplete(client, model: str, field: str, term: str = "") -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "territoire", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200, response.content
    return [row["text"] for row in json.loads(response.content)["results"]]


def test_autocomplete_offers_only_the_organisers_objects(client, cast, organisations):
    client.force_login(cast.organiser)

    assert _autocomplete(client, "membership", "territory") == ["Métropole A"]
    assert _autocomplete(client, "membership", "organisation", "Mairie") == ["Mairie de A"]
    people = _autocomplete(client, "membership", "user")
    assert str(cast.facilitator) in people
    assert str(cast.other_organiser) not in people
    assert str(cast.stranger) not in people


def test_organiser_cannot_edit_the_shared_domain_catalogue(client, cast):
    client.force_login(cast.organiser)

    listing = client.get(reverse("admin:territoire_domain_changelist"))
    adding = client.get(reverse("admin:territoire_domain_add"))

    assert listing.status_code == 200
    assert adding.status_code == 403


def test_organiser_of_two_territories_sees_both(client, cast):
    MembershipFactory(user=cast.organiser, territory=cast.other_territory, role=Role.ORGANISER)
    client.force_login(cast.organiser)

    response = client.get(reverse("admin:territoire_territory_changelist"))

    assert len(response.context["cl"].result_list) == 2


def test_membership_with_organisation_of_another_territory_is_refused(client, cast, organisations):
    client.force_login(cast.superuser)
    person = UserFactory()

    response = client.post(
        reverse("admin:territoire_membership_add"),
        {
            "user": person.pk,
            "territory": cast.territory.pk,
            "role": Role.COACH,
            "organisation": organisations["b"].pk,
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["organisation"] == [
        "Cette organisation n'appartient pas à ce territoire."
    ]
    assert not Membership.objects.filter(user=person).exists()

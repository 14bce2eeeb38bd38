import pytest
from django.urls import reverse

from territoire.enums import Role
from tests.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    TerritoryFactory,
    UserFactory,
)


@pytest.mark.parametrize("item_count", (1, 3))
def test_space_lists_every_role_in_bounded_queries(
    client, db, django_assert_num_queries, item_count
):
    person = UserFactory(full_name="Karim Benali")
    for index in range(item_count):
        territory = TerritoryFactory(name=f"Territoire {index}")
        organisation = OrganisationFactory(territory=territory, name=f"Asso {index}")
        MembershipFactory(
            user=person, territory=territory, role=Role.FACILITATOR, organisation=organisation
        )
        MembershipFactory(user=person, territory=territory, role=Role.COACH)
        InvitationFactory(territory=territory, email=person.email, role=Role.OFFICIAL)
    client.force_login(person)

    # session, user, roles, pending invitations, the projects whose team the person joined;
    # the cards: the facilitator's tables, the coach's projects
    with django_assert_num_queries(5 + 1 + 2):
        response = client.get(reverse("space"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [entry["territory"].name for entry in response.context["territories"]] == [
        f"Territoire {index}" for index in range(item_count)
    ]
    assert "animateur·rice — Asso 0" in html
    assert "Bonjour Karim Benali." in html
    assert len(response.context["pending_invitations"]) == item_count


def test_organiser_space_links_to_the_admin_and_to_invitations(client, cast):
    client.force_login(cast.organiser)

    html = client.get(reverse("space")).content.decode()

    assert reverse("admin:territoire_territory_change", args=[cast.territory.pk]) in html
    assert f"{reverse('admin:territoire_invitation_add')}?territory={cast.territory.pk}" in html


def test_facilitator_space_has_no_admin_link(client, cast):
    client.force_login(cast.facilitator)

    html = client.get(reverse("space")).content.decode()

    assert reverse("admin:index") not in html
    assert "Métropole A" in html
    assert "Vallée B" not in html


def test_person_without_role_is_told_what_comes(client, cast):
    client.force_login(cast.stranger)

    response = client.get(reverse("space"))

    assert response.context["territories"] == []
    assert "pas encore de rôle" in response.content.decode()


def test_space_needs_a_sign_in(client, db):
    response = client.get(reverse("space"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_invitation_page_in_bounded_queries(client, db, django_assert_max_num_queries):
    invitation = InvitationFactory()

    with django_assert_max_num_queries(4):
        response = client.get(invitation.get_absolute_url())

    assert response.status_code == 200
    assert invitation.territory.name in response.content.decode()

"""Changing a project's team from its page: remove, merge, change a role; who may."""

import pytest
from django.urls import reverse

from projects.domain.members import (
    TeamChangeRefused,
    merge_members,
    remove_member,
    set_member_role,
)
from projects.enums import MemberRole
from projects.models import ProjectMember
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory


def _url(name, project, member=None):
    kwargs = {"territory": project.territory.slug, "slug": project.slug}
    if member is not None:
        kwargs["member_id"] = member.pk
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def lead(cast):
    return ProjectMemberFactory(
        project=cast.project,
        user=UserFactory(email="porteuse@example.org"),
        full_name="Nadia Porteuse",
        role=MemberRole.LEAD,
    )


# The domain -------------------------------------------------------------------------------------


def test_remove_member_deletes_and_keeps_who_did_it(cast, lead):
    typed = ProjectMemberFactory(project=cast.project, full_name="Doublon")

    remove_member(member=typed, by=lead.user)

    assert not ProjectMember.objects.filter(pk=typed.pk).exists()
    deleted = ProjectMember.history.filter(id=typed.pk, history_type="-").get()
    assert deleted.history_user == lead.user


def test_the_last_lead_cannot_be_removed_nor_made_a_member(cast, lead):
    with pytest.raises(TeamChangeRefused, match="seule personne qui porte le projet"):
        remove_member(member=lead, by=cast.organiser)
    with pytest.raises(TeamChangeRefused, match="seule personne qui porte le projet"):
        set_member_role(member=lead, role=MemberRole.MEMBER, by=cast.organiser)

    assert ProjectMember.objects.get(pk=lead.pk).role == MemberRole.LEAD


def test_a_lead_needs_a_contact(cast, lead):
    nameless = ProjectMemberFactory(project=cast.project, email="", full_name="Sans contact")

    with pytest.raises(TeamChangeRefused, match="ni adresse e-mail ni téléphone"):
        set_member_role(member=nameless, role=MemberRole.LEAD, by=cast.organiser)

    nameless.phone = "0612345678"
    nameless.save()
    set_member_role(member=nameless, role=MemberRole.LEAD, by=cast.organiser)
    set_member_role(member=lead, role=MemberRole.MEMBER, by=cast.organiser)
    roles = dict(ProjectMember.objects.values_list("full_name", "role"))
    assert (roles["Sans contact"], roles["Nadia Porteuse"]) == (MemberRole.LEAD, MemberRole.MEMBER)


def test_merge_keeps_the_entry_with_the_account_and_takes_the_others_blanks(cast, lead):
    typed = ProjectMemberFactory(
        project=cast.project,
        full_name="Nadia P.",
        email="nadia@example.org",
        phone="0612345678",
        organisation_name="Centre social",
    )

    kept = merge_members(member=lead, into=typed, by=cast.coach)

    assert kept.pk == lead.pk
    assert not ProjectMember.objects.filter(pk=typed.pk).exists()
    kept.refresh_from_db()
    assert (kept.email, kept.phone, kept.organisation_name, kept.role) == (
        "porteuse@example.org",
        "0612345678",
        "Centre social",
        MemberRole.LEAD,
    )


def test_merge_keeps_the_entry_with_an_address_and_the_lead_role(cast):
    project = ProjectFactory(territory=cast.territory)
    no_address = ProjectMemberFactory(
        project=project, email="", phone="06", full_name="Léa", role=MemberRole.LEAD
    )
    with_address = ProjectMemberFactory(project=project, email="lea@example.org", full_name="Léa")

    kept = merge_members(member=with_address, into=no_address, by=cast.organiser)

    assert kept.pk == with_address.pk
    assert list(project.members.values_list("email", "phone", "role")) == [
        ("lea@example.org", "06", MemberRole.LEAD)
    ]


def test_two_accounts_are_two_people(cast, lead):
    team_member = ProjectMember.objects.get(user=cast.team_member)

    with pytest.raises(TeamChangeRefused, match="ce sont deux personnes"):
        merge_members(member=team_member, into=lead, by=cast.organiser)

    assert cast.project.members.count() == 2


def test_merge_refuses_the_same_entry_or_another_teams(cast, lead):
    other = ProjectMemberFactory()

    with pytest.raises(TeamChangeRefused, match="deux entrées différentes"):
        merge_members(member=lead, into=lead, by=None)
    with pytest.raises(TeamChangeRefused, match="pas dans la même équipe"):
        merge_members(member=lead, into=other, by=None)


# The pages --------------------------------------------------------------------------------------


@pytest.mark.parametrize("member_count", (1, 3))
def test_the_lead_sees_the_team_with_its_actions_in_bounded_queries(
    client, cast, lead, member_count, django_assert_max_num_queries
):
    for index in range(member_count):
        ProjectMemberFactory(project=cast.project, full_name=f"Membre {index}")
    client.force_login(lead.user)

    with django_assert_max_num_queries(13):
        response = client.get(_url("project_team", cast.project))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('action="' + _url("project_member_role", cast.project, lead)) == 1
    assert html.count("/retirer/") == member_count + 2
    assert "Deux entrées pour la même personne\u202f?" in html


def test_other_members_read_the_team_without_its_actions(client, cast, lead):
    client.force_login(cast.team_member)

    response = client.get(_url("project_team", cast.project))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Nadia Porteuse" in html
    assert "/retirer/" not in html
    assert "Deux entrées pour la même personne\u202f?" not in html


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("lead", 302),
        ("coach", 302),
        ("organiser", 302),
        ("team_member", 403),
        ("official", 403),
        ("other_organiser", 404),
        ("stranger", 404),
    ],
)
def test_who_may_remove_a_member(client, cast, lead, who, status):
    typed = ProjectMemberFactory(project=cast.project, full_name="Doublon")
    client.force_login(lead.user if who == "lead" else getattr(cast, who))

    response = client.post(_url("project_member_remove", cast.project, typed))

    assert response.status_code == status
    assert ProjectMember.objects.filter(pk=typed.pk).exists() == (status != 302)


def test_removing_the_last_lead_from_the_page_says_why(client, cast, lead):
    client.force_login(cast.organiser)

    response = client.post(_url("project_member_remove", cast.project, lead), follow=True)

    assert "Nadia Porteuse est la seule personne qui porte le projet" in response.content.decode()
    assert ProjectMember.objects.filter(pk=lead.pk).exists()


def test_a_member_of_another_project_is_404(client, cast, lead):
    client.force_login(cast.organiser)
    elsewhere = ProjectMemberFactory(project=ProjectFactory(territory=cast.territory))

    response = client.post(_url("project_member_remove", cast.project, elsewhere))

    assert response.status_code == 404
    assert ProjectMember.objects.filter(pk=elsewhere.pk).exists()


def test_the_coach_changes_a_role_from_the_page(client, cast, lead):
    team_member = ProjectMember.objects.get(user=cast.team_member)
    client.force_login(cast.coach)

    response = client.post(
        _url("project_member_role", cast.project, team_member), {"role": "lead"}, follow=True
    )

    assert "Awa Équipe : porteur·se." in response.content.decode()
    assert ProjectMember.objects.get(pk=team_member.pk).role == MemberRole.LEAD


def test_an_unknown_role_is_refused(client, cast, lead):
    client.force_login(cast.organiser)

    response = client.post(
        _url("project_member_role", cast.project, lead), {"role": "chef"}, follow=True
    )

    assert "Choisissez un rôle de la liste." in response.content.decode()
    assert ProjectMember.objects.get(pk=lead.pk).role == MemberRole.LEAD


def test_the_lead_merges_two_entries_from_the_page(client, cast, lead):
    typed = ProjectMemberFactory(project=cast.project, full_name="Nadia", phone="06")
    client.force_login(lead.user)

    response = client.post(
        _url("project_member_merge", cast.project), {"member": typed.pk, "into": lead.pk}
    )

    assert response.status_code == 302
    assert list(cast.project.members.values_list("full_name", flat=True).order_by("pk")) == [
        "Awa Équipe",
        "Nadia Porteuse",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"member": "", "into": ""}, "Choisissez les deux entrées à fusionner."),
        ({"member": "999999", "into": "1"}, "Choisissez une personne de l&#x27;équipe."),
        ("same", "Choisissez deux entrées différentes."),
        ("accounts", "ce sont deux personnes"),
    ],
)
def test_a_bad_merge_re_renders_the_page_with_the_choice(client, cast, lead, data, message):
    team_member = ProjectMember.objects.get(user=cast.team_member)
    if data == "same":
        data = {"member": lead.pk, "into": lead.pk}
    elif data == "accounts":
        data = {"member": team_member.pk, "into": lead.pk}
    client.force_login(cast.organiser)

    response = client.post(_url("project_member_merge", cast.project), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert cast.project.members.count() == 2
    if data["member"] in {lead.pk, team_member.pk}:
        assert f'<option value="{data["member"]}" selected>' in html


def test_the_projects_history_shows_who_removed_whom(client, cast, lead):
    typed = ProjectMemberFactory(project=cast.project, full_name="Doublon")
    remove_member(member=typed, by=lead.user)
    client.force_login(cast.coach)

    response = client.get(
        reverse("project_history", args=[cast.project.territory.slug, cast.project.slug])
    )

    removal = response.context["changes"][0]
    assert (removal.kind, removal.label, removal.what, removal.who) == (
        "member",
        "Doublon",
        "-",
        lead.user,
    )
    assert "Équipe «\u00a0Doublon\u00a0»\u00a0:" in response.content.decode()


def test_phone_numbers_are_shown_to_those_who_run_the_team_only(client, cast, lead):
    ProjectMemberFactory(project=cast.project, full_name="Marc", email="", phone="0612345678")

    client.force_login(cast.official)
    read_only = client.get(_url("project_team", cast.project)).content.decode()
    client.force_login(lead.user)
    manager = client.get(_url("project_team", cast.project)).content.decode()

    assert "0612345678" not in read_only
    assert "0612345678" in manager

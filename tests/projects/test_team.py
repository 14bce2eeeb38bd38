"""A project's team: invitations, accepting them (with or without an account), the team page."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from projects.domain.team import (
    MemberInvitationRefused,
    accept_member_invitation,
    invite_member,
)
from projects.models import ProjectMember
from territoire.models import User
from tests.factories import UserFactory
from tests.projects.factories import ProjectFactory, ProjectMemberFactory


def _team_url(project) -> str:
    return reverse(
        "project_team", kwargs={"territory": project.territory.slug, "slug": project.slug}
    )


def _accept_url(member) -> str:
    return reverse("project_invitation_accept", kwargs={"token": member.invitation_token})


def test_invite_member_sends_a_link_and_renews_a_pending_one(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite_member(
            project=cast.project, by=cast.team_member, full_name="Léa", email="Lea@Example.org"
        )
    first_token = first.invitation_token

    with django_capture_on_commit_callbacks(execute=True):
        again = invite_member(
            project=cast.project, by=cast.team_member, full_name="Léa M.", email="lea@example.org"
        )

    assert again.pk == first.pk
    assert (again.email, again.full_name) == ("lea@example.org", "Léa M.")
    assert again.invitation_token != first_token
    assert [m.to for m in mailoutbox] == [["lea@example.org"], ["lea@example.org"]]
    assert again.invitation_token in mailoutbox[1].body
    assert "Bus numérique" in mailoutbox[1].subject


def test_inviting_someone_already_in_the_team_is_refused(cast):
    with pytest.raises(MemberInvitationRefused, match="fait déjà partie"):
        invite_member(
            project=cast.project, by=cast.organiser, full_name="Awa", email="EQUIPE@example.org"
        )


def test_accepting_links_the_account_and_spends_the_link(cast):
    user = UserFactory(email="lea@example.org")
    member = ProjectMemberFactory(
        project=cast.project, email="lea@example.org", invitation_token="t1"
    )

    accept_member_invitation(token="t1", user=user)

    member.refresh_from_db()
    assert member.user == user
    assert member.joined_at is not None
    assert user.has_perm("projects.change_project_page", cast.project)
    with pytest.raises(MemberInvitationRefused, match="déjà été acceptée"):
        accept_member_invitation(token="t1", user=user)


def test_reopening_an_accepted_invitation_answers_410(client, cast):
    member = ProjectMemberFactory(
        project=cast.project, email="lea@example.org", invitation_token="t1"
    )
    client.post(_accept_url(member), {"full_name": "Léa Martin"})
    client.logout()

    response = client.get(_accept_url(member))

    assert response.status_code == 410
    assert "Cette invitation a déjà été acceptée." in response.content.decode()


def test_accepting_with_another_address_is_refused(cast):
    ProjectMemberFactory(project=cast.project, email="lea@example.org", invitation_token="t1")

    with pytest.raises(MemberInvitationRefused, match=r"lea@example\.org"):
        accept_member_invitation(token="t1", user=cast.stranger)


def test_a_person_without_an_account_sets_one_up_and_joins(client, cast):
    member = ProjectMemberFactory(
        project=cast.project, email="lea@example.org", full_name="Léa", invitation_token="t1"
    )

    page = client.get(_accept_url(member))
    response = client.post(_accept_url(member), {"full_name": "Léa Martin"})

    assert page.status_code == 200
    assert "Créer mon compte" in page.content.decode()
    assert response.status_code == 302
    user = User.objects.get(email="lea@example.org")
    assert (user.full_name, user.has_usable_password()) == ("Léa Martin", False)
    assert EmailAddress.objects.get(user=user).verified
    member.refresh_from_db()
    assert member.user == user
    # Signed in, they land in the project's space.
    assert client.get(response.url).status_code == 200


def test_a_bad_account_form_keeps_what_was_typed(client, cast):
    member = ProjectMemberFactory(
        project=cast.project, email="lea@example.org", invitation_token="t1"
    )

    response = client.post(
        _accept_url(member),
        {"full_name": "Léa Martin", "password1": "un-long-mot", "password2": "un-autre-mot"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Les deux mots de passe ne correspondent pas." in html
    assert 'value="Léa Martin"' in html
    assert not User.objects.filter(email="lea@example.org").exists()


def test_a_person_with_an_account_is_sent_to_sign_in_then_accepts(client, cast):
    user = UserFactory(email="lea@example.org")
    member = ProjectMemberFactory(
        project=cast.project, email="lea@example.org", invitation_token="t1"
    )

    anonymous = client.get(_accept_url(member))
    client.force_login(user)
    accepted = client.post(_accept_url(member))

    assert "Vous avez déjà un compte" in anonymous.content.decode()
    assert accepted.status_code == 302
    assert ProjectMember.objects.get(pk=member.pk).user == user


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("expired", "Cette invitation a expiré."),
        ("used", "Cette invitation a déjà été acceptée."),
    ],
)
def test_an_expired_or_used_invitation_answers_410(client, cast, state, message):
    member = ProjectMemberFactory(
        project=cast.project, email="lea@example.org", invitation_token="t1"
    )
    if state == "expired":
        member.invited_at = timezone.now() - datetime.timedelta(days=15)
    else:
        member.joined_at = timezone.now()
    member.save()

    response = client.get(_accept_url(member))

    assert response.status_code == 410
    assert message in response.content.decode()


def test_an_unknown_invitation_is_404(client, db):
    assert client.get(reverse("project_invitation_accept", args=["inconnu"])).status_code == 404


def test_a_signed_in_person_with_another_address_is_told(client, cast):
    member = ProjectMemberFactory(
        project=cast.project, email="lea@example.org", invitation_token="t1"
    )
    client.force_login(cast.stranger)

    response = client.post(_accept_url(member))

    assert response.status_code == 403
    assert "Cette invitation est adressée à lea@example.org" in response.content.decode()
    assert ProjectMember.objects.get(pk=member.pk).user is None


@pytest.mark.parametrize("member_count", (1, 3))
def test_team_page_lists_the_team_in_bounded_queries(
    client, cast, member_count, django_assert_max_num_queries
):
    for index in range(member_count):
        ProjectMemberFactory(project=cast.project, full_name=f"Membre {index}")
    client.force_login(cast.team_member)

    with django_assert_max_num_queries(12):
        response = client.get(_team_url(cast.project))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Awa Équipe" in html
    assert f"Membre {member_count - 1}" in html
    assert "Inviter quelqu'un dans l'équipe" in html
    assert "Changer le statut" not in html  # the coach and the organisers move the status


def test_the_team_invites_from_its_page(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(cast.team_member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _team_url(cast.project),
            {"full_name": "Léa", "email": "lea@example.org", "role": "member"},
        )

    assert response.status_code == 302
    assert cast.project.members.filter(email="lea@example.org", user=None).exists()
    assert [m.to for m in mailoutbox] == [["lea@example.org"]]


def test_a_bad_invitation_form_keeps_what_was_typed(client, cast):
    client.force_login(cast.team_member)

    response = client.post(
        _team_url(cast.project), {"full_name": "Léa", "email": "pas-une-adresse", "role": "member"}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Cette adresse e-mail n&#x27;est pas valide." in html
    assert 'value="Léa"' in html


@pytest.mark.parametrize(
    ("who", "answer"),
    [("official", 403), ("other_team", 404), ("stranger", 404), ("other_organiser", 404)],
)
def test_only_the_team_its_coach_and_organisers_invite(client, cast, who, answer):
    other_team = ProjectMemberFactory(
        project=ProjectFactory(territory=cast.territory), user=UserFactory()
    ).user
    users = {
        "official": cast.official,
        "other_team": other_team,
        "stranger": cast.stranger,
        "other_organiser": cast.other_organiser,
    }
    client.force_login(users[who])

    response = client.post(
        _team_url(cast.project), {"full_name": "Léa", "email": "lea@example.org", "role": "member"}
    )

    assert response.status_code == answer
    assert not cast.project.members.filter(email="lea@example.org").exists()


def test_the_coach_moves_the_status(client, cast):
    client.force_login(cast.coach)

    response = client.post(
        reverse("project_status", args=[cast.territory.slug, cast.project.slug]),
        {"status": "graduated"},
    )

    assert response.status_code == 302
    cast.project.refresh_from_db()
    assert cast.project.status == "graduated"
    assert cast.project.history.latest("history_date").history_user == cast.coach


def test_the_team_cannot_move_the_status(client, cast):
    client.force_login(cast.team_member)

    response = client.post(
        reverse("project_status", args=[cast.territory.slug, cast.project.slug]),
        {"status": "stopped"},
    )

    assert response.status_code == 403
    cast.project.refresh_from_db()
    assert cast.project.status == "active"

"""Sign-up by invitation, end to end: organiser invites, the e-mail arrives, an account is made."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from territoire.domain.invitations import InvitationRefused, accept_invitation, invite
from territoire.enums import Role
from territoire.models import Invitation, Membership, User
from tests.factories import InvitationFactory, UserFactory


def _link(message) -> str:
    return re.search(r"http://\S+/invitations/\S+/", message.body).group(0)


def test_organiser_invites_from_the_admin_and_the_invitee_lands_in_their_space(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:territoire_invitation_add"),
            {
                "territory": cast.territory.pk,
                "email": "Nouvelle.Coach@Example.org",
                "full_name": "Inès Coach",
                "role": Role.COACH,
                "language": "fr",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.coach@example.org"]
    assert message.subject == "Invitation à rejoindre Métropole A sur Territoire"
    assert "avec le rôle\u00a0: coach" in message.body
    client.logout()

    page = client.get(_link(message).removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert page.context["form"]["full_name"].value() == "Inès Coach"
    done = client.post(
        page.wsgi_request.path,
        {"full_name": "Inès Coach", "password1": "", "password2": ""},
        follow=True,
    )

    assert done.redirect_chain[-1][0] == reverse("space")
    assert "Bienvenue ! Vous êtes désormais coach pour Métropole A." in done.content.decode()
    user = User.objects.get(email="nouvelle.coach@example.org")
    assert user.has_usable_password() is False  # signs in by e-mailed code
    assert list(user.memberships.values_list("territory__name", "role")) == [
        ("Métropole A", Role.COACH)
    ]
    assert user.emailaddress_set.get().verified is True
    assert Invitation.objects.get().accepted_by == user


def test_invitee_may_choose_a_password(client, db):
    invitation = InvitationFactory(email="anim@example.org")

    client.post(
        invitation.get_absolute_url(),
        {
            "full_name": "Anim",
            "password1": "velodrome-roubaix-2026",
            "password2": "velodrome-roubaix-2026",
        },
    )

    assert User.objects.get(email="anim@example.org").check_password("velodrome-roubaix-2026")


def test_bad_account_setup_keeps_what_was_typed_and_creates_nothing(client, db):
    invitation = InvitationFactory(email="anim@example.org")

    response = client.post(
        invitation.get_absolute_url(),
        {"full_name": "Karim B.", "password1": "velodrome-2026", "password2": "autre-chose"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Les deux mots de passe ne correspondent pas." in html
    assert 'value="Karim B."' in html
    assert not User.objects.filter(email="anim@example.org").exists()


def test_empty_name_is_refused_with_a_message(client, db):
    invitation = InvitationFactory()

    response = client.post(invitation.get_absolute_url(), {"full_name": "   "})

    assert response.status_code == 200
    assert response.context["form"].errors["full_name"]


def test_expired_invitation_says_so(client, db):
    invitation = InvitationFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == 410
    assert "Cette invitation a expiré." in response.content.decode()


def test_used_invitation_cannot_be_used_twice(client, db):
    invitation = InvitationFactory()
    client.post(invitation.get_absolute_url(), {"full_name": "Une Personne"})
    client.logout()

    response = client.post(invitation.get_absolute_url(), {"full_name": "Une Autre"})

    assert response.status_code == 410
    assert User.objects.filter(email=invitation.email).count() == 1


def test_unknown_token_is_404(client, db):
    response = client.get(reverse("invitation_accept", kwargs={"token": "inconnu"}))

    assert response.status_code == 404


def test_existing_person_signs_in_then_accepts_a_second_role(client, cast):
    invitation = InvitationFactory(
        territory=cast.other_territory, email=cast.facilitator.email, role=Role.OFFICIAL
    )

    anonymous = client.get(invitation.get_absolute_url())
    assert anonymous.context["login_url"].startswith(reverse("account_login"))
    client.force_login(cast.facilitator)
    accepted = client.post(invitation.get_absolute_url())

    assert accepted.status_code == 302
    assert set(cast.facilitator.memberships.values_list("territory__slug", "role")) == {
        ("metropole-a", Role.FACILITATOR),
        ("vallee-b", Role.OFFICIAL),
    }


def test_someone_else_signed_in_cannot_take_the_invitation(client, cast):
    invitation = InvitationFactory(territory=cast.territory, email="quelquun@example.org")
    client.force_login(cast.stranger)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 403
    assert not Membership.objects.filter(user=cast.stranger).exists()
    assert Invitation.objects.get().accepted_at is None


def test_inviting_twice_renews_the_pending_invitation(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = invite(
            territory=cast.territory, email="x@example.org", role=Role.COACH, invited_by=None
        )
        second = invite(
            territory=cast.territory, email="X@example.org", role=Role.COACH, invited_by=None
        )

    assert first.pk == second.pk
    assert first.token != second.token
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 2
    assert second.token in mail.outbox[1].body


def test_accepting_twice_keeps_one_membership(cast):
    user = UserFactory(email="y@example.org")
    invitation = InvitationFactory(territory=cast.territory, email="y@example.org")
    accept_invitation(invitation=invitation, user=user)

    with pytest.raises(InvitationRefused):
        accept_invitation(invitation=invitation, user=user)

    assert Membership.objects.filter(user=user).count() == 1


def test_invitation_email_in_the_invitees_language(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invite(
            territory=cast.territory,
            email="en@example.org",
            role=Role.OFFICIAL,
            invited_by=cast.organiser,
            language="en",
        )

    assert mail.outbox[0].subject.startswith("Invitation to join Métropole A")


def test_resend_action_sends_a_new_link(client, cast, django_capture_on_commit_callbacks):
    invitation = InvitationFactory(territory=cast.territory)
    old_token = invitation.token
    client.force_login(cast.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:territoire_invitation_changelist"),
            {"action": "resend", "_selected_action": [invitation.pk]},
        )

    invitation.refresh_from_db()
    assert invitation.token != old_token
    assert len(mail.outbox) == 1
    assert invitation.token in mail.outbox[0].body


def test_signup_is_closed_without_invitation(client, db):
    response = client.post(
        reverse("account_signup"),
        {"email": "a@example.org", "password1": "pas-invite-42!", "password2": "pas-invite-42!"},
    )

    assert response.templates[0].name == "account/signup_closed.html"
    assert "Inscriptions fermées" in response.content.decode()
    assert not User.objects.exists()

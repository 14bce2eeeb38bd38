"""A project's team: inviting people and their accepting (with an account made for them)."""

import datetime
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.enums import MemberRole
from projects.models import Project, ProjectMember
from territoire.domain.invitations import create_invited_account
from territoire.errors import Refused
from territoire.models import User
from territoire.outbox import enqueue


class MemberInvitationRefused(Refused):
    """The invitation cannot be used or made: expired, accepted, another address, a duplicate."""


def invitation_expires_at(member: ProjectMember) -> datetime.datetime | None:
    if member.invited_at is None:
        return None
    return member.invited_at + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)


def invitation_url(member: ProjectMember) -> str:
    return settings.SITE_URL + reverse(
        "project_invitation_accept", kwargs={"token": member.invitation_token}
    )


def send_member_invitation(
    *, member: ProjectMember, invited_by: User | None, language: str | None = None
) -> ProjectMember:
    """Give ``member`` a new invitation link and e-mail it, in ``language``.

    Side effects: ``invitation_token`` and ``invited_at`` renewed; one e-mail queued after commit.
    """
    member.invitation_token = secrets.token_urlsafe(32)
    member.invited_at = timezone.now()
    member.save(update_fields=["invitation_token", "invited_at"])
    project = member.project
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "member": member,
            "project": project,
            "inviter": invited_by.get_full_name() if invited_by else "",
            "url": invitation_url(member),
            "valid_days": settings.INVITATION_VALID_DAYS,
        }
        subject = _("Rejoignez l'équipe du projet %(project)s sur Territoire") % {
            "project": project.name
        }
        body = render_to_string("projects/email/member_invitation.txt", context)
    enqueue("territoire.send_email", subject=subject, body=body, to=[member.email])
    return member


def invite_member(
    *,
    project: Project,
    by: User | None,
    full_name: str,
    email: str,
    phone: str = "",
    organisation_name: str = "",
    role: str = MemberRole.MEMBER,
    language: str | None = None,
) -> ProjectMember:
    """Invite someone into ``project``'s team, by e-mail.

    Inviting again someone whose invitation is pending renews it (new link, new expiry).
    Raises MemberInvitationRefused when that address already joined the team.
    Side effects: one ProjectMember created or renewed; one e-mail queued after commit.
    """
    email = email.strip().lower()
    with transaction.atomic():
        member = (
            ProjectMember.objects.select_for_update()
            .filter(project=project, email__iexact=email)
            .first()
        )
        if member is not None and member.joined_at is not None:
            raise MemberInvitationRefused(
                _("%(email)s fait déjà partie de l'équipe.") % {"email": email}, field="email"
            )
        if member is None:
            member = ProjectMember(project=project, email=email)
        member.full_name = full_name.strip()
        member.phone = phone.strip() or member.phone
        member.organisation_name = organisation_name.strip() or member.organisation_name
        member.role = role
        try:
            with transaction.atomic():
                member.save()
        except IntegrityError:
            raise MemberInvitationRefused(
                _("%(email)s vient d'être invité·e par quelqu'un d'autre.") % {"email": email},
                field="email",
            ) from None
        send_member_invitation(member=member, invited_by=by, language=language)
    return member


def check_usable(member: ProjectMember, *, now: datetime.datetime | None = None) -> None:
    """Raise MemberInvitationRefused with a message the invitee can read."""
    if member.joined_at is not None:
        raise MemberInvitationRefused(_("Cette invitation a déjà été acceptée."))
    expires_at = invitation_expires_at(member)
    if expires_at is None or expires_at <= (now or timezone.now()):
        raise MemberInvitationRefused(
            _(
                "Cette invitation a expiré. "
                "Demandez à l'équipe du projet ou aux organisateurs de vous en renvoyer une."
            )
        )


def accept_member_invitation(*, token: str, user: User) -> ProjectMember:
    """Put ``user`` in the team the invitation ``token`` is for.

    Raises MemberInvitationRefused when the link is unknown, expired, already used, for another
    address, or when ``user`` is already in this team.
    Side effects: the member's ``user`` and ``joined_at`` set (the link is spent); the person's
    e-mail address marked verified (the link proved it).
    """
    with transaction.atomic():
        member = (
            ProjectMember.objects.select_for_update()
            .select_related("project")
            .filter(invitation_token=token)
            .first()
        )
        if member is None:
            raise MemberInvitationRefused(_("Ce lien d'invitation n'est pas valide."))
        check_usable(member)
        if member.email.lower() != user.email.lower():
            raise MemberInvitationRefused(
                _("Cette invitation est adressée à %(email)s : connectez-vous avec cette adresse.")
                % {"email": member.email}
            )
        member.user = user
        member.joined_at = timezone.now()
        # The token stays: the link, opened again, says it was used (410), not "unknown".
        try:
            with transaction.atomic():
                member.save(update_fields=["user", "joined_at"])
        except IntegrityError:
            raise MemberInvitationRefused(
                _("Vous faites déjà partie de l'équipe de ce projet.")
            ) from None
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    if hasattr(user, "_team_project_ids"):
        del user._team_project_ids  # projects.rules caches the person's teams
    return member


def create_account_from_member_invitation(
    *, token: str, full_name: str, password: str | None
) -> User:
    """Create the invitee's account and put them in the team, in one transaction.

    Sign-up is by invitation only: this link is one. Without a password the person signs in
    with a code sent by e-mail.
    Raises MemberInvitationRefused when the link is not usable or an account already exists.
    Side effects: one User, one verified EmailAddress; the member joined.
    """
    member = ProjectMember.objects.filter(invitation_token=token).first()
    if member is None:
        raise MemberInvitationRefused(_("Ce lien d'invitation n'est pas valide."))
    check_usable(member)
    return create_invited_account(
        email=member.email,
        full_name=full_name,
        password=password,
        join=lambda user: accept_member_invitation(token=token, user=user),
        refused=MemberInvitationRefused,
    )

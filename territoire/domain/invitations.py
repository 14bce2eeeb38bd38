"""Sign-up by invitation: an organiser invites, the invitee sets up an account, a role follows."""

import datetime
import secrets
from collections.abc import Callable

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territoire.audit import record
from territoire.errors import Refused
from territoire.models import Invitation, Membership, Organisation, Territory, User
from territoire.outbox import enqueue
from territoire.queries import forget_roles


class InvitationRefused(Refused):
    """The invitation cannot be used: expired, already accepted, or for another address."""


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _expiry(now: datetime.datetime) -> datetime.datetime:
    return now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS)


def invite(
    *,
    territory: Territory,
    email: str,
    role: str,
    invited_by: User | None,
    full_name: str = "",
    organisation: Organisation | None = None,
    language: str | None = None,
) -> Invitation:
    """Invite ``email`` to hold ``role`` in ``territory`` and e-mail them the link.

    Inviting again someone whose invitation is still pending renews it (new link, new expiry)
    rather than creating a second one.
    Side effects: one Invitation row created or renewed; one e-mail queued after commit.
    """
    email = email.strip().lower()
    now = timezone.now()
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update()
            .filter(territory=territory, email__iexact=email, role=role, accepted_at__isnull=True)
            .first()
        )
        if invitation is None:
            invitation = Invitation(territory=territory, email=email, role=role)
        invitation.full_name = full_name or invitation.full_name
        invitation.organisation = organisation or invitation.organisation
        invitation.invited_by = invited_by
        invitation.language = language or translation.get_language() or settings.LANGUAGE_CODE
        invitation.token = _new_token()
        invitation.created_at = now
        invitation.expires_at = _expiry(now)
        invitation.save()
        record(invited_by, "invitation.send", invitation, role=role)
        send_invitation(invitation=invitation)
    return invitation


def send_invitation(*, invitation: Invitation) -> None:
    """Queue the invitation e-mail, in the invitee's language.

    Side effects: ``sent_at`` set; one e-mail task queued after commit.
    """
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "url": settings.SITE_URL + invitation.get_absolute_url(),
            "role": invitation.get_role_display(),
            "valid_days": settings.INVITATION_VALID_DAYS,
        }
        subject = _("Invitation à rejoindre %(territory)s sur Territoire") % {
            "territory": invitation.territory.name
        }
        body = render_to_string("territoire/email/invitation.txt", context)
    invitation.sent_at = timezone.now()
    invitation.save(update_fields=["sent_at"])
    enqueue("territoire.send_email", subject=subject, body=body, to=[invitation.email])


def check_usable(invitation: Invitation, *, now: datetime.datetime | None = None) -> None:
    """Raise InvitationRefused with a message the invitee can read."""
    if invitation.accepted_at is not None:
        raise InvitationRefused(_("Cette invitation a déjà été acceptée."))
    if not invitation.is_pending(now):
        raise InvitationRefused(
            _(
                "Cette invitation a expiré. "
                "Demandez à l'équipe d'organisation de vous en renvoyer une."
            )
        )


def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """Give ``user`` the invited role. Idempotent: accepting twice keeps one membership.

    Raises InvitationRefused when the invitation is no longer usable or is for another address.
    Side effects: one Membership row; the invitation is marked accepted.
    """
    if invitation.email.lower() != user.email.lower():
        raise InvitationRefused(
            _("Cette invitation est adressée à %(email)s : connectez-vous avec cette adresse.")
            % {"email": invitation.email}
        )
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        check_usable(invitation)
        membership, _created = Membership.objects.get_or_create(
            user=user,
            territory_id=invitation.territory_id,
            role=invitation.role,
            defaults={"organisation_id": invitation.organisation_id},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
    forget_roles(user)
    return membership


def create_account_from_invitation(
    *, invitation: Invitation, full_name: str, password: str | None
) -> User:
    """Create the invitee's account and accept the invitation, in one transaction.

    Without a password the person signs in with a code sent by e-mail.
    Raises InvitationRefused when the invitation is not usable or an account already exists.
    Side effects: one User, one verified EmailAddress, one Membership; invitation accepted.
    """
    check_usable(invitation)
    return create_invited_account(
        email=invitation.email,
        full_name=full_name,
        password=password,
        join=lambda user: accept_invitation(invitation=invitation, user=user),
        refused=InvitationRefused,
    )


def create_invited_account(
    *,
    email: str,
    full_name: str,
    password: str | None,
    join: Callable[[User], object],
    refused: type[Exception],
) -> User:
    """Create an invitee's account and let ``join`` accept what they were invited to, in one
    transaction (a territory role, a project team…).

    Without a password the person signs in with a code sent by e-mail.
    Raises ``refused`` when an account already exists for ``email`` (or ``join``'s own refusal).
    Side effects: one User, and those of ``join``.
    """
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=email, password=password or None, full_name=full_name.strip()
            )
            if not password:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            join(user)
    except IntegrityError:
        raise refused(
            _("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
        ) from None
    return user

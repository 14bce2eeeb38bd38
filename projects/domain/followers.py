"""Following a project's public news ("where is my idea now?"), with double opt-in by e-mail."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.models import Participant
from projects.models import Project, ProjectFollower
from territoire.errors import Refused
from territoire.outbox import enqueue
from territoire.tokens import is_urlsafe_token

CONFIRMATION_SALT = "projects.follower.confirm"
CONFIRMATION_MAX_AGE = datetime.timedelta(days=7)


class FollowRefused(Refused):
    """The confirmation or stop link is unknown, expired or already replaced."""


def confirmation_token(follower: ProjectFollower) -> str:
    """A signed link for this follower's current token: it stops working once the token is
    renewed (a later request to follow) and after seven days."""
    return signing.dumps(follower.token, salt=CONFIRMATION_SALT)


def stop_url(follower: ProjectFollower) -> str:
    return settings.SITE_URL + reverse("project_follow_stop", kwargs={"token": follower.token})


def follow_project(
    *,
    project: Project,
    email: str,
    language: str | None = None,
    participant: Participant | None = None,
) -> ProjectFollower:
    """Ask to follow ``project``'s public news at ``email``; nothing is sent to that address but
    the confirmation until its owner confirms.

    One row per project and address (case-insensitive): following again updates it. An active,
    confirmed follower stays confirmed (no new e-mail); anyone else gets a new link.
    Side effects: one ProjectFollower created or updated; a confirmation e-mail queued after
    commit when a confirmation is needed.
    """
    email = email.strip().lower()
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        follower = (
            ProjectFollower.objects.select_for_update()
            .filter(project=project, email__iexact=email)
            .first()
        )
        if follower is None:
            follower = ProjectFollower(project=project, email=email)
        follower.language = language
        follower.participant = participant or follower.participant
        needs_confirmation = follower.confirmed_at is None or follower.stopped_at is not None
        if needs_confirmation:
            follower.token = secrets.token_urlsafe(32)
            follower.confirmed_at = None
            follower.stopped_at = None
        try:
            with transaction.atomic():
                follower.save()
        except IntegrityError:
            # Someone asked for the same address at the same moment: theirs stands.
            return ProjectFollower.objects.get(project=project, email__iexact=email)
        if needs_confirmation:
            _send_confirmation(follower)
    return follower


def _send_confirmation(follower: ProjectFollower) -> None:
    project = follower.project
    url = settings.SITE_URL + reverse(
        "project_follow_confirm", kwargs={"token": confirmation_token(follower)}
    )
    with translation.override(follower.language):
        context = {
            "project": project,
            "url": url,
            "stop_url": stop_url(follower),
            "project_url": settings.SITE_URL + project.get_absolute_url(),
            "days": CONFIRMATION_MAX_AGE.days,
        }
        subject = _("Confirmez que vous suivez le projet %(project)s") % {"project": project.name}
        body = render_to_string("projects/email/follow_confirmation.txt", context)
    enqueue("territoire.send_email", subject=subject, body=body, to=[follower.email])


def confirm_following(*, token: str) -> ProjectFollower:
    """Confirm the follower a link was made for. Confirming twice changes nothing.

    Raises FollowRefused with a message for the person.
    Side effects: ``confirmed_at`` set.
    """
    try:
        raw = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise FollowRefused(
            _("Ce lien a expiré. Demandez à nouveau à suivre le projet pour en recevoir un autre.")
        ) from None
    except signing.BadSignature:
        raise FollowRefused(_("Ce lien de confirmation n'est pas valide.")) from None
    with transaction.atomic():
        follower = (
            ProjectFollower.objects.select_for_update()
            .select_related("project__territory")
            .filter(token=raw)
            .first()
        )
        if follower is None or follower.stopped_at is not None:
            raise FollowRefused(_("Ce lien a été remplacé par un plus récent, ou a déjà servi."))
        if follower.confirmed_at is None:
            follower.confirmed_at = timezone.now()
            follower.save(update_fields=["confirmed_at"])
    return follower


def stop_following(*, token: str) -> ProjectFollower:
    """Stop sending ``project``'s news to the follower whose token is in the link.

    Raises FollowRefused for an unknown link (one not shaped as our tokens is not looked up:
    PostgreSQL refuses a NUL in a query). Stopping twice changes nothing.
    Side effects: ``stopped_at`` set.
    """
    if not is_urlsafe_token(token):
        raise FollowRefused(_("Ce lien n'est pas valide."))
    with transaction.atomic():
        follower = (
            ProjectFollower.objects.select_for_update()
            .select_related("project__territory")
            .filter(token=token)
            .first()
        )
        if follower is None:
            raise FollowRefused(_("Ce lien n'est pas valide."))
        if follower.stopped_at is None:
            follower.stopped_at = timezone.now()
            follower.save(update_fields=["stopped_at"])
    return follower

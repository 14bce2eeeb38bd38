"""Monthly updates: one per project and month; the public ones are the followers' news."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accompaniment.domain.errors import Refused
from accompaniment.models import ProjectUpdate
from projects.models import Project, ProjectFollower
from territoire.impact.cache import impact_changed
from territoire.models import User
from territoire.outbox import enqueue


def post_update(
    *,
    project: Project,
    month: datetime.date,
    text: str,
    is_public: bool,
    by: User | None,
    today: datetime.date | None = None,
) -> ProjectUpdate:
    """Post the team's update for ``month`` (any day of it; stored as its first day).

    Raises Refused for an empty text, a month to come, or a month that already has its update.
    Side effects: one ProjectUpdate row; a public one's news is e-mailed to the project's
    followers after commit (``send_public_news``).
    """
    today = today or timezone.localdate()
    month = month.replace(day=1)
    if not text.strip():
        raise Refused(_("Écrivez quelques nouvelles."), field="text")
    if month > today.replace(day=1):
        raise Refused(_("Ce mois n'a pas encore commencé."), field="month")
    try:
        with transaction.atomic():
            update = ProjectUpdate.objects.create(
                project=project, month=month, text=text.strip(), is_public=is_public, author=by
            )
    except IntegrityError:
        raise Refused(
            _("Le point de ce mois a déjà été publié : choisissez un autre mois."), field="month"
        ) from None
    if is_public:
        transaction.on_commit(lambda: send_public_news(update=update))
    impact_changed(project.territory_id)
    return update


def project_public_url(project: Project) -> str:
    """The project's public page (the projects app's), absolute; empty if it has none."""
    try:
        return settings.SITE_URL + project.get_absolute_url()
    except NoReverseMatch:
        return ""


def _unfollow_url(follower: ProjectFollower) -> str:
    """The one-click stop link of the projects app, when it offers one."""
    try:
        return settings.SITE_URL + reverse("follow_stop", kwargs={"token": follower.token})
    except NoReverseMatch:
        return ""


def send_public_news(*, update: ProjectUpdate) -> int:
    """E-mail a public update to the project's confirmed followers, once.

    ``news_sent_at`` is claimed by a conditional UPDATE: a second call (a retried task, a double
    click) sends nothing. Returns the number of e-mails queued. Side effects: ``news_sent_at``;
    one e-mail task per follower, in the follower's language.
    """
    claimed = ProjectUpdate.objects.filter(
        pk=update.pk, is_public=True, news_sent_at__isnull=True
    ).update(news_sent_at=timezone.now())
    if not claimed:
        return 0
    project = update.project
    followers = ProjectFollower.objects.filter(
        project=project, confirmed_at__isnull=False, stopped_at__isnull=True
    )
    sent = 0
    for follower in followers.iterator():
        with translation.override(follower.language):
            subject = _("Des nouvelles de %(project)s") % {"project": project.name}
            body = render_to_string(
                "accompaniment/email/public_news.txt",
                {
                    "project": project,
                    "update": update,
                    "project_url": project_public_url(project),
                    "unfollow_url": _unfollow_url(follower),
                },
            )
        enqueue("territoire.send_email", subject=subject, body=body, to=[follower.email])
        sent += 1
    return sent

"""The reminders' digest e-mail: rendered from its templates in the person's language, text and
HTML, grouped by project, with a link to act on each project and a link to choose or stop the
reminders. The templates hold the wording (accompaniment/emails/reminder_digest.*)."""

import datetime
from itertools import groupby
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import ngettext

from accompaniment.enums import ReminderKind
from territoire.text import one_line

if TYPE_CHECKING:
    from accompaniment.domain.reminder_plan import DuePerson, ProjectInfo

# A project with dozens of late milestones gets the first ones and a count of the others.
SHOWN_PER_PROJECT = 10


def project_space_url(project: "ProjectInfo") -> str:
    """The project's space, where the team acts on its milestones and updates."""
    try:
        path = reverse(
            "project_space", kwargs={"territory": project.territory_slug, "slug": project.slug}
        )
    except NoReverseMatch:  # the space's URLs not installed: the path they are meant to have
        path = f"/espace/projets/{project.territory_slug}/{project.slug}/"
    return settings.SITE_URL + path


def preferences_url(token: str) -> str:
    return settings.SITE_URL + reverse("reminder_preferences", kwargs={"token": token})


def digest_context(*, person: "DuePerson", day: datetime.date) -> dict:
    """What the digest's templates show: the person, their reminders grouped by project (the
    planning sorted them by project), the links."""
    groups = []
    for project, grouped in groupby(person.items, key=lambda item: item.project):
        items = list(grouped)
        groups.append(
            {
                "project": project,
                "url": project_space_url(project),
                "items": items[:SHOWN_PER_PROJECT],
                "more": max(0, len(items) - SHOWN_PER_PROJECT),
            }
        )
    return {
        "user": person.user,
        "day": day,
        "groups": groups,
        "count": len(person.items),
        "preferences_url": preferences_url(person.token),
        "ReminderKind": ReminderKind,  # no request, no context processor: the kinds compared
    }


def render_digest(*, person: "DuePerson", day: datetime.date) -> tuple[str, str, str]:
    """Subject, text and HTML of ``person``'s digest, in their language."""
    context = digest_context(person=person, day=day)
    count = context["count"]
    with translation.override(person.language):
        subject = ngettext(
            "Territoire : %(count)d rappel pour vos projets",
            "Territoire : %(count)d rappels pour vos projets",
            count,
        ) % {"count": count}
        text = render_to_string("accompaniment/emails/reminder_digest.txt", context)
        html = render_to_string("accompaniment/emails/reminder_digest.html", context)
    return subject, text, html


def send_digest_email(
    *, person: "DuePerson", day: datetime.date, connection: BaseEmailBackend | None = None
) -> None:
    """Send ``person``'s digest now. Raises when the mail server refuses or is away (the
    caller's transaction then records nothing)."""
    subject, text, html = render_digest(person=person, day=day)
    message = EmailMultiAlternatives(
        subject=one_line(subject), body=text, to=[person.user.email], connection=connection
    )
    message.attach_alternative(html, "text/html")
    message.send()

"""The reminders' digest e-mail: rendered in the person's language, text and HTML, grouped by
project, with a link to act on each project and a link to choose or stop the reminders.

A project's block is the same for everyone on its team who gets the same reminders: it is
rendered once per language and kept in a small in-process cache, so a sweep renders a block
per project rather than per person (the sweep's time is mostly rendering)."""

import datetime
from functools import lru_cache
from itertools import groupby
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import formats, translation
from django.utils.html import escape, format_html, format_html_join
from django.utils.translation import gettext, ngettext

from accompaniment.enums import ReminderKind
from territoire.text import one_line

if TYPE_CHECKING:
    from accompaniment.domain.reminder_plan import DueItem, DuePerson, ProjectInfo

# A project with dozens of late milestones gets the first ones and a count of the others.
SHOWN_PER_PROJECT = 10


def project_space_url(project: "ProjectInfo") -> str:
    """The project's space, where the team acts on its milestones and updates."""
    return settings.SITE_URL + _project_space_path(project.territory_slug, project.slug)


@lru_cache(maxsize=4096)
def _project_space_path(territory_slug: str, slug: str) -> str:
    try:
        return reverse("project_space", kwargs={"territory": territory_slug, "slug": slug})
    except NoReverseMatch:  # the space's URLs not installed: the path they are meant to have
        return f"/espace/projets/{territory_slug}/{slug}/"


@lru_cache(maxsize=1024)
def _long_date(language: str, day: datetime.date) -> str:
    with translation.override(language):
        return formats.date_format(day, "j F Y")


def preferences_url(token: str) -> str:
    return settings.SITE_URL + reverse("reminder_preferences", kwargs={"token": token})


def item_sentence(item: "DueItem") -> str:
    """One reminder as a sentence, in the active language."""
    values = {
        "title": item.milestone_title,
        "date": _long_date(translation.get_language(), item.occasion),
    }
    if item.kind == ReminderKind.MILESTONE_DUE:
        sentence = gettext("Jalon « %(title)s » : échéance le %(date)s.")
    elif item.kind == ReminderKind.MILESTONE_OVERDUE:
        sentence = gettext("Jalon « %(title)s » en retard : il était attendu le %(date)s.")
    elif item.kind == ReminderKind.MILESTONE_OVERDUE_COACH:
        sentence = gettext(
            "Jalon « %(title)s » en retard de plus de 14 jours (attendu le %(date)s) : "
            "un point avec l'équipe ?"
        )
    else:
        sentence = gettext(
            "Pas de nouvelles depuis le %(date)s : le point mensuel attend l'équipe."
        )
    return sentence % values


@lru_cache(maxsize=2048)
def _project_block(
    language: str, project: "ProjectInfo", items: tuple["DueItem", ...], url: str
) -> tuple[str, str]:
    """A project's part of the digest, text and HTML. Built in Python rather than by a template
    (a sweep builds thousands: the template engine was most of its time), and cached:
    teammates share it."""
    with translation.override(language):
        sentences = [item_sentence(item) for item in items[:SHOWN_PER_PROJECT]]
        more = len(items) - SHOWN_PER_PROJECT
        more_text = ""
        if more > 0:
            more_text = ngettext(
                "… et %(more)d autre rappel.", "… et %(more)d autres rappels.", more
            ) % {"more": more}
        act = gettext("Agir sur le projet")
        act_text = gettext("Agir sur le projet :")
    lines = [f"== {project.name} ==", *(f"- {sentence}" for sentence in sentences)]
    if more_text:
        lines.append(more_text)
    lines.append(f"{act_text} {url}")
    html = format_html(
        '<h2>{}</h2>\n<ul>\n{}</ul>\n{}<p><a href="{}">{}</a></p>\n',
        project.name,
        format_html_join("", "<li>{}</li>\n", ((sentence,) for sentence in sentences)),
        format_html("<p>{}</p>\n", more_text) if more_text else "",
        url,
        act,
    )
    return "\n".join(lines) + "\n", html


# A digest's frame (greeting, count, preferences link) depends on the language and the count
# only: each is rendered once from the templates with these marks, then filled in per person
# (as events/live_board.py fills in a phone's places in a shared board).
NAME_MARK, URL_MARK, BLOCKS_MARK = "§name§", "§url§", "§blocks§"


@lru_cache(maxsize=512)
def _frame(language: str, count: int) -> tuple[str, str, str]:
    context = {
        "user": {"full_name": NAME_MARK},
        "count": count,
        "preferences_url": URL_MARK,
        "blocks": [BLOCKS_MARK],
    }
    with translation.override(language):
        subject = ngettext(
            "Territoire : %(count)d rappel pour vos projets",
            "Territoire : %(count)d rappels pour vos projets",
            count,
        ) % {"count": count}
        text = get_template("accompaniment/emails/reminder_digest.txt").render(context)
        html = get_template("accompaniment/emails/reminder_digest.html").render(context)
    return subject, text, html


def _fill(frame: str, *, name: str, url: str, blocks: str) -> str:
    return (
        frame.replace(" " + NAME_MARK, f" {name}" if name else "")
        .replace(URL_MARK, url)
        .replace(BLOCKS_MARK, blocks)
    )


def render_digest(*, person: "DuePerson", day: datetime.date) -> tuple[str, str, str]:
    """Subject, text and HTML of ``person``'s digest, in their language."""
    texts, htmls = [], []
    for project, items in groupby(person.items, key=lambda item: item.project):
        text, html = _project_block(
            person.language, project, tuple(items), project_space_url(project)
        )
        texts.append(text)
        htmls.append(html)
    subject, text_frame, html_frame = _frame(person.language, len(person.items))
    url = preferences_url(person.token)
    name = person.user.full_name
    text = _fill(text_frame, name=name, url=url, blocks="\n".join(texts))
    html = _fill(html_frame, name=escape(name), url=escape(url), blocks="".join(htmls))
    return subject, text, html


def send_digest_email(*, person: "DuePerson", day: datetime.date, connection=None) -> None:
    """Send ``person``'s digest now. Raises when the mail server refuses or is away (the
    caller's transaction then records nothing)."""
    subject, text, html = render_digest(person=person, day=day)
    message = EmailMultiAlternatives(
        subject=one_line(subject), body=text, to=[person.user.email], connection=connection
    )
    message.attach_alternative(html, "text/html")
    message.send()

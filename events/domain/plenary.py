"""The plenary screen: its secret link for the projector, and what the control room spotlights.

The screen link is ``/ecran/<event pk>-<secret>/``: the event is found by its id, then the secret
is compared in constant time with the one stored on the event (random, 192 bits). Renewing it
makes the previous link answer 404 at once; revoking it leaves the event without one; it
expires by itself two days after the evening ends.
"""

import datetime
import hmac
import secrets

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Event, FormedProject, Idea
from territoire.errors import Refused
from territoire.inputs import parse_int
from territoire.models import User

SECRET_BYTES = 24  # 192 bits, 32 URL-safe characters
# The projector serves the night; a link also opens the next day (a replay, a debrief), then
# stops by itself, so a link copied into a chat or a browser's history does not last.
SCREEN_LINK_DAYS_AFTER_EVENING = 2


class SpotlightRefused(Refused):
    """What the control room asked for cannot go on the big screen (the message says why)."""


# The screen link --------------------------------------------------------------------------------


def screen_token(event: Event) -> str:
    """The token of the event's screen link ("" when it has none)."""
    return f"{event.pk}-{event.screen_secret}" if event.screen_secret else ""


def split_screen_token(token: str) -> tuple[int, str] | None:
    """The event id and the secret a token names, or None when it cannot be one."""
    raw_pk, _sep, secret = token.partition("-")
    pk = parse_int(raw_pk, max_digits=12) if raw_pk == raw_pk.strip() else None
    if pk is None or not secret or len(secret) > 64:
        return None
    return pk, secret


def screen_link_expires_at(event: Event) -> datetime.datetime:
    """When the event's screen link stops opening: SCREEN_LINK_DAYS_AFTER_EVENING after it ends."""
    return event.ends_at + datetime.timedelta(days=SCREEN_LINK_DAYS_AFTER_EVENING)


def screen_secret_matches(event: Event, secret: str) -> bool:
    """Whether ``secret`` opens the event's screen (constant time; never for a revoked link,
    nor once the link expired)."""
    if not event.screen_secret or timezone.now() >= screen_link_expires_at(event):
        return False
    return hmac.compare_digest(event.screen_secret.encode(), secret.encode())


def renew_screen_link(*, event: Event, by: User | None) -> str:
    """Give the event a new secret screen link, and return its token.

    Whoever holds the link sees the plenary, read-only, without signing in. A previous link
    stops working at once.
    Side effects: one UPDATE of the event (``screen_secret``); ``event`` updated in place.
    """
    event.screen_secret = secrets.token_urlsafe(SECRET_BYTES)
    Event.objects.filter(pk=event.pk).update(screen_secret=event.screen_secret)
    return screen_token(event)


def revoke_screen_link(*, event: Event, by: User | None) -> None:
    """Make the event's screen link answer 404 from the next request on.

    Side effects: one UPDATE of the event (``screen_secret`` emptied); ``event`` updated.
    """
    event.screen_secret = ""
    Event.objects.filter(pk=event.pk).update(screen_secret="")


# The spotlight ----------------------------------------------------------------------------------


def _set_spotlight(event: Event, idea: Idea | None, project: FormedProject | None) -> None:
    Event.objects.filter(pk=event.pk).update(
        spotlight_idea=idea,
        spotlight_project=project,
        plenary_version=F("plenary_version") + 1,
    )
    event.spotlight_idea, event.spotlight_project = idea, project


def spotlight_idea(*, event: Event, idea: Idea, by: User | None) -> None:
    """Put one idea of the event on the big screen, full size, in place of the overview.

    Raises SpotlightRefused for an idea of another event, a hidden idea or one merged into
    another (spotlight the one it was merged into).
    Side effects: one UPDATE of the event (the spotlight, ``plenary_version`` + 1), so the
    screen's next poll shows it.
    """
    if idea.table.event_id != event.pk:
        raise SpotlightRefused(_("Cette idée n'est pas une idée de cette soirée."))
    if idea.hidden_at is not None:
        raise SpotlightRefused(_("Cette idée a été masquée : elle ne peut pas aller à l'écran."))
    if idea.merged_into_id is not None:
        raise SpotlightRefused(
            _("Cette idée a été fusionnée dans une autre : mettez plutôt celle-ci à l'écran.")
        )
    _set_spotlight(event, idea, None)


def spotlight_project(*, event: Event, project: FormedProject, by: User | None) -> None:
    """Put one project born tonight on the big screen, full size, in place of the overview.

    Raises SpotlightRefused for a project of another event.
    Side effects: one UPDATE of the event (the spotlight, ``plenary_version`` + 1).
    """
    if project.table.event_id != event.pk:
        raise SpotlightRefused(_("Ce projet n'est pas né à cette soirée."))
    _set_spotlight(event, None, project)


def clear_spotlight(*, event: Event, by: User | None) -> None:
    """Take the spotlight off: the screen goes back to the overview of the evening.

    Side effects: one UPDATE of the event (no spotlight, ``plenary_version`` + 1).
    """
    _set_spotlight(event, None, None)

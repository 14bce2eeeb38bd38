"""Meeting notes: the coach's (or an organiser's) record of a follow-up meeting."""

import datetime

from django.utils.translation import gettext as _

from accompaniment.domain.errors import Refused
from accompaniment.models import MeetingNote
from projects.models import Project
from territoire.models import User


def record_meeting_note(
    *,
    project: Project,
    met_on: datetime.date,
    text: str,
    next_steps: str = "",
    by: User | None,
    today: datetime.date | None = None,
) -> MeetingNote:
    """Record a meeting held with the project's team.

    Raises Refused for an empty note or a meeting in the future. Side effects: one MeetingNote.
    """
    if not text.strip():
        raise Refused(_("Écrivez le compte rendu."), field="text")
    if today is not None and met_on > today:
        raise Refused(_("Ce rendez-vous n'a pas encore eu lieu."), field="met_on")
    return MeetingNote.objects.create(
        project=project, met_on=met_on, text=text.strip(), next_steps=next_steps.strip(), author=by
    )

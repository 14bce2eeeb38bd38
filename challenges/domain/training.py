"""Facilitators' training: they say they will come; organisers note who came."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from challenges.models import TrainingAttendance, TrainingSession
from territoire.errors import Refused
from territoire.impact.cache import impact_changed
from territoire.models import User


class TrainingRefused(Refused):
    """The answer cannot be taken: the session is past, or full."""


def respond(
    *, session: TrainingSession, facilitator: User, will_attend: bool
) -> TrainingAttendance:
    """Record whether ``facilitator`` will come to ``session``. Answering again changes it.

    Raises TrainingRefused when the session has started, or when it is full and the person
    was not already coming (the session row is locked, so two last-place answers cannot both win).
    Side effects: one TrainingAttendance row created or updated.
    """
    with transaction.atomic():
        session = TrainingSession.objects.select_for_update().get(pk=session.pk)
        if session.starts_at <= timezone.now():
            raise TrainingRefused(
                _("Cette formation a déjà eu lieu : votre réponse n'a pas été modifiée.")
            )
        coming = session.attendances.filter(will_attend=True)
        if (
            will_attend
            and session.capacity is not None
            and not coming.filter(facilitator=facilitator).exists()
            and coming.count() >= session.capacity
        ):
            raise TrainingRefused(
                _(
                    "Cette formation est complète : choisissez une autre date ou écrivez à "
                    "l'équipe d'organisation."
                )
            )
        attendance, _created = TrainingAttendance.objects.update_or_create(
            session=session,
            facilitator=facilitator,
            defaults={"will_attend": will_attend, "responded_at": timezone.now()},
        )
    return attendance


def mark_attendance(
    *, session: TrainingSession, facilitator: User, attended: bool, by: User
) -> TrainingAttendance:
    """Note, after the session, whether ``facilitator`` came.

    Side effects: one TrainingAttendance row created or updated; the territory's impact
    figures moved.
    """
    attendance, _created = TrainingAttendance.objects.update_or_create(
        session=session,
        facilitator=facilitator,
        defaults={"attended": attended, "attendance_marked_by": by},
    )
    impact_changed(session.territory_id)
    return attendance

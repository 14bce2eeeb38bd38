"""Facilitators' training: they say they will come; organisers note who came."""

from django.utils import timezone

from challenges.models import TrainingAttendance, TrainingSession
from territoire.models import User


def respond(
    *, session: TrainingSession, facilitator: User, will_attend: bool
) -> TrainingAttendance:
    """Record whether ``facilitator`` will come to ``session``. Answering again changes it.

    Side effects: one TrainingAttendance row created or updated.
    """
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

    Side effects: one TrainingAttendance row created or updated.
    """
    attendance, _created = TrainingAttendance.objects.update_or_create(
        session=session,
        facilitator=facilitator,
        defaults={"attended": attended, "attendance_marked_by": by},
    )
    return attendance

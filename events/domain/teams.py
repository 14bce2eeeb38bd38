"""Project teams formed on the night: a participant joins a project born at their table."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from events.domain.board import bump
from events.domain.participation import ParticipationRefused
from events.enums import Phase
from events.models import FormedProject, Participant, Table, TeamMember


def join_team(
    *, participant: Participant, project: FormedProject, email: str = "", phone: str = ""
) -> TeamMember:
    """Put the participant in the project's team, with a way to reach them.

    Idempotent per participant (the unique constraint on project and participant): joining again
    returns the same member, with the contact just given.
    Raises ParticipationRefused for a project of another table, outside the project formation
    phase, or without any contact.
    Side effects: one TeamMember row (created or its contact updated); the table's board bumped.
    """
    email, phone = email.strip(), phone.strip()
    if project.table_id != participant.table_id:
        raise ParticipationRefused(_("Ce projet n'est pas né à votre table."))
    if not (email or phone):
        raise ParticipationRefused(
            _("Laissez une adresse e-mail ou un numéro de téléphone à l'équipe.")
        )
    table = Table.objects.only("phase").get(pk=participant.table_id)
    if table.phase != Phase.FORMATION:
        raise ParticipationRefused(_("Les équipes ne se forment pas en ce moment à cette table."))
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(
                project=project,
                participant=participant,
                full_name=participant.display_name,
                organisation_name=participant.organisation_name,
                email=email,
                phone=phone,
            )
            bump(participant.table_id)
    except IntegrityError:
        member = TeamMember.objects.get(project=project, participant=participant)
        if (member.email, member.phone) != (email, phone):
            member.email, member.phone = email, phone
            member.save(update_fields=["email", "phone"])
    return member

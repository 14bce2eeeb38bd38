"""Project teams formed on the night: one entry per person, whoever wrote them down.

A facilitator ticks participants of the table and types names and addresses; a participant joins
from their phone. The same person may come through several of these: ``build_team`` folds them
into one entry (same participant, same address — typed, or the registration's of a checked-in
participant — or the same name for a participant ticked without a contact), and ``join_team``
takes over the entry a facilitator typed with the participant's address.
The database keeps it so: one entry per participant, per address, one lead who can be reached.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.domain.board import bump
from events.domain.naming import CHANNEL_TABLE_PHONE
from events.domain.participation import ParticipationRefused
from events.domain.registration import WALK_IN_EMAIL_DOMAIN
from events.enums import Phase
from events.models import FormedProject, Participant, Registration, Table, TeamMember
from territoire.errors import Refused

MAX_TEAM_MEMBERS = 20


class TeamRefused(Refused):
    """The team cannot be formed as written (no name, bad address, no lead to reach…)."""


@dataclass
class _Entry:
    full_name: str
    email: str = ""
    phone: str = ""
    organisation_name: str = ""
    participant: Participant | None = None
    # The registration's address of a checked-in participant: it identifies them.
    known_email: str = ""
    is_lead: bool = False

    def has_contact(self) -> bool:
        return bool(self.email or self.phone)

    def is_same_person(self, other: "_Entry") -> bool:
        if self.participant is not None and other.participant is not None:
            return self.participant.pk == other.participant.pk
        mine = {e for e in (self.email, self.known_email) if e}
        theirs = {e for e in (other.email, other.known_email) if e}
        if mine & theirs:
            return True
        # A participant ticked without a contact, and a row typed with their name.
        if (self.participant is None) == (other.participant is None):
            return False
        mine_first = self.email or self.known_email
        theirs_first = other.email or other.known_email
        emails_agree = not (mine_first and theirs_first) or mine_first == theirs_first
        return emails_agree and _name_key(self.full_name) == _name_key(other.full_name)

    def absorb(self, other: "_Entry") -> None:
        self.participant = self.participant or other.participant
        self.known_email = self.known_email or other.known_email
        self.email = self.email or other.email
        self.phone = self.phone or other.phone
        self.organisation_name = self.organisation_name or other.organisation_name
        self.full_name = self.full_name or other.full_name
        self.is_lead = self.is_lead or other.is_lead


def _name_key(name: str) -> str:
    return " ".join(name.casefold().split())


def _clean_email(email: str) -> str:
    email = email.strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise TeamRefused(
                _("L'adresse e-mail « %(email)s » n'est pas valide.") % {"email": email}
            ) from None
    return email


def _registration_emails(members: Sequence[dict]) -> dict[int | None, str]:
    ids = [
        m["participant"].registration_id
        for m in members
        if m.get("participant") is not None and m["participant"].registration_id
    ]
    if not ids:
        return {}
    return {
        pk: email.lower()
        for pk, email in Registration.objects.filter(pk__in=ids).values_list("pk", "email")
        if not email.lower().endswith("@" + WALK_IN_EMAIL_DOMAIN)
    }


def build_team(*, table: Table, members: Sequence[dict]) -> list[TeamMember]:
    """The team's entries (unsaved), one per person, the lead marked.

    ``members`` are dicts with ``full_name``, ``email``, ``phone``, ``organisation_name``,
    optionally ``participant`` (someone seated at ``table``) and ``is_lead``; blank rows are
    ignored. A participant ticked and a row typed for the same person make one entry: same
    participant, same address (case aside; a checked-in participant's is their registration's),
    or a row with the name of a participant ticked without a contact. A checked-in participant
    without a typed address gets their registration's.
    The lead is the entry marked ``is_lead``, else the first with an address, else the first with
    a phone number.
    Raises TeamRefused for a participant of another table, a row without a name, a bad address,
    no member, too many members, two leads, or a lead (or a whole team) without any contact.
    Side effects: one query for the registrations' addresses, nothing written.
    """
    registration_emails = _registration_emails(members)
    entries: list[_Entry] = []
    for member in members:
        participant: Participant | None = member.get("participant")
        entry = _Entry(
            full_name=" ".join(str(member.get("full_name") or "").split()),
            email=_clean_email(str(member.get("email") or "")),
            phone=str(member.get("phone") or "").strip()[:30],
            organisation_name=" ".join(str(member.get("organisation_name") or "").split()),
            participant=participant,
            is_lead=bool(member.get("is_lead")),
        )
        if participant is not None:
            if participant.table_id != table.pk:
                raise TeamRefused(_("Cette personne n'est pas à cette table."))
            entry.full_name = entry.full_name or participant.display_name
            entry.organisation_name = entry.organisation_name or participant.organisation_name
            entry.known_email = registration_emails.get(participant.registration_id, "")
        if not (entry.full_name or entry.email or entry.phone or entry.organisation_name):
            continue
        if not entry.full_name:
            raise TeamRefused(_("Donnez le nom de chaque membre de l'équipe."))
        same = next((e for e in entries if e.is_same_person(entry)), None)
        if same is None:
            entries.append(entry)
        else:
            same.absorb(entry)
    if not entries:
        raise TeamRefused(_("Un projet a besoin d'au moins un membre dans son équipe."))
    if len(entries) > MAX_TEAM_MEMBERS:
        raise TeamRefused(
            _("Une équipe compte au plus %(max)d membres au départ.") % {"max": MAX_TEAM_MEMBERS}
        )
    for entry in entries:
        entry.email = entry.email or entry.known_email
    _choose_lead(entries)
    return [
        TeamMember(
            participant=e.participant,
            full_name=e.full_name[:150],
            email=e.email,
            phone=e.phone,
            organisation_name=e.organisation_name[:200],
            is_lead=e.is_lead,
        )
        for e in entries
    ]


def _choose_lead(entries: list[_Entry]) -> None:
    leads = [e for e in entries if e.is_lead]
    if len(leads) > 1:
        raise TeamRefused(_("Une seule personne porte le projet : cochez-en une seule."))
    if leads:
        if not leads[0].has_contact():
            raise TeamRefused(
                _(
                    "%(name)s porte le projet : notez son adresse e-mail ou son téléphone, "
                    "pour que l'organisation puisse la ou le joindre."
                )
                % {"name": leads[0].full_name}
            )
        return
    lead = next((e for e in entries if e.email), None) or next(
        (e for e in entries if e.phone), None
    )
    if lead is None:
        raise TeamRefused(
            _(
                "Notez l'adresse e-mail ou le téléphone d'au moins une personne de l'équipe : "
                "celle qui porte le projet doit pouvoir être jointe."
            )
        )
    lead.is_lead = True


def join_team(
    *,
    participant: Participant,
    project: FormedProject,
    email: str = "",
    phone: str = "",
    show_name_publicly: bool = False,
) -> TeamMember:
    """Put the participant in the project's team, with a way to reach them.

    ``show_name_publicly`` is her own answer, on her phone, to "may your name appear on the
    project's public pages?": recorded with its date and channel (``CHANNEL_TABLE_PHONE``);
    joining again records the new answer. Without it her name stays private.

    One entry per person: joining again replaces the participant's contact with the one just
    given; an entry a facilitator typed with the same address (and no participant) becomes the
    participant's, instead of a second one.
    Raises ParticipationRefused for a project of another table, outside the project formation
    phase, without any contact, with a bad address, or with the address of another person of
    the team.
    Side effects: one TeamMember row (created, taken over or its contact updated; a row the
    facilitator typed folded into the participant's own); the table's board bumped.
    """
    email, phone = email.strip().lower(), phone.strip()[:30]
    if project.table_id != participant.table_id:
        raise ParticipationRefused(_("Ce projet n'est pas né à votre table."))
    if not (email or phone):
        raise ParticipationRefused(
            _("Laissez une adresse e-mail ou un numéro de téléphone à l'équipe.")
        )
    try:
        email = _clean_email(email)
    except TeamRefused as refusal:
        raise ParticipationRefused(str(refusal)) from None
    table = Table.objects.only("phase").get(pk=participant.table_id)
    if table.phase != Phase.FORMATION:
        raise ParticipationRefused(_("Les équipes ne se forment pas en ce moment à cette table."))
    taken = _("Cette adresse e-mail est déjà celle d'une autre personne de l'équipe.")
    try:
        with transaction.atomic():
            member = _join(
                participant,
                project,
                email=email,
                phone=phone,
                taken=taken,
                show_name_publicly=show_name_publicly,
            )
            bump(participant.table_id)
    except IntegrityError:
        # Someone else took the address (or the seat) at the same moment.
        raise ParticipationRefused(taken) from None
    return member


def _join(
    participant: Participant,
    project: FormedProject,
    *,
    email: str,
    phone: str,
    taken: str,
    show_name_publicly: bool,
) -> TeamMember:
    team = list(TeamMember.objects.select_for_update().filter(project=project).order_by("pk"))
    own = next((m for m in team if m.participant_id == participant.pk), None)
    typed = next((m for m in team if email and m.email.lower() == email and m is not own), None)
    if typed is not None and typed.participant_id is not None:
        raise ParticipationRefused(taken)
    typed_phone = typed.phone if typed is not None else ""
    if own is None and typed is not None:
        own, typed = typed, None  # the facilitator's row is this participant's
        own.participant = participant
    if typed is not None:
        # The participant's entry and a row typed with their address: one entry.
        assert own is not None  # the row typed, when the participant had none
        own.is_lead = own.is_lead or typed.is_lead
        typed.delete()
    if own is None:
        own = TeamMember(
            project=project,
            participant=participant,
            full_name=participant.display_name,
            organisation_name=participant.organisation_name,
        )
    # The contact just given replaces the one before (a phone a facilitator typed stays).
    own.email, own.phone = email, phone or typed_phone
    own.name_public = show_name_publicly
    own.name_public_answered_at = timezone.now()
    own.name_public_channel = CHANNEL_TABLE_PHONE
    own.save()
    return own


def set_team_name_public(
    *, participant: Participant, project: FormedProject, public: bool
) -> TeamMember:
    """The participant's own answer, on her phone, to "may your name appear on the project's
    public pages?" for a team she is in (put there by a facilitator, or joined herself).

    Raises ParticipationRefused when she is not in that team.
    Side effects: the entry's ``name_public``, date and channel saved; the board bumped.
    """
    member = TeamMember.objects.filter(project=project, participant=participant).first()
    if member is None or project.table_id != participant.table_id:
        raise ParticipationRefused(_("Vous n'êtes pas dans l'équipe de ce projet."))
    member.name_public = public
    member.name_public_answered_at = timezone.now()
    member.name_public_channel = CHANNEL_TABLE_PHONE
    with transaction.atomic():
        member.save(update_fields=["name_public", "name_public_answered_at", "name_public_channel"])
        bump(participant.table_id)
    return member

"""The night, from a facilitator's console and the organisers' control room.

Merge duplicate ideas, group them into themes, move tables through their phases, form projects,
write the table's synthesis. Every write bumps the table's board version, so that live pages
(the participants' board, the console, the plenary, the control room) show it on their next poll.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from events.domain.board import bump, forget_versions
from events.domain.impact import evening_changed
from events.domain.teams import TeamRefused, build_team
from events.enums import Phase
from events.models import (
    Event,
    FormedProject,
    Idea,
    Participant,
    Quote,
    SynthesisContribution,
    Table,
    TeamMember,
    Theme,
)
from territoire.audit import record
from territoire.errors import Refused
from territoire.model_fields import max_length
from territoire.models import User

# A phase timer longer than the evening itself is a typo.
MAX_PHASE_MINUTES = 240
THEME_NAME_MAX_LENGTH = max_length(Theme, "name")
PROJECT_NAME_MAX_LENGTH = max_length(FormedProject, "name")
PROJECT_PITCH_MAX_LENGTH = max_length(FormedProject, "pitch")


class FacilitationRefused(Refused):
    """The change cannot be made (an idea of another table, a duplicate name…); says why."""


def _check_on_table(table: Table, ideas: Iterable[Idea]) -> None:
    if any(idea.table_id != table.pk for idea in ideas):
        raise FacilitationRefused(_("Cette idée n'est pas sur cette table."))


def _territory_of(table: Table) -> int:
    return table.event.territory_id


def merge_ideas(*, table: Table, idea: Idea, into: Idea, by: User | None) -> Idea:
    """Fold a duplicate ``idea`` into ``into``; the duplicate stays, shown under its target.

    The duplicate's dots stay on its own row: queries count a target's total as its own votes
    plus those of the ideas merged into it. Ideas already merged into ``idea`` follow it, so that
    merges never chain. ``by`` is who merged (for the audit log).
    Raises FacilitationRefused for an idea of another table, a merge into itself, a hidden
    idea, or a target that is itself merged into another idea.
    Side effects: ``merged_into`` of the idea (and of the ideas merged into it); board bumped.
    """
    _check_on_table(table, (idea, into))
    if idea.pk == into.pk:
        raise FacilitationRefused(_("Une idée ne peut pas être regroupée avec elle-même."))
    with transaction.atomic():
        # Re-read under lock: two facilitators may merge the same ideas at once.
        rows = {
            row.pk: row
            for row in Idea.objects.select_for_update()
            .filter(pk__in=(idea.pk, into.pk), table=table)
            .only("pk", "merged_into_id", "hidden_at")
        }
        if len(rows) != 2:
            raise FacilitationRefused(_("Cette idée n'est pas sur cette table."))
        if any(row.hidden_at is not None for row in rows.values()):
            raise FacilitationRefused(_("Une idée masquée ne se regroupe pas : réaffichez-la."))
        if rows[into.pk].merged_into_id is not None:
            raise FacilitationRefused(
                _("L'idée choisie est déjà regroupée avec une autre : choisissez celle-ci.")
            )
        Idea.objects.filter(merged_into=idea).update(merged_into=into)
        Idea.objects.filter(pk=idea.pk).update(merged_into=into)
        record(by, "idea.merge", idea, into=into, territory_id=_territory_of(table))
        bump(table.pk)
    idea.merged_into = into
    return idea


def unmerge_idea(*, table: Table, idea: Idea, by: User | None) -> Idea:
    """Take a merged idea out of its group again.

    Side effects: the idea's ``merged_into`` cleared; board bumped.
    """
    _check_on_table(table, (idea,))
    with transaction.atomic():
        Idea.objects.filter(pk=idea.pk).update(merged_into=None)
        record(by, "idea.unmerge", idea, territory_id=_territory_of(table))
        bump(table.pk)
    idea.merged_into = None
    return idea


def set_theme(
    *, table: Table, ideas: Sequence[Idea], theme_name: str, by: User | None
) -> Theme | None:
    """Gather ``ideas`` under the theme named ``theme_name`` (created if needed, matched without
    regard to case); an empty name takes them out of their theme.

    Raises FacilitationRefused for an idea of another table, no idea, or a name too long.
    Side effects: possibly one Theme row; the ideas' ``theme``; themes left without any idea
    deleted; board bumped.
    """
    name = " ".join(theme_name.split())
    if not ideas:
        raise FacilitationRefused(_("Choisissez au moins une idée."))
    _check_on_table(table, ideas)
    if len(name) > THEME_NAME_MAX_LENGTH:
        raise FacilitationRefused(
            _("Le nom du thème est trop long (%(max)d caractères au plus).")
            % {"max": THEME_NAME_MAX_LENGTH}
        )
    with transaction.atomic():
        theme = None
        if name:
            theme = Theme.objects.filter(table=table, name__iexact=name).first()
            if theme is None:
                theme, _created = Theme.objects.get_or_create(table=table, name=name)
        Idea.objects.filter(table=table, pk__in=[idea.pk for idea in ideas]).update(theme=theme)
        Theme.objects.filter(table=table, ideas__isnull=True).delete()
        bump(table.pk)
    for idea in ideas:
        idea.theme = theme
    return theme


def _phase_times(
    phase: str, minutes: int | None
) -> tuple[datetime.datetime, datetime.datetime | None]:
    if phase not in Phase.values:
        raise FacilitationRefused(_("Cette phase n'existe pas."))
    if minutes is not None and not 1 <= minutes <= MAX_PHASE_MINUTES:
        raise FacilitationRefused(
            _("La durée doit être comprise entre 1 et %(max)d minutes.")
            % {"max": MAX_PHASE_MINUTES}
        )
    now = timezone.now()
    return now, (now + datetime.timedelta(minutes=minutes) if minutes else None)


def set_phase(*, table: Table, phase: str, minutes: int | None = None, by: User | None) -> Table:
    """Move the table to ``phase`` (forward or back), with a timer of ``minutes`` if given.

    Raises FacilitationRefused for an unknown phase or a duration out of 1 to 240 minutes.
    Side effects: the table's phase, ``phase_started_at`` (now) and ``phase_ends_at`` (now +
    minutes, else cleared); board bumped; the territory's impact figures moved (the night's
    ideas, dots and seats reach them so: events/domain/impact.py).
    """
    started_at, ends_at = _phase_times(phase, minutes)
    with transaction.atomic():
        Table.objects.filter(pk=table.pk).update(
            phase=phase, phase_started_at=started_at, phase_ends_at=ends_at
        )
        bump(table.pk)
        evening_changed(table)
    table.phase, table.phase_started_at, table.phase_ends_at = phase, started_at, ends_at
    return table


def set_phase_for_event(
    *, event: Event, phase: str, minutes: int | None = None, by: User | None
) -> int:
    """Start ``phase`` (and its timer) on every table of the event at once, from the control room.

    Returns the number of tables moved.
    Raises FacilitationRefused for an unknown phase or a duration out of 1 to 240 minutes.
    Side effects: one UPDATE of all the event's tables (phase, timer, version + 1); their cached
    versions forgotten once committed. ``last_activity_at`` is left alone: an order from the
    control room is not a sign of life from the table. The territory's impact figures moved.
    """
    started_at, ends_at = _phase_times(phase, minutes)
    with transaction.atomic():
        table_ids = list(Table.objects.filter(event=event).values_list("pk", flat=True))
        moved = Table.objects.filter(pk__in=table_ids).update(
            phase=phase,
            phase_started_at=started_at,
            phase_ends_at=ends_at,
            version=F("version") + 1,
        )
        forget_versions(table_ids)
        evening_changed(event)
    return moved


def form_project(
    *,
    table: Table,
    name: str,
    pitch: str,
    ideas: Sequence[Idea],
    members: Sequence[dict],
    by: User | None,
) -> FormedProject:
    """A project is born at the table: its name, pitch, the ideas it carries and its team.

    ``members`` are dicts with ``full_name``, ``email``, ``phone``, ``organisation_name`` and
    optionally ``participant`` (someone seated at the table) and ``is_lead``; blank rows are
    ignored, and rows for the same person make one member (``teams.build_team``).
    Raises FacilitationRefused for a missing name or pitch, a name the table already gave, an idea
    or participant of another table, a member without a name or with a bad e-mail, no member,
    a lead who cannot be reached.
    Side effects: one FormedProject row, its ideas, its TeamMember rows (one per person, one
    lead); the table's ``project_count`` and board bumped; the territory's impact figures moved.
    """
    name = " ".join(name.split())
    pitch = pitch.strip()
    if not name:
        raise FacilitationRefused(_("Donnez un nom au projet."))
    if len(name) > PROJECT_NAME_MAX_LENGTH:
        raise FacilitationRefused(
            _("Le nom du projet est trop long (%(max)d caractères au plus).")
            % {"max": PROJECT_NAME_MAX_LENGTH}
        )
    if not pitch:
        raise FacilitationRefused(_("Écrivez le pitch du projet en une ou deux phrases."))
    if len(pitch) > PROJECT_PITCH_MAX_LENGTH:
        raise FacilitationRefused(
            _("Le pitch est trop long (%(max)d caractères au plus).")
            % {"max": PROJECT_PITCH_MAX_LENGTH}
        )
    _check_on_table(table, ideas)
    try:
        team = build_team(table=table, members=members)
    except TeamRefused as refusal:
        raise FacilitationRefused(str(refusal)) from None
    duplicate = _("La table a déjà formé un projet nommé « %(name)s ».") % {"name": name}
    if FormedProject.objects.filter(table=table, name__iexact=name).exists():
        raise FacilitationRefused(duplicate)
    try:
        with transaction.atomic():
            project = FormedProject.objects.create(
                table=table, name=name, pitch=pitch, created_by=by
            )
            project.ideas.set(ideas)
            for member in team:
                member.project = project
            TeamMember.objects.bulk_create(team)
            bump(table.pk, project_count=1)
            evening_changed(table)
    except IntegrityError:
        raise FacilitationRefused(duplicate) from None
    return project


def _check_participant(table: Table, participant: Participant | None) -> None:
    if participant is not None and participant.table_id != table.pk:
        raise FacilitationRefused(_("Cette personne n'est pas à cette table."))


def _synthesis_fields(
    *,
    table: Table,
    participant: Participant | None,
    name: str,
    organisation_name: str,
    text: str,
    text_max_length: int,
) -> tuple[str, str, str]:
    """The name, organisation and text to store, completed from the participant."""
    _check_participant(table, participant)
    name = " ".join(name.split())
    organisation_name = " ".join(organisation_name.split())
    text = text.strip()
    if participant is not None:
        name = name or participant.display_name
        organisation_name = organisation_name or participant.organisation_name
    if not text:
        raise FacilitationRefused(_("Le texte est vide."))
    if len(text) > text_max_length:
        raise FacilitationRefused(
            _("Le texte est trop long (%(max)d caractères au plus).") % {"max": text_max_length}
        )
    return name[:150], organisation_name[:200], text


def _naming_on_add(participant: Participant | None, ask_consent: bool) -> dict:
    """A new item is never named; with a participant, the facilitator may ask her."""
    asked = timezone.now() if ask_consent and participant is not None else None
    return {"consent_to_be_named": False, "naming_asked_at": asked}


def _naming_on_update(
    item: SynthesisContribution | Quote, participant: Participant | None, ask_consent: bool
) -> dict:
    """Her answer stays hers while the item stays hers; linked to someone else (or to nobody),
    the item is no longer named and a new request may be made."""
    if participant is None or participant.pk != item.participant_id:
        return {
            "consent_to_be_named": False,
            "naming_answered_at": None,
            "naming_channel": "",
            "naming_asked_at": timezone.now() if ask_consent and participant else None,
        }
    if ask_consent and item.naming_asked_at is None:
        return {"naming_asked_at": timezone.now()}
    return {}


CONTRIBUTION_TEXT_MAX_LENGTH = max_length(SynthesisContribution, "text")
QUOTE_TEXT_MAX_LENGTH = max_length(Quote, "text")


def add_synthesis_contribution(
    *,
    table: Table,
    person_name: str,
    organisation_name: str,
    text: str,
    participant: Participant | None = None,
    ask_consent: bool = False,
) -> SynthesisContribution:
    """Write "Name — Organisation: what they proposed" into the table's synthesis, at the end.

    With a ``participant`` linked, a blank name or organisation is taken from them, and
    ``ask_consent`` asks her, on her phone, whether she may be named (events/domain/naming.py).
    The facilitator never answers for her: until she accepts, the synthesis prints the
    organisation only (and always does without a participant: nobody to ask).
    Raises FacilitationRefused for an empty or over-long text, or a participant of another table.
    Side effects: one SynthesisContribution row; board bumped.
    """
    name, organisation, text = _synthesis_fields(
        table=table,
        participant=participant,
        name=person_name,
        organisation_name=organisation_name,
        text=text,
        text_max_length=CONTRIBUTION_TEXT_MAX_LENGTH,
    )
    with transaction.atomic():
        last = (
            SynthesisContribution.objects.filter(table=table)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
        )
        contribution = SynthesisContribution.objects.create(
            table=table,
            participant=participant,
            person_name=name,
            organisation_name=organisation,
            text=text,
            order=(last or 0) + 1,
            **_naming_on_add(participant, ask_consent),
        )
        bump(table.pk)
    return contribution


def update_synthesis_contribution(
    *,
    contribution: SynthesisContribution,
    person_name: str,
    organisation_name: str,
    text: str,
    participant: Participant | None = None,
    ask_consent: bool = False,
) -> SynthesisContribution:
    """Correct a contribution (same rules as adding one). The person's answer is kept while
    the contribution stays linked to her, dropped when it is linked to someone else.

    Side effects: the contribution's fields saved; board bumped.
    """
    table = contribution.table
    name, organisation, text = _synthesis_fields(
        table=table,
        participant=participant,
        name=person_name,
        organisation_name=organisation_name,
        text=text,
        text_max_length=CONTRIBUTION_TEXT_MAX_LENGTH,
    )
    _save_and_bump(
        contribution,
        **_naming_on_update(contribution, participant, ask_consent),
        participant=participant,
        person_name=name,
        organisation_name=organisation,
        text=text,
    )
    return contribution


def delete_synthesis_contribution(*, contribution: SynthesisContribution) -> None:
    """Side effects: the contribution deleted; board bumped."""
    _delete_and_bump(contribution)


def _save_and_bump(item: SynthesisContribution | Quote, **values) -> None:
    """Set ``values`` on a contribution or quote, save just those fields, bump the board."""
    for name, value in values.items():
        setattr(item, name, value)
    with transaction.atomic():
        item.save(update_fields=list(values))
        bump(item.table_id)


def _delete_and_bump(item: SynthesisContribution | Quote) -> None:
    with transaction.atomic():
        item.delete()
        bump(item.table_id)


def add_quote(
    *,
    table: Table,
    text: str,
    speaker_name: str,
    organisation_name: str,
    participant: Participant | None = None,
    ask_consent: bool = False,
) -> Quote:
    """Record something said at the table; its speaker may be asked whether she may be named.

    Blanks and the request follow the participant as in ``add_synthesis_contribution``.
    Raises FacilitationRefused for an empty or over-long text, or a participant of another table.
    Side effects: one Quote row; board bumped.
    """
    name, organisation, text = _synthesis_fields(
        table=table,
        participant=participant,
        name=speaker_name,
        organisation_name=organisation_name,
        text=text,
        text_max_length=QUOTE_TEXT_MAX_LENGTH,
    )
    with transaction.atomic():
        quote = Quote.objects.create(
            table=table,
            participant=participant,
            text=text,
            speaker_name=name,
            organisation_name=organisation,
            **_naming_on_add(participant, ask_consent),
        )
        bump(table.pk)
    return quote


def update_quote(
    *,
    quote: Quote,
    text: str,
    speaker_name: str,
    organisation_name: str,
    participant: Participant | None = None,
    ask_consent: bool = False,
) -> Quote:
    """Correct a quote (same rules as updating a contribution).

    Side effects: the quote's fields saved; board bumped.
    """
    table = quote.table
    name, organisation, text = _synthesis_fields(
        table=table,
        participant=participant,
        name=speaker_name,
        organisation_name=organisation_name,
        text=text,
        text_max_length=QUOTE_TEXT_MAX_LENGTH,
    )
    _save_and_bump(
        quote,
        **_naming_on_update(quote, participant, ask_consent),
        participant=participant,
        text=text,
        speaker_name=name,
        organisation_name=organisation,
    )
    return quote


def delete_quote(*, quote: Quote) -> None:
    """Side effects: the quote deleted; board bumped."""
    _delete_and_bump(quote)


def redirect_newcomers(*, table: Table, to_table: Table) -> Table:
    """Check that a full table's newcomers can be sent to ``to_table``, and return it.

    Nothing is recorded: a full table's join page offers a sibling with room by itself
    (``queries_live.sibling_with_room``); the control room uses this to confirm the choice.
    Raises FacilitationRefused when ``to_table`` is the same table, belongs to another event or
    challenge, is closed or is full itself.
    Side effects: none.
    """
    if to_table.pk == table.pk:
        raise FacilitationRefused(_("Choisissez une autre table que celle-ci."))
    if to_table.event_id != table.event_id or to_table.challenge_id != table.challenge_id:
        raise FacilitationRefused(
            _("Les nouveaux arrivants ne peuvent aller qu'à une table du même défi.")
        )
    if to_table.phase == Phase.CLOSED:
        raise FacilitationRefused(_("La table %(name)s est terminée.") % {"name": to_table.name})
    if to_table.participant_count >= to_table.capacity:
        raise FacilitationRefused(
            _("La table %(name)s est complète, elle aussi.") % {"name": to_table.name}
        )
    return to_table

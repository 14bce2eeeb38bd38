"""The evening on the public pages (the next or last evening of a territory, as a card) and
in people's spaces (a facilitator's tables and their console, an organiser's night screens)."""

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from events.enums import EventStatus, RegistrationStatus
from events.models import Event, Table
from events.queries_plenary import plenary_screen_url
from events.timing import EveningState, evening_state, next_or_last
from territoire.enums import Role
from territoire.extensions import (
    Card,
    Figure,
    Link,
    SpaceEntry,
    organised_territories,
    provide_space_cards,
    provide_table_consoles,
    provide_territory_cards,
)
from territoire.models import Territory, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# An organiser's space shows the evenings not finished, and those finished in the last days
# (the screens and posters are looked at again the morning after).
RECENT = datetime.timedelta(days=14)


class Places(TypedDict):
    # The event's confirmed registrations.
    confirmed: int


def with_places(events: QuerySet[Event]) -> "QuerySet[WithAnnotations[Event, Places]]":
    return events.annotate(
        confirmed=Count(
            "registrations",
            filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
            distinct=True,
        )
    )


def when(event: Event) -> str:
    start = timezone.localtime(event.starts_at)
    return _("%(day)s à %(time)s") % {
        "day": capfirst(formats.date_format(start, "l j F Y")),
        "time": formats.time_format(start, "H\\hi"),
    }


# The public sees how many places are left in steps, never the exact count: a registration
# for a new address moves it, one for a known address does not, and the page must not tell
# them apart (docs/security.md, "No enumeration").
PLACES_STEPS = (50, 10)


def places_left_step(left: int) -> int:
    """The step shown for ``left`` places: 50 ("more than 50"), 10 ("more than 10"), 1 (the
    last places) or 0 (full: the waiting list)."""
    for step in PLACES_STEPS:
        if left > step:
            return step
    return 1 if left > 0 else 0


def places_left_text(event: "WithAnnotations[Event, Places]") -> str:
    step = places_left_step(max(event.capacity - event.confirmed, 0))
    if not step:
        return _("Complet : inscription sur liste d'attente")
    if step == 1:
        return _("Dernières places")
    return _("Plus de %(n)s places") % {"n": step}


def evening_card(event: "WithAnnotations[Event, Places]", now: datetime.datetime) -> Card:
    """The public card of one evening: what it is, and the one thing to do about it now."""
    state = evening_state(event, now)
    page = Link(_("Voir la soirée"), event.get_absolute_url())
    text = f"{when(event)} · {event.venue}"
    join = Link(_("Rejoindre ma table"), reverse("table_code_entry"), prominent=True)
    if state == EveningState.TONIGHT and (
        now >= event.starts_at or event.status != EventStatus.REGISTRATION_OPEN
    ):
        return Card(
            territory_id=event.territory_id,
            title=_("C'est ce soir : %(event)s") % {"event": event.title},
            text=text,
            action=join,
            links=(page,),
            tone="highlight",
            order=10,
            slot="evening",
            kicker=event.territory.name,
        )
    if state == EveningState.FINISHED:
        return Card(
            territory_id=event.territory_id,
            title=event.title,
            text=_("La soirée a eu lieu le %(day)s · %(venue)s")
            % {
                "day": formats.date_format(timezone.localtime(event.starts_at), "j F Y"),
                "venue": event.venue,
            },
            action=Link(_("Les projets nés ce soir-là"), event.get_absolute_url()),
            order=10,
            slot="evening",
            kicker=event.territory.name,
        )
    # Upcoming, or tonight before the doors open while registration is still open.
    tonight = state == EveningState.TONIGHT
    action = None
    figures: tuple[Figure, ...] = ()
    if event.status == EventStatus.REGISTRATION_OPEN:
        action = Link(
            _("Je m'inscris à la soirée"),
            reverse("event_register", args=[event.slug]),
            prominent=True,
        )
        figures = (Figure(places_left_text(event), ""),)
    links: tuple[Link, ...] = (page,)
    if tonight:
        links = (Link(_("Rejoindre ma table"), reverse("table_code_entry")), page)
    return Card(
        territory_id=event.territory_id,
        title=_("C'est ce soir : %(event)s") % {"event": event.title} if tonight else event.title,
        text=text,
        action=action,
        links=links,
        figures=figures,
        tone="highlight",
        order=10,
        slot="evening",
        kicker=event.territory.name,
    )


@provide_territory_cards("evening")
def territory_cards(territories: list[Territory]) -> list[Card]:
    """The next (or last) public evening of each territory. One query."""
    now = timezone.now()
    by_territory: dict[int, list[WithAnnotations[Event, Places]]] = {}
    events = with_places(
        Event.objects.filter(territory__in=territories)
        .exclude(status=EventStatus.DRAFT)
        .select_related("territory")
    )
    for event in events:
        by_territory.setdefault(event.territory_id, []).append(event)
    cards = []
    for events_of in by_territory.values():
        shown = next_or_last(events_of, now)
        if shown is not None:
            cards.append(evening_card(shown, now))
    return cards


def facilitated_tables(user: User, territory_ids: list[int], now: datetime.datetime):
    """The tables ``user`` facilitates in those territories, tonight's and those to come."""
    return (
        Table.objects.filter(
            facilitators=user, event__territory_id__in=territory_ids, event__ends_at__gt=now
        )
        .exclude(event__status=EventStatus.FINISHED)
        .select_related("event", "challenge")
        .order_by("event__starts_at", "name")
    )


@provide_table_consoles
def table_consoles(user: User, territory: Territory) -> list[Link]:
    """For the facilitators' kit: each of her tables' console. One query."""
    return [
        Link(
            _("Ouvrir la console — %(table)s") % {"table": table.name},
            reverse("console", args=[table.code]),
            _("%(challenge)s · %(when)s")
            % {"challenge": table.challenge.title, "when": when(table.event)},
            prominent=True,
        )
        for table in facilitated_tables(user, [territory.pk], timezone.now())
    ]


def facilitator_cards(user: User, territory_ids: list[int], now: datetime.datetime) -> list[Card]:
    """Tonight's and upcoming tables of a facilitator, each with its console. One query."""
    cards = []
    for table in facilitated_tables(user, territory_ids, now):
        tonight = evening_state(table.event, now) == EveningState.TONIGHT
        cards.append(
            Card(
                territory_id=table.event.territory_id,
                title=_("Votre table ce soir : %(table)s") % {"table": table.name}
                if tonight
                else _("Votre table : %(table)s") % {"table": table.name},
                text=_("%(challenge)s · %(when)s · code %(code)s")
                % {
                    "challenge": table.challenge.title,
                    "when": when(table.event),
                    "code": table.code,
                },
                action=Link(
                    _("Ouvrir la console"), reverse("console", args=[table.code]), prominent=True
                ),
                links=(Link(table.event.title, table.event.get_absolute_url()),),
                tone="highlight" if tonight else "",
                order=10 if tonight else 11,
            )
        )
    return cards


def _screen_link(event: Event) -> Link:
    """The plenary's secret screen link to copy on the projector's computer, or where to make it."""
    url = plenary_screen_url(event)
    if url:
        return Link(
            _("Lien d'écran du vidéoprojecteur (sans connexion)"),
            url,
            description=_("à copier sur l'ordinateur du vidéoprojecteur ; révocable en régie"),
        )
    return Link(
        _("Créer le lien d'écran du vidéoprojecteur"),
        reverse("control_room", args=[event.slug]) + "#screen-link",
    )


def organiser_cards(territory_ids: list[int], now: datetime.datetime) -> list[Card]:
    """Per evening (not finished, or finished lately): its screens for the night. One query."""
    events = list(
        with_places(Event.objects.filter(territory_id__in=territory_ids, ends_at__gt=now - RECENT))
        .annotate(table_count=Count("tables", distinct=True))
        .order_by("starts_at")
    )
    cards = []
    for event in events:
        state = evening_state(event, now)
        slug = [event.slug]
        tables = reverse("admin:events_table_changelist") + f"?event__id__exact={event.pk}"
        add_table = reverse("admin:events_table_add") + f"?event={event.pk}"
        cards.append(
            Card(
                territory_id=event.territory_id,
                title=_("Ce soir : %(event)s") % {"event": event.title}
                if state == EveningState.TONIGHT
                else event.title,
                text=f"{when(event)} · {event.get_status_display()}",
                figures=(
                    Figure(
                        str(event.confirmed),
                        ngettext("inscription", "inscriptions", event.confirmed),
                    ),
                    Figure(
                        str(event.table_count),
                        ngettext("table", "tables", event.table_count),
                    ),
                ),
                action=Link(
                    _("Ouvrir la régie"), reverse("control_room", args=slug), prominent=True
                )
                if event.table_count
                else Link(_("Ajouter les tables de la soirée"), add_table, prominent=True),
                items=(
                    Link(_("Tables et animateur·rices"), tables),
                    Link(_("Ajouter une table"), add_table),
                    Link(_("Accueil des arrivées"), reverse("checkin_desk", args=slug)),
                    Link(_("Écran de la plénière"), reverse("plenary", args=slug)),
                    _screen_link(event),
                    Link(_("Affiches des tables"), reverse("table_signs", args=slug)),
                    Link(_("Page publique de la soirée"), event.get_absolute_url()),
                    Link(
                        _("Modifier la soirée"),
                        reverse("admin:events_event_change", args=[event.pk]),
                    ),
                ),
                tone="highlight" if state == EveningState.TONIGHT else "",
                order=15,
            )
        )
    with_evening = {event.territory_id for event in events}
    cards += [
        Card(
            territory_id=territory_id,
            title=_("Pas de soirée à venir"),
            text=_("Créez la soirée de lancement : lieu, date, capacité, puis ses tables."),
            action=Link(
                _("Créer la soirée"),
                reverse("admin:events_event_add") + f"?territory={territory_id}",
            ),
            order=15,
        )
        for territory_id in territory_ids
        if territory_id not in with_evening
    ]
    return cards


@provide_space_cards
def space_cards(user: User, entries: list[SpaceEntry]) -> list[Card]:
    now = timezone.now()
    organised = list(organised_territories(user, entries))
    facilitated = [e.territory.pk for e in entries if Role.FACILITATOR in e.roles]
    cards = []
    if facilitated:
        cards += facilitator_cards(user, facilitated, now)
    if organised:
        cards += organiser_cards(organised, now)
    return cards

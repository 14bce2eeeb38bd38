"""The evening's private downloads on the impact page (organisers only: names and e-mails):
the registrations, and who was there. Registered from ``EventsConfig.ready()``.

Both read the ImpactFilter: the period by the event's day; a challenge narrows to the people
who asked for one of its tables or sat at one (``linked_registrations``), and the people seated
without a registration to its tables. Rows stream (``.iterator()``).
"""

import datetime
from collections.abc import Iterator
from itertools import chain

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.enums import RegistrationStatus
from events.models import Participant
from events.queries_impact import events_in, linked_registrations
from territoire.impact.registry import Column, ExportKind, ImpactFilter, register_export

STATUS = dict(RegistrationStatus.choices)


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    return timezone.localtime(moment) if moment else None


EVENT = Column("soiree", _("Soirée"), "string")
NAME = Column("nom", _("Nom"), "string")
EMAIL = Column("email", _("Adresse e-mail"), "string")
ORGANISATION = Column("organisation", _("Organisation"), "string")


def registration_rows(impact: ImpactFilter) -> Iterator[tuple]:
    rows = (
        linked_registrations(impact)
        .order_by("event__starts_at", "created_at", "pk")
        .values_list(
            "event__title",
            "full_name",
            "email",
            "organisation_name",
            "status",
            "is_walk_in",
            "created_at",
            "checked_in_at",
        )
    )
    for event, name, email, organisation, status, walk_in, created, checked_in in rows.iterator():
        yield (
            event,
            name,
            email,
            organisation,
            str(STATUS.get(status, status)),
            walk_in,
            _local(created),
            _local(checked_in),
        )


REGISTRATIONS = register_export(
    ExportKind(
        key="inscriptions",
        label=_("Inscriptions à la soirée"),
        columns=(
            EVENT,
            NAME,
            EMAIL,
            ORGANISATION,
            Column("statut", _("Statut"), "string"),
            Column("sur_place", _("Inscrit·e sur place"), "boolean"),
            Column("inscrit_le", _("Inscrit·e le"), "datetime"),
            Column("arrive_le", _("Arrivé·e le"), "datetime"),
        ),
        rows=registration_rows,
        organisers_only=True,
        order=80,
    )
)


def attendance_rows(impact: ImpactFilter) -> Iterator[tuple]:
    """The checked-in registrations (with the first table they sat at), then the people
    seated at a table without a registration (they have no e-mail)."""
    first_seat = Participant.objects.filter(registration=OuterRef("pk")).order_by("joined_at")
    checked_in = (
        linked_registrations(impact)
        .filter(checked_in_at__isnull=False)
        .annotate(
            table_name=Subquery(first_seat.values("table__name")[:1]),
            challenge_title=Subquery(first_seat.values("table__challenge__title")[:1]),
        )
        .order_by("event__starts_at", "checked_in_at", "pk")
        .values_list(
            "event__title",
            "full_name",
            "email",
            "organisation_name",
            "table_name",
            "challenge_title",
            "checked_in_at",
        )
    )
    seated = Participant.objects.filter(
        registration__isnull=True, table__event__in=events_in(impact)
    )
    if impact.challenge_id:
        seated = seated.filter(table__challenge_id=impact.challenge_id)
    seated_rows = seated.order_by("table__event__starts_at", "joined_at", "pk").values_list(
        "table__event__title",
        "display_name",
        "organisation_name",
        "table__name",
        "table__challenge__title",
        "joined_at",
    )
    at_welcome, at_table = str(_("à l'accueil")), str(_("à une table, sans inscription"))
    registered = (
        (event, name, email, org, table or "", challenge or "", _local(moment), at_welcome)
        for event, name, email, org, table, challenge, moment in checked_in.iterator()
    )
    walk_ins = (
        (event, name, "", org, table, challenge, _local(moment), at_table)
        for event, name, org, table, challenge, moment in seated_rows.iterator()
    )
    return chain(registered, walk_ins)


ATTENDANCE = register_export(
    ExportKind(
        key="presences",
        label=_("Présences à la soirée"),
        columns=(
            EVENT,
            NAME,
            EMAIL,
            ORGANISATION,
            Column("table", _("Table"), "string"),
            Column("defi", _("Défi"), "string"),
            Column("arrive_le", _("Arrivé·e le"), "datetime"),
            Column("releve", _("Présence relevée"), "string"),
        ),
        rows=attendance_rows,
        organisers_only=True,
        order=81,
    )
)

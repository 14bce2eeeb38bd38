"""The kinds of report and what each is about (its scope).

A kind is a template and a function that gathers its data; the apps that own the data register
theirs from ``AppConfig.ready()`` (the core never imports them)::

    register_report_kind(ReportKind(code="synthesis", label=_("Synthèse des débats"),
                                    template="events/reports/synthesis.html",
                                    gather=gather_synthesis, event_model=Event, ...))
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.functional import Promise

from territoire.models import Territory


@dataclass(frozen=True)
class Scope:
    """What one report covers: a territory, and for some kinds an event of it or a period."""

    territory: Territory
    event: models.Model | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None

    def as_parameters(self) -> dict[str, Any]:
        """The JSON a stored report keeps to find its scope again."""
        parameters: dict[str, Any] = {}
        if self.event is not None:
            parameters["event"] = self.event.pk
        if self.since:
            parameters["since"] = self.since.isoformat()
        if self.until:
            parameters["until"] = self.until.isoformat()
        return parameters


@dataclass(frozen=True)
class ReportKind:
    """One kind of report.

    ``gather(scope)`` returns the template's context (it should read everything it needs in a
    bounded number of queries); ``title(scope)`` names one report of this kind ("Synthèse des
    débats — Co-créons la ville de demain"); ``file_stem`` starts the downloaded file's name.
    Event-scoped kinds give ``event_model``, a model with a ``territory`` and a ``slug``.
    Period-scoped kinds (``uses_period``) may be limited to a period of dates. A ``public``
    kind may be published by an organiser: its published version is linked from the public
    pages and downloaded by anyone.
    """

    code: str
    label: str | Promise
    template: str
    gather: Callable[[Scope], dict[str, Any]]
    title: Callable[[Scope], str]
    file_stem: str
    description: str | Promise = ""
    event_model: type[models.Model] | None = None
    uses_period: bool = False
    public: bool = False

    @property
    def needs_event(self) -> bool:
        return self.event_model is not None

    def events_of(self, territory: Territory) -> models.QuerySet:
        assert self.event_model is not None
        return self.event_model._default_manager.filter(territory=territory)

    def scope_from_parameters(self, territory: Territory, parameters: dict[str, Any]) -> Scope:
        """The scope a stored report was requested for; LookupError if its event is gone."""
        event = None
        if self.event_model is not None:
            try:
                event = self.events_of(territory).get(pk=parameters.get("event"))
            except ObjectDoesNotExist:
                raise LookupError("event") from None
        return Scope(
            territory=territory,
            event=event,
            since=_date(parameters.get("since")),
            until=_date(parameters.get("until")),
        )


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


_kinds: dict[str, ReportKind] = {}


def register_report_kind(kind: ReportKind) -> ReportKind:
    """Make ``kind`` available to the report pages, the admin actions, the task and the
    ``render_report`` command. Registering the same code twice keeps the last one."""
    _kinds[kind.code] = kind
    return kind


def report_kinds() -> list[ReportKind]:
    return list(_kinds.values())


def get_report_kind(code: str) -> ReportKind:
    """The registered kind ``code``; KeyError when no app registered it."""
    return _kinds[code]


def report_kind_choices() -> list[tuple[str, str | Promise]]:
    return [(kind.code, kind.label) for kind in _kinds.values()]

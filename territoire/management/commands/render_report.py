"""Render a report from the command line, for scripts: the same kinds, templates and data as
the background task, written to a file instead of the reports storage.

    python manage.py render_report synthesis --event co-creons-roubaix -o synthese.pdf
    python manage.py render_report portfolio --territory metropole-lilloise -o portfolio.pdf
"""

import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError, CommandParser

from territoire.models import Territory
from territoire.reports.kinds import ReportKind, Scope, get_report_kind, report_kinds
from territoire.reports.render import build_pdf


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}") from None


class Command(BaseCommand):
    help = "Render a report (synthesis, portfolio…) to a PDF file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", help="the kind of report: " + ", ".join(self._codes()))
        parser.add_argument("--event", help="the event's slug (event reports: synthesis)")
        parser.add_argument("--territory", help="the territory's slug (territory reports)")
        parser.add_argument("--since", type=_date, help="period start, YYYY-MM-DD (optional)")
        parser.add_argument("--until", type=_date, help="period end, YYYY-MM-DD (optional)")
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=dict(settings.LANGUAGES)
        )
        parser.add_argument("-o", "--output", help="the PDF file to write (default: <kind>.pdf)")

    @staticmethod
    def _codes() -> list[str]:
        return [kind.code for kind in report_kinds()]

    def handle(self, *args, **options) -> None:
        try:
            kind = get_report_kind(options["kind"])
        except KeyError:
            raise CommandError(
                f"unknown report kind {options['kind']!r}; known: {', '.join(self._codes())}"
            ) from None
        scope = self._scope(kind, options)
        rendered = build_pdf(kind, scope, language=options["language"])
        output = Path(options["output"] or f"{kind.file_stem}-{scope.territory.slug}.pdf")
        output.write_bytes(rendered.content)
        total = rendered.gather_ms + rendered.render_ms
        self.stderr.write(
            f"{output}: {rendered.page_count} pages, {len(rendered.content) / 1024:.0f} KiB, "
            f"{total:.0f} ms ({total / max(rendered.page_count, 1):.0f} ms a page; "
            f"gathering {rendered.gather_ms:.0f} ms)"
        )

    def _scope(self, kind: ReportKind, options: dict) -> Scope:
        if kind.event_model is not None:
            if not options["event"]:
                raise CommandError(f"{kind.code} needs --event SLUG")
            events = kind.event_model._default_manager.select_related("territory")
            try:
                # An event-scoped kind's model has a territory and a slug (ReportKind).
                event: Any = events.get(slug=options["event"])
            except ObjectDoesNotExist:
                raise CommandError(f"no event with the slug {options['event']!r}") from None
            return Scope(territory=event.territory, event=event)
        if not options["territory"]:
            raise CommandError(f"{kind.code} needs --territory SLUG")
        try:
            territory = Territory.objects.get(slug=options["territory"])
        except Territory.DoesNotExist:
            raise CommandError(f"no territory with the slug {options['territory']!r}") from None
        if options["since"] and options["until"] and options["since"] > options["until"]:
            raise CommandError("--since must come before --until")
        return Scope(territory=territory, since=options["since"], until=options["until"])

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accompaniment.domain.reminders import DuePerson, send_due_reminders


def _day(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--day attend une date AAAA-MM-JJ, pas {value!r}") from None


class Command(BaseCommand):
    help = (
        "Send the accompaniment's reminders due today: the sweep Celery beat runs daily "
        "(one digest per person per day; nothing is ever sent twice)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would get which reminders; record and send nothing.",
        )
        parser.add_argument("--day", type=_day, help="The day to sweep for (YYYY-MM-DD).")

    def handle(self, *args, dry_run: bool = False, day=None, **options) -> None:
        def show(person: DuePerson) -> None:
            self.stdout.write(f"{person.user.email} ({len(person.items)})")
            for item in person.items:
                subject = item.milestone_title or "-"
                self.stdout.write(
                    f"  {item.kind:<24} {item.project.name} · {subject} · {item.occasion}"
                )

        result = send_due_reminders(
            day=day,
            dry_run=dry_run,
            on_person=show if dry_run else None,
        )
        if dry_run:
            self.stdout.write(
                f"Dry run for {result.day}: {result.sent} digests, {result.items} "
                f"reminders would be sent ({result.people_seen} people looked at)."
            )
            return
        self.stdout.write(
            f"{result.day}: {result.sent} digests sent ({result.items} reminders); "
            f"{result.already_sent_today} already sent today; {result.failed} failed."
        )
        if result.failed:
            raise CommandError(f"{result.failed} digests could not be sent: run again later.")

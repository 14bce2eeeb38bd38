import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from territoire import demo

LATER_APPS = ["challenges", "events", "projects", "accompaniment"]


class Command(BaseCommand):
    help = "Build the Lille-metropolis demo (idempotent: running it twice changes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (demo accounts share a known password).",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo creates accounts with a "
                "known password. Use --force if you really mean it."
            )
        made = demo.load()
        for label in LATER_APPS:
            if not apps.is_installed(label):
                continue
            try:
                module = importlib.import_module(f"{label}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{label}.demo":
                    raise
                continue
            module.load(made)
        self.stdout.write(self.style.SUCCESS(f"Demo ready: {made.territory.name}."))
        self.stdout.write(
            f"Links in its e-mails and PDFs open on {settings.SITE_URL} "
            "(set SITE_URL to serve the demo elsewhere, then load it again on a new database)."
        )
        self.stdout.write(f"Demo accounts (password: {demo.DEMO_PASSWORD}):")
        for account in demo.ACCOUNTS:
            self.stdout.write(f"  {account.label:<28} {account.email}")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Soirée de lancement")

    def ready(self) -> None:
        from events import privacy

        privacy.register()
        from events import exports, impact, links, signals  # noqa: F401  (registrations)
        from events.reports import SYNTHESIS
        from territoire.reports.kinds import register_report_kind

        register_report_kind(SYNTHESIS)

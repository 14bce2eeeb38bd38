from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projets")

    def ready(self) -> None:
        from projects import privacy

        privacy.register()
        from projects import (  # noqa: F401  (register the providers)
            announcements,
            impact,
            impact_exports,
            links,
            network,
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = _("Accompagnement")

    def ready(self) -> None:
        from accompaniment import privacy

        privacy.register()
        from accompaniment import (  # noqa: F401  (registers cards, links, sections, starters)
            cards,
            impact,
            impact_exports,
            links,
            network,
            starters,
            todos,
        )
        from accompaniment.impact_indicators import register_indicators_impact
        from accompaniment.reports import register_portfolio

        register_portfolio()
        register_indicators_impact()

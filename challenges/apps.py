from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Défis et mobilisation")

    def ready(self) -> None:
        from challenges import impact_exports, links  # noqa: F401  (registers the providers)

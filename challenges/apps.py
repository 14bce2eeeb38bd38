from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChallengesConfig(AppConfig):
    name = "challenges"
    verbose_name = _("Défis et mobilisation")

    def ready(self) -> None:
        from challenges import privacy

        privacy.register()
        from challenges import impact_exports, links  # noqa: F401  (registers the providers)
        from challenges.queries import impact_challenge_choices
        from territoire.impact.registry import provide_impact_challenges

        provide_impact_challenges(impact_challenge_choices)

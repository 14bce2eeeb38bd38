from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class TerritoireConfig(AppConfig):
    default = True
    name = "territoire"
    verbose_name = _("Territoires et personnes")

    def ready(self) -> None:
        from territoire import checks  # noqa: F401  (registers the system checks)
        from territoire.impact import links as impact_links  # noqa: F401  (the space link)
        from territoire.impact.report import register_impact_report
        from territoire.privacy import core as privacy
        from territoire.reports import links  # noqa: F401  (registers the reports' space link)
        from territoire.uploads import configure_pillow

        register_impact_report()
        configure_pillow()
        privacy.register()


class TerritoireAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that lets organisers in by their role."""

    default = False
    default_site = "territoire.admin_site.TerritoireAdminSite"

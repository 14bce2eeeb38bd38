from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

import territoire.converters  # noqa: F401  (registers <id:…>, a bounded database id)
from territoire.privacy import views as privacy
from territoire.views import (
    exports,
    health,
    impact,
    impact_reports,
    invitations,
    network,
    open_data,
    public,
    reports,
    space,
)

urlpatterns = [
    # The night's phones first: a poll or a vote resolves without walking the other patterns.
    path("t/", include("events.urls_phone")),
    path("", public.home, name="home"),
    path("territoires/<slug:slug>/", public.territory_detail, name="territory_detail"),
    path("espace/", space.space, name="space"),
    path(
        "espace/territoires/<slug:slug>/rapports/",
        reports.territory_reports,
        name="territory_reports",
    ),
    path("espace/territoires/<slug:territory>/impact/", impact.impact, name="impact"),
    path(
        "espace/territoires/<slug:territory>/impact/export.xlsx",
        exports.impact_export_xlsx,
        name="impact_export_xlsx",
    ),
    path(
        "espace/territoires/<slug:territory>/impact/export/<slug:kind>.csv",
        exports.impact_export_csv,
        name="impact_export_csv",
    ),
    path("territoires/<slug:territory>/donnees-ouvertes/", open_data.open_data, name="open_data"),
    # Before the datasets' pattern: "datapackage" is no dataset.
    path(
        "territoires/<slug:territory>/donnees-ouvertes/datapackage.json",
        open_data.open_data_package,
        name="open_data_package",
    ),
    path(
        "territoires/<slug:territory>/donnees-ouvertes/LISEZMOI.md",
        open_data.open_data_readme,
        name="open_data_readme",
    ),
    path(
        "territoires/<slug:territory>/donnees-ouvertes/<slug:dataset>.csv",
        open_data.open_data_csv,
        name="open_data_csv",
    ),
    path(
        "territoires/<slug:territory>/donnees-ouvertes/<slug:dataset>.json",
        open_data.open_data_json,
        name="open_data_json",
    ),
    path(
        "espace/territoires/<slug:territory>/impact/rapport/",
        impact_reports.impact_report_request,
        name="impact_report_request",
    ),
    path("espace/rapports/<id:pk>/telecharger/", reports.report_download, name="report_download"),
    path("espace/rapports/<id:pk>/publier/", reports.report_publication, name="report_publication"),
    path("reseau/", network.network, name="network"),
    path("confidentialite/", public.privacy, name="privacy"),
    path(
        "territoires/<slug:territory>/confidentialite/",
        privacy.privacy_notice,
        name="privacy_notice",
    ),
    path(
        "espace/territoires/<slug:territory>/registre-des-traitements.csv",
        privacy.privacy_register_csv,
        name="privacy_register_csv",
    ),
    path("mes-donnees/", privacy.data_request, name="privacy_request"),
    path("mes-donnees/lien/<str:token>/", privacy.data_link, name="privacy_link"),
    path("mes-donnees/effacees/", privacy.erased, name="privacy_erased"),
    path("espace/mes-donnees/", privacy.my_data, name="my_data"),
    path("espace/mes-donnees/export.json", privacy.my_data_export, name="my_data_export"),
    path("espace/mes-donnees/effacer/", privacy.my_data_erase, name="my_data_erase"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("challenges.urls")),
    path("", include("events.urls")),
    path("", include("projects.urls")),
    path("", include("accompaniment.urls")),
    path("compte/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # `make demo` serves uploads itself; in production the reverse proxy does (docs/production.md).
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
            name="media",
        )
    )

# PostgreSQL away: a 503 "réessayez" page rather than a 500 (territoire/outage.py).
handler500 = "territoire.outage.server_error"

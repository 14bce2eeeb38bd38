from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from territoire.views import health, invitations, public, space

urlpatterns = [
    path("", public.home, name="home"),
    path("territoires/<slug:slug>/", public.territory_detail, name="territory_detail"),
    path("espace/", space.space, name="space"),
    path("confidentialite/", public.privacy, name="privacy"),
    path("invitations/<str:token>/", invitations.invitation_accept, name="invitation_accept"),
    path("healthz", health.healthz, name="healthz"),
    path("", include("challenges.urls")),
    path("compte/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    # `make demo` serves uploads itself; in production the reverse proxy does (docs/production.md).
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""The admin site organisers live in: open to organisers by their role, not by ``is_staff``."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class TerritoireAdminSite(admin.AdminSite):
    site_header = _("Territoire — administration")
    site_title = _("Territoire")
    index_title = _("Configurer vos territoires")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.has_perm("territoire.access_admin")

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        # One sign-in page for everybody (allauth's); a signed-in person without a role that
        # opens the admin gets a plain refusal.
        if request.user.is_authenticated:
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index")
        return redirect_to_login(next_url, reverse("account_login"))

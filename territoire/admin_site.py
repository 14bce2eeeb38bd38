"""The admin site organisers live in: open to organisers by their role, not by ``is_staff``."""

from functools import wraps

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from territoire.admin_inputs import KnownSelectedIdsMixin


class TerritoireAdminSite(admin.AdminSite):
    site_header = _("Territoire — administration")
    site_title = _("Territoire")
    index_title = _("Configurer vos territoires")

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Every model admin, ours and the libraries', refuses tampered ids in its actions
        (territoire/admin_inputs.py) with a message rather than a server error."""
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, KnownSelectedIdsMixin):
            admin_class = type(admin_class.__name__, (KnownSelectedIdsMixin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)

    def get_urls(self) -> list:
        """Django's, with "view on site" (``r/<content type>/<id>/``) answered by
        ``view_on_site``: Django's own shortcut redirects anyone with admin access to any object's
        page, which tells another territory's organiser the address (slug) of a draft."""
        urls = super().get_urls()
        view_on_site = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        return [
            view_on_site if isinstance(url, URLPattern) and url.name == "view_on_site" else url
            for url in urls
        ]

    def view_on_site(
        self, request: HttpRequest, content_type_id: str, object_id: str
    ) -> HttpResponse:
        """Redirect to the object's page when this person may view the object in the admin
        (its model admin's queryset, scoped to the organiser's territories, and its view
        permission); 404 otherwise, as for an object that does not exist."""
        if not content_type_id.isdecimal():
            raise Http404
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model) if model is not None else None
        if model_admin is None:
            # An inline's model, without an admin of its own: the platform's superusers only.
            if model is None or not request.user.is_superuser:
                raise Http404
        else:
            obj = model_admin.get_object(request, object_id)
            if obj is None or not model_admin.has_view_permission(request, obj):
                raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return user.is_active and user.has_perm("territoire.access_admin")

    def admin_view(self, view, cacheable: bool = False):
        """One sign-in page for everybody (allauth's); a signed-in person without the role gets a
        plain 403 rather than the admin's own login form."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not self.has_permission(request):
                if request.user.is_authenticated:
                    raise PermissionDenied
                return redirect_to_login(request.get_full_path(), reverse("account_login"))
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        next_url = self._safe_next(request)
        if request.user.is_authenticated and self.has_permission(request):
            return redirect(next_url)
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(next_url, reverse("account_login"))

    def _safe_next(self, request: HttpRequest) -> str:
        """``?next=`` when it stays on this site over the request's scheme, else the admin's index:
        never another host (an open redirect), never ``javascript:`` or anything unparsable."""
        next_url = request.GET.get("next", "")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return next_url
        return reverse("admin:index")

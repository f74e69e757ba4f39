"""URLs of the root domain: the platform operator's admin and sign-in."""

from django.urls import include, path
from django.views.generic import RedirectView

from mentoring.accounts.views import sso_connections_closed
from mentoring.tenancy.admin import platform_admin_site

# Unreachable storage answers 503, anything else a plain 500 page (mentoring.resilience).
handler500 = "mentoring.resilience.server_error"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/"), name="home"),
    path("accounts/3rdparty/", sso_connections_closed),
    path("accounts/", include("allauth.urls")),
    path("admin/", platform_admin_site.urls),
]

"""URLs of an organization's host, <slug>.<ROOT_DOMAIN>."""

from django.urls import include, path

from mentoring.accounts.views import invitation_accept, sso_connections_closed
from mentoring.notifications import views as notification_views
from mentoring.overview import api as _overview_api  # noqa: F401  (registers its API routes)
from mentoring.overview.views import home
from mentoring.people.views import profile_edit
from mentoring.tenancy.admin import organization_admin_site

# Unreachable storage answers 503, anything else a plain 500 page (mentoring.resilience).
handler500 = "mentoring.resilience.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("me/profile/", profile_edit, name="profile_edit"),
    path("invitations/<str:token>/", invitation_accept, name="invitation_accept"),
    path(
        "notifications/<str:token>/",
        notification_views.preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/<str:token>/unsubscribe/",
        notification_views.unsubscribe,
        name="notification_unsubscribe",
    ),
    path("", include("programs.urls")),
    path("", include("matching.urls")),
    path("", include("sessions.urls")),
    path("", include("feedback.urls")),
    path("api/", include("mentoring.api.urls")),
    path("accounts/3rdparty/", sso_connections_closed),
    path("accounts/", include("allauth.urls")),
    path("", include("mentoring.privacy.urls")),  # before admin/: its settings page
    path("admin/", organization_admin_site.urls),
]

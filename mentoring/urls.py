"""URLs of an organization's host, <slug>.<ROOT_DOMAIN>."""

from django.urls import include, path

from mentoring.accounts.views import invitation_accept, sso_connections_closed
from mentoring.notifications import views as notification_views
from mentoring.overview import api as _overview_api  # noqa: F401  (registers its API routes)
from mentoring.overview.at_risk_views import urlpatterns as at_risk_urlpatterns
from mentoring.overview.cockpit_views import urlpatterns as cockpit_urlpatterns
from mentoring.overview.views import home
from mentoring.people.views import profile_edit, time_zone_options, time_zone_use
from mentoring.tenancy.admin import organization_admin_site

# Unreachable storage answers 503, anything else a plain 500 page (mentoring.resilience).
handler500 = "mentoring.resilience.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("me/profile/", profile_edit, name="profile_edit"),
    path("me/time-zone/", time_zone_use, name="time_zone_use"),
    path("me/time-zones/", time_zone_options, name="time_zone_search"),
    path("me/news/", notification_views.news, name="news"),
    path("me/news/read/", notification_views.news_mark_all_read, name="news_mark_all_read"),
    path("me/news/count/", notification_views.news_count, name="news_count"),
    path("hr/", include("mentoring.overview.hr_urls")),
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
    path("scim/v2/", include("mentoring.directory.scim.urls")),
    path("accounts/3rdparty/", sso_connections_closed),
    path("accounts/", include("allauth.urls")),
    path("", include("mentoring.privacy.urls")),  # before admin/: its settings page
    *cockpit_urlpatterns(),  # the program cockpit, under admin/ and before it
    *at_risk_urlpatterns(),  # a program's pairs at risk, under admin/ and before it
    path("admin/", organization_admin_site.urls),
]

"""Privacy pages on an organization's host."""

from django.urls import path

from . import correction_views, views

app_name = "privacy"

urlpatterns = [
    path("me/data/", views.your_data, name="your_data"),
    path("me/data/export.<str:file_format>", views.export_download, name="export"),
    path(
        "me/profile/correction/",
        correction_views.profile_correction,
        name="profile_correction",
    ),
    # Inside the organization admin (managers only), before its own URLs.
    path(
        "admin/organization-settings/",
        views.organization_settings,
        name="organization_settings",
    ),
]

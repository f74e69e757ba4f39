"""The HR pages, under /hr/ on an organization's host."""

from django.urls import path

from . import hr_views

app_name = "hr"

urlpatterns = [
    path("", hr_views.home, name="home"),
    path("programs/<int:program_id>/", hr_views.program, name="program"),
]

"""The HR API's read models that span the apps, contributed to ``hooks.API_ROUTES`` like
every app's endpoints (``mentoring.urls`` imports this module before the API's URLs)."""

from django.urls import path

from mentoring import hooks

from .mentorships_api import MentorshipList
from .programs_api import ProgramDetail, ProgramList
from .summary import OrganizationSummary


@hooks.register(hooks.API_ROUTES, order=-1)  # the summary first, as the docs list it
def api_routes() -> list:
    return [
        path("v1/summary/", OrganizationSummary.as_view(), name="api-summary"),
        path("v1/programs/", ProgramList.as_view(), name="api-programs"),
        path("v1/programs/<int:pk>/", ProgramDetail.as_view(), name="api-program"),
        path("v1/mentorships/", MentorshipList.as_view(), name="api-mentorships"),
    ]

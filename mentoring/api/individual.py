"""The organization's choice of what HR sees of each mentee's progress.

``Organization.hr_sees_individual_progress`` (off by default, set by the organization's
managers on its settings page) opens the HR API's per-person progress endpoints: each
mentee's skill ratings (``skill-progress``), goals (``goals``) and goal reviews
(``goal-reviews``). Off, those endpoints answer 403 and say where the figures are; the
aggregates (``skill-progress/aggregates``, the programs and the summary) stay open, under
the small-group suppression rule."""

from __future__ import annotations

from mentoring.tenancy.models import Organization

from .auth import IsHrReader

CLOSED = (
    "This organization does not let HR see each mentee's progress: its managers can "
    'allow it on the organization settings page ("HR may see each mentee\'s progress"). '
    "Figures per program and per department are at /api/v1/skill-progress/aggregates/."
)


def hr_sees_individual_progress(organization_id: int) -> bool:
    return Organization.objects.filter(
        pk=organization_id, hr_sees_individual_progress=True
    ).exists()


class HrSeesIndividualProgress(IsHrReader):
    """An HR reader, of an organization that lets HR see each mentee's progress."""

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            self.message = IsHrReader.message
            return False
        self.message = CLOSED
        return hr_sees_individual_progress(request._request.organization.pk)


# The permissions of a per-mentee progress endpoint.
INDIVIDUAL_PROGRESS = (HrSeesIndividualProgress,)

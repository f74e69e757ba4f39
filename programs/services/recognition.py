"""Thanking mentors: awards shown on their profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mentoring.common.guards import check_same_organization
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_of

from ..models import Badge, Enrollment, EnrollmentRole, Program, Recognition

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


def recognition_award(
    *,
    organization: Organization,
    actor: User,
    mentor: Profile,
    badge: str,
    note: str,
    program: Program | None = None,
) -> Recognition:
    """Thank a mentor; they must mentor (or have mentored) in the organization."""
    check_same_organization(organization, mentor, program)
    mentoring = Enrollment.objects.filter(person=mentor, role=EnrollmentRole.MENTOR)
    if program is not None:
        mentoring = mentoring.filter(program=program)
    if not mentoring.exists():
        if program is not None:
            message = _("%(mentor)s is not a mentor in “%(program)s”.")
        else:
            message = _("%(mentor)s is not a mentor in any program.")
        raise ValidationError(message % {"mentor": mentor, "program": program})
    if badge not in Badge.values:
        raise ValidationError({"badge": _("Choose one of the badges.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what the mentor did: it is shown on their profile.")})
    return Recognition.objects.create(
        organization=organization,
        mentor=mentor,
        program=program,
        badge=badge,
        note=note.strip(),
        awarded_by=profile_of(actor),
    )

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import Http404

from .models import Profile

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def profile_for_member(user: User) -> Profile:
    """The signed-in person's profile in the active organization."""
    profile = (
        Profile.objects.select_related("department", "seniority", "manager")
        .filter(user=user)
        .first()
    )
    if profile is None:
        raise Http404("No profile in this organization.")
    return profile


def profile_of(user: User) -> Profile:
    """The acting person's profile for a service: refused when they are not a member."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        raise ValidationError("You are not a member of this organization.")
    return profile

"""Writes of a person's "what's new" list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from mentoring.people.models import Profile

from .models import Notice

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from mentoring.tenancy.models import Organization


def notices_mark_read(
    *,
    organization: Organization,
    actor: AbstractBaseUser,
    notice_ids: Iterable[int] | None = None,
) -> int:
    """Mark the actor's own unread notices as read (those of ``notice_ids``, or all of
    them); returns how many changed. Idempotent: a second call, or two at once, changes
    nothing more, and another person's notice is never touched."""
    # No join in the UPDATE itself: two calls at once, the second re-checks ``read_at`` on
    # the rows the first changed, and skips them.
    unread = Notice.objects.filter(
        organization=organization,
        recipient__in=Profile.objects.filter(user_id=actor.pk).values("pk"),
        read_at__isnull=True,
    )
    if notice_ids is not None:
        unread = unread.filter(pk__in=list(notice_ids))
    # One UPDATE statement: atomic on its own, no transaction needed around it.
    now = timezone.now()
    return unread.update(read_at=now, updated_at=now)

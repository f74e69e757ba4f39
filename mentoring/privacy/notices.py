"""The privacy rules of the "what's new" list (``hooks.PRIVACY_RULES``), registered like an
app's: a person's export holds their notices, erasing them deletes them, and notices read
long ago expire with the text retention run."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring import hooks
from mentoring.notifications.models import READ_NOTICE_RETENTION_DAYS, Notice
from mentoring.tenancy.models import Organization

from .registry import person
from .rules import Erasure, PrivacyRules

ENTRIES = (
    person(
        "mentoring.Notice",
        _('Your "what\'s new" list'),
        lambda s: Q(recipient=s.profile),
    ),
)


def erase(erasure: Erasure) -> dict[str, int]:
    """A title names the other person and the event: nothing of it is kept."""
    deleted, _by_model = Notice.objects.filter(recipient=erasure.profile).delete()
    return {"notices": deleted}


def expire(organization: Organization, now: datetime) -> dict[str, int]:
    """Notices read more than ``READ_NOTICE_RETENTION_DAYS`` ago are deleted, whatever the
    organization's text limits (a line already seen long ago is of no use to anyone);
    unread ones stay until seen. Reports only what it deleted."""
    cutoff = now - timedelta(days=READ_NOTICE_RETENTION_DAYS)
    deleted, _by_model = Notice.objects.filter(read_at__lt=cutoff).delete()
    return {"notices": deleted} if deleted else {}


RULES = PrivacyRules(entries=ENTRIES, erase=erase, expire=expire)
hooks.register(hooks.PRIVACY_RULES, RULES)

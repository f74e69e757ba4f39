"""The privacy rules of directory sync (``hooks.PRIVACY_RULES``): a person's export holds
what the directory sent about them; erasing them forgets it.

Erasing a person deletes their directory record (names, user name, emails, employee
number). When the directory still lists them, it no longer finds them here: its next
sync of that person creates them again as a new member, which is the directory's call.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring import hooks
from mentoring.privacy.registry import organization, person
from mentoring.privacy.rules import Erasure, PrivacyRules

from .models import DirectoryUser

ENTRIES = (
    person(
        "mentoring.DirectoryUser",
        _("What your organization's directory sent about you"),
        lambda s: Q(profile=s.profile),
    ),
    organization("mentoring.DirectoryGroup", _("Groups of the organization's directory")),
    person(
        "mentoring.DirectoryGroupMember",
        _("Your groups in your organization's directory"),
        lambda s: Q(member__profile=s.profile),
    ),
)


def erase(erasure: Erasure) -> dict[str, int]:
    """Who the directory says the person is goes (their group memberships with it)."""
    records = DirectoryUser.objects.filter(profile=erasure.profile)
    count = records.count()
    records.delete()
    return {"directory records": count} if count else {}


RULES = PrivacyRules(entries=ENTRIES, erase=erase)
hooks.register(hooks.PRIVACY_RULES, RULES)

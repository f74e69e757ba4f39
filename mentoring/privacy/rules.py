"""What each app tells the privacy engine about its own models (``hooks.PRIVACY_RULES``):
how they are exported, what erasing a person empties, and which texts expire.

The engine (export, erasure, retention) runs every app's rules and knows no app's fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q

from mentoring import hooks

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

    from .registry import Entry

REMOVED = "[removed]"


@dataclass(frozen=True)
class Erasure:
    """What an app's ``erase`` is given: the person, the account that keeps this
    organization's rows (``holder``: a placeholder when the person belongs elsewhere too),
    and the moment."""

    organization: Organization
    profile: Profile
    user: AbstractBaseUser  # the person's own account
    holder: AbstractBaseUser
    now: datetime


@dataclass(frozen=True)
class PrivacyRules:
    # Every model of the app, classified (registry.person / organization / not_exported).
    entries: tuple[Entry, ...] = ()
    # Empty what the person wrote and what was written about them; {what: rows changed}.
    erase: Callable[[Erasure], dict[str, int]] | None = None
    # Empty texts older than the organization's retention settings; {what: rows emptied}.
    expire: Callable[[Organization, datetime], dict[str, int]] | None = None
    # How many open commitments (e.g. mentorships) each person still has, by profile id:
    # the erasure confirmation page warns about them.
    open_commitments: Callable[[Iterable[int]], dict[int, int]] | None = None


def all_rules() -> list[PrivacyRules]:
    return hooks.get_hooks(hooks.PRIVACY_RULES)


def holding_text(fields: Iterable[str]) -> Q:
    """Rows in which any of ``fields`` still holds text."""
    condition = Q()
    for name in fields:
        condition |= ~Q(**{name: ""})
    return condition


def open_commitments(profile_ids: list[int]) -> dict[int, int]:
    """Open commitments per person, summed over the apps' rules."""
    totals = dict.fromkeys(profile_ids, 0)
    for rules in all_rules():
        if rules.open_commitments is not None:
            for pk, count in rules.open_commitments(profile_ids).items():
                totals[pk] += count
    return totals

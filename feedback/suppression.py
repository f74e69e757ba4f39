"""The one small-group suppression rule for aggregates over people, used by the managers'
statistics (``feedback.selectors``, shown in the organization admin), the HR API
(``feedback.api``) and the HR summary (``mentoring.overview.summary``): a group of
fewer than ``MIN_GROUP`` people is hidden, and so is a total from which a hidden group
could be worked out by subtracting the groups shown.

Only the sizes decide, so every reader applies the same rule to its own figures: the
function says which groups, and whether the total, may be shown; the reader blanks the
averages and scores of the others and keeps their sizes.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

MIN_GROUP = 5


def too_few(counting: str) -> str:
    """Why a group is hidden, in the HR API's words (``counting``: "respondents", …)."""
    return f"Fewer than {MIN_GROUP} {counting}."


TOO_FEW = too_few("respondents")
TOO_FEW_MENTEES = too_few("mentees")
RESIDUAL = (
    "Hidden with a smaller group: together with the groups shown, it would reveal the "
    f"answers of fewer than {MIN_GROUP} people."
)

# The same reasons as the admin's statistics word them, beside a group's row.
NO_ANSWER_NOTE = "no answer yet"
TOO_FEW_NOTE = f"fewer than {MIN_GROUP} people: hidden"
RESIDUAL_NOTE = "hidden: with the group above, it would reveal the smaller group's answers"

Group = TypeVar("Group", bound=Hashable)


@dataclass(frozen=True)
class Suppression(Generic[Group]):
    """What ``suppress`` decided: each hidden group with its reason, and the total's."""

    hidden: Mapping[Group, str]
    total_reason: str | None = None

    def shows(self, group: Group) -> bool:
        return group not in self.hidden

    @property
    def shows_total(self) -> bool:
        return self.total_reason is None


def suppress(
    groups: Mapping[Group, int], total: int | None = None, *, counting: str = "respondents"
) -> Suppression[Group]:
    """Which of ``groups`` (name -> number of people) and whether their ``total`` (the
    number of people of all of them together; None when no total is shown) may be shown.

    A group under ``MIN_GROUP`` is hidden. The total is hidden under ``MIN_GROUP`` too,
    and whenever a group with anyone in it is hidden while another group is shown: the
    total minus the groups shown would be the hidden people's figures. (The rule does not
    count on the groups being disjoint: a person may be in several groups, as one giver
    of feedback on several skills.)"""
    hidden = {name: too_few(counting) for name, size in groups.items() if size < MIN_GROUP}
    if total is None:
        return Suppression(hidden)
    if total < MIN_GROUP:
        return Suppression(hidden, too_few(counting))
    is_any_shown = any(name not in hidden for name in groups)
    if is_any_shown and any(groups[name] for name in hidden):
        return Suppression(hidden, RESIDUAL)
    return Suppression(hidden)

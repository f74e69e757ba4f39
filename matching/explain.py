"""Words for a pair: what each criterion gave it (for the manager, with points), why the
two were matched (for the two people, in plain words, only what speaks for the pair), and
which hard rules it breaks (naming the people, one sentence per rule)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from django.utils.translation import get_language_info

from mentoring.people.models import Profile
from programs.formats import words_for

from .pool import Pool
from .scoring import (
    CLOSE_LEVELS,
    MUST_MAX_HOURS,
    Criterion,
    Seniority,
    Weight,
    criterion_points,
    level_gap,
    pair_breakdown,
    pairs_breakdown,
)


def _signed(points: float) -> str:
    text = f"{abs(points):g}"
    return f"+{text}" if points >= 0 else f"−{text}"


def _names(pool: Pool, words: np.ndarray) -> list[str]:
    return [
        name
        for bit, name in sorted(pool.skill_names.items())
        if int(words[bit // 64]) >> (bit % 64) & 1
    ]


def _levels(count: int) -> str:
    return f"{count} level{'s' if count != 1 else ''}"


def _seniority_label(pool: Pool, i: int, j: int) -> str:
    """The mentor's level against the mentee's, said the way the format reads it."""
    gap = int(pool.problem.mentors.rank[j]) - int(pool.problem.mentees.rank[i])
    if pool.problem.seniority is Seniority.CLOSE:
        apart = "same level" if gap == 0 else f"{_levels(abs(gap))} apart"
        close = "close" if abs(gap) <= CLOSE_LEVELS else "not close"
        return f"{close} in seniority ({apart})"
    if pool.problem.seniority is Seniority.BELOW:
        if gap == 0:
            return "same level as the mentee"
        side = "less" if gap < 0 else "more"
        return f"{_levels(abs(gap))} {side} senior than the mentee"
    if gap > 0:
        return f"{_levels(gap)} more senior"
    return "same level" if gap == 0 else f"{_levels(-gap)} less senior"


def _label(pool: Pool, criterion: Criterion, i: int, j: int) -> str:
    mentee, mentor = pool.problem.mentees, pool.problem.mentors
    if criterion is Criterion.FOCUS_SKILLS:
        covered = _names(pool, mentee.skills[i] & mentor.skills[j])
        if not covered:
            return f"covers none of the {words_for(pool.program).mentee}'s focus skills"
        return f"covers focus skill{'s' if len(covered) > 1 else ''} {', '.join(covered)}"
    if criterion is Criterion.CROSS_FUNCTIONAL:
        if mentee.department[i] < 0 or mentor.department[j] < 0:
            return "department unknown"
        return (
            "different department"
            if mentee.department[i] != mentor.department[j]
            else "same department"
        )
    if criterion is Criterion.SENIORITY:
        if mentee.rank[i] < 0 or mentor.rank[j] < 0:
            return "seniority unknown"
        return _seniority_label(pool, i, j)
    if criterion is Criterion.TIME_ZONE:
        hours = abs(float(mentee.utc_offset[i]) - float(mentor.utc_offset[j]))
        return f"{min(hours, 24 - hours):g} h time-zone difference"
    if criterion is Criterion.LANGUAGE:
        shared = [
            code
            for bit, code in enumerate(pool.languages)
            if int(mentee.languages[i][bit // 64] & mentor.languages[j][bit // 64]) >> (bit % 64)
            & 1
        ]
        return f"shared language: {', '.join(shared)}" if shared else "no shared language"
    if criterion is Criterion.PREFERENCE:
        return (
            f"the {words_for(pool.program).mentee} asked for this {words_for(pool.program).mentor}"
            if (i, j) in pool.preferred
            else f"not requested by the {words_for(pool.program).mentee}"
        )
    raise ValueError(criterion)


# A working day, for "your working hours overlap by N hours".
WORKING_DAY_HOURS = 8
# Less overlap than this is not something to tell the pair as a reason.
MIN_OVERLAP_TO_MENTION = 4


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@lru_cache(maxsize=256)
def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name"])
    except KeyError:
        return code


# Why the seniority of the two speaks for the pair, per direction (said to the two people).
SENIORITY_REASON = {
    Seniority.ABOVE: "The mentor is a little further along and can share what helped them",
    Seniority.CLOSE: "You are at a similar stage, so each of you can learn from the other",
    Seniority.BELOW: (
        "You see the organization from different levels, so the reverse mentor can show "
        "what is hard to see from higher up"
    ),
}


def _fits(pool: Pool, i: int, j: int) -> bool:
    """The two are as the format wants them: close for peers, else a gap the right way."""
    problem = pool.problem
    gap = level_gap(int(problem.mentees.rank[i]), int(problem.mentors.rank[j]), problem.seniority)
    return gap <= CLOSE_LEVELS if problem.seniority is Seniority.CLOSE else gap > 0


def _plain(pool: Pool, criterion: Criterion, i: int, j: int) -> str:
    """Why this pair, in words for the two people; "" when the criterion does not speak for
    it (they are never told a penalty or a point)."""
    mentee, mentor = pool.problem.mentees, pool.problem.mentors
    if criterion is Criterion.FOCUS_SKILLS:
        covered = _names(pool, mentee.skills[i] & mentor.skills[j])
        return f"You both work on {_and_list([n.lower() for n in covered])}" if covered else ""
    if criterion is Criterion.CROSS_FUNCTIONAL:
        known = mentee.department[i] >= 0 and mentor.department[j] >= 0
        if known and mentee.department[i] != mentor.department[j]:
            return "You work in different parts of the organization, so each brings a fresh view"
        return ""
    if criterion is Criterion.SENIORITY:
        if mentee.rank[i] < 0 or mentor.rank[j] < 0:
            return ""
        return SENIORITY_REASON[pool.problem.seniority] if _fits(pool, i, j) else ""
    if criterion is Criterion.TIME_ZONE:
        hours = abs(float(mentee.utc_offset[i]) - float(mentor.utc_offset[j]))
        hours = min(hours, 24 - hours)
        if hours == 0:
            return "You work in the same time zone"
        overlap = WORKING_DAY_HOURS - hours
        if overlap < MIN_OVERLAP_TO_MENTION:
            return ""
        return f"Your working hours overlap by {overlap:g} hours"
    if criterion is Criterion.LANGUAGE:
        shared = [
            _language_name(code)
            for bit, code in enumerate(pool.languages)
            if int(mentee.languages[i][bit // 64] & mentor.languages[j][bit // 64]) >> (bit % 64)
            & 1
        ]
        return f"You can talk in {_and_list(shared)}" if shared else ""
    if criterion is Criterion.PREFERENCE:
        words = words_for(pool.program)
        asked = f"The {words.mentee} asked to work with this {words.mentor}"
        return asked if (i, j) in pool.preferred else ""
    raise ValueError(criterion)


def breakdown(pool: Pool, i: int, j: int) -> list[dict]:
    """[{criterion, points, label, plain}] for mentee i and mentor j; points sum to the
    score. ``label`` is for the manager; ``plain`` (possibly "") for the two people."""
    return _parts(pool, i, j, pair_breakdown(pool.problem, i, j))


def breakdowns(pool: Pool, mentees: np.ndarray, mentors: np.ndarray) -> list[list[dict]]:
    """``breakdown`` of each pair (mentees[k], mentors[k]), the points scored together."""
    criteria, points = pairs_breakdown(pool.problem, mentees, mentors)
    return [
        _parts(pool, int(i), int(j), zip(criteria, map(float, row), strict=True))
        for i, j, row in zip(mentees, mentors, points, strict=True)
    ]


def _parts(pool: Pool, i: int, j: int, points: Iterable[tuple[Criterion, float]]) -> list[dict]:
    return [
        {
            "criterion": str(criterion),
            "points": value,
            "label": f"{_label(pool, criterion, i, j)} {_signed(value)}",
            "plain": _plain(pool, criterion, i, j),
        }
        for criterion, value in points
    ]


def reasons_for_people(parts: list[dict]) -> list[str]:
    """What a stored breakdown tells the two people: the plain reasons only, never points
    or penalties (breakdowns stored before plain reasons existed tell nothing)."""
    return [part["plain"] for part in parts if part.get("plain")]


def _must_rule(pool: Pool, criterion: Criterion, i: int, j: int, mentee: str, mentor: str) -> str:
    """One required criterion the pair fails, said with the two names."""
    problem = pool.problem
    if criterion is Criterion.FOCUS_SKILLS:
        return f"{mentor} covers none of {mentee}'s focus skills: the program requires at least one"
    if criterion is Criterion.CROSS_FUNCTIONAL:
        if problem.mentees.department[i] < 0 or problem.mentors.department[j] < 0:
            return (
                f"the department of {mentee} or {mentor} is not known: the program requires "
                "mentor and mentee from different departments"
            )
        return (
            f"{mentee} and {mentor} work in the same department: the program requires "
            "different departments"
        )
    if criterion is Criterion.SENIORITY:
        if problem.mentees.rank[i] < 0 or problem.mentors.rank[j] < 0:
            return f"the seniority of {mentee} or {mentor} is not known: the program requires a gap"
        if problem.seniority is Seniority.CLOSE:
            return (
                f"{mentee} and {mentor} are more than {_levels(CLOSE_LEVELS)} apart: the program "
                "pairs people of similar seniority"
            )
        way = "less" if problem.seniority is Seniority.BELOW else "more"
        return (
            f"{mentor} is not {_levels(problem.min_seniority_gap)} {way} senior than {mentee}: "
            "the program requires that gap"
        )
    if criterion is Criterion.TIME_ZONE:
        hours = abs(float(problem.mentees.utc_offset[i]) - float(problem.mentors.utc_offset[j]))
        return (
            f"{mentee} and {mentor} are {min(hours, 24 - hours):g} hours apart: the program "
            f"allows at most {MUST_MAX_HOURS:g}"
        )
    if criterion is Criterion.LANGUAGE:
        return f"{mentee} and {mentor} share no language: the program requires one"
    if criterion is Criterion.PREFERENCE:
        return f"{mentee} did not ask for {mentor}: the program pairs only requested mentors"
    raise ValueError(criterion)


def broken_rules(pool: Pool, i: int, j: int, load: int = 0) -> list[str]:
    """The hard rules pairing mentee i with mentor j breaks, one sentence each, naming the
    two people (``load``: pairs the mentor already has in the draft beyond the places
    counted in the pool)."""
    problem = pool.problem
    mentee_person, mentor_person = int(problem.mentees.person[i]), int(problem.mentors.person[j])
    people = Profile.objects.only("display_name", "manager_id").in_bulk(
        [mentee_person, mentor_person]
    )
    mentee_name, mentor_name = str(people[mentee_person]), str(people[mentor_person])
    rules = []
    if mentee_person == mentor_person:
        rules.append(f"{mentee_name} cannot be their own mentor")
    if (i, j) in pool.reporting_line:
        # Said from the one lower in the line: the mentee, unless the mentee is above.
        low, high = (mentee_person, mentor_person)
        if (i, j) in pool.mentee_above:
            low, high = high, low
        direct = people[low].manager_id == high
        lower, upper = str(people[low]), str(people[high])
        rules.append(
            f"{lower} reports to {upper}: pairs in one reporting line need an override reason"
            if direct
            else f"{upper} is above {lower} in their reporting line: pairs in one "
            "reporting line need an override reason"
        )
    elif (i, j) in pool.excluded:
        rules.append(
            f"{mentee_name} and {mentor_name} were paired before: pairing them again needs an "
            "override reason"
        )
    if problem.capacity[j] - load <= 0:
        rules.append(f"{mentor_name} has no free place left: going over capacity needs a reason")
    mentee, mentor = problem.mentees.take([i]), problem.mentors.take([j])
    preferred = np.array([[(i, j) in pool.preferred]])
    for criterion, weight in problem.weights.items():
        if weight is not Weight.MUST:
            continue
        _points, satisfied = criterion_points(
            criterion, mentee, mentor, preferred, problem.min_seniority_gap, problem.seniority
        )
        if not satisfied[0, 0]:
            rules.append(_must_rule(pool, criterion, i, j, mentee_name, mentor_name))
    return rules

"""Words for a pair: what each criterion gave it (for the manager, with points), why the
two were matched (for the two people, in plain words, only what speaks for the pair), and
which hard rules it breaks (naming the people, one sentence per rule)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
from django.utils.translation import get_language_info, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from mentoring.people.models import Profile
from programs.formats import words_for

from .access import names_sentence
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


def _seniority_label(pool: Pool, i: int, j: int) -> str:
    """The mentor's level against the mentee's, said the way the format reads it."""
    gap = int(pool.problem.mentors.rank[j]) - int(pool.problem.mentees.rank[i])
    count = {"count": abs(gap)}
    if pool.problem.seniority is Seniority.CLOSE:
        if gap == 0:
            apart = _("same level")
        else:
            apart = ngettext("%(count)s level apart", "%(count)s levels apart", abs(gap)) % count
        if abs(gap) <= CLOSE_LEVELS:
            return _("close in seniority (%(apart)s)") % {"apart": apart}
        return _("not close in seniority (%(apart)s)") % {"apart": apart}
    if pool.problem.seniority is Seniority.BELOW:
        if gap == 0:
            return _("same level as the mentee")
        if gap < 0:
            return (
                ngettext(
                    "%(count)s level less senior than the mentee",
                    "%(count)s levels less senior than the mentee",
                    abs(gap),
                )
                % count
            )
        return (
            ngettext(
                "%(count)s level more senior than the mentee",
                "%(count)s levels more senior than the mentee",
                abs(gap),
            )
            % count
        )
    if gap > 0:
        return ngettext("%(count)s level more senior", "%(count)s levels more senior", gap) % count
    if gap == 0:
        return _("same level")
    return ngettext("%(count)s level less senior", "%(count)s levels less senior", -gap) % count


def _label(pool: Pool, criterion: Criterion, i: int, j: int) -> str:
    mentee, mentor = pool.problem.mentees, pool.problem.mentors
    if criterion is Criterion.FOCUS_SKILLS:
        covered = _names(pool, mentee.skills[i] & mentor.skills[j])
        if not covered:
            return _("covers none of the %(mentee)s's focus skills") % {
                "mentee": words_for(pool.program).mentee
            }
        # "covers focus skill A" for one, "covers focus skills A, B" for more
        return ngettext(
            "covers focus skill %(skills)s", "covers focus skills %(skills)s", len(covered)
        ) % {"skills": ", ".join(covered)}
    if criterion is Criterion.CROSS_FUNCTIONAL:
        if mentee.department[i] < 0 or mentor.department[j] < 0:
            return _("department unknown")
        return (
            _("different department")
            if mentee.department[i] != mentor.department[j]
            else _("same department")
        )
    if criterion is Criterion.SENIORITY:
        if mentee.rank[i] < 0 or mentor.rank[j] < 0:
            return _("seniority unknown")
        return _seniority_label(pool, i, j)
    if criterion is Criterion.TIME_ZONE:
        hours = abs(float(mentee.utc_offset[i]) - float(mentor.utc_offset[j]))
        return _("%(hours)s h time-zone difference") % {"hours": f"{min(hours, 24 - hours):g}"}
    if criterion is Criterion.LANGUAGE:
        shared = [
            code
            for bit, code in enumerate(pool.languages)
            if int(mentee.languages[i][bit // 64] & mentor.languages[j][bit // 64]) >> (bit % 64)
            & 1
        ]
        if not shared:
            return _("no shared language")
        return _("shared language: %(languages)s") % {"languages": ", ".join(shared)}
    if criterion is Criterion.PREFERENCE:
        words = words_for(pool.program)
        if (i, j) in pool.preferred:
            return _("the %(mentee)s asked for this %(mentor)s") % {
                "mentee": words.mentee,
                "mentor": words.mentor,
            }
        return _("not requested by the %(mentee)s") % {"mentee": words.mentee}
    raise ValueError(criterion)


# A working day, for "your working hours overlap by N hours".
WORKING_DAY_HOURS = 8
# Less overlap than this is not something to tell the pair as a reason.
MIN_OVERLAP_TO_MENTION = 4


@lru_cache(maxsize=256)
def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name"])
    except KeyError:
        return code


# Why the seniority of the two speaks for the pair, per direction (said to the two people).
SENIORITY_REASON = {
    Seniority.ABOVE: gettext_lazy(
        "The mentor is a little further along and can share what helped them"
    ),
    Seniority.CLOSE: gettext_lazy(
        "You are at a similar stage, so each of you can learn from the other"
    ),
    Seniority.BELOW: gettext_lazy(
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
        if not covered:
            return ""
        return _("You both work on %(skills)s") % {
            "skills": names_sentence([n.lower() for n in covered])
        }
    if criterion is Criterion.CROSS_FUNCTIONAL:
        known = mentee.department[i] >= 0 and mentor.department[j] >= 0
        if known and mentee.department[i] != mentor.department[j]:
            return _("You work in different parts of the organization, so each brings a fresh view")
        return ""
    if criterion is Criterion.SENIORITY:
        if mentee.rank[i] < 0 or mentor.rank[j] < 0:
            return ""
        # str(): the breakdown is stored, in the language of the run
        return str(SENIORITY_REASON[pool.problem.seniority]) if _fits(pool, i, j) else ""
    if criterion is Criterion.TIME_ZONE:
        hours = abs(float(mentee.utc_offset[i]) - float(mentor.utc_offset[j]))
        hours = min(hours, 24 - hours)
        if hours == 0:
            return _("You work in the same time zone")
        overlap = WORKING_DAY_HOURS - hours
        if overlap < MIN_OVERLAP_TO_MENTION:
            return ""
        return _("Your working hours overlap by %(hours)s hours") % {"hours": f"{overlap:g}"}
    if criterion is Criterion.LANGUAGE:
        shared = [
            _language_name(code)
            for bit, code in enumerate(pool.languages)
            if int(mentee.languages[i][bit // 64] & mentor.languages[j][bit // 64]) >> (bit % 64)
            & 1
        ]
        return (
            _("You can talk in %(languages)s") % {"languages": names_sentence(shared)}
            if shared
            else ""
        )
    if criterion is Criterion.PREFERENCE:
        words = words_for(pool.program)
        if (i, j) not in pool.preferred:
            return ""
        return _("The %(mentee)s asked to work with this %(mentor)s") % {
            "mentee": words.mentee,
            "mentor": words.mentor,
        }
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
    names = {"mentee": mentee, "mentor": mentor}
    if criterion is Criterion.FOCUS_SKILLS:
        return (
            _(
                "%(mentor)s covers none of %(mentee)s's focus skills: the program requires "
                "at least one"
            )
            % names
        )
    if criterion is Criterion.CROSS_FUNCTIONAL:
        if problem.mentees.department[i] < 0 or problem.mentors.department[j] < 0:
            return (
                _(
                    "the department of %(mentee)s or %(mentor)s is not known: the program "
                    "requires mentor and mentee from different departments"
                )
                % names
            )
        return (
            _(
                "%(mentee)s and %(mentor)s work in the same department: the program requires "
                "different departments"
            )
            % names
        )
    if criterion is Criterion.SENIORITY:
        if problem.mentees.rank[i] < 0 or problem.mentors.rank[j] < 0:
            return (
                _(
                    "the seniority of %(mentee)s or %(mentor)s is not known: the program "
                    "requires a gap"
                )
                % names
            )
        if problem.seniority is Seniority.CLOSE:
            return ngettext(
                "%(mentee)s and %(mentor)s are more than %(count)s level apart: the program "
                "pairs people of similar seniority",
                "%(mentee)s and %(mentor)s are more than %(count)s levels apart: the program "
                "pairs people of similar seniority",
                CLOSE_LEVELS,
            ) % {**names, "count": CLOSE_LEVELS}
        gap = {**names, "count": problem.min_seniority_gap}
        if problem.seniority is Seniority.BELOW:
            return (
                ngettext(
                    "%(mentor)s is not %(count)s level less senior than %(mentee)s: the program "
                    "requires that gap",
                    "%(mentor)s is not %(count)s levels less senior than %(mentee)s: the program "
                    "requires that gap",
                    problem.min_seniority_gap,
                )
                % gap
            )
        return (
            ngettext(
                "%(mentor)s is not %(count)s level more senior than %(mentee)s: the program "
                "requires that gap",
                "%(mentor)s is not %(count)s levels more senior than %(mentee)s: the program "
                "requires that gap",
                problem.min_seniority_gap,
            )
            % gap
        )
    if criterion is Criterion.TIME_ZONE:
        hours = abs(float(problem.mentees.utc_offset[i]) - float(problem.mentors.utc_offset[j]))
        return _(
            "%(mentee)s and %(mentor)s are %(hours)s hours apart: the program allows at most "
            "%(most)s"
        ) % {**names, "hours": f"{min(hours, 24 - hours):g}", "most": f"{MUST_MAX_HOURS:g}"}
    if criterion is Criterion.LANGUAGE:
        return _("%(mentee)s and %(mentor)s share no language: the program requires one") % names
    if criterion is Criterion.PREFERENCE:
        return (
            _("%(mentee)s did not ask for %(mentor)s: the program pairs only requested mentors")
            % names
        )
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
        rules.append(_("%(name)s cannot be their own mentor") % {"name": mentee_name})
    if (i, j) in pool.reporting_line:
        # Said from the one lower in the line: the mentee, unless the mentee is above.
        low, high = (mentee_person, mentor_person)
        if (i, j) in pool.mentee_above:
            low, high = high, low
        direct = people[low].manager_id == high
        lower, upper = str(people[low]), str(people[high])
        line = {"lower": lower, "upper": upper}
        rules.append(
            _("%(lower)s reports to %(upper)s: pairs in one reporting line need an override reason")
            % line
            if direct
            else _(
                "%(upper)s is above %(lower)s in their reporting line: pairs in one "
                "reporting line need an override reason"
            )
            % line
        )
    elif (i, j) in pool.excluded:
        rules.append(
            _(
                "%(mentee)s and %(mentor)s were paired before: pairing them again needs an "
                "override reason"
            )
            % {"mentee": mentee_name, "mentor": mentor_name}
        )
    if problem.capacity[j] - load <= 0:
        rules.append(
            _("%(name)s has no free place left: going over capacity needs a reason")
            % {"name": mentor_name}
        )
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

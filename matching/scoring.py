"""How well a mentor suits a mentee: one pure module, vectorized with numpy.

Every criterion is one function over arrays, used both for whole blocks of pairs (the
solver's input) and for a single pair (the breakdown a manager reads), so the
breakdown always sums to the score. Nothing here knows Django.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

# progress(done, total, phase): how long work reports itself to the background jobs
Progress = Callable[[int, int, str], None]


class Criterion(StrEnum):
    FOCUS_SKILLS = "focus_skills"
    CROSS_FUNCTIONAL = "cross_functional"
    SENIORITY = "seniority"
    TIME_ZONE = "time_zone"
    LANGUAGE = "language"
    PREFERENCE = "preference"


class Seniority(StrEnum):
    """Which way the mentor's level should lie from the mentee's (set by the program format)."""

    ABOVE = "above"  # one-to-one, circles: the mentor is more senior by the gap
    CLOSE = "close"  # peer: the two are at most CLOSE_LEVELS apart
    BELOW = "below"  # reverse: the mentor is less senior by the gap


# Peer pairs: this many levels apart or fewer counts as "similar seniority".
CLOSE_LEVELS = 1


class Weight(StrEnum):
    MUST = "must"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    OFF = "off"


MULTIPLIER = {
    Weight.MUST: 1.0,
    Weight.HIGH: 1.5,
    Weight.MEDIUM: 1.0,
    Weight.LOW: 0.5,
    Weight.OFF: 0.0,
}

# float32 throughout: blocks of pairs are large, and float64 temporaries double the cost.
POINTS_PER_FOCUS_SKILL = np.float32(25)
POINTS_OTHER_DEPARTMENT = np.float32(30)
POINTS_SENIORITY_FIT = np.float32(10)
POINTS_SENIORITY_WIDE = np.float32(5)
PENALTY_PER_LEVEL_SHORT = np.float32(10)
PENALTY_PER_HOUR = np.float32(2)
MUST_MAX_HOURS = np.float32(3)
POINTS_SHARED_LANGUAGE = np.float32(10)
PENALTY_NO_SHARED_LANGUAGE = np.float32(20)
POINTS_PREFERRED = np.float32(20)
ZERO = np.float32(0)


@dataclass
class Side:
    """Features of the mentees (or the mentors), one entry per person, as arrays.

    ``skills`` and ``languages`` are bit sets: one uint64 word per 64 skills/languages.
    Unknown department or seniority is -1.
    """

    person: np.ndarray
    department: np.ndarray
    rank: np.ndarray
    utc_offset: np.ndarray
    languages: np.ndarray
    skills: np.ndarray

    def __len__(self) -> int:
        return len(self.person)

    def take(self, index) -> Side:
        return Side(*(getattr(self, name)[index] for name in self.__dataclass_fields__))


@dataclass
class Problem:
    """Everything the scorer needs. Pair lists are (mentee index, mentor index) arrays."""

    mentees: Side
    mentors: Side
    capacity: np.ndarray
    weights: dict[Criterion, Weight]
    min_seniority_gap: int = 1
    seniority: Seniority = Seniority.ABOVE
    excluded_pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2), np.int64))
    preferred_pairs: np.ndarray = field(default_factory=lambda: np.empty((0, 2), np.int64))
    memo: dict = field(default_factory=dict, repr=False, compare=False)


def _shared_bits(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For bit sets a (rows × words) and b (columns × words): rows × columns of a & b."""
    if a.shape[1] == 1:  # the usual case: up to 64 skills or languages
        return (a[:, 0][:, None] & b[:, 0][None, :])[..., None]
    return a[:, None, :] & b[None, :, :]


def _popcount(words: np.ndarray) -> np.ndarray:
    counts = np.bitwise_count(words)
    return counts[..., 0] if counts.shape[-1] == 1 else counts.sum(axis=-1, dtype=np.int16)


def level_gap(mentee_rank, mentor_rank, seniority: Seniority):
    """How many levels the mentor lies in the format's direction from the mentee (for
    CLOSE: how far apart the two are, either way)."""
    gap = mentor_rank - mentee_rank
    if seniority is Seniority.BELOW:
        return -gap
    return abs(gap) if seniority is Seniority.CLOSE else gap


def _seniority(mentee_rank: np.ndarray, mentor_rank: np.ndarray, min_gap: int, seniority):
    """Points and satisfaction through a table over the distinct ranks (few), gathered
    for the block: much cheaper than arithmetic on every pair."""
    ranks = np.union1d(mentee_rank, mentor_rank).astype(np.int32)
    # rows: mentee rank, columns: mentor rank
    gap = level_gap(ranks[:, None], ranks[None, :], seniority)
    known = (ranks[:, None] >= 0) & (ranks[None, :] >= 0)
    if seniority is Seniority.CLOSE:
        off = np.maximum(gap - CLOSE_LEVELS, 0)  # levels too far apart
        fit = np.full(gap.shape, POINTS_SENIORITY_FIT)
    else:
        off = np.maximum(min_gap - gap, 0)  # levels short of the gap
        fit = np.where(gap <= min_gap + 2, POINTS_SENIORITY_FIT, POINTS_SENIORITY_WIDE)
    points = np.where(off > 0, -PENALTY_PER_LEVEL_SHORT * off.astype(np.float32), fit)
    points = np.where(known, points, ZERO).astype(np.float32)
    satisfied = ~known | (off == 0)
    i = np.searchsorted(ranks, mentee_rank)[:, None]
    j = np.searchsorted(ranks, mentor_rank)[None, :]
    return points[i, j], satisfied[i, j]


def _time_zone_hours(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hours between the offsets of every pair, through a table over the distinct offsets."""
    offsets = np.union1d(a, b).astype(np.float32)
    difference = np.abs(offsets[:, None] - offsets[None, :])
    table = np.minimum(difference, np.float32(24) - difference)
    return table[np.searchsorted(offsets, a)[:, None], np.searchsorted(offsets, b)[None, :]]


def criterion_points(
    criterion: Criterion,
    mentees: Side,
    mentors: Side,
    preferred: np.ndarray,
    min_gap: int,
    seniority: Seniority = Seniority.ABOVE,
) -> tuple[np.ndarray, np.ndarray]:
    """(points, satisfied) for every pair of the block mentees × mentors, before weights.

    ``satisfied`` is what a MUST weight requires; ``preferred`` marks the block's
    pairs the mentee asked for.
    """
    if criterion is Criterion.FOCUS_SKILLS:
        covered = _popcount(_shared_bits(mentees.skills, mentors.skills))
        return covered * POINTS_PER_FOCUS_SKILL, covered > 0
    if criterion is Criterion.CROSS_FUNCTIONAL:
        known = (mentees.department[:, None] >= 0) & (mentors.department[None, :] >= 0)
        other = known & (mentees.department[:, None] != mentors.department[None, :])
        return other * POINTS_OTHER_DEPARTMENT, other
    if criterion is Criterion.SENIORITY:
        return _seniority(mentees.rank, mentors.rank, min_gap, seniority)
    if criterion is Criterion.TIME_ZONE:
        hours = _time_zone_hours(mentees.utc_offset, mentors.utc_offset)
        return -PENALTY_PER_HOUR * hours, hours <= MUST_MAX_HOURS
    if criterion is Criterion.LANGUAGE:
        shared = (_shared_bits(mentees.languages, mentors.languages) != 0).any(axis=-1)
        return np.where(shared, POINTS_SHARED_LANGUAGE, -PENALTY_NO_SHARED_LANGUAGE), shared
    if criterion is Criterion.PREFERENCE:
        return preferred * POINTS_PREFERRED, preferred
    raise ValueError(criterion)


def _pair_mask(pairs: np.ndarray, rows: np.ndarray, cols: np.ndarray, shape: tuple) -> np.ndarray:
    """A rows × cols boolean block, True where (mentee, mentor) is in ``pairs``."""
    mask = np.zeros((len(rows), len(cols)), dtype=bool)
    if len(pairs):
        row_at = np.full(shape[0], -1)
        row_at[rows] = np.arange(len(rows))
        col_at = np.full(shape[1], -1)
        col_at[cols] = np.arange(len(cols))
        i, j = row_at[pairs[:, 0]], col_at[pairs[:, 1]]
        inside = (i >= 0) & (j >= 0)
        mask[i[inside], j[inside]] = True
    return mask


def _weighted(problem: Problem, rows: np.ndarray, cols: np.ndarray, skip=()):
    """Yield (criterion, weight, weighted points, satisfied) for the block rows × cols."""
    shape = (len(problem.mentees), len(problem.mentors))
    preferred = _pair_mask(problem.preferred_pairs, rows, cols, shape)
    yield from _weighted_sides(
        problem, problem.mentees.take(rows), problem.mentors.take(cols), preferred, skip
    )


def _weighted_sides(problem: Problem, mentees: Side, mentors: Side, preferred, skip=()):
    for criterion, weight in problem.weights.items():
        if weight is Weight.OFF or criterion in skip:
            continue
        points, satisfied = criterion_points(
            criterion,
            mentees,
            mentors,
            preferred,
            problem.min_seniority_gap,
            problem.seniority,
        )
        yield (
            criterion,
            weight,
            (points * MULTIPLIER[weight]).astype(np.float32, copy=False),
            satisfied,
        )


# Criteria that depend only on a few categorical features of each side: their weighted
# points can be memoized in a table over the distinct (department, rank, offset) types.
CATEGORICAL = (Criterion.CROSS_FUNCTIONAL, Criterion.SENIORITY, Criterion.TIME_ZONE)
MAX_TABLE = 4_000_000


def _categorical_table(problem: Problem):
    """(mentee type, mentor type, points table, satisfied table), or None when too big."""
    if "categorical" not in problem.memo:
        mentee_first, mentee_type = np.unique(
            np.stack(
                [
                    problem.mentees.department.astype(np.float64),
                    problem.mentees.rank,
                    problem.mentees.utc_offset,
                ],
                axis=1,
            ),
            axis=0,
            return_index=True,
            return_inverse=True,
        )[1:]
        mentor_first, mentor_type = np.unique(
            np.stack(
                [
                    problem.mentors.department.astype(np.float64),
                    problem.mentors.rank,
                    problem.mentors.utc_offset,
                ],
                axis=1,
            ),
            axis=0,
            return_index=True,
            return_inverse=True,
        )[1:]
        table = None
        if len(mentee_first) * len(mentor_first) <= MAX_TABLE:
            mentees, mentors = (
                problem.mentees.take(mentee_first),
                problem.mentors.take(mentor_first),
            )
            points = np.zeros((len(mentee_first), len(mentor_first)), dtype=np.float32)
            satisfied = np.ones_like(points, dtype=bool)
            none = np.zeros_like(satisfied)
            for criterion, weight in problem.weights.items():
                if criterion in CATEGORICAL and weight is not Weight.OFF:
                    value, ok = criterion_points(
                        criterion,
                        mentees,
                        mentors,
                        none,
                        problem.min_seniority_gap,
                        problem.seniority,
                    )
                    points += (value * MULTIPLIER[weight]).astype(np.float32, copy=False)
                    if weight is Weight.MUST:
                        satisfied &= ok
            table = (mentee_type.ravel(), mentor_type.ravel(), points, satisfied)
        problem.memo["categorical"] = table
    return problem.memo["categorical"]


def score_block(problem: Problem, rows: np.ndarray, cols: np.ndarray | None = None):
    """Scores and eligibility of every pair in rows × cols (mentee and mentor indices)."""
    if cols is None:
        cols = np.arange(len(problem.mentors))
    shape = (len(problem.mentees), len(problem.mentors))
    eligible = problem.mentees.person[rows][:, None] != problem.mentors.person[cols][None, :]
    eligible &= ~_pair_mask(problem.excluded_pairs, rows, cols, shape)
    eligible &= (problem.capacity[cols] > 0)[None, :]
    table = _categorical_table(problem)
    if table is not None:
        mentee_type, mentor_type, points, satisfied = table
        i, j = mentee_type[rows][:, None], mentor_type[cols][None, :]
        total = points[i, j]
        eligible &= satisfied[i, j]
        skip: tuple[Criterion, ...] = CATEGORICAL
    else:
        total = np.zeros((len(rows), len(cols)), dtype=np.float32)
        skip = ()
    for _criterion, weight, points, satisfied in _weighted(problem, rows, cols, skip):
        total += points
        if weight is Weight.MUST:
            eligible &= satisfied
    return total, eligible


def pair_breakdown(problem: Problem, mentee: int, mentor: int) -> list[tuple[Criterion, float]]:
    """The points each criterion gives one pair (weights applied); they sum to its score."""
    parts = _weighted(problem, np.array([mentee]), np.array([mentor]))
    return [(criterion, float(points[0, 0])) for criterion, _weight, points, _ in parts]


PAIRS_AT_ONCE = 256


def pairs_breakdown(
    problem: Problem, mentees: np.ndarray, mentors: np.ndarray
) -> tuple[list[Criterion], np.ndarray]:
    """``pair_breakdown`` of many pairs (mentees[k], mentors[k]) at once: the criteria that
    count, and one row of points per pair, one column per criterion.

    The same criterion functions score small blocks of the pairs' people, whose diagonal
    holds the pairs: the same numbers as one pair at a time, without its overhead.
    """
    criteria = [c for c, weight in problem.weights.items() if weight is not Weight.OFF]
    points = np.zeros((len(mentees), len(criteria)), dtype=np.float32)
    asked = problem.preferred_pairs[:, 0] * len(problem.mentors) + problem.preferred_pairs[:, 1]
    for start in range(0, len(mentees), PAIRS_AT_ONCE):
        rows = np.asarray(mentees[start : start + PAIRS_AT_ONCE], dtype=np.int64)
        cols = np.asarray(mentors[start : start + PAIRS_AT_ONCE], dtype=np.int64)
        preferred = np.zeros((len(rows), len(rows)), dtype=bool)
        np.fill_diagonal(preferred, np.isin(rows * len(problem.mentors) + cols, asked))
        parts = _weighted_sides(
            problem, problem.mentees.take(rows), problem.mentors.take(cols), preferred
        )
        for column, (_criterion, _weight, block, _satisfied) in enumerate(parts):
            points[start : start + len(rows), column] = np.diagonal(block)
    return criteria, points

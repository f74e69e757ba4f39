"""Circles: one or two mentors with a small group of mentees around a shared focus skill.
Pure numpy, nothing of Django.

A circle's mentees share one focus skill and sit within ``BAND_HOURS`` of the circle's
centre (so at most six hours apart); each of its mentors is eligible for every one of
its mentees (every hard rule of ``score_block``: the same person, reporting lines and
earlier pairings, MUST criteria, capacity); it has between ``min_mentees`` and
``max_mentees`` mentees; a mentor guides at most ``capacity`` circles; a mentee sits in at
most one. Placing mentees comes first, then the total of the circles' mentor × mentee
pair scores.

The heuristic is deterministic (ties go by index):

1. Score every pair once, in blocks on two threads, into one dense float32 matrix
   (20 MB for 5,000 × 1,000 pairs).
2. Groups: one per (focus skill, centre), a centre at each time-zone offset the mentees
   have; a mentee belongs to every group of its skills whose centre is within the band.
   ``count[group, mentor]``, how many unplaced members of the group the mentor may guide,
   is one matrix product, kept up to date as mentees are placed.
3. Mentees seed circles hardest first (fewest (group, mentor) options that reach the
   minimum size). A seed still unplaced opens a circle with the (group, mentor) that
   scores it best among those that still reach the minimum; a second mentor is the one
   eligible for most of those mentees. Among equals, the mentor with the most room left
   goes first. The circle takes the seed and the hardest of the other candidates, at
   near-equal size: n candidates would fill ceil(n / max) circles, so it takes about
   n / that many (never fewer than the minimum).
4. Improvement: mentees left over join a circle with room that they fit (best score
   first); then, for two rounds, each mentee moves to another circle or trades places
   with a mentee of another circle when both fit and the total rises; last, each circle
   moves to a free mentor who may guide all its mentees and scores them higher.

Memory: the dense scores and eligibility (5 bytes a pair, plus a float32 copy of the
eligibility while counting) and, while improving, 5 bytes per mentee × circle.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from .scoring import Criterion, Problem, Progress, _time_zone_hours, pairs_breakdown, score_block
from .solver import SCORING, _blocks

BAND_HOURS = np.float32(3)  # either side of a circle's centre
SEED_ATTEMPTS = 32  # (group, mentor) choices a seed tries when it needs a second mentor
BORROW_ATTEMPTS = 8  # (group, mentor) choices a mentee left over tries, to bound the time
FORMING = "Forming circles"


class Reason(StrEnum):
    """Why a mentee is in no circle."""

    NO_ELIGIBLE_MENTOR = "no_eligible_mentor"
    NO_FOCUS_SKILL = "no_focus_skill"
    GROUP_TOO_SMALL = "group_too_small"
    CAPACITY_EXHAUSTED = "capacity_exhausted"


@dataclass(frozen=True)
class Circle:
    """Mentor and mentee indices (ascending), the shared focus skill's bit, and the total
    of the circle's mentor × mentee pair scores."""

    mentors: tuple[int, ...]
    mentees: tuple[int, ...]
    skill_bit: int
    score: float


@dataclass
class CirclePlan:
    circles: list[Circle]
    unmatched: dict[int, Reason]


def _all_pairs(problem: Problem, progress: Progress | None) -> tuple[np.ndarray, np.ndarray]:
    """(score, eligible) of every mentee × mentor pair, dense."""
    n_mentees, n_mentors = len(problem.mentees), len(problem.mentors)
    score = np.zeros((n_mentees, n_mentors), dtype=np.float32)
    eligible = np.zeros((n_mentees, n_mentors), dtype=bool)
    if not n_mentees or not n_mentors:
        return score, eligible

    def fill(rows: np.ndarray) -> int:
        score[rows], eligible[rows] = score_block(problem, rows)
        return len(rows)

    done = 0
    with ThreadPoolExecutor(max_workers=2) as pool:
        for scored in pool.map(fill, _blocks(n_mentees, n_mentors)):
            done += scored
            if progress:
                progress(done, n_mentees, SCORING)
    return score, eligible


def _has_bit(skills: np.ndarray, bit: int) -> np.ndarray:
    word, shift = divmod(bit, 64)
    return ((skills[:, word] >> np.uint64(shift)) & np.uint64(1)).astype(bool)


def _groups(problem: Problem, min_mentees: int) -> tuple[np.ndarray, np.ndarray]:
    """(members: groups × mentees, skill bit of each group) for the (skill, centre) groups
    large enough to reach ``min_mentees``; groups with the same members appear once."""
    skills = problem.mentees.skills
    offsets = problem.mentees.utc_offset
    centres = np.unique(offsets)
    near = _time_zone_hours(centres, offsets) <= BAND_HOURS  # centres × mentees
    present = np.bitwise_or.reduce(skills, axis=0)
    members, bits = [], []
    for bit in range(64 * skills.shape[1]):
        if not _has_bit(present[None, :], bit)[0]:
            continue
        group = near & _has_bit(skills, bit)[None, :]
        group = group[group.sum(axis=1) >= min_mentees]
        members.append(group)
        bits.extend([bit] * len(group))
    if not bits:
        return np.zeros((0, len(offsets)), dtype=bool), np.zeros(0, dtype=np.int64)
    stacked = np.vstack(members)
    _unique, first = np.unique(np.packbits(stacked, axis=1), axis=0, return_index=True)
    first.sort()
    return stacked[first], np.array(bits, dtype=np.int64)[first]


def _circle_size(candidates: int, min_mentees: int, max_mentees: int) -> int:
    """Near-equal circles: n candidates make ceil(n / max) circles, never below the minimum."""
    circles = -(-candidates // max_mentees)
    return min(candidates, max(min_mentees, -(-candidates // circles)))


class _Forming:
    """The state of step 3 and 4: who is placed, mentors' room, the group counts."""

    def __init__(
        self,
        problem: Problem,
        score: np.ndarray,
        eligible: np.ndarray,
        members: np.ndarray,
        min_mentees: int,
        max_mentees: int,
        mentors: int,
    ) -> None:
        self.score, self.eligible, self.members = score, eligible, members
        self.by_mentee = np.ascontiguousarray(members.T)
        self.min, self.max, self.mentors_per_circle = min_mentees, max_mentees, mentors
        self.room = np.asarray(problem.capacity, dtype=np.int64).copy()
        self.placed = np.zeros(len(score), dtype=bool)
        eligible_f = eligible.astype(np.float32)
        # counts stay below 2**24, so float32 products are exact
        self.count = (members.astype(np.float32) @ eligible_f).astype(np.int32)
        self.reach = self.count.copy()  # the same counts, placed mentees included
        reachable = ((self.count >= min_mentees) & (self.room > 0)[None, :]).astype(np.float32)
        self.options = ((eligible_f @ reachable.T) * self.by_mentee).sum(axis=1).astype(np.int64)
        self.circles: list[tuple[int, list[int], list[int]]] = []  # (group, mentors, mentees)

    def place(self, group: int, mentors: list[int], mentees: list[int]) -> None:
        """A new circle; ``mentees`` were not placed before."""
        self._mark_placed(mentees)
        self.room[mentors] -= 1
        self.circles.append((group, mentors, sorted(mentees)))

    def _mark_placed(self, mentees: list[int]) -> None:
        self.placed[mentees] = True
        self.count -= self.members[:, mentees].astype(np.int32) @ self.eligible[mentees].astype(
            np.int32
        )

    def seed(self, mentee: int) -> None:
        groups = np.flatnonzero(self.by_mentee[mentee])
        open_ = np.flatnonzero(self.eligible[mentee] & (self.room > 0))
        if not len(groups) or len(open_) < self.mentors_per_circle:
            return
        counts = self.count[np.ix_(groups, open_)]
        g, j = np.nonzero(counts >= self.min)
        if not len(g):
            return
        pair_score = self.score[mentee, open_[j]]
        reach = np.minimum(counts[g, j], self.max)
        order = np.lexsort((open_[j], groups[g], -self.room[open_[j]], -reach, -pair_score))
        for choice in order[:SEED_ATTEMPTS]:
            if self._open(mentee, int(groups[g[choice]]), int(open_[j[choice]])):
                return

    def _open(self, mentee: int, group: int, leader: int) -> bool:
        fits = ~self.placed & self.members[group] & self.eligible[:, leader]
        mentors = [leader]
        while len(mentors) < self.mentors_per_circle:
            candidates = np.flatnonzero(fits)
            others = np.flatnonzero(self.eligible[mentee] & (self.room > 0))
            others = others[~np.isin(others, mentors)]
            if not len(others):
                return False
            block = self.eligible[np.ix_(candidates, others)]
            covered = np.minimum(block.sum(axis=0), self.max)
            total = np.where(block, self.score[np.ix_(candidates, others)], 0).sum(axis=0)
            best = np.lexsort((others, -self.room[others], -total, -covered))[0]
            if covered[best] < self.min:
                return False
            mentors.append(int(others[best]))
            fits &= self.eligible[:, mentors[-1]]
        candidates = np.flatnonzero(fits)
        candidates = candidates[candidates != mentee]
        size = _circle_size(len(candidates) + 1, self.min, self.max)
        total = self.score[np.ix_(candidates, mentors)].sum(axis=1)
        hardest = np.lexsort((candidates, -total, self.options[candidates]))
        self.place(group, sorted(mentors), [mentee, *candidates[hardest[: size - 1]].tolist()])
        return True

    def join_leftovers(self) -> None:
        """Each mentee left over joins the circle with room that scores it best."""
        if not self.circles:
            return
        group = np.array([c[0] for c in self.circles])
        mentors = np.array([c[1] for c in self.circles])
        size = np.array([len(c[2]) for c in self.circles])
        for mentee in np.flatnonzero(~self.placed):
            fits = (
                self.by_mentee[mentee, group]
                & (size < self.max)
                & self.eligible[mentee, mentors].all(axis=1)
            )
            if not fits.any():
                continue
            gain = np.where(fits, self.score[mentee, mentors].sum(axis=1), -np.inf)
            best = int(np.argmax(gain))
            self.circles[best][2].append(int(mentee))
            self.circles[best][2].sort()
            size[best] += 1
            self._mark_placed([int(mentee)])

    def borrow_for_leftovers(self) -> None:
        """A mentee left over opens a circle with a free mentor when circles above the
        minimum size can lend it enough of its group to reach the minimum."""
        if not self.circles:
            return
        circle_of = np.full(len(self.score), -1)
        for k, (_group, _mentors, mentees) in enumerate(self.circles):
            circle_of[mentees] = k
        size = [len(c[2]) for c in self.circles]
        leftovers = np.flatnonzero(~self.placed & (self.options > 0))
        leftovers = leftovers[np.argsort(self.options[leftovers], kind="stable")]
        for mentee in leftovers.tolist():
            groups = np.flatnonzero(self.by_mentee[mentee])
            leaders = np.flatnonzero(self.eligible[mentee] & (self.room > 0))
            if self.placed[mentee] or len(leaders) < self.mentors_per_circle:
                continue
            reach = self.reach[np.ix_(groups, leaders)]
            g, j = np.nonzero(reach >= self.min)
            order = np.lexsort(
                (leaders[j], groups[g], -self.score[mentee, leaders[j]], -reach[g, j])
            )
            for choice in order[:BORROW_ATTEMPTS]:
                group, leader = int(groups[g[choice]]), int(leaders[j[choice]])
                if self._borrow(mentee, group, leader, circle_of, size):
                    break

    def _borrow(self, mentee: int, group: int, leader: int, circle_of, size) -> bool:
        pool = self.members[group] & self.eligible[:, leader]
        mentors = [leader]
        while len(mentors) < self.mentors_per_circle:
            others = np.flatnonzero(self.eligible[mentee] & (self.room > 0))
            others = others[~np.isin(others, mentors)]
            if not len(others):
                return False
            covered = self.eligible[np.ix_(np.flatnonzero(pool), others)].sum(axis=0)
            mentors.append(int(others[np.lexsort((others, -self.room[others], -covered))[0]]))
            pool &= self.eligible[:, mentors[-1]]
        free = np.flatnonzero(pool & ~self.placed)
        joining = [mentee, *free[free != mentee][: self.max - 1].tolist()]
        lenders = np.flatnonzero(pool & self.placed)
        lent_score = self.score[np.ix_(lenders, np.array(mentors))].sum(axis=1)
        lenders = lenders[np.lexsort((lenders, -lent_score))]
        lent: list[int] = []
        spare = {k: size[k] - self.min for k in set(circle_of[lenders].tolist())}
        for lender in lenders.tolist():
            if len(joining) + len(lent) >= self.min:
                break
            if spare[circle_of[lender]] > 0:
                spare[circle_of[lender]] -= 1
                lent.append(lender)
        if len(joining) + len(lent) < self.min:
            return False
        for lender in lent:
            self.circles[circle_of[lender]][2].remove(lender)
            size[circle_of[lender]] -= 1
        self.place(group, sorted(mentors), joining)
        self.circles[-1][2].extend(lent)
        self.circles[-1][2].sort()
        circle_of[joining + lent] = len(size)
        size.append(len(joining) + len(lent))
        return True

    def exchange_mentees(self, rounds: int = 2) -> None:
        """Each mentee in turn moves to another circle, or trades places with a mentee of
        another circle, when that raises the total score and both still fit."""
        if len(self.circles) < 2:
            return
        group = np.array([c[0] for c in self.circles])
        mentors = np.array([c[1] for c in self.circles])
        # mentees × circles: may the mentee sit in the circle, and what would it score
        fits = self.by_mentee[:, group] & self.eligible[:, mentors].all(axis=2)
        value = self.score[:, mentors].sum(axis=2, dtype=np.float32)
        seats = np.full((len(self.circles), self.max), -1)  # circles × places: mentee or -1
        for k, (_group, _mentors, mentees) in enumerate(self.circles):
            seats[k, : len(mentees)] = mentees
        flat = seats.ravel()
        seat_of = np.full(len(self.score), -1)
        taken = np.flatnonzero(flat >= 0)
        seat_of[flat[taken]] = taken
        size = (seats >= 0).sum(axis=1)
        for _round in range(rounds):
            changed = False
            for mentee in flat[flat >= 0].tolist():  # in the order the circles were formed
                here = seat_of[mentee] // self.max
                elsewhere = np.flatnonzero(fits[mentee])
                elsewhere = elsewhere[elsewhere != here]
                if not len(elsewhere):
                    continue
                gain = value[mentee] - value[mentee, here]
                moves = elsewhere[(size[elsewhere] < self.max) & (size[here] > self.min)]
                move = moves[np.argmax(gain[moves])] if len(moves) else here
                others = seats[elsewhere].ravel()
                others = others[(others >= 0) & fits[np.maximum(others, 0), here]]
                there = seat_of[others] // self.max
                trade_gain = gain[there] + value[others, here] - value[others, there]
                trade = int(np.argmax(trade_gain)) if len(others) else -1
                if trade >= 0 and trade_gain[trade] > max(gain[move], 0):
                    other = others[trade]
                    mine, theirs = seat_of[mentee], seat_of[other]
                    flat[mine], flat[theirs] = other, mentee
                    seat_of[mentee], seat_of[other] = theirs, mine
                    changed = True
                elif gain[move] > 0:
                    flat[seat_of[mentee]] = -1
                    seat_of[mentee] = move * self.max + np.flatnonzero(seats[move] < 0)[0]
                    flat[seat_of[mentee]] = mentee
                    size[here] -= 1
                    size[move] += 1
                    changed = True
            if not changed:
                break
        for row, (_group, _mentors, mentees) in zip(seats, self.circles, strict=True):
            mentees[:] = np.sort(row[row >= 0]).tolist()

    def upgrade_mentors(self) -> None:
        """Each circle in turn moves, one mentor at a time, to a free mentor who may guide
        all its mentees and scores them higher."""
        for _group, mentors, mentees in self.circles:
            for position in range(len(mentors)):
                free = np.flatnonzero(self.room > 0)
                free = free[~np.isin(free, mentors)]
                if not len(free):
                    break
                members = np.array(mentees)
                fits = self.eligible[np.ix_(members, free)].all(axis=0)
                gain = self.score[np.ix_(members, free)].sum(axis=0) - self.score[
                    members, mentors[position]
                ].sum(dtype=np.float32)
                gain = np.where(fits, gain, 0)
                best = int(np.argmax(gain))
                if gain[best] > 0:
                    self.room[mentors[position]] += 1
                    mentors[position] = int(free[best])
                    self.room[mentors[position]] -= 1
            mentors.sort()


def form_circles(
    problem: Problem,
    *,
    min_mentees: int,
    max_mentees: int,
    mentors_per_circle: int,
    progress: Progress | None = None,
) -> CirclePlan:
    """Circles for the mentees of ``problem`` (see the module's docstring for the rules
    and the method); ``problem.capacity`` counts the circles each mentor can guide."""
    if not 1 <= min_mentees <= max_mentees or mentors_per_circle < 1:
        raise ValueError(
            "A circle needs 1 <= min_mentees <= max_mentees and at least one mentor, "
            f"not {min_mentees=}, {max_mentees=}, {mentors_per_circle=}."
        )
    score, eligible = _all_pairs(problem, progress)
    members, skill_bits = _groups(problem, min_mentees)
    forming = _Forming(
        problem, score, eligible, members, min_mentees, max_mentees, mentors_per_circle
    )
    seeds = np.flatnonzero(forming.options > 0)
    seeds = seeds[np.argsort(forming.options[seeds], kind="stable")]
    for done, mentee in enumerate(seeds.tolist()):
        if not forming.placed[mentee]:
            forming.seed(mentee)
        if progress and done % 256 == 0:
            progress(done, len(seeds), FORMING)
    forming.join_leftovers()
    forming.borrow_for_leftovers()
    forming.join_leftovers()
    forming.exchange_mentees()
    forming.upgrade_mentors()
    if progress:
        progress(len(seeds), len(seeds), FORMING)
    circles = [
        Circle(
            mentors=tuple(mentors),
            mentees=tuple(mentees),
            skill_bit=int(skill_bits[group]),
            score=float(score[np.ix_(mentees, mentors)].sum(dtype=np.float64)),
        )
        for group, mentors, mentees in forming.circles
    ]
    return CirclePlan(circles, _reasons(problem, forming, eligible))


def _reasons(problem: Problem, forming: _Forming, eligible: np.ndarray) -> dict[int, Reason]:
    unmatched = {}
    for mentee in np.flatnonzero(~forming.placed).tolist():
        allowed = eligible[mentee]
        if allowed.sum() < forming.mentors_per_circle:
            unmatched[mentee] = Reason.NO_ELIGIBLE_MENTOR
        elif not problem.mentees.skills[mentee].any():
            unmatched[mentee] = Reason.NO_FOCUS_SKILL
        elif forming.options[mentee] and (allowed & (forming.room > 0)).sum() < (
            forming.mentors_per_circle
        ):
            unmatched[mentee] = Reason.CAPACITY_EXHAUSTED
        else:
            unmatched[mentee] = Reason.GROUP_TOO_SMALL
    return unmatched


def circle_breakdown(problem: Problem, circle: Circle) -> dict[int, list[tuple[Criterion, float]]]:
    """For each mentee of the circle, the points each criterion gives their pair with the
    circle's first mentor (weights applied): they sum to that pair's score."""
    mentees = np.array(circle.mentees, dtype=np.int64)
    criteria, points = pairs_breakdown(problem, mentees, np.full(len(mentees), circle.mentors[0]))
    return {
        int(mentee): [(criterion, float(p)) for criterion, p in zip(criteria, row, strict=True)]
        for mentee, row in zip(mentees, points, strict=True)
    }

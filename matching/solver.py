"""The global optimum: a min-cost flow over a sparse candidate graph. Knows nothing of Django.

Each match is worth ``MATCH_VALUE`` plus its score, so the optimum never leaves a
mentee unmatched to win a few points elsewhere: it matches as many mentees as the
capacities and rules allow, and among those assignments takes the best total score.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from .scoring import Problem, Progress, score_block

MATCH_VALUE = 100.0
COST_SCALE = 100  # scores have at most two decimals (weights of 0.5 and 1.5)
BLOCK_PAIRS = 500_000  # pairs scored at once: a few MiB of temporaries per worker
SCORING, CHOOSING = "Scoring pairs", "Choosing pairs"


@dataclass
class Edges:
    """Candidate pairs: mentee index, mentor index and score, sorted by (mentee, mentor)."""

    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray

    def __len__(self) -> int:
        return len(self.mentee)


def best_per_mentor(
    mentee: np.ndarray, mentor: np.ndarray, score: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of candidate pairs, each mentor's ``k`` best: best score first, ties in
    ``tie_break`` order. Returned by mentor, best first."""
    order = np.lexsort((tie_break(mentee, mentor), -score, mentor))
    mentee, mentor, score = mentee[order], mentor[order], score[order]
    starts = np.searchsorted(mentor, mentor, side="left")
    keep = np.arange(len(mentor)) - starts < k
    return mentee[keep], mentor[keep], score[keep]


LEVELS_PER_POINT = 4  # scores are multiples of 0.25 (weights 0.5 and 1.5, quarter-hour zones)


def _nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the True entries, in row-major order (faster than np.nonzero)."""
    flat = np.flatnonzero(mask)
    rows = flat // mask.shape[1]
    return rows, flat - rows * mask.shape[1]


def tie_break(mentee: np.ndarray, mentor: np.ndarray) -> np.ndarray:
    """A deterministic pseudo-random order for pairs with equal scores. Breaking ties by
    index instead would give every mentee the same few mentors among equals, and the
    candidate graph would lose the variety the optimum needs."""
    mixed = (mentee.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ (
        mentor.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    )
    return (mixed >> np.uint64(40)).astype(np.int64)


def top_k_per_row(
    score: np.ndarray, eligible: np.ndarray, k: int, row_ids: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each row's k best eligible entries; ties go by
    ``tie_break(row id, column)``.

    A counting select: scores fall on few levels, so one bincount per block finds each
    row's k-th best level in linear time, where a partition sort degrades on the many
    equal scores and ineligible pairs. It works on the eligible entries only.
    """
    ids = row_ids if row_ids is not None else np.arange(score.shape[0])
    return _top_k(score, eligible, k, lambda i, j: tie_break(ids[i], j))


def top_k_per_column(
    score: np.ndarray, eligible: np.ndarray, k: int, row_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) of each column's k best eligible entries; ties go by
    ``tie_break(row id, column)``: rows are mentees, columns mentors."""
    column, row = _top_k(score.T, eligible.T, k, lambda i, j: tie_break(row_ids[j], i))
    return row, column


def _top_k(score: np.ndarray, eligible: np.ndarray, k: int, tie) -> tuple[np.ndarray, np.ndarray]:
    i, j = _nonzero(eligible)
    if not len(i):
        return i, j
    level = np.rint(score[i, j] * LEVELS_PER_POINT).astype(np.int32)
    level -= level.min()
    n_rows, n_levels = score.shape[0], int(level.max()) + 1
    counted = np.bincount(i * n_levels + level, minlength=n_rows * n_levels).reshape(
        n_rows, n_levels
    )
    from_top = np.cumsum(counted[:, ::-1], axis=1)
    # each row's lowest level still needed, and how many entries lie strictly above it
    short = np.minimum((from_top < k).sum(axis=1), n_levels - 1)
    needed = n_levels - 1 - short
    above = np.where(short > 0, from_top[np.arange(n_rows), np.maximum(short - 1, 0)], 0)
    need = needed[i]
    keep = level > need
    tied = np.flatnonzero(level == need)
    order = tied[np.lexsort((tie(i[tied], j[tied]), i[tied]))]
    tied_rows = i[order]
    starts = np.concatenate([[0], np.cumsum(np.bincount(tied_rows, minlength=n_rows))])
    rank = np.arange(len(order)) - starts[tied_rows]
    keep[order[rank < (k - above)[tied_rows]]] = True
    return i[keep], j[keep]


def _block_edges(problem: Problem, rows: np.ndarray, per_mentee, per_mentor):
    """A block's candidates: (each mentee's best, each mentor's best within the block)."""
    score, eligible = score_block(problem, rows)
    if per_mentee is None:
        i, j = _nonzero(eligible)
        return (rows[i], j, score[i, j]), None
    i, j = top_k_per_row(score, eligible, min(per_mentee, score.shape[1]), rows)
    mi, mj = top_k_per_column(score, eligible, per_mentor, rows)
    return (rows[i], j, score[i, j]), (rows[mi], mj, score[mi, mj])


def _blocks(n_mentees: int, n_mentors: int) -> list[np.ndarray]:
    block_rows = max(16, BLOCK_PAIRS // max(n_mentors, 1))
    return [
        np.arange(start, min(start + block_rows, n_mentees))
        for start in range(0, n_mentees, block_rows)
    ]


def candidate_edges(
    problem: Problem,
    per_mentee: int | None = 40,
    per_mentor: int = 20,
    workers: int = 2,
    progress: Progress | None = None,
) -> Edges:
    """Each mentee's best mentors and each mentor's best mentees, among eligible pairs.

    ``per_mentee=None`` keeps every eligible pair (the dense, exact problem). Blocks of
    mentees are scored on ``workers`` threads (numpy releases the GIL); memory stays
    proportional to a block, not to mentees × mentors. Each block keeps its own best
    per mentor, and the best of those are each mentor's best overall: the result does
    not depend on the size of the blocks or the order they finish in.
    """
    n_mentees, n_mentors = len(problem.mentees), len(problem.mentors)
    blocks = _blocks(n_mentees, n_mentors)
    parts, per_mentor_parts = [], []
    done = 0
    if progress:
        progress(0, n_mentees, SCORING)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda rows: _block_edges(problem, rows, per_mentee, per_mentor), blocks)
        for rows, (edges, best) in zip(blocks, results, strict=True):
            parts.append(edges)
            if best is not None:
                per_mentor_parts.append(best)
            done += len(rows)
            if progress:
                progress(done, n_mentees, SCORING)
    if per_mentor_parts:
        found_mentee, found_mentor, found_score = (
            np.concatenate([part[n] for part in per_mentor_parts]) for n in range(3)
        )
        parts.append(best_per_mentor(found_mentee, found_mentor, found_score, per_mentor))
    mentee, mentor, score = (
        np.concatenate([part[n] for part in parts]) if parts else np.empty(0, dtype)
        for n, dtype in enumerate((np.int64, np.int64, np.float32))
    )
    order = np.lexsort((mentor, mentee))
    mentee, mentor, score = mentee[order], mentor[order], score[order]
    unique = np.ones(len(mentee), dtype=bool)
    unique[1:] = (mentee[1:] != mentee[:-1]) | (mentor[1:] != mentor[:-1])
    return Edges(mentee[unique], mentor[unique].astype(np.int64), score[unique])


def solve(n_mentees: int, capacity: np.ndarray, edges: Edges) -> np.ndarray:
    """The optimal assignment on ``edges``: for each mentee its mentor index, or -1."""
    assigned = np.full(n_mentees, -1, dtype=np.int64)
    value = np.rint((MATCH_VALUE + edges.score.astype(np.float64)) * COST_SCALE).astype(np.int64)
    useful = value > 0
    if not useful.any():
        return assigned
    mentee, mentor, value = edges.mentee[useful], edges.mentor[useful], value[useful]
    n_mentors = len(capacity)
    source, sink = n_mentees + n_mentors, n_mentees + n_mentors + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate(
        [
            np.full(n_mentees, source),
            mentee,
            n_mentees + np.arange(n_mentors),
            [source],
        ]
    )
    heads = np.concatenate(
        [
            np.arange(n_mentees),
            n_mentees + mentor,
            np.full(n_mentors, sink),
            [sink],
        ]
    )
    capacities = np.concatenate(
        [
            np.ones(n_mentees, np.int64),
            np.ones(len(mentee), np.int64),
            np.asarray(capacity, np.int64),
            [n_mentees],
        ]
    )
    costs = np.concatenate(
        [
            np.zeros(n_mentees, np.int64),
            -value,
            np.zeros(n_mentors, np.int64),
            [0],
        ]
    )
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), capacities, costs
    )
    flow.set_nodes_supplies(np.array([source, sink]), np.array([n_mentees, -n_mentees]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow ended with status {status}")
    pair_arcs = arcs[n_mentees : n_mentees + len(mentee)]
    used = flow.flows(pair_arcs) > 0
    assigned[mentee[used]] = mentor[used]
    return assigned


def assigned_scores(edges: Edges, assigned: np.ndarray, n_mentors: int) -> np.ndarray:
    """The score of each matched mentee's pair (in mentee order), read from the edges."""
    matched = np.nonzero(assigned >= 0)[0]
    keys = edges.mentee * n_mentors + edges.mentor
    position = np.searchsorted(keys, matched * n_mentors + assigned[matched])
    return edges.score[position].astype(np.float64)


def match(
    problem: Problem,
    per_mentee: int | None = 40,
    per_mentor: int = 20,
    progress: Progress | None = None,
):
    """Score, build the candidate graph and solve: (assignment, edges).

    Mentees the sparse graph leaves unmatched get a second chance over all their eligible
    pairs with the places still free, so "unmatched" always means no eligible mentor had
    room (the edges returned include those second-chance pairs).
    """
    edges = candidate_edges(
        problem, per_mentee=per_mentee, per_mentor=per_mentor, progress=progress
    )
    if progress:
        progress(0, 1, CHOOSING)
    assigned = solve(len(problem.mentees), problem.capacity, edges)
    left = np.nonzero(assigned < 0)[0]
    room = problem.capacity - np.bincount(assigned[assigned >= 0], minlength=len(problem.capacity))
    if per_mentee is None or not len(left) or not room.any():
        if progress:
            progress(1, 1, CHOOSING)
        return assigned, edges
    extras = []
    for rows in _blocks(len(left), len(problem.mentors)):
        score, eligible = score_block(problem, left[rows])
        eligible &= (room > 0)[None, :]
        i, j = _nonzero(eligible)
        extras.append((left[rows][i], j, score[i, j]))
    extra = Edges(*(np.concatenate([part[n] for part in extras]) for n in range(3)))
    second = solve(len(problem.mentees), room, extra)
    assigned[second >= 0] = second[second >= 0]
    merged = Edges(
        *(
            np.concatenate([getattr(edges, f), getattr(extra, f)])
            for f in ("mentee", "mentor", "score")
        )
    )
    order = np.lexsort((merged.mentor, merged.mentee))
    merged = Edges(merged.mentee[order], merged.mentor[order], merged.score[order])
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (merged.mentee[1:] != merged.mentee[:-1]) | (merged.mentor[1:] != merged.mentor[:-1])
    if progress:
        progress(1, 1, CHOOSING)
    return assigned, Edges(merged.mentee[keep], merged.mentor[keep], merged.score[keep])

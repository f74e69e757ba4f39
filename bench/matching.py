"""Matching benchmark: the sparse min-cost-flow solver against greedy and stable matching.

    python -m bench.matching --mentees 10000 --mentors 5000 [--exact]
    python -m bench.matching --format circle [--mentees 5000 --mentors 1000]

Prints solve time, peak memory, matched mentees and total score for the solver, the same
for a greedy baseline (best pair first) and for Gale–Shapley stable matching with
capacities (mentee-proposing), each as a ratio to the optimum. The objective of every
method is the one the solver maximizes: per match, MATCH_VALUE plus the pair's score.
With --exact the optimum is proved by solving the dense problem over all eligible pairs.
With --format circle it times ``form_circles`` instead (each mentor guides
--circles-per-mentor circles) and prints mentees placed, circles, their average size, the
mentees left out by reason and the total score against a loose bound (each mentee with
their best eligible mentors, ignoring circles and capacity).
The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import heapq
import json
import resource
import time
from collections import Counter

import numpy as np

from matching.circles import form_circles
from matching.scoring import score_block
from matching.solver import MATCH_VALUE, assigned_scores, candidate_edges, match, solve

from .synthetic import organization


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def objective(scores: np.ndarray) -> float:
    return float((MATCH_VALUE + scores).sum())


def dense_scores(problem):
    """All pair scores, ineligible pairs (and pairs worth nothing) as -inf: baselines only."""
    blocks = []
    for start in range(0, len(problem.mentees), 512):
        rows = np.arange(start, min(start + 512, len(problem.mentees)))
        score, eligible = score_block(problem, rows)
        usable = eligible & (MATCH_VALUE + score > 0)
        blocks.append(np.where(usable, score, -np.inf).astype(np.float32))
    return np.vstack(blocks)


def greedy(problem, scores: np.ndarray) -> np.ndarray:
    """Best pair first: walk all pairs from the highest score down, take what still fits."""
    n_mentees, n_mentors = scores.shape
    assigned = np.full(n_mentees, -1, dtype=np.int64)
    room = problem.capacity.astype(np.int64).copy()
    flat = scores.ravel()
    order = np.argsort(-flat, kind="stable")
    order = order[np.isfinite(flat[order])]
    for start in range(0, len(order), 200_000):
        chunk = order[start : start + 200_000]
        mentee, mentor = chunk // n_mentors, chunk % n_mentors
        open_ = (assigned[mentee] < 0) & (room[mentor] > 0)
        for i, j in zip(mentee[open_].tolist(), mentor[open_].tolist(), strict=True):
            if assigned[i] < 0 and room[j] > 0:
                assigned[i] = j
                room[j] -= 1
        if not (assigned < 0).any() or not room.any():
            break
    return assigned


def stable(problem, scores: np.ndarray) -> np.ndarray:
    """Gale–Shapley with capacities: mentees propose in order of score, mentors keep their
    best proposals up to capacity (both sides rank by the pair score)."""
    n_mentees, _ = scores.shape
    preferences = [
        row[np.isfinite(scores[i, row])] for i, row in enumerate(np.argsort(-scores, axis=1))
    ]
    next_choice = np.zeros(n_mentees, dtype=np.int64)
    held: dict[int, list] = {}
    free = list(range(n_mentees - 1, -1, -1))
    assigned = np.full(n_mentees, -1, dtype=np.int64)
    while free:
        i = free.pop()
        if next_choice[i] >= len(preferences[i]):
            continue
        j = int(preferences[i][next_choice[i]])
        next_choice[i] += 1
        heap = held.setdefault(j, [])
        heapq.heappush(heap, (float(scores[i, j]), -i))
        assigned[i] = j
        if len(heap) > problem.capacity[j]:
            _score, rejected = heapq.heappop(heap)
            assigned[-rejected] = -1
            free.append(-rejected)
    return assigned


def scores_of(scores: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    matched = np.nonzero(assigned >= 0)[0]
    return scores[matched, assigned[matched]].astype(np.float64)


# (mentees, mentors) when not given: a circle program has far fewer mentors per mentee
DEFAULT_SIZES = {"pair": (10_000, 5_000), "circle": (5_000, 1_000)}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--format", choices=sorted(DEFAULT_SIZES), default="pair")
    parser.add_argument("--mentees", type=int, help="10,000 for pairs, 5,000 for circles")
    parser.add_argument("--mentors", type=int, help="5,000 for pairs, 1,000 for circles")
    parser.add_argument("--per-mentee", type=int, default=40)
    parser.add_argument("--per-mentor", type=int, default=20)
    parser.add_argument("--exact", action="store_true", help="also solve the dense problem")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--min-mentees", type=int, default=3, help="circles: fewest mentees")
    parser.add_argument("--max-mentees", type=int, default=6, help="circles: most mentees")
    parser.add_argument("--circle-mentors", type=int, default=1, help="circles: mentors each")
    parser.add_argument("--circles-per-mentor", type=int, default=1)
    options = parser.parse_args(argv)
    mentees, mentors = DEFAULT_SIZES[options.format]
    options.mentees = options.mentees or mentees
    options.mentors = options.mentors or mentors
    if options.format == "circle":
        return circles(options)
    return pairs(options)


def circles(options) -> dict:
    problem = organization(options.mentees, options.mentors)
    problem.capacity = np.full(options.mentors, options.circles_per_mentor)
    started = time.perf_counter()
    plan = form_circles(
        problem,
        min_mentees=options.min_mentees,
        max_mentees=options.max_mentees,
        mentors_per_circle=options.circle_mentors,
    )
    seconds = time.perf_counter() - started
    placed = sum(len(circle.mentees) for circle in plan.circles)
    figures = {
        "format": "circle",
        "mentees": options.mentees,
        "mentors": options.mentors,
        "seconds": round(seconds, 2),
        "peak_mib": round(peak_mib(), 1),
        "placed": placed,
        "placed_share": round(placed / max(options.mentees, 1), 4),
        "circles": len(plan.circles),
        "average_size": round(placed / max(len(plan.circles), 1), 2),
        "score": round(sum(circle.score for circle in plan.circles), 1),
        "unmatched": dict(sorted(Counter(map(str, plan.unmatched.values())).items())),
    }
    # A loose bound: every mentee with their best eligible mentors, no circles, no capacity.
    k = options.circle_mentors
    best = -np.partition(-dense_scores(problem), k - 1, axis=1)[:, :k]
    bound = float(np.where(np.isfinite(best), best, 0).sum())
    figures["score_to_bound"] = round(figures["score"] / bound, 4) if bound > 0 else None
    print(
        f"circles: {figures['seconds']} s, peak {figures['peak_mib']} MiB, "
        f"placed {placed:,} of {options.mentees:,} ({figures['placed_share']:.1%}) "
        f"in {len(plan.circles):,} circles of {figures['average_size']} on average",
        flush=True,
    )
    for reason, count in figures["unmatched"].items():
        print(f"  not placed, {reason}: {count:,}", flush=True)
    if bound > 0:
        print(
            f"  score {figures['score']:,.0f}, {figures['score_to_bound']:.1%} of the bound "
            "(each mentee with their best mentors, no circles, no capacity)",
            flush=True,
        )
    print(json.dumps(figures))
    return figures


def pairs(options) -> dict:
    problem = organization(options.mentees, options.mentors)
    started = time.perf_counter()
    assigned, edges = match(problem, options.per_mentee, options.per_mentor)
    seconds = time.perf_counter() - started
    peak = peak_mib()
    ours = assigned_scores(edges, assigned, len(problem.mentors))
    figures = {
        "mentees": options.mentees,
        "mentors": options.mentors,
        "candidate_edges": len(edges),
        "seconds": round(seconds, 2),
        "peak_mib": round(peak, 1),
        "matched": int((assigned >= 0).sum()),
        "score": round(float(ours.sum()), 1),
        "objective": round(objective(ours), 1),
    }
    print(
        f"solver: {figures['seconds']} s, peak {figures['peak_mib']} MiB, "
        f"{len(edges):,} candidate pairs, matched {figures['matched']:,} of {options.mentees:,}, "
        f"objective {figures['objective']:,.0f}",
        flush=True,
    )
    optimum = figures["objective"]
    if options.exact:
        started = time.perf_counter()
        dense = candidate_edges(problem, per_mentee=None)
        exact = solve(len(problem.mentees), problem.capacity, dense)
        exact_scores = assigned_scores(dense, exact, len(problem.mentors))
        optimum = objective(exact_scores)
        figures.update(
            exact_seconds=round(time.perf_counter() - started, 2),
            exact_edges=len(dense),
            exact_matched=int((exact >= 0).sum()),
            exact_objective=round(optimum, 1),
            solver_ratio=round(figures["objective"] / optimum, 5),
        )
        del dense
        print(
            f"exact:  {figures['exact_seconds']} s over {figures['exact_edges']:,} pairs, "
            f"matched {figures['exact_matched']:,}, objective {optimum:,.0f}; "
            f"solver reaches {figures['solver_ratio']:.2%} of it",
            flush=True,
        )
    if not options.no_baselines:
        scores = dense_scores(problem)
        for name, method in (("greedy", greedy), ("stable", stable)):
            started = time.perf_counter()
            result = method(problem, scores)
            elapsed = time.perf_counter() - started
            value = objective(scores_of(scores, result))
            figures[f"{name}_seconds"] = round(elapsed, 2)
            figures[f"{name}_matched"] = int((result >= 0).sum())
            figures[f"{name}_ratio"] = round(value / optimum, 5)
            print(
                f"{name}: {elapsed:.2f} s, matched {figures[f'{name}_matched']:,}, "
                f"{figures[f'{name}_ratio']:.2%} of the optimum",
                flush=True,
            )
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()

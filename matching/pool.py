"""Load a program's matching pool from the database into the scorer's arrays (bulk
queries only: the number of queries does not grow with the cohort)."""

from __future__ import annotations

import hashlib
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time

import numpy as np
from django.db.models import Count, Prefetch, Q

from mentoring.people.models import Profile
from programs.models import (
    CrossFunctional,
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Program,
)

from .models import OPEN_MENTORSHIP, OPEN_STATUSES, Mentorship
from .scoring import Criterion, Problem, Side, Weight

CROSS_FUNCTIONAL_WEIGHT: dict[str, Weight] = {
    CrossFunctional.REQUIRED: Weight.MUST,
    CrossFunctional.PREFERRED: Weight.HIGH,
    CrossFunctional.OFF: Weight.OFF,
}


def default_weights(program: Program) -> dict[Criterion, Weight]:
    return {
        Criterion.FOCUS_SKILLS: Weight.HIGH,
        Criterion.CROSS_FUNCTIONAL: CROSS_FUNCTIONAL_WEIGHT[program.cross_functional],
        Criterion.SENIORITY: Weight.MEDIUM if program.min_seniority_gap else Weight.LOW,
        Criterion.TIME_ZONE: Weight.MEDIUM,
        Criterion.LANGUAGE: Weight.HIGH,
        Criterion.PREFERENCE: Weight.MEDIUM,
    }


def program_weights(program: Program, override: dict | None = None) -> dict[Criterion, Weight]:
    """The program's weights (stored, else defaults), with ``override`` on top. A required
    cross-functional setting is a hard rule that no weight can loosen."""
    weights = default_weights(program)
    for source in (program.match_weights or {}, override or {}):
        for key, value in source.items():
            weights[Criterion(key)] = Weight(value)
    if program.cross_functional == CrossFunctional.REQUIRED:
        weights[Criterion.CROSS_FUNCTIONAL] = Weight.MUST
    return weights


@dataclass
class Pool:
    program: Program
    mentees: list[Enrollment]
    mentors: list[Enrollment]
    problem: Problem
    skill_names: dict[int, str]
    languages: list[str]
    fingerprint: str
    # (mentee index, mentor index) of pairs in one reporting line, to name that rule.
    reporting_line: frozenset[tuple[int, int]] = frozenset()

    def mentee_index(self, enrollment_id: int) -> int:
        return next(i for i, e in enumerate(self.mentees) if e.pk == enrollment_id)

    def mentor_index(self, enrollment_id: int) -> int:
        return next(j for j, e in enumerate(self.mentors) if e.pk == enrollment_id)


def program_fingerprint(program: Program) -> str:
    """Changes whenever an enrolment or a pair of the program changes."""
    digest = hashlib.sha256()
    for row in (
        Enrollment.objects.filter(program=program)
        .order_by("pk")
        .values_list("pk", "status", "role", "capacity", "updated_at")
    ):
        digest.update(repr(row).encode())
    for pair in (
        Mentorship.objects.filter(program=program)
        .order_by("pk")
        .values_list("pk", "status", "updated_at")
    ):
        digest.update(repr(pair).encode())
    return digest.hexdigest()


def _utc_offset(time_zone: str, on) -> float:
    moment = datetime.combine(on, time(12), tzinfo=zoneinfo.ZoneInfo(time_zone))
    return moment.utcoffset().total_seconds() / 3600  # type: ignore[union-attr]  # a zone has one


def _bits(indices: list[list[int]], width: int) -> np.ndarray:
    words = np.zeros((len(indices), max(1, -(-width // 64))), dtype=np.uint64)
    for row, bits in enumerate(indices):
        for bit in bits:
            words[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return words


def _side(enrollments, skill_bit, language_bit, on) -> Side:
    people = [e.person for e in enrollments]
    return Side(
        person=np.array([p.pk for p in people], dtype=np.int64),
        department=np.array([p.department_id or -1 for p in people], dtype=np.int64),
        rank=np.array([p.seniority.rank if p.seniority else -1 for p in people], dtype=np.int16),
        utc_offset=np.array([_utc_offset(p.time_zone, on) for p in people], dtype=np.float32),
        languages=_bits(
            [[language_bit[c] for c in p.languages] for p in people], len(language_bit)
        ),
        skills=_bits(
            [[skill_bit[link.skill_id] for link in e.skill_links.all()] for e in enrollments],
            len(skill_bit),
        ),
    )


def load_pool(program: Program, weights: dict[Criterion, Weight], only_mentee_ids=None) -> Pool:
    """Approved mentees without a pair, approved mentors with free places, and the rules."""
    base = (
        Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPROVED)
        .select_related("person__seniority")
        .prefetch_related(Prefetch("skill_links", EnrollmentSkill.objects.select_related("skill")))
        .order_by("pk")
    )
    waiting = base.filter(role=EnrollmentRole.MENTEE).exclude(
        pk__in=Mentorship.objects.filter(OPEN_MENTORSHIP, program=program).values("mentee_id")
    )
    if only_mentee_ids is not None:
        waiting = waiting.filter(pk__in=only_mentee_ids)
    mentees = list(waiting)
    mentors = list(
        base.filter(role=EnrollmentRole.MENTOR).annotate(
            taken=Count("as_mentor", filter=Q(as_mentor__status__in=OPEN_STATUSES))
        )
    )
    every = mentees + mentors
    skill_ids = sorted({link.skill_id for e in every for link in e.skill_links.all()})
    skill_bit = {skill_id: bit for bit, skill_id in enumerate(skill_ids)}
    skill_names = {
        skill_bit[link.skill_id]: link.skill.name for e in every for link in e.skill_links.all()
    }
    languages = sorted({code for e in every for code in e.person.languages})
    language_bit = {code: bit for bit, code in enumerate(languages)}
    on = program.starts_on
    mentor_at = {e.person_id: j for j, e in enumerate(mentors)}
    managers = dict(Profile.objects.values_list("pk", "manager_id"))
    excluded, reporting = [], []
    for i, mentee in enumerate(mentees):
        seen, boss = set(), managers.get(mentee.person_id)
        while boss is not None and boss not in seen:
            seen.add(boss)
            if boss in mentor_at:
                excluded.append((i, mentor_at[boss]))
                reporting.append((i, mentor_at[boss]))
            boss = managers.get(boss)
    mentee_at = {e.person_id: i for i, e in enumerate(mentees)}
    earlier = Mentorship.objects.exclude(OPEN_MENTORSHIP, program=program).values_list(
        "mentee__person_id", "mentor__person_id"
    )
    for mentee_person, mentor_person in earlier:
        if mentee_person in mentee_at and mentor_person in mentor_at:
            excluded.append((mentee_at[mentee_person], mentor_at[mentor_person]))
    preferred = [
        (i, mentor_at[person])
        for i, mentee in enumerate(mentees)
        for person in mentee.preferred_mentors
        if person in mentor_at
    ]
    problem = Problem(
        mentees=_side(mentees, skill_bit, language_bit, on),
        mentors=_side(mentors, skill_bit, language_bit, on),
        capacity=np.array([max(0, (e.capacity or 0) - e.taken) for e in mentors], dtype=np.int64),
        weights=weights,
        min_seniority_gap=program.min_seniority_gap,
        excluded_pairs=np.array(sorted(set(excluded)), dtype=np.int64).reshape(-1, 2),
        preferred_pairs=np.array(sorted(set(preferred)), dtype=np.int64).reshape(-1, 2),
    )
    return Pool(
        program,
        mentees,
        mentors,  # type: ignore[arg-type]  # Enrollments, annotated with their places taken
        problem,
        skill_names,
        languages,
        program_fingerprint(program),
        reporting_line=frozenset(reporting),
    )

"""Load a program's matching pool from the database into the scorer's arrays (bulk
queries only: the number of queries does not grow with the cohort)."""

from __future__ import annotations

import hashlib
import zoneinfo
from collections.abc import Sequence
from datetime import datetime, time
from functools import cached_property, lru_cache
from typing import overload

import numpy as np
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from mentoring.people.models import Profile
from programs.models import (
    CrossFunctional,
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Program,
    ProgramFormat,
    TrainingCompletion,
)

from .models import OPEN_MENTORSHIP, OPEN_STATUSES, Mentorship, MentorshipMember
from .scoring import Criterion, Problem, Progress, Seniority, Side, Weight

LOADING = "Loading people"

CROSS_FUNCTIONAL_WEIGHT: dict[str, Weight] = {
    CrossFunctional.REQUIRED: Weight.MUST,
    CrossFunctional.PREFERRED: Weight.HIGH,
    CrossFunctional.OFF: Weight.OFF,
}


# Which way a mentor's level lies from their mentee's, per program format.
SENIORITY_DIRECTION: dict[str, Seniority] = {
    ProgramFormat.ONE_TO_ONE: Seniority.ABOVE,
    ProgramFormat.CIRCLE: Seniority.ABOVE,
    ProgramFormat.PEER: Seniority.CLOSE,
    ProgramFormat.REVERSE: Seniority.BELOW,
}


def seniority_direction(program: Program) -> Seniority:
    return SENIORITY_DIRECTION[program.format]


def default_weights(program: Program) -> dict[Criterion, Weight]:
    """The weights a program starts from: peer pairs must be close in seniority and
    reverse mentors must be less senior (the point of those formats); one-to-one and circle
    mentors are preferably more senior."""
    if program.format in (ProgramFormat.PEER, ProgramFormat.REVERSE):
        seniority = Weight.MUST
    else:
        seniority = Weight.MEDIUM if program.min_seniority_gap else Weight.LOW
    return {
        Criterion.FOCUS_SKILLS: Weight.HIGH,
        Criterion.CROSS_FUNCTIONAL: CROSS_FUNCTIONAL_WEIGHT[program.cross_functional],
        Criterion.SENIORITY: seniority,
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


class _LazyEnrollments(Sequence):
    """The pool's enrolments as objects, in pool order, loaded in one query on first use:
    scoring and the draft need only ids and arrays, a few callers want the objects."""

    def __init__(self, ids: list[int]):
        self.ids = ids
        self._loaded: list[Enrollment] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def _objects(self) -> list[Enrollment]:
        if self._loaded is None:
            found = (
                Enrollment.objects.select_related("person__seniority")
                .prefetch_related(
                    Prefetch("skill_links", EnrollmentSkill.objects.select_related("skill"))
                )
                .in_bulk(self.ids)
            )
            self._loaded = [found[pk] for pk in self.ids]
        return self._loaded

    @overload
    def __getitem__(self, index: int) -> Enrollment: ...
    @overload
    def __getitem__(self, index: slice) -> list[Enrollment]: ...
    def __getitem__(self, index):
        return self._objects()[index]


class Pool:
    """A program's matching pool: the scorer's arrays, and the enrolment id and person of
    each row (``mentees`` / ``mentors`` give the objects, loaded when first read)."""

    def __init__(
        self,
        program: Program,
        mentee_ids: list[int],
        mentor_ids: list[int],
        problem: Problem,
        skill_names: dict[int, str],
        languages: list[str],
        fingerprint: str,
        reporting_line: frozenset[tuple[int, int]] = frozenset(),
        mentee_above: frozenset[tuple[int, int]] = frozenset(),
        untrained: dict[int, tuple[int, int]] | None = None,
        skill_ids: dict[int, int] | None = None,
    ):
        self.program = program
        self.mentee_ids, self.mentor_ids = mentee_ids, mentor_ids
        self.mentees = _LazyEnrollments(mentee_ids)
        self.mentors = _LazyEnrollments(mentor_ids)
        self.problem = problem
        self.skill_names = skill_names
        self.skill_ids = skill_ids or {}  # skill bit -> Skill id
        self.languages = languages
        self.fingerprint = fingerprint
        # (mentee index, mentor index) of pairs in one reporting line, to name that rule;
        # ``mentee_above``: those of them where the mentee is the one higher in the line.
        self.reporting_line = reporting_line
        self.mentee_above = mentee_above
        # Mentors left out because the program's training is not finished:
        # enrolment id -> (modules finished, modules in the path).
        self.untrained = untrained or {}
        self._mentee_at = {pk: i for i, pk in enumerate(mentee_ids)}
        self._mentor_at = {pk: j for j, pk in enumerate(mentor_ids)}

    @cached_property
    def preferred(self) -> frozenset[tuple[int, int]]:
        """The (mentee index, mentor index) pairs the mentees asked for, as a set."""
        return frozenset(map(tuple, self.problem.preferred_pairs.tolist()))

    @cached_property
    def excluded(self) -> frozenset[tuple[int, int]]:
        return frozenset(map(tuple, self.problem.excluded_pairs.tolist()))

    def mentee_index(self, enrollment_id: int) -> int:
        """The row of an enrolment; StopIteration when it is not in the pool."""
        if enrollment_id not in self._mentee_at:
            raise StopIteration(enrollment_id)
        return self._mentee_at[enrollment_id]

    def mentor_index(self, enrollment_id: int) -> int:
        if enrollment_id not in self._mentor_at:
            raise StopIteration(enrollment_id)
        return self._mentor_at[enrollment_id]


def program_fingerprint(program: Program) -> str:
    """Changes whenever an enrolment or a mentorship of the program changes, or (circle
    programs) who belongs to one of its circles: a pair's members follow its mentor and
    mentee, so pairs need no third query."""
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
    if program.is_circle:
        for member in (
            MentorshipMember.objects.filter(mentorship__program=program)
            .order_by("pk")
            .values_list("pk", "mentorship_id", "enrollment_id", "role")
        ):
            digest.update(repr(member).encode())
    return digest.hexdigest()


@lru_cache(maxsize=1024)
def _utc_offset(time_zone: str, on) -> float:
    moment = datetime.combine(on, time(12), tzinfo=zoneinfo.ZoneInfo(time_zone))
    return moment.utcoffset().total_seconds() / 3600  # type: ignore[union-attr]  # a zone has one


def _bits(indices: list[list[int]], width: int) -> np.ndarray:
    words = np.zeros((len(indices), max(1, -(-width // 64))), dtype=np.uint64)
    for row, bits in enumerate(indices):
        for bit in bits:
            words[row, bit // 64] |= np.uint64(1) << np.uint64(bit % 64)
    return words


# The person's fields the scorer reads, fetched as plain values (no model instances).
PERSON_FIELDS = (
    "pk",
    "person_id",
    "person__department_id",
    "person__seniority__rank",
    "person__time_zone",
    "person__languages",
)


def _side(rows: list, skills: list[list[int]], n_skills: int, language_bit, on) -> Side:
    """``rows``: the PERSON_FIELDS of each enrolment; ``skills``: the bits of its skills."""
    return Side(
        person=np.array([row.person_id for row in rows], dtype=np.int64),
        department=np.array(
            [
                -1 if row.person__department_id is None else row.person__department_id
                for row in rows
            ],
            dtype=np.int64,
        ),
        rank=np.array(
            [
                -1 if row.person__seniority__rank is None else row.person__seniority__rank
                for row in rows
            ],
            dtype=np.int16,
        ),
        utc_offset=np.array(
            [_utc_offset(row.person__time_zone, on) for row in rows], dtype=np.float32
        ),
        languages=_bits(
            [[language_bit[code] for code in row.person__languages] for row in rows],
            len(language_bit),
        ),
        skills=_bits(skills, n_skills),
    )


def _untrained_mentors(program: Program, mentors: list) -> dict[int, tuple[int, int]]:
    """Mentors of a program that requires training who have not finished every module:
    enrolment id -> (finished, total). No query when the program requires none."""
    if not program.requires_training:
        return {}
    total = program.training_modules.count()
    finished = dict(
        TrainingCompletion.objects.filter(module__program=program)
        .values("person_id")
        .annotate(done=Count("pk"))
        .values_list("person_id", "done")
    )
    return {
        row.pk: (finished.get(row.person_id, 0), total)
        for row in mentors
        if finished.get(row.person_id, 0) < total
    }


def _reporting_line(people: list, bosses_at: dict, managers: dict, pair) -> set:
    """``pair(k, index)`` for each of ``people`` (at k) whose chain of managers, up to the
    top, holds someone of the other side (at ``bosses_at[person]``)."""
    found = set()
    for k, row in enumerate(people):
        seen, boss = set(), managers.get(row.person_id)
        while boss is not None and boss not in seen:
            seen.add(boss)
            if boss in bosses_at:
                found.add(pair(k, bosses_at[boss]))
            boss = managers.get(boss)
    return found


def _earlier_pairs(program: Program):
    """(mentee person, mentor person) of every pairing outside the program's open ones.
    A circle program reads members, so that everyone who sat in a circle together counts."""
    if not program.is_circle:
        return Mentorship.objects.exclude(OPEN_MENTORSHIP, program=program).values_list(
            "mentee__person_id", "mentor__person_id"
        )
    sides: dict[int, tuple[list[int], list[int]]] = {}
    for mentorship_id, person_id, role in (
        MentorshipMember.objects.exclude(
            mentorship__status__in=OPEN_STATUSES, mentorship__program=program
        )
        .order_by()
        .values_list("mentorship_id", "person_id", "role")
    ):
        mentees, mentors = sides.setdefault(mentorship_id, ([], []))
        (mentees if role == EnrollmentRole.MENTEE else mentors).append(person_id)
    return [
        (mentee, mentor)
        for mentees, mentors in sides.values()
        for mentee in mentees
        for mentor in mentors
    ]


def load_pool(
    program: Program,
    weights: dict[Criterion, Weight],
    only_mentee_ids=None,
    progress: Progress | None = None,
) -> Pool:
    """Approved mentees without a pair, approved mentors with free places, and the rules,
    read as plain values in a fixed number of queries (no model instance per person)."""
    if progress:
        progress(0, 1, LOADING)
    # Members, not the mentee and mentor columns, so that every person of a circle counts
    # (a pair's two member rows follow its columns: the same answer for pairs).
    open_members = MentorshipMember.objects.filter(
        mentorship__program=program, mentorship__status__in=OPEN_STATUSES
    )
    waiting = Q(role=EnrollmentRole.MENTEE) & ~Q(
        pk__in=open_members.filter(role=EnrollmentRole.MENTEE).values("enrollment_id")
    )
    # places taken: open mentorships the mentor guides (a circle is one, however large)
    guided = (
        open_members.filter(role=EnrollmentRole.MENTOR, enrollment=OuterRef("pk"))
        .order_by()
        .values("enrollment")
        .annotate(total=Count("pk"))
        .values("total")
    )
    if only_mentee_ids is not None:
        waiting &= Q(pk__in=only_mentee_ids)
    rows = (
        Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPROVED)
        .filter(waiting | Q(role=EnrollmentRole.MENTOR))
        .annotate(taken=Coalesce(Subquery(guided, output_field=IntegerField()), 0))
        .order_by("pk")
        .values_list(*PERSON_FIELDS, "role", "preferred_mentors", "capacity", "taken", named=True)
    )
    mentees: list = []
    mentors: list = []
    for row in rows:  # one query for both sides, each in the order of its ids
        (mentees if row.role == EnrollmentRole.MENTEE else mentors).append(row)
    untrained = _untrained_mentors(program, mentors)
    mentors = [row for row in mentors if row.pk not in untrained]
    links: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for enrollment_id, skill_id, name in EnrollmentSkill.objects.filter(
        enrollment__program=program, enrollment__status=EnrollmentStatus.APPROVED
    ).values_list("enrollment_id", "skill_id", "skill__name"):
        links.setdefault(enrollment_id, []).append(skill_id)
        names[skill_id] = name
    every = mentees + mentors
    skill_ids = sorted({skill_id for row in every for skill_id in links.get(row.pk, ())})
    skill_bit = {skill_id: bit for bit, skill_id in enumerate(skill_ids)}
    skill_names = {skill_bit[skill_id]: names[skill_id] for skill_id in skill_ids}
    languages = sorted({code for row in every for code in row.person__languages})
    language_bit = {code: bit for bit, code in enumerate(languages)}
    on = program.starts_on
    mentor_at = {row.person_id: j for j, row in enumerate(mentors)}
    mentee_at = {row.person_id: i for i, row in enumerate(mentees)}
    managers = dict(Profile.objects.values_list("pk", "manager_id"))
    # One reporting line, either way up: nobody mentors their manager's manager nor their
    # own report (reverse mentoring puts the less senior person in the mentor's seat).
    mentor_below = _reporting_line(mentees, mentor_at, managers, lambda i, j: (i, j))
    mentee_above = _reporting_line(mentors, mentee_at, managers, lambda j, i: (i, j))
    reporting = mentor_below | mentee_above
    excluded = list(reporting)
    earlier = _earlier_pairs(program)
    for mentee_person, mentor_person in earlier:
        if mentee_person in mentee_at and mentor_person in mentor_at:
            excluded.append((mentee_at[mentee_person], mentor_at[mentor_person]))
    preferred = [
        (i, mentor_at[person])
        for i, mentee in enumerate(mentees)
        for person in mentee.preferred_mentors
        if person in mentor_at
    ]

    def skill_bits(rows):
        return [[skill_bit[skill_id] for skill_id in links.get(row.pk, ())] for row in rows]

    problem = Problem(
        mentees=_side(mentees, skill_bits(mentees), len(skill_bit), language_bit, on),
        mentors=_side(mentors, skill_bits(mentors), len(skill_bit), language_bit, on),
        capacity=np.array(
            [max(0, (row.capacity or 0) - row.taken) for row in mentors], dtype=np.int64
        ),
        weights=weights,
        min_seniority_gap=program.min_seniority_gap,
        seniority=seniority_direction(program),
        excluded_pairs=np.array(sorted(set(excluded)), dtype=np.int64).reshape(-1, 2),
        preferred_pairs=np.array(sorted(set(preferred)), dtype=np.int64).reshape(-1, 2),
    )
    pool = Pool(
        program,
        [row.pk for row in mentees],
        [row.pk for row in mentors],
        problem,
        skill_names,
        languages,
        program_fingerprint(program),
        reporting_line=frozenset(reporting),
        mentee_above=frozenset(mentee_above),
        untrained=untrained,
        skill_ids={bit: skill_id for skill_id, bit in skill_bit.items()},
    )
    if progress:
        progress(1, 1, LOADING)
    return pool

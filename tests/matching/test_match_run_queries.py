"""A match run at scale: its queries do not grow with the pool, it reports its progress
phase by phase, writes its draft in batches with every row in the audit log, and gives
exactly the draft a straightforward reference computes on a seeded random pool."""

import random
from datetime import date, timedelta

import numpy as np
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from hypothesis import given, settings

from matching import explain, services, solver
from matching.models import (
    OPEN_MENTORSHIP,
    MatchProposal,
    Mentorship,
    UnmatchedMentee,
    UnmatchedReason,
)
from matching.pool import load_pool, program_weights
from matching.scoring import Criterion, Problem, Side, Weight, pair_breakdown, pairs_breakdown
from matching.services import runs
from mentoring.audit.models import AuditEvent
from mentoring.people.models import Profile, SeniorityLevel
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership
from programs.models import (
    CrossFunctional,
    Enrollment,
    EnrollmentSkill,
    EnrollmentStatus,
    ProgramStatus,
    Skill,
)
from tests.builders.world import make_program
from tests.matching.test_solver import problems

# the pool (waiting mentees and mentors with their places taken, skills, managers, earlier
# pairs, the fingerprint's two), a savepoint, the old draft discarded, the actor, the run,
# one insert per batch of proposals (and one per batch of unmatched mentees, none here), the
# savepoint released
MATCH_RUN_QUERIES = 12
ZONES = ["Europe/London", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Asia/Tokyo"]
LANGUAGES = ["en", "de", "fr", "ja"]
PHASES = ["Loading people", "Scoring pairs", "Choosing pairs", "Writing the draft"]


def random_pool(org, *, mentees: int, mentors: int, seed: int = 7, **program_fields):
    """A program in matching with ``mentees`` and ``mentors`` new people whose departments,
    levels, zones, languages, skills, managers and wishes are drawn from ``seed``; some
    mentees are paired already, and some pairs met in an earlier program."""
    rng = random.Random(seed)
    organization = org.organization
    with activate(organization):
        program = make_program(org, status=ProgramStatus.MATCHING, skills=4, **program_fields)
        earlier_program = make_program(org, status=ProgramStatus.CLOSED)
        levels = [None, *SeniorityLevel.objects.order_by("rank")]
        skills = list(Skill.objects.order_by("name")[:6])
        total = mentees + mentors
        users = get_user_model().objects.bulk_create(
            get_user_model()(username=f"pool{seed}-{i}@{organization.slug}.example")
            for i in range(total)
        )
        Membership.objects.bulk_create(Membership(organization=organization, user=u) for u in users)
        people = Profile.objects.bulk_create(
            Profile(
                organization=organization,
                user=user,
                display_name=f"Pool person {i}",
                department=rng.choice([None, *org.departments]),
                seniority=rng.choice(levels),
                time_zone=rng.choice(ZONES),
                languages=rng.sample(LANGUAGES, rng.randrange(0, 3)),
            )
            for i, user in enumerate(users)
        )
        for person in people[:mentees]:
            if rng.random() < 0.3:
                person.manager = rng.choice(people[mentees:])
        Profile.objects.bulk_update(people[:mentees], ["manager"])
        enrolments = Enrollment.objects.bulk_create(
            Enrollment(
                organization=organization,
                program=program,
                person=person,
                role="mentee" if i < mentees else "mentor",
                status=EnrollmentStatus.APPROVED,
                capacity=None if i < mentees else rng.randrange(1, 4),
                preferred_mentors=rng.sample([p.pk for p in people[mentees:]], rng.randrange(0, 4))
                if i < mentees
                else [],
            )
            for i, person in enumerate(people)
        )
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=e, skill=s)
            for e in enrolments
            for s in rng.sample(skills, rng.randrange(0, 4))
        )
        start, end = date.today() - timedelta(days=400), date.today() - timedelta(days=40)
        earlier = Enrollment.objects.bulk_create(
            Enrollment(
                organization=organization,
                program=earlier_program,
                person=person,
                role="mentee" if i < mentees else "mentor",
                status=EnrollmentStatus.APPROVED,
                capacity=None if i < mentees else 3,
            )
            for i, person in enumerate(people)
        )
        Mentorship.objects.bulk_create(
            Mentorship(
                organization=organization,
                program=earlier_program,
                mentee=earlier[i],
                mentor=earlier[mentees + rng.randrange(mentors)],
                status="completed",
                started_on=start,
                ends_on=end,
            )
            for i in range(0, mentees, 3)
        )
        Mentorship.objects.bulk_create(  # already paired in this program
            Mentorship(
                organization=organization,
                program=program,
                mentee=enrolments[i],
                mentor=enrolments[mentees + i % mentors],
                started_on=program.starts_on,
                ends_on=program.ends_on,
            )
            for i in range(0, mentees, 10)
        )
        program.refresh_from_db()
    return program


def start(org, program, **kwargs):
    with activate(org.organization):
        return services.match_run_start(
            organization=org.organization, actor=org.manager, program=program, **kwargs
        )


def draft_of(org, run):
    with activate(org.organization):
        pairs = {
            p.mentee_id: (p.mentor_id, p.score, p.breakdown)
            for p in MatchProposal.objects.filter(run=run)
        }
        unmatched = dict(UnmatchedMentee.objects.filter(run=run).values_list("mentee", "reason"))
    return pairs, unmatched


# ------------------------------------------------------------------ queries and progress


def test_a_match_run_costs_the_same_queries_for_20_or_120_mentees(world, django_assert_num_queries):
    small = random_pool(world.acme, mentees=20, mentors=10, seed=1)
    large = random_pool(world.acme, mentees=120, mentors=60, seed=2)
    with django_assert_num_queries(MATCH_RUN_QUERIES):
        few = start(world.acme, small)
    with django_assert_num_queries(MATCH_RUN_QUERIES):
        many = start(world.acme, large)
    (few_pairs, few_unmatched), (many_pairs, many_unmatched) = (
        draft_of(world.acme, few),
        draft_of(world.acme, many),
    )
    assert len(few_pairs) < 20 < 100 < len(many_pairs) and not few_unmatched and not many_unmatched


def test_a_draft_bigger_than_a_batch_costs_one_more_insert_per_batch(
    world, django_assert_num_queries, monkeypatch
):
    program = random_pool(world.acme, mentees=120, mentors=60, seed=2)
    pairs_and_unmatched = 108  # every mentee not paired yet: one row of the draft each
    monkeypatch.setattr(runs, "DRAFT_BATCH", 50)
    with django_assert_num_queries(MATCH_RUN_QUERIES + 2):  # 3 batches of proposals, not 1
        run = start(world.acme, program)
    pairs, unmatched = draft_of(world.acme, run)
    assert len(pairs) + len(unmatched) == pairs_and_unmatched and len(pairs) > 100


def test_a_match_run_reports_each_phase_in_order_up_to_its_total(world):
    program = random_pool(world.acme, mentees=40, mentors=20)
    heard = []
    run = start(world.acme, program, progress=lambda *report: heard.append(report))
    assert [phase for phase in PHASES if any(p == phase for *_, p in heard)] == PHASES
    order = [PHASES.index(phase) for *_, phase in heard]
    assert order == sorted(order), "phases come one after the other"
    for phase in PHASES:
        reports = [(done, total) for done, total, p in heard if p == phase]
        assert reports[0][0] == 0 and reports[-1][0] == reports[-1][1]
        assert all(done <= total for done, total in reports)
        assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    pairs, unmatched = draft_of(world.acme, run)
    writing = [total for _, total, p in heard if p == "Writing the draft"]
    assert writing[-1] == len(pairs) + len(unmatched)
    scoring = [total for _, total, p in heard if p == "Scoring pairs"]
    assert scoring[-1] == 36  # every mentee without a pair yet


def test_every_row_of_the_draft_is_in_the_audit_log(world):
    program = random_pool(world.acme, mentees=30, mentors=15)
    run = start(world.acme, program)
    with activate(world.acme.organization):
        proposals = set(MatchProposal.objects.filter(run=run).values_list("pk", flat=True))
        logged = set(
            AuditEvent.objects.filter(
                target_type="matching.matchproposal", action="create"
            ).values_list("target_id", flat=True)
        )
    assert proposals and {str(pk) for pk in proposals} <= logged


def test_the_draft_holds_only_the_programs_own_people(world):
    ours = random_pool(world.acme, mentees=20, mentors=10, seed=3)
    theirs = random_pool(world.globex, mentees=20, mentors=10, seed=3)
    pairs, unmatched = draft_of(world.acme, start(world.acme, ours))
    with activate(world.globex.organization):
        foreign = set(Enrollment.objects.filter(program=theirs).values_list("pk", flat=True))
    used = {*pairs, *unmatched, *(mentor for mentor, _, _ in pairs.values())}
    assert used and not used & foreign
    with activate(world.acme.organization), pytest.raises(ValidationError):
        services.match_run_start(
            organization=world.acme.organization, actor=world.acme.manager, program=theirs
        )


# ------------------------------------------------------------------ checking before queueing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"charisma": "high"}, "“charisma” is not a matching criterion"),
        ({"language": "very"}, "“very” is not a weight for language"),
        (dict.fromkeys(Criterion, "off"), "Every criterion is off"),
        ("high", "must map each criterion"),
    ],
)
def test_bad_weights_are_refused_with_a_clear_message_before_any_work(
    world, data, message, django_assert_num_queries
):
    program = make_program(world.acme, status=ProgramStatus.MATCHING)
    with django_assert_num_queries(0), pytest.raises(ValidationError, match=message):
        services.match_run_weights(program, data)


def test_weights_that_make_sense_come_back_as_the_run_will_use_them(world):
    program = make_program(
        world.acme, status=ProgramStatus.MATCHING, cross_functional=CrossFunctional.REQUIRED
    )
    weights = services.match_run_weights(program, {"language": "low", "cross_functional": "off"})
    assert weights[Criterion.LANGUAGE] is Weight.LOW
    assert weights[Criterion.CROSS_FUNCTIONAL] is Weight.MUST  # a rule no weight loosens
    enrolling = make_program(world.acme, status=ProgramStatus.ENROLLING)
    with pytest.raises(ValidationError, match="move it to Matching first"):
        services.match_run_weights(enrolling, {})


# ------------------------------------------------------------------ same draft as a reference


def reference_problem(program, weights) -> Problem:
    """The pool the plain way: one object per enrolment, one list per feature."""
    approved = (
        Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPROVED)
        .select_related("person__seniority")
        .prefetch_related("skill_links")
        .order_by("pk")
    )
    paired = set(
        Mentorship.objects.filter(OPEN_MENTORSHIP, program=program).values_list("mentee", flat=True)
    )
    mentees = [e for e in approved if e.role == "mentee" and e.pk not in paired]
    mentors = [e for e in approved if e.role == "mentor"]
    skill_ids = sorted({link.skill_id for e in mentees + mentors for link in e.skill_links.all()})
    codes = sorted({code for e in mentees + mentors for code in e.person.languages})

    def side(enrolments):
        from matching.pool import _utc_offset

        return Side(
            person=np.array([e.person_id for e in enrolments], np.int64),
            department=np.array([e.person.department_id or -1 for e in enrolments], np.int64),
            rank=np.array(
                [e.person.seniority.rank if e.person.seniority else -1 for e in enrolments],
                np.int16,
            ),
            utc_offset=np.array(
                [_utc_offset(e.person.time_zone, program.starts_on) for e in enrolments],
                np.float32,
            ),
            languages=np.array(
                [[sum(1 << codes.index(c) for c in e.person.languages)] for e in enrolments],
                np.uint64,
            ),
            skills=np.array(
                [
                    [sum(1 << skill_ids.index(link.skill_id) for link in e.skill_links.all())]
                    for e in enrolments
                ],
                np.uint64,
            ),
        )

    open_pairs = Mentorship.objects.filter(OPEN_MENTORSHIP, program=program)
    taken = {mentor: open_pairs.filter(mentor=mentor).count() for mentor in mentors}
    managers = dict(Profile.objects.values_list("pk", "manager_id"))
    mentor_of_person = {e.person_id: j for j, e in enumerate(mentors)}
    excluded, preferred = set(), set()
    for i, mentee in enumerate(mentees):
        boss, seen = managers[mentee.person_id], set()
        while boss is not None and boss not in seen:  # the reporting line, upwards
            seen.add(boss)
            if boss in mentor_of_person:
                excluded.add((i, mentor_of_person[boss]))
            boss = managers[boss]
        for person in mentee.preferred_mentors:
            if person in mentor_of_person:
                preferred.add((i, mentor_of_person[person]))
        for before in Mentorship.objects.exclude(OPEN_MENTORSHIP, program=program).filter(
            mentee__person=mentee.person_id
        ):
            if before.mentor.person_id in mentor_of_person:
                excluded.add((i, mentor_of_person[before.mentor.person_id]))
    return Problem(
        mentees=side(mentees),
        mentors=side(mentors),
        capacity=np.array([max(0, m.capacity - taken[m]) for m in mentors], np.int64),
        weights=weights,
        min_seniority_gap=program.min_seniority_gap,
        excluded_pairs=np.array(sorted(excluded), np.int64).reshape(-1, 2),
        preferred_pairs=np.array(sorted(preferred), np.int64).reshape(-1, 2),
    )


def reference_edges(problem, per_mentee=40, per_mentor=20) -> solver.Edges:
    """Each mentee's and each mentor's best eligible pairs by sorting every pair."""
    score, eligible = problem_scores(problem)

    def rank(i, j):
        return (-score[i, j], int(solver.tie_break(np.array([i]), np.array([j]))[0]))

    chosen = set()
    for i in range(score.shape[0]):
        row = sorted((j for j in range(score.shape[1]) if eligible[i, j]), key=lambda j: rank(i, j))
        chosen |= {(i, j) for j in row[:per_mentee]}
    for j in range(score.shape[1]):
        column = sorted(
            (i for i in range(score.shape[0]) if eligible[i, j]), key=lambda i: rank(i, j)
        )
        chosen |= {(i, j) for i in column[:per_mentor]}
    pairs = sorted(chosen)
    return solver.Edges(
        np.array([i for i, _ in pairs], np.int64),
        np.array([j for _, j in pairs], np.int64),
        np.array([score[i, j] for i, j in pairs], np.float32),
    )


def problem_scores(problem):
    from matching.scoring import score_block

    return score_block(problem, np.arange(len(problem.mentees)))


def reference_assignment(problem):
    edges = reference_edges(problem)
    assigned = solver.solve(len(problem.mentees), problem.capacity, edges)
    room = problem.capacity - np.bincount(assigned[assigned >= 0], minlength=len(problem.capacity))
    left = np.nonzero(assigned < 0)[0]
    score, eligible = problem_scores(problem)
    if len(left) and room.any():  # a second chance over every eligible pair with room
        pairs = [(i, j) for i in left for j in np.nonzero(eligible[i] & (room > 0))[0]]
        extra = solver.Edges(
            np.array([i for i, _ in pairs], np.int64),
            np.array([j for _, j in pairs], np.int64),
            np.array([score[i, j] for i, j in pairs], np.float32),
        )
        second = solver.solve(len(problem.mentees), room, extra)
        assigned[second >= 0] = second[second >= 0]
    has_candidate = {int(i) for i in edges.mentee} | {
        int(i) for i in left if (eligible[i] & (room > 0)).any()
    }
    return assigned, score, has_candidate


@pytest.mark.parametrize(
    ("seed", "cross_functional", "override"),
    [
        (11, CrossFunctional.PREFERRED, {}),
        (12, CrossFunctional.REQUIRED, {"time_zone": "must", "seniority": "low"}),
        (13, CrossFunctional.OFF, {"focus_skills": "must", "preference": "high"}),
    ],
)
def test_a_seeded_random_pool_gets_exactly_the_reference_draft(
    world, monkeypatch, seed, cross_functional, override
):
    org = world.acme
    program = random_pool(
        org, mentees=120, mentors=50, seed=seed, cross_functional=cross_functional
    )
    # small blocks: many blocks, on two threads, must not change a thing
    monkeypatch.setattr(solver, "BLOCK_PAIRS", 1_000)
    pairs, unmatched = draft_of(org, start(org, program, weights=override))
    with activate(org.organization):
        weights = program_weights(program, override)
        problem = reference_problem(program, weights)
        pool = load_pool(program, weights)
        mentee_ids = [e.pk for e in pool.mentees]
        mentor_ids = [e.pk for e in pool.mentors]
    for name in ("mentees", "mentors"):
        for feature in ("person", "department", "rank", "utc_offset", "languages", "skills"):
            expected, found = getattr(getattr(problem, name), feature), getattr(pool.problem, name)
            assert np.array_equal(expected, getattr(found, feature)), (name, feature)
    for feature in ("capacity", "excluded_pairs", "preferred_pairs"):
        assert np.array_equal(getattr(problem, feature), getattr(pool.problem, feature)), feature
    assigned, score, has_candidate = reference_assignment(problem)
    expected = {
        mentee_ids[i]: (
            mentor_ids[assigned[i]],
            float(score[i, assigned[i]]),
            explain.breakdown(pool, int(i), int(assigned[i])),  # one pair at a time
        )
        for i in np.nonzero(assigned >= 0)[0]
    }
    assert pairs == expected
    assert unmatched == {
        mentee_ids[i]: UnmatchedReason.CAPACITY_EXHAUSTED
        if i in has_candidate
        else UnmatchedReason.NO_ELIGIBLE_MENTOR
        for i in np.nonzero(assigned < 0)[0]
    }
    assert len(pairs) > 30 and any(b["points"] for p in pairs.values() for b in p[2])


# ------------------------------------------------------------------ the pure parts


@settings(max_examples=60, deadline=None)
@given(problems())
def test_the_candidate_graph_does_not_depend_on_the_block_size(problem):
    expected = reference_edges(problem, per_mentee=2, per_mentor=1)
    for block_pairs in (1, 7, 4_000_000):
        original = solver.BLOCK_PAIRS
        solver.BLOCK_PAIRS = block_pairs
        try:
            edges = solver.candidate_edges(problem, per_mentee=2, per_mentor=1)
        finally:
            solver.BLOCK_PAIRS = original
        for field in ("mentee", "mentor", "score"):
            assert np.array_equal(getattr(edges, field), getattr(expected, field)), field


@settings(max_examples=60, deadline=None)
@given(problems())
def test_breakdowns_of_many_pairs_at_once_equal_one_pair_at_a_time(problem):
    rng = np.random.default_rng(len(problem.mentees) * 10 + len(problem.mentors))
    mentees = rng.integers(0, len(problem.mentees), 300)
    mentors = rng.integers(0, len(problem.mentors), 300)
    criteria, points = pairs_breakdown(problem, mentees, mentors)
    for k, (i, j) in enumerate(zip(mentees, mentors, strict=True)):
        one = pair_breakdown(problem, int(i), int(j))
        assert [c for c, _ in one] == criteria
        assert [p for _, p in one] == [float(p) for p in points[k]]

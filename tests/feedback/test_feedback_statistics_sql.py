"""The feedback statistics read in one statement give exactly the figures the former
queries gave: the counts and average specificity per skill and kind and per program, the
same groups hidden by the one suppression rule, and the same recognition candidates in
the same order. The reference is the former reading, ``feedback_statistics`` and
``recognition_candidates``, kept in tests/feedback/reference.py."""

import random

import pytest

from feedback.models import Feedback, FeedbackKind
from feedback.selectors.statistics import (
    overview_programs,
    program_overviews,
)
from mentoring.tenancy import activate
from programs.models import Skill
from tests.builders.pair import running_pairs
from tests.feedback.reference import feedback_statistics, recognition_candidates


def given(org, pairs, rng: random.Random, *, pieces: int) -> None:
    """``pieces`` of feedback at random over the pairs: from mentor or mentee, on any
    skill, of either kind, of any specificity; some mentors giving many, most few."""
    organization = org.organization
    with activate(organization):
        skills = list(Skill.objects.order_by("pk"))
        # a pair's mentor is consistently specific or not; the first pair's always is
        specific = {m.pk: i == 0 or rng.random() < 0.5 for i, m in enumerate(pairs.mentorships)}
        rows = []
        for _ in range(pieces):
            mentorship = rng.choice(pairs.mentorships[: rng.choice([2, len(pairs.mentorships)])])
            mentor, mentee = mentorship.mentor.person, mentorship.mentee.person
            giver, receiver = (mentor, mentee) if rng.random() < 0.7 else (mentee, mentor)
            rows.append(
                Feedback(
                    organization=organization,
                    mentorship=mentorship,
                    giver=giver,
                    receiver=receiver,
                    skill=rng.choice(skills),
                    kind=rng.choice(FeedbackKind.values),
                    situation="In the meeting",
                    behaviour="You asked",
                    specificity=rng.choice([3, 4, 4] if specific[mentorship.pk] else [0, 1, 2, 4]),
                )
            )
        Feedback.objects.bulk_create(rows)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_one_statement_gives_every_feedback_figure_the_former_queries_gave(world, seed):
    rng = random.Random(seed)
    small = running_pairs(world.acme, 3)
    large = running_pairs(world.acme, 12)
    given(world.acme, small, rng, pieces=rng.choice([3, 8]))
    given(world.acme, large, rng, pieces=120)
    given(world.globex, running_pairs(world.globex, 6), rng, pieces=60)
    with activate(world.acme.organization):
        overviews = program_overviews(overview_programs())
        assert {o.program.pk for o in overviews} >= {small.program.pk, large.program.pk}
        for overview in overviews:
            assert overview.feedback == feedback_statistics(overview.program)
            assert overview.recognition == recognition_candidates(overview.program)
        rows = [row for o in overviews for row in o.feedback["by_skill_and_kind"]]
        assert any(row["hidden_because"] for row in rows), "the data holds hidden groups"
        assert any(row["count"] for row in rows), "and groups shown"
        assert any(o.recognition for o in overviews), "and a candidate for recognition"


def test_another_organizations_feedback_never_counts(world):
    rng = random.Random(5)
    ours = running_pairs(world.acme, 8)
    given(world.acme, ours, rng, pieces=40)
    with activate(world.acme.organization):
        (before,) = [o for o in program_overviews(overview_programs(ours.program.pk))]
    theirs = running_pairs(world.globex, 8)
    given(world.globex, theirs, rng, pieces=80)
    with activate(world.acme.organization):
        (after,) = program_overviews(overview_programs(ours.program.pk))
        assert (after.feedback, after.recognition) == (before.feedback, before.recognition)
        # asked about the other organization's program, the database finds nothing
        assert program_overviews([theirs.program])[0].feedback["count"] == 0
        assert program_overviews([theirs.program])[0].recognition == []


def test_the_feedback_statistics_cost_the_same_queries_for_few_or_many_pieces(
    world, django_assert_num_queries
):
    rng = random.Random(9)
    given(world.acme, running_pairs(world.acme, 3), rng, pieces=4)
    with (
        activate(world.acme.organization),
        django_assert_num_queries(3),
    ):  # programs, surveys, feedback
        program_overviews(overview_programs())
    given(world.acme, running_pairs(world.acme, 14), rng, pieces=200)
    with activate(world.acme.organization), django_assert_num_queries(3):
        program_overviews(overview_programs())

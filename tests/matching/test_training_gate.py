"""Trained mentors first: in a program that requires training, a run leaves out the mentors
who have not finished it, records why, and the draft shows them; a manual pair with such a
mentor is refused with the reason; once they finish, the next run includes them."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import services
from matching.models import LeftOutMentor, LeftOutReason, MatchProposal, MatchRun
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs import services as programs
from programs.models import Program, ProgramStatus
from tests.builders.clients import client_for
from tests.builders.cohort import enrol_mentor, make_cohort
from tests.builders.training import finish_modules, training_cohort
from tests.builders.world import join
from tests.matching.test_match_run_queries import MATCH_RUN_QUERIES

# A run's queries, the insert of the mentee left unmatched, the training's two reads (the
# path's length, who finished what) and the one insert of the mentors left out.
TRAINING_RUN_QUERIES = MATCH_RUN_QUERIES + 1 + 3


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def start(cohort) -> MatchRun:
    with activate(cohort.org.organization):
        return services.match_run_start(
            organization=cohort.org.organization, actor=cohort.org.manager, program=cohort.program
        )


def review_url(run) -> str:
    return reverse("admin:matching_matchrun_change", args=[run.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def name_of(org, user) -> str:
    with activate(org.organization):
        return Profile.objects.get(user=user).display_name


def left_out(org, run) -> dict[str, tuple[str, str]]:
    with activate(org.organization):
        return {
            row.mentor.person.display_name: (row.reason, row.detail)
            for row in LeftOutMentor.objects.filter(run=run).select_related("mentor__person")
        }


def mentors_in(org, run) -> set[str]:
    with activate(org.organization):
        return set(
            MatchProposal.objects.filter(run=run).values_list(
                "mentor__person__display_name", flat=True
            )
        )


@pytest.fixture
def half_trained(world):
    """mentor0 finished the training, mentor1 one module of four."""
    acme = world.acme
    cohort = training_cohort(acme)
    finish_modules(acme, acme.mentors[0], cohort.program)
    finish_modules(acme, acme.mentors[1], cohort.program, count=1)
    return cohort


def test_a_run_leaves_out_untrained_mentors_and_says_why_in_the_draft(manager, world, half_trained):
    acme = world.acme
    run = start(half_trained)
    trained, untrained = name_of(acme, acme.mentors[0]), name_of(acme, acme.mentors[1])
    assert mentors_in(acme, run) == {trained}
    assert left_out(acme, run) == {untrained: (LeftOutReason.UNTRAINED, "1 of 4 modules finished")}
    content = text(manager.get(review_url(run)))
    assert "Left out: 1 mentor has not finished the training" in content
    assert f"{untrained} (1 of 4 modules finished)" in content
    assert world.globex.sentinel not in content


def test_finishing_the_training_puts_a_mentor_back_in_the_next_run(world, half_trained):
    acme = world.acme
    start(half_trained)
    finish_modules(acme, acme.mentors[1], half_trained.program)
    run = start(half_trained)
    assert mentors_in(acme, run) == {name_of(acme, m) for m in acme.mentors}
    assert left_out(acme, run) == {}


def test_a_program_without_the_requirement_considers_every_mentor(manager, world):
    acme = world.acme
    cohort = make_cohort(acme)
    run = start(cohort)
    assert mentors_in(acme, run) == {name_of(acme, m) for m in acme.mentors}
    assert "Left out" not in text(manager.get(review_url(run)))


def test_when_no_mentor_has_finished_the_run_says_so(world):
    cohort = training_cohort(world.acme)
    with pytest.raises(ValidationError) as error:
        start(cohort)
    assert "has finished the mentor training yet: 2 are working through it" in str(error.value)
    with activate(world.acme.organization):
        assert not MatchRun.objects.filter(program=cohort.program).exists()


def test_a_manual_pair_with_an_untrained_mentor_is_refused_with_the_reason(
    manager, world, half_trained
):
    acme = world.acme
    run = start(half_trained)
    untrained = half_trained.enrollment(acme.mentors[1])
    with activate(acme.organization):
        unmatched = run.unmatched.get().mentee
    with activate(acme.organization), pytest.raises(ValidationError) as error:
        services.proposal_add_manual(
            organization=acme.organization,
            actor=acme.manager,
            run=run,
            mentee=unmatched,
            mentor=untrained,
            override_reason="They are great",
        )
    assert "has not finished the mentor training of this program (1 of 4 modules" in str(
        error.value
    )
    response = manager.post(
        review_url(run),
        {
            "action": "manual",
            "mentee": unmatched.pk,
            "mentor": untrained.pk,
            "override_reason": "Agreed",
        },
    )
    assert response.status_code == 200
    assert "they can be paired once they finish it" in text(response)
    assert mentors_in(acme, run) == {name_of(acme, acme.mentors[0])}


def add_untrained_mentor(org, program) -> None:
    """A new approved mentor of the program (in matching), who has not started the training."""
    newcomer = join(org, "newcomer@acme.example", "Nova Newcomer")
    with activate(org.organization):
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ENROLLING)
    program.status = ProgramStatus.ENROLLING
    enrollment = enrol_mentor(org, newcomer, program, capacity=1)
    program.status = ProgramStatus.MATCHING
    with activate(org.organization):
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.MATCHING)
        programs.enrollments_approve(
            organization=org.organization, actor=org.manager, enrollments=[enrollment]
        )
        Profile.objects.filter(user=newcomer).update(languages=["en"])


def test_a_run_costs_the_same_queries_however_many_mentors_are_left_out(world, half_trained):
    acme = world.acme
    with CaptureQueriesContext(connection) as one:
        first = start(half_trained)
    add_untrained_mentor(acme, half_trained.program)
    with CaptureQueriesContext(connection) as two:
        second = start(half_trained)
    assert len(left_out(acme, first)) == 1 and len(left_out(acme, second)) == 2
    assert len(one) == len(two) == TRAINING_RUN_QUERIES


def test_the_review_page_reads_its_left_out_mentors_in_one_query(manager, world, half_trained):
    def queries(run) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(review_url(run)).status_code == 200
        return len(captured)

    acme = world.acme
    one = queries(start(half_trained))
    add_untrained_mentor(acme, half_trained.program)
    run = start(half_trained)
    assert len(left_out(acme, run)) == 2
    assert queries(run) == one
    assert "Left out: 2 mentors have not finished the training" in text(
        manager.get(review_url(run))
    )

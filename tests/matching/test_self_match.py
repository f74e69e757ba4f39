import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from matching import services
from matching.models import MentorRequest, Mentorship, RequestStatus
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment, MatchingMode, ProgramStatus
from tests.builders.cohort import make_cohort
from tests.builders.world import build_world, join


def self_match_cohort(world, capacity=1):
    return make_cohort(
        world.acme,
        status=ProgramStatus.RUNNING,
        capacity=capacity,
        cross_functional=CrossFunctional.OFF,
        matching_mode=MatchingMode.SELF,
    )


def ask(cohort, mentee_user, mentor_user, message="I want to get better at running meetings."):
    with activate(cohort.org.organization):
        mentor = Enrollment.objects.get(program=cohort.program, person__user=mentor_user)
        return services.mentor_request_create(
            organization=cohort.org.organization,
            actor=mentee_user,
            program=cohort.program,
            mentor=mentor,
            message=message,
        )


def test_a_mentee_sees_ranked_mentors_with_reasons(world):
    cohort = self_match_cohort(world)
    with activate(world.acme.organization):
        mentee = cohort.enrollment(world.acme.mentees[0])
        suggestions = services.best_mentors(cohort.program, mentee)
    assert len(suggestions) == 2
    assert suggestions[0]["score"] >= suggestions[1]["score"]
    assert all(s["breakdown"] for s in suggestions)


def test_the_mentor_accepts_a_request_and_the_pair_exists(world):
    cohort = self_match_cohort(world)
    request = ask(cohort, world.acme.mentees[0], world.acme.mentors[0])
    with activate(world.acme.organization):
        services.mentor_request_answer(
            organization=world.acme.organization,
            actor=world.acme.mentors[0],
            request=request,
            accept=True,
        )
        assert Mentorship.objects.filter(mentee__person__user=world.acme.mentees[0]).exists()


def test_declining_needs_a_reason_and_only_the_mentor_answers(world):
    cohort = self_match_cohort(world)
    request = ask(cohort, world.acme.mentees[0], world.acme.mentors[0])
    org = world.acme.organization
    with activate(org):
        with pytest.raises(ValidationError, match="Only the requested mentor"):
            services.mentor_request_answer(
                organization=org, actor=world.acme.mentors[1], request=request, accept=True
            )
        with pytest.raises(ValidationError, match="reason"):
            services.mentor_request_answer(
                organization=org, actor=world.acme.mentors[0], request=request, accept=False
            )
        services.mentor_request_answer(
            organization=org,
            actor=world.acme.mentors[0],
            request=request,
            accept=False,
            reason="I am travelling all quarter",
        )
        request.refresh_from_db()
    assert request.status == RequestStatus.DECLINED


def test_asking_the_same_mentor_twice_or_in_a_managed_program_is_refused(world):
    cohort = self_match_cohort(world)
    ask(cohort, world.acme.mentees[0], world.acme.mentors[0])
    with pytest.raises(ValidationError, match="already asked"):
        ask(cohort, world.acme.mentees[0], world.acme.mentors[0])
    managed = make_cohort(world.globex, status=ProgramStatus.RUNNING)
    with pytest.raises(ValidationError, match="program managers match"):
        ask(managed, world.globex.mentees[0], world.globex.mentors[0])


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_racing_for_the_last_place_let_exactly_one_win():
    world = build_world()
    cohort = self_match_cohort(world, capacity=1)
    requests = [
        ask(cohort, world.acme.mentees[0], world.acme.mentors[0]),
        ask(cohort, world.acme.mentees[1], world.acme.mentors[0]),
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def accept(request):
        try:
            with activate(world.acme.organization):
                barrier.wait(timeout=10)
                services.mentor_request_answer(
                    organization=world.acme.organization,
                    actor=world.acme.mentors[0],
                    request=request,
                    accept=True,
                )
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["You have no free place left in this program.", "accepted"]
    with activate(world.acme.organization):
        assert Mentorship.objects.filter(mentor__person__user=world.acme.mentors[0]).count() == 1
        assert MentorRequest.objects.filter(status=RequestStatus.ACCEPTED).count() == 1


def test_a_new_member_of_a_running_onboarding_program_gets_a_mentor_at_once(world):
    from matching.models import MatchProposal

    make_cohort(
        world.acme,
        status=ProgramStatus.RUNNING,
        is_onboarding=True,
        cross_functional=CrossFunctional.OFF,
        onboarding_pairs_directly=True,
        capacity=2,
    )
    user = join(world.acme, "newbie@acme.example", "Newbie")
    with activate(world.acme.organization):
        pair = Mentorship.objects.get(mentee__person__user=user)
        assert pair.breakdown and not MatchProposal.objects.exists()

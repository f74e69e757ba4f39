"""What the home page and the mentorships page tell people who wait: a mentor approved
but not matched hears that matching comes next (and when), not "find a program"; a
mentee-only person is not offered "Requests from mentees" and sees their own requests."""

from datetime import date, timedelta

from matching import services as matching
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment, MatchingMode, Program, ProgramStatus
from tests.builders.clients import signed_in
from tests.builders.cohort import enrol_mentor, make_cohort
from tests.builders.pages import text
from tests.builders.world import make_program


def home(org, user) -> str:
    response = signed_in(org, user).get("/")
    assert response.status_code == 200
    return text(response)


def test_an_approved_mentor_waiting_for_matching_is_told_so_and_when(world):
    acme = world.acme
    starts_on = date.today() + timedelta(days=20)
    cohort = make_cohort(acme, starts_on=starts_on)  # approved, program in matching
    page = home(acme, acme.mentors[0])
    assert "Start by finding a program" not in page
    assert "You are approved as a mentor: matching comes next" in page
    assert "The program managers are matching mentors and mentees now" in page
    assert f"before the program starts on {starts_on:%-d %B %Y}" in page
    assert cohort.program.name in page


def test_a_mentor_in_an_enrolling_program_hears_that_matching_follows_enrolment(world):
    acme = world.acme
    program = make_program(acme, status=ProgramStatus.ENROLLING)
    enrollment = enrol_mentor(acme, acme.mentors[0], program)
    page = home(acme, acme.mentors[0])
    assert "Your offer to mentor is with the program managers" in page
    with activate(acme.organization):
        Enrollment.objects.filter(pk=enrollment.pk).update(status="approved")
    page = home(acme, acme.mentors[0])
    assert "Enrolment is still open. Once it closes, the program managers match" in page


def test_a_self_match_mentor_is_told_mentees_will_ask_them(world):
    acme = world.acme
    make_cohort(
        acme,
        status=ProgramStatus.RUNNING,
        cross_functional=CrossFunctional.OFF,
        matching_mode=MatchingMode.SELF,
    )
    page = home(acme, acme.mentors[0])
    assert "In this program mentees choose their mentor" in page
    assert 'href="/mentoring/requests/"' in page


def test_a_matched_mentor_no_longer_sees_the_waiting_text(world):
    acme = world.acme
    cohort = make_cohort(acme, cross_functional=CrossFunctional.OFF)
    with activate(acme.organization):
        run = matching.match_run_start(
            organization=acme.organization, actor=acme.manager, program=cohort.program
        )
        matching.match_run_approve(organization=acme.organization, actor=acme.manager, run=run)
    page = home(acme, acme.mentors[0])
    assert "As a mentor" in page and "matching comes next" not in page


def test_someone_in_no_program_is_still_pointed_to_the_programs(world):
    assert "Start by finding a program" in home(world.acme, world.acme.mentees[0])


def test_a_mentee_only_person_sees_their_requests_and_not_requests_from_mentees(world):
    acme = world.acme
    cohort = make_cohort(
        acme,
        status=ProgramStatus.RUNNING,
        cross_functional=CrossFunctional.OFF,
        matching_mode=MatchingMode.SELF,
    )
    with activate(acme.organization):
        mentor = Enrollment.objects.get(program=cohort.program, person__user=acme.mentors[0])
        matching.mentor_request_create(
            organization=acme.organization,
            actor=acme.mentees[0],
            program=cohort.program,
            mentor=mentor,
            message="I would like to get better at running meetings.",
        )
    mentee_page = text(signed_in(acme, acme.mentees[0]).get("/mentorships/"))
    assert "Requests from mentees" not in mentee_page
    assert "My requests to mentors" in mentee_page
    assert mentor.person.display_name in mentee_page and "Waiting for the mentor" in mentee_page

    mentor_page = text(signed_in(acme, acme.mentors[0]).get("/mentorships/"))
    assert "Requests from mentees</a> (1 waiting for your answer)" in mentor_page
    assert "My requests to mentors" not in mentor_page
    # and the other organization's people see none of it
    globex_page = text(signed_in(world.globex, world.globex.mentees[0]).get("/mentorships/"))
    assert acme.sentinel not in globex_page and "My requests to mentors" not in globex_page


def test_a_program_in_draft_is_not_announced_to_its_waiting_mentor(world):
    acme = world.acme
    cohort = make_cohort(acme)
    with activate(acme.organization):
        Program.objects.filter(pk=cohort.program.pk).update(status=ProgramStatus.DRAFT)
    assert "matching comes next" not in home(acme, acme.mentors[0])

"""Participant pages of matching, in the browser: a mentee's suggested mentors and
requests (self-match), a mentor's inbox, the two people's mentorship pages and the fit
check."""

import re

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext

from matching import services
from matching.models import FitCheck, MentorRequest, Mentorship, MentorshipStatus, RequestStatus
from mentoring.people.models import Profile, SeniorityLevel
from mentoring.tenancy import activate
from programs import services as programs
from programs.models import (
    CrossFunctional,
    Enrollment,
    EnrollmentRole,
    Goal,
    MatchingMode,
    Program,
    ProgramStatus,
)
from programs.selectors import program_focus_skills
from tests.builders.clients import client_for, signed_in
from tests.builders.cohort import GOAL, SITUATIONS, make_cohort
from tests.builders.world import add_member, hold_session, make_user

MESSAGE = "I freeze when I have to say no to senior people; you seem to manage it calmly."


# ---------------------------------------------------------------- helpers


def self_match_cohort(org, *, capacity=1):
    return make_cohort(
        org,
        status=ProgramStatus.RUNNING,
        capacity=capacity,
        cross_functional=CrossFunctional.OFF,
        matching_mode=MatchingMode.SELF,
    )


def suggestions_url(cohort) -> str:
    return f"/programs/{cohort.program.pk}/mentors/"


def request_through_page(browser, cohort, mentor_user, message=MESSAGE):
    mentor = cohort.enrollment(mentor_user)
    return browser.post(
        f"/programs/{cohort.program.pk}/mentors/{mentor.pk}/request/",
        {f"mentor-{mentor.pk}-message": message},
    )


def ask(cohort, mentee_user, mentor_user, message=MESSAGE) -> MentorRequest:
    with activate(cohort.org.organization):
        return services.mentor_request_create(
            organization=cohort.org.organization,
            actor=mentee_user,
            program=cohort.program,
            mentor=cohort.enrollment(mentor_user),
            message=message,
        )


def pair(cohort, mentee_user, mentor_user) -> Mentorship:
    request = ask(cohort, mentee_user, mentor_user)
    with activate(cohort.org.organization):
        services.mentor_request_answer(
            organization=cohort.org.organization, actor=mentor_user, request=request, accept=True
        )
        mentorship = Mentorship.objects.get(mentee__person__user=mentee_user)
    hold_session(mentorship)
    return mentorship


def request_of(cohort, request: MentorRequest) -> MentorRequest:
    with activate(cohort.org.organization):
        return MentorRequest.objects.get(pk=request.pk)


def mentorship_of(org, mentorship: Mentorship) -> Mentorship:
    with activate(org.organization):
        return Mentorship.objects.get(pk=mentorship.pk)


def add_people(cohort, role: str, count: int) -> list:
    """``count`` more approved mentors or mentees in the cohort's program."""
    org, users = cohort.org, []
    with activate(org.organization):
        levels = list(SeniorityLevel.objects.order_by("rank"))
        skills = list(program_focus_skills(cohort.program))
    for index in range(count):
        user = make_user(f"extra-{role}{index}@{org.organization.slug}.example")
        add_member(
            org.organization,
            user,
            name=f"Extra {role} {index} {org.sentinel}",
            department=org.departments[index % 2],
            level=levels[4 if role == EnrollmentRole.MENTOR else 0],
        )
        with activate(org.organization):
            if role == EnrollmentRole.MENTOR:
                enrollment = programs.enrollment_apply_mentor(
                    organization=org.organization,
                    actor=user,
                    program=cohort.program,
                    skills=skills,
                    capacity=1,
                    growth_story=f"Extra mentor {index} learnt it by running support calls.",
                )
            else:
                enrollment = programs.enrollment_apply_mentee(
                    organization=org.organization,
                    actor=user,
                    program=cohort.program,
                    focus_skills=skills[:1],
                    goal_statement=GOAL,
                    situations=SITUATIONS,
                )
            programs.enrollments_approve(
                organization=org.organization, actor=org.manager, enrollments=[enrollment]
            )
            Profile.objects.filter(user=user).update(languages=["en"])
        users.append(user)
    return users


def page_text(response) -> str:
    return response.content.decode()


def count_queries(browser, url, **headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url, **headers).status_code == 200
    return len(queries)


# ---------------------------------------------------------------- access


def _urls(cohort, mentorship, request) -> list[tuple[str, str]]:
    mentor = cohort.enrollment(cohort.mentors[1])
    return [
        ("get", suggestions_url(cohort)),
        ("post", f"/programs/{cohort.program.pk}/mentors/{mentor.pk}/request/"),
        ("get", "/mentoring/requests/"),
        ("post", f"/mentoring/requests/{request.pk}/accept/"),
        ("post", f"/mentoring/requests/{request.pk}/decline/"),
        ("get", "/mentorships/"),
        ("get", "/mentorships/mine/"),
        ("get", f"/mentorships/{mentorship.pk}/"),
        ("post", f"/mentorships/{mentorship.pk}/fit-check/"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    request = ask(cohort, acme.mentees[1], acme.mentors[1])
    browser = client_for(client, acme.organization)
    for method, url in _urls(cohort, mentorship, request):
        response = getattr(browser, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
    assert request_of(cohort, request).status == RequestStatus.PENDING


# ---------------------------------------------------------------- suggestions


def test_suggested_mentors_are_ranked_best_first_with_their_reasons(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    with activate(acme.organization):
        # a nine-hour gap costs points, so the first mentor ranks above the second
        Profile.objects.filter(user=acme.mentors[1]).update(
            time_zone="Asia/Tokyo", job_title="Head of support"
        )
        Profile.objects.filter(user=acme.mentors[0]).update(job_title="Staff engineer")
        mentee = cohort.enrollment(acme.mentees[0])
        expected = services.best_mentors(cohort.program, mentee)
        skill = program_focus_skills(cohort.program).first()
    assert [row["mentor"].person.user_id for row in expected] == [
        acme.mentors[0].pk,
        acme.mentors[1].pk,
    ]
    page = page_text(signed_in(acme, acme.mentees[0]).get(suggestions_url(cohort)))
    first, second = (row["mentor"].person.display_name for row in expected)
    assert page.index(first) < page.index(second)
    for row in expected:
        assert f"{floatformat(row['score'], -1)} points" in page
        for part in row["breakdown"]:
            assert part["label"] in page
    assert "9 h time-zone difference" in page
    assert f"covers focus skill {skill.name}" in page
    assert "Staff engineer" in page and "Head of support" in page
    assert f"Engineering {acme.sentinel}" in page and f"Sales {acme.sentinel}" in page
    assert "I learned it the hard way." in page
    assert page.count("Request this mentor") == 2
    assert "You have not asked anyone yet." in page


def test_a_mentee_with_a_mentor_sees_the_mentorship_instead_of_suggestions(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    page = page_text(signed_in(acme, acme.mentees[0]).get(suggestions_url(cohort)))
    assert "You have a mentor" in page
    assert f'href="/mentorships/{mentorship.pk}/"' in page
    assert "Request this mentor" not in page
    assert "Accepted" in page


@pytest.mark.parametrize("who", ["mentor", "manager", "hr"])
def test_only_an_approved_mentee_of_the_program_has_a_suggestions_page(world, who):
    acme = world.acme
    cohort = self_match_cohort(acme)
    user = {"mentor": acme.mentors[0], "manager": acme.manager, "hr": acme.hr}[who]
    browser = signed_in(acme, user)
    assert browser.get(suggestions_url(cohort)).status_code == 404
    assert request_through_page(browser, cohort, acme.mentors[1]).status_code == 404
    with activate(acme.organization):
        assert not MentorRequest.objects.exists()


def test_a_managed_program_has_no_suggestions_page_and_no_link_to_one(world):
    acme = world.acme
    cohort = make_cohort(acme, status=ProgramStatus.RUNNING, cross_functional=CrossFunctional.OFF)
    browser = signed_in(acme, acme.mentees[0])
    assert browser.get(suggestions_url(cohort)).status_code == 404
    assert request_through_page(browser, cohort, acme.mentors[0]).status_code == 404
    detail = page_text(browser.get(f"/programs/{cohort.program.pk}/"))
    enrolment = page_text(browser.get(f"/enrolments/{cohort.enrollment(acme.mentees[0]).pk}/"))
    for page in (detail, enrolment):
        assert "/mentors/" not in page and "choose your mentor" not in page
    with activate(acme.organization):
        assert not MentorRequest.objects.exists()


def test_the_program_and_enrolment_pages_lead_mentees_to_suggestions_and_mentors_to_requests(
    world,
):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentee = signed_in(acme, acme.mentees[0])
    for url in (
        f"/programs/{cohort.program.pk}/",
        f"/enrolments/{cohort.enrollment(acme.mentees[0]).pk}/",
    ):
        assert f'href="{suggestions_url(cohort)}"' in page_text(mentee.get(url)), url
    mentor = signed_in(acme, acme.mentors[0])
    for url in (
        f"/programs/{cohort.program.pk}/",
        f"/enrolments/{cohort.enrollment(acme.mentors[0]).pk}/",
    ):
        page = page_text(mentor.get(url))
        assert 'href="/mentoring/requests/"' in page, url
        assert suggestions_url(cohort) not in page, url


# ---------------------------------------------------------------- requests, end to end


def test_a_request_goes_from_mentee_to_mentor_and_both_then_see_the_mentorship(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentee_name = f"Mentee0 {acme.sentinel}"
    mentor_name = f"Mentor0 {acme.sentinel}"
    mentee = signed_in(acme, acme.mentees[0])

    response = request_through_page(mentee, cohort, acme.mentors[0])
    assert response.status_code == 302
    assert response["Location"] == f"{suggestions_url(cohort)}#my-requests"
    page = page_text(mentee.get(suggestions_url(cohort)))
    assert f"Your request is on its way to {mentor_name}" in page
    assert "Waiting for the mentor" in page
    assert f"You asked {mentor_name} on" in page
    assert page.count("Request this mentor") == 1  # only the other mentor can still be asked

    mentor = signed_in(acme, acme.mentors[0])
    inbox = page_text(mentor.get("/mentoring/requests/"))
    assert "Waiting for my answer (1)" in inbox
    assert mentee_name in inbox and MESSAGE in inbox and GOAL in inbox
    with activate(acme.organization):
        skill = program_focus_skills(cohort.program).first()
    assert skill.name in inbox
    assert "1 of 1 place free" in inbox
    with activate(acme.organization):
        request = MentorRequest.objects.get()
    response = mentor.post(f"/mentoring/requests/{request.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == "/mentoring/requests/"
    inbox = page_text(mentor.get("/mentoring/requests/"))
    assert "your mentorship has started" in inbox
    assert "Waiting for my answer (0)" in inbox and "0 of 1 place free" in inbox

    with activate(acme.organization):
        mentorship = Mentorship.objects.select_related("mentee__person").get()
    assert mentorship.mentee.person.user_id == acme.mentees[0].pk
    for browser, other, heading in (
        (mentee, mentor_name, f"My mentor: {mentor_name}"),
        (mentor, mentee_name, f"My mentee: {mentee_name}"),
    ):
        listing = page_text(browser.get("/mentorships/"))
        assert heading in listing
        assert f'href="/mentorships/{mentorship.pk}/"' in listing
        detail = page_text(browser.get(f"/mentorships/{mentorship.pk}/"))
        assert other in detail and cohort.program.name in detail
        assert "Why this pair" in detail
        for part in mentorship.breakdown:
            assert part["label"] in detail
        assert GOAL in detail
        assert "The fit check opens once your first session is logged as held." in detail
    hold_session(mentorship)
    assert "Is this pairing a good fit?" in page_text(mentee.get(f"/mentorships/{mentorship.pk}/"))
    assert "You have a mentor" in page_text(mentee.get(suggestions_url(cohort)))


def test_declining_needs_a_reason_and_the_mentee_reads_it(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    request = ask(cohort, acme.mentees[0], acme.mentors[0])
    mentor = signed_in(acme, acme.mentors[0])
    url = f"/mentoring/requests/{request.pk}/decline/"

    response = mentor.post(url, {f"decline-{request.pk}-reason": "  "})
    assert response.status_code == 200
    page = page_text(response)
    assert "Give the mentee a short reason." in page
    assert "error-summary" in page and '<details class="decline" open>' in page
    assert request_of(cohort, request).status == RequestStatus.PENDING

    reason = "I am travelling all quarter; ask Mentor1, who knows this well."
    response = mentor.post(url, {f"decline-{request.pk}-reason": reason})
    assert response.status_code == 302
    answered = request_of(cohort, request)
    assert answered.status == RequestStatus.DECLINED and answered.response_reason == reason
    inbox = page_text(mentor.get("/mentoring/requests/"))
    assert "Waiting for my answer (0)" in inbox and "Declined" in inbox

    page = page_text(signed_in(acme, acme.mentees[0]).get(suggestions_url(cohort)))
    assert "Declined" in page
    assert f"Reason given: {reason}" in page.replace("&#x27;", "'")


def test_the_services_refusals_are_shown_and_the_typed_message_is_kept(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentee = signed_in(acme, acme.mentees[0])
    mentor = cohort.enrollment(acme.mentors[0])

    empty = request_through_page(mentee, cohort, acme.mentors[0], message="   ")
    assert empty.status_code == 200
    page = page_text(empty)
    assert "Say in a sentence or two why you ask this mentor." in page
    assert f'href="#id_mentor-{mentor.pk}-message"' in page

    assert request_through_page(mentee, cohort, acme.mentors[0]).status_code == 302
    again = request_through_page(mentee, cohort, acme.mentors[0], message="Asking twice, sorry")
    page = page_text(again)
    assert again.status_code == 200
    assert "You already asked this mentor; wait for the answer." in page
    assert "Your message was not sent" in page and "Asking twice, sorry" in page

    # the second mentor fills up before the mentee asks: the card is gone, not the message
    pair(cohort, acme.mentees[1], acme.mentors[1])
    late = request_through_page(mentee, cohort, acme.mentors[1], message="Please, Mentor1")
    page = page_text(late)
    assert "This mentor is not available to you (rules or capacity)." in page
    assert "Please, Mentor1" in page
    with activate(acme.organization):
        assert MentorRequest.objects.filter(mentee__person__user=acme.mentees[0]).count() == 1


def test_a_mentor_who_lost_the_race_for_the_last_place_sees_why(world):
    acme = world.acme
    cohort = self_match_cohort(acme, capacity=1)
    first = ask(cohort, acme.mentees[0], acme.mentors[0])
    second = ask(cohort, acme.mentees[1], acme.mentors[0])
    mentor = signed_in(acme, acme.mentors[0])
    assert mentor.post(f"/mentoring/requests/{first.pk}/accept/").status_code == 302
    response = mentor.post(f"/mentoring/requests/{second.pk}/accept/", follow=True)
    page = page_text(response)
    assert "You have no free place left in this program." in page
    assert "message--error" in page
    assert request_of(cohort, second).status == RequestStatus.PENDING
    with activate(acme.organization):
        assert Mentorship.objects.count() == 1


# ---------------------------------------------------------------- people who are not concerned


@pytest.mark.parametrize("who", ["other mentee", "other mentor", "manager", "hr"])
def test_a_mentorship_page_is_a_404_for_anyone_but_its_two_people(world, who):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    user = {
        "other mentee": acme.mentees[1],
        "other mentor": acme.mentors[1],
        "manager": acme.manager,
        "hr": acme.hr,
    }[who]
    browser = signed_in(acme, user)
    assert browser.get(f"/mentorships/{mentorship.pk}/").status_code == 404
    response = browser.post(f"/mentorships/{mentorship.pk}/fit-check/", {"is_good_fit": "no"})
    assert response.status_code == 404
    listing = page_text(browser.get("/mentorships/"))
    assert f"/mentorships/{mentorship.pk}/" not in listing
    mine = page_text(browser.get("/mentorships/mine/", HTTP_HX_REQUEST="true"))
    assert "Mentor0" not in mine and "Mentee0" not in mine
    with activate(acme.organization):
        assert not FitCheck.objects.exists()
    assert not mentorship_of(acme, mentorship).needs_rematch


@pytest.mark.parametrize("who", ["mentee who sent it", "other mentor", "other mentee", "manager"])
def test_only_the_requested_mentor_sees_and_answers_a_request(world, who):
    acme = world.acme
    cohort = self_match_cohort(acme)
    request = ask(cohort, acme.mentees[0], acme.mentors[0])
    user = {
        "mentee who sent it": acme.mentees[0],
        "other mentor": acme.mentors[1],
        "other mentee": acme.mentees[1],
        "manager": acme.manager,
    }[who]
    browser = signed_in(acme, user)
    assert browser.post(f"/mentoring/requests/{request.pk}/accept/").status_code == 404
    response = browser.post(
        f"/mentoring/requests/{request.pk}/decline/", {f"decline-{request.pk}-reason": "No"}
    )
    assert response.status_code == 404
    inbox = page_text(browser.get("/mentoring/requests/"))
    assert MESSAGE not in inbox
    assert request_of(cohort, request).status == RequestStatus.PENDING


def test_the_hr_analyst_sees_no_request_either(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    request = ask(cohort, acme.mentees[0], acme.mentors[0])
    browser = signed_in(acme, acme.hr)
    assert browser.post(f"/mentoring/requests/{request.pk}/accept/").status_code == 404
    assert MESSAGE not in page_text(browser.get("/mentoring/requests/"))


# ---------------------------------------------------------------- the other organization


def test_acme_pages_never_show_globex_and_globex_ids_are_404(world):
    acme, globex = world.acme, world.globex
    rows = {}
    for org in (acme, globex):
        cohort = self_match_cohort(org)
        mentorship = pair(cohort, org.mentees[0], org.mentors[0])
        with activate(org.organization):
            services.fit_check_answer(
                organization=org.organization,
                actor=org.mentees[0],
                mentorship=mentorship,
                is_good_fit=True,
                comment=f"Fine {org.sentinel}",
            )
        request = ask(cohort, org.mentees[1], org.mentors[1], message=f"Hello {org.sentinel}")
        rows[org.sentinel] = (cohort, mentorship, request)
    cohort, mentorship, request = rows[acme.sentinel]
    pages = {
        acme.mentees[0]: [
            "/",
            suggestions_url(cohort),
            "/mentorships/",
            f"/mentorships/{mentorship.pk}/",
        ],
        acme.mentees[1]: [suggestions_url(cohort), f"/programs/{cohort.program.pk}/"],
        acme.mentors[0]: [
            "/mentorships/",
            f"/mentorships/{mentorship.pk}/",
            "/mentoring/requests/",
        ],
        acme.mentors[1]: ["/mentoring/requests/"],
    }
    for user, urls in pages.items():
        browser = signed_in(acme, user)
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert globex.sentinel not in page_text(response), url
        mine = page_text(browser.get("/mentorships/mine/", HTTP_HX_REQUEST="true"))
        assert globex.sentinel not in mine
    assert f"Hello {acme.sentinel}" in page_text(
        signed_in(acme, acme.mentors[1]).get("/mentoring/requests/")
    )

    g_cohort, g_mentorship, g_request = rows[globex.sentinel]
    g_mentor = g_cohort.enrollment(globex.mentors[1])
    mentee = signed_in(acme, acme.mentees[1])
    assert mentee.get(suggestions_url(g_cohort)).status_code == 404
    response = mentee.post(
        f"/programs/{cohort.program.pk}/mentors/{g_mentor.pk}/request/",
        {f"mentor-{g_mentor.pk}-message": MESSAGE},
    )
    assert response.status_code == 404
    mentor = signed_in(acme, acme.mentors[1])
    assert mentor.post(f"/mentoring/requests/{g_request.pk}/accept/").status_code == 404
    assert mentor.post(f"/mentoring/requests/{g_request.pk}/decline/").status_code == 404
    paired = signed_in(acme, acme.mentees[0])
    assert paired.get(f"/mentorships/{g_mentorship.pk}/").status_code == 404
    response = paired.post(f"/mentorships/{g_mentorship.pk}/fit-check/", {"is_good_fit": "no"})
    assert response.status_code == 404
    assert request_of(g_cohort, g_request).status == RequestStatus.PENDING
    assert not mentorship_of(globex, g_mentorship).needs_rematch


# ---------------------------------------------------------------- fit check


def test_the_fit_check_records_yes_then_no_and_no_flags_the_pair_for_rematching(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    url = f"/mentorships/{mentorship.pk}/fit-check/"
    mentee = signed_in(acme, acme.mentees[0])

    response = mentee.post(url, {"is_good_fit": "yes", "comment": "We click."})
    assert response.status_code == 302
    assert response["Location"] == f"/mentorships/{mentorship.pk}/#fit-check"
    with activate(acme.organization):
        check = FitCheck.objects.get()
    assert check.is_good_fit and check.comment == "We click."
    assert not mentorship_of(acme, mentorship).needs_rematch
    page = page_text(mentee.get(f"/mentorships/{mentorship.pk}/"))
    assert "Thank you: your answer is saved." in page
    assert "<strong>a good fit</strong>" in page and "Change my answer" in page
    assert re.search(r'value="yes"[^>]*checked', page)

    mentee.post(url, {"is_good_fit": "no", "comment": "We keep missing each other."})
    with activate(acme.organization):
        check = FitCheck.objects.get()  # answering again replaces the answer
    assert not check.is_good_fit and check.comment == "We keep missing each other."
    assert mentorship_of(acme, mentorship).needs_rematch
    page = page_text(mentee.get(f"/mentorships/{mentorship.pk}/"))
    assert "A program manager will see your answer" in page
    assert "<strong>not a good fit</strong>" in page

    # the mentor's own answer is separate, and the mentee's "no" still stands
    signed_in(acme, acme.mentors[0]).post(url, {"is_good_fit": "yes"})
    with activate(acme.organization):
        assert FitCheck.objects.count() == 2
    assert mentorship_of(acme, mentorship).needs_rematch


def test_the_fit_check_needs_a_yes_or_a_no(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    response = signed_in(acme, acme.mentees[0]).post(
        f"/mentorships/{mentorship.pk}/fit-check/", {"comment": "Kept while I choose"}
    )
    assert response.status_code == 200
    page = page_text(response)
    assert "Choose yes or no." in page and "Kept while I choose" in page
    with activate(acme.organization):
        assert not FitCheck.objects.exists()


def test_the_fit_check_is_closed_once_the_mentorship_has_ended(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    with activate(acme.organization):
        services.mentorship_set_status(
            organization=acme.organization,
            actor=acme.manager,
            mentorship=mentorship,
            status=MentorshipStatus.COMPLETED,
        )
    mentee = signed_in(acme, acme.mentees[0])
    page = page_text(mentee.get(f"/mentorships/{mentorship.pk}/"))
    assert "The fit check is open while the mentorship is active." in page
    assert "Is this pairing a good fit?" not in page
    assert "Completed" in page
    response = mentee.post(f"/mentorships/{mentorship.pk}/fit-check/", {"is_good_fit": "no"})
    assert response.status_code == 302
    with activate(acme.organization):
        assert not FitCheck.objects.exists()
    assert not mentorship_of(acme, mentorship).needs_rematch


# ---------------------------------------------------------------- markup stays text


def test_markup_in_names_messages_and_reasons_is_shown_as_text(world):
    acme = world.acme
    cohort = self_match_cohort(acme, capacity=2)
    with activate(acme.organization):
        Profile.objects.filter(user=acme.mentees[0]).update(display_name="<b>Mallory</b>")
    mentee = signed_in(acme, acme.mentees[0])
    request_through_page(mentee, cohort, acme.mentors[0], message='<script>alert("msg")</script>')
    refused = page_text(
        request_through_page(mentee, cohort, acme.mentors[0], message="<i>again</i>")
    )
    assert "<i>again</i>" not in refused and "&lt;i&gt;again&lt;/i&gt;" in refused
    second = ask(cohort, acme.mentees[1], acme.mentors[0])

    mentor = signed_in(acme, acme.mentors[0])
    inbox = page_text(mentor.get("/mentoring/requests/"))
    assert "<script>alert" not in inbox and "<b>Mallory</b>" not in inbox
    assert "&lt;script&gt;alert(&quot;msg&quot;)&lt;/script&gt;" in inbox
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in inbox
    with activate(acme.organization):
        first = MentorRequest.objects.get(mentee__person__user=acme.mentees[0])
    page = page_text(mentor.post(f"/mentoring/requests/{first.pk}/accept/", follow=True))
    assert "<b>Mallory</b>" not in page and "You accepted &lt;b&gt;Mallory&lt;/b&gt;" in page
    mentor.post(
        f"/mentoring/requests/{second.pk}/decline/",
        {f"decline-{second.pk}-reason": "<img src=x onerror=alert(1)>"},
    )
    declined = page_text(signed_in(acme, acme.mentees[1]).get(suggestions_url(cohort)))
    assert "<img src=x" not in declined and "&lt;img src=x onerror=alert(1)&gt;" in declined


# ---------------------------------------------------------------- navigation and home


def test_the_nav_and_the_home_page_lead_to_my_mentorships(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    mentee = signed_in(acme, acme.mentees[0])
    home = page_text(mentee.get("/"))
    assert '<a href="/mentorships/">My mentorships</a>' in home
    assert 'hx-get="/mentorships/mine/"' in home
    line = page_text(mentee.get("/mentorships/mine/", HTTP_HX_REQUEST="true"))
    assert "My mentor:" in line
    assert f'<a href="/mentorships/{mentorship.pk}/">Mentor0 {acme.sentinel}</a>' in line
    line = page_text(
        signed_in(acme, acme.mentors[0]).get("/mentorships/mine/", HTTP_HX_REQUEST="true")
    )
    assert "My mentee:" in line and f"Mentee0 {acme.sentinel}" in line
    nobody = signed_in(acme, acme.mentees[1])
    assert page_text(nobody.get("/mentorships/mine/", HTTP_HX_REQUEST="true")).strip() == ""
    assert nobody.get("/mentorships/mine/")["Location"] == "/mentorships/"
    listing = page_text(nobody.get("/mentorships/"))
    assert 'aria-current="page">My mentorships' in listing and "No mentorship yet" in listing


def test_my_mentorships_counts_the_requests_waiting_for_me(world):
    acme = world.acme
    cohort = self_match_cohort(acme, capacity=2)
    ask(cohort, acme.mentees[0], acme.mentors[0])
    ask(cohort, acme.mentees[1], acme.mentors[0])
    page = page_text(signed_in(acme, acme.mentors[0]).get("/mentorships/"))
    assert "2 requests from mentees are waiting for your answer." in page


# ---------------------------------------------------------------- query counts

# organization, user and membership, then the page's own reads
# mentee, open pair, requests, departments, and best_mentors' pool: mentees and mentors with
# their skills, reporting lines, earlier pairs, the two fingerprint reads
SUGGESTIONS_QUERIES = 16
INBOX_QUERIES = 8  # requests with mentees, their skills, their goals, my places
MENTORSHIPS_QUERIES = 8  # mentorships with both people, requests waiting for me, whether I
# mentor, the requests I sent
MENTORSHIP_QUERIES = 8  # the pair with both people, the mentee's skills and goals, my answer


def test_the_suggestions_page_costs_the_same_for_2_or_8_mentors(world, django_assert_num_queries):
    acme = world.acme
    cohort = self_match_cohort(acme)
    ask(cohort, acme.mentees[0], acme.mentors[1])
    mentee = signed_in(acme, acme.mentees[0])
    with django_assert_num_queries(SUGGESTIONS_QUERIES):
        mentee.get(suggestions_url(cohort))
    two = count_queries(mentee, suggestions_url(cohort))
    add_people(cohort, EnrollmentRole.MENTOR, 6)
    with django_assert_num_queries(SUGGESTIONS_QUERIES):
        page = page_text(mentee.get(suggestions_url(cohort)))
    assert page.count('class="card mentor-card"') == 8
    assert count_queries(mentee, suggestions_url(cohort)) == two


def test_the_inbox_costs_the_same_for_1_or_4_requests(world, django_assert_num_queries):
    acme = world.acme
    cohort = self_match_cohort(acme, capacity=2)
    ask(cohort, acme.mentees[0], acme.mentors[0])
    mentor = signed_in(acme, acme.mentors[0])
    with django_assert_num_queries(INBOX_QUERIES):
        mentor.get("/mentoring/requests/")
    one = count_queries(mentor, "/mentoring/requests/")
    ask(cohort, acme.mentees[1], acme.mentors[0])
    for user in add_people(cohort, EnrollmentRole.MENTEE, 2):
        request = ask(cohort, user, acme.mentors[0])
    with activate(acme.organization):
        services.mentor_request_answer(
            organization=acme.organization,
            actor=acme.mentors[0],
            request=request,
            accept=False,
            reason="Full this quarter",
        )
    with django_assert_num_queries(INBOX_QUERIES):
        page = page_text(mentor.get("/mentoring/requests/"))
    assert "Waiting for my answer (3)" in page and "Full this quarter" in page
    assert count_queries(mentor, "/mentoring/requests/") == one


def test_the_mentorship_pages_cost_the_same_for_1_or_3_goals_and_1_or_2_pairs(
    world, django_assert_num_queries
):
    acme = world.acme
    cohort = self_match_cohort(acme, capacity=2)
    mentorship = pair(cohort, acme.mentees[0], acme.mentors[0])
    mentor = signed_in(acme, acme.mentors[0])
    detail = f"/mentorships/{mentorship.pk}/"
    with django_assert_num_queries(MENTORSHIPS_QUERIES):
        mentor.get("/mentorships/")
    with django_assert_num_queries(MENTORSHIP_QUERIES):
        mentor.get(detail)
    list_one, detail_one = count_queries(mentor, "/mentorships/"), count_queries(mentor, detail)

    pair(cohort, acme.mentees[1], acme.mentors[0])
    with activate(acme.organization):
        enrollment = Enrollment.objects.get(pk=mentorship.mentee_id)
        skill = program_focus_skills(cohort.program).first()
        for number in range(2):
            programs.goal_create(
                organization=acme.organization,
                actor=acme.mentees[0],
                enrollment=enrollment,
                statement=f"{GOAL} in meeting number {number}",
                skill=skill,
            )
        assert Goal.objects.filter(enrollment=enrollment).count() == 3
    with django_assert_num_queries(MENTORSHIPS_QUERIES):
        page = page_text(mentor.get("/mentorships/"))
    assert page.count('class="card mentorship-card"') == 2
    with django_assert_num_queries(MENTORSHIP_QUERIES):
        page = page_text(mentor.get(detail))
    assert page.count("in meeting number") == 2
    assert count_queries(mentor, "/mentorships/") == list_one
    assert count_queries(mentor, detail) == detail_one


def test_a_closed_program_takes_no_new_request_and_no_acceptance(world):
    acme = world.acme
    cohort = self_match_cohort(acme)
    request = ask(cohort, acme.mentees[0], acme.mentors[0])
    with activate(acme.organization):
        Program.objects.filter(pk=cohort.program.pk).update(status=ProgramStatus.CLOSED)
    mentee = signed_in(acme, acme.mentees[0])
    page = page_text(mentee.get(suggestions_url(cohort)))
    assert "This program has ended" in page and "Request this mentor" not in page
    assert "Waiting for the mentor" in page
    response = request_through_page(mentee, cohort, acme.mentors[1], message="Still there?")
    assert "This program has ended" in page_text(response)
    mentor = signed_in(acme, acme.mentors[0])
    inbox = page_text(mentor.get("/mentoring/requests/"))
    assert "the request can no longer be accepted" in inbox
    assert f"/mentoring/requests/{request.pk}/accept/" not in inbox
    page = page_text(mentor.post(f"/mentoring/requests/{request.pk}/accept/", follow=True))
    assert "This program has ended: it takes no new mentor requests or pairs." in page
    with activate(acme.organization):
        assert MentorRequest.objects.count() == 1 and not Mentorship.objects.exists()

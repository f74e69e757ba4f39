"""Participant pages of programs, in the browser: directory, program page, applications,
enrolment with goals and reviews, prep checklists, member profiles."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs import services
from programs.models import (
    Badge,
    ChecklistAudience,
    ChecklistCompletion,
    ChecklistItem,
    Enrollment,
    EnrollmentMode,
    EnrollmentStatus,
    Goal,
    GoalReview,
    Program,
    ProgramStatus,
    Recognition,
    Resource,
    ResourceKind,
    Skill,
)
from programs.schedule import add_months, goal_review_start_on
from tests.builders.clients import client_for
from tests.builders.cohort import (
    GOAL,
    SITUATIONS,
    add_review,
    enrol_mentee,
    enrol_mentor,
    focus_skills,
)
from tests.builders.world import make_program

# ---------------------------------------------------------------- helpers


def profile(org, user) -> Profile:
    with activate(org.organization):
        return Profile.objects.get(user=user)


def signed_in(client, org, user):
    return client_for(client, org.organization, user)


def mentee_form(skills, **overrides) -> dict:
    data = {
        "focus_skills": [skill.pk for skill in skills],
        "goal_statement": GOAL,
        "goal_skill": "",
        "situation_1": SITUATIONS[0],
        "situation_2": SITUATIONS[1],
        "situation_3": "",
    }
    data.update(overrides)
    return data


def enrollments_of(org, user) -> list[Enrollment]:
    with activate(org.organization):
        return list(Enrollment.objects.filter(person__user=user))


def messages_in(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- access


PAGES = [
    "/programs/",
    "/programs/{program}/",
    "/programs/{program}/apply/mentee/",
    "/programs/{program}/apply/mentor/",
    "/enrolments/{enrollment}/",
    "/enrolments/{enrollment}/withdraw/",
    "/enrolments/{enrollment}/goals/new/",
    "/goals/{goal}/edit/",
    "/checklist/",
    "/people/{profile}/",
]


def address(org, page: str, member) -> str:
    """``page`` about a new program of ``org``, its first mentee's (approved) enrolment and
    goal, and ``member``'s profile."""
    program = make_program(org)
    enrollment = enrol_mentee(org, org.mentees[0], program)
    with activate(org.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    return page.format(
        program=program.pk,
        enrollment=enrollment.pk,
        goal=goal.pk,
        profile=profile(org, member).pk,
    )


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, page):
    acme = world.acme
    response = client_for(client, acme.organization).get(address(acme, page, acme.mentors[0]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("page", [page for page in PAGES if "{" in page])
def test_every_page_about_a_globex_row_is_a_404_on_the_acme_host(client, world, page):
    url = address(world.globex, page, world.globex.mentees[0])
    signed_in(client, world.acme, world.acme.mentees[0])
    assert client.get(url).status_code == 404


# ---------------------------------------------------------------- directory


def test_the_directory_lists_enrolling_matching_and_running_programs_only(client, world):
    acme = world.acme
    shown = {
        status: make_program(acme, name=f"Acme {status}", status=status)
        for status in (ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING)
    }
    make_program(acme, name="Acme draft", status=ProgramStatus.DRAFT)
    make_program(acme, name="Acme closed", status=ProgramStatus.CLOSED)
    make_program(world.globex, name="Globex enrolling")
    signed_in(client, acme, acme.mentees[0])
    page = client.get("/programs/").content.decode()
    for program in shown.values():
        assert program.name in page
        assert f'href="/programs/{program.pk}/"' in page
    assert "Matching in progress" in page
    assert "Acme draft" not in page
    assert "Acme closed" not in page
    assert "Globex enrolling" not in page
    assert world.globex.sentinel not in page


def test_the_directory_shows_dates_time_commitment_focus_skills_and_purpose(client, world):
    acme = world.acme
    program = make_program(
        acme,
        purpose="Practise **listening** in real meetings.\n\nSecond paragraph stays on the page.",
        time_commitment="One hour every two weeks",
    )
    signed_in(client, acme, acme.mentees[0])
    page = client.get("/programs/").content.decode()
    assert "Practise <strong>listening</strong> in real meetings." in page
    assert "Second paragraph stays on the page." not in page
    assert "One hour every two weeks" in page
    assert program.starts_on.strftime("%Y") in page
    for skill in focus_skills(program):
        assert skill.name in page


def test_the_directory_shows_my_own_enrolment_status(client, world):
    acme = world.acme
    program = make_program(acme)
    enrol_mentee(acme, acme.mentees[0], program, approve=False)
    signed_in(client, acme, acme.mentees[0])
    page = client.get("/programs/").content.decode()
    assert "You: mentee" in page
    assert "Waiting for approval" in page


# ---------------------------------------------------------------- program page


@pytest.mark.parametrize("status", [ProgramStatus.DRAFT])
def test_a_draft_program_is_a_404(client, world, status):
    program = make_program(world.acme, status=status)
    signed_in(client, world.acme, world.acme.mentees[0])
    assert client.get(f"/programs/{program.pk}/").status_code == 404
    assert client.get(f"/programs/{program.pk}/apply/mentee/").status_code == 404


def test_a_globex_program_is_a_404_on_the_acme_host(client, world):
    program = make_program(world.globex)
    signed_in(client, world.acme, world.acme.mentees[0])
    assert client.get(f"/programs/{program.pk}/").status_code == 404
    assert client.get(f"/programs/{program.pk}/apply/mentor/").status_code == 404


def test_the_program_page_shows_skills_resources_recognized_mentors_and_actions(client, world):
    acme = world.acme
    program = make_program(acme, guidelines="Meet **in person** when you can.")
    other = make_program(acme, name="Another acme program")
    enrol_mentor(acme, acme.mentors[0], program)
    with activate(acme.organization):
        skill = focus_skills(program)[0]
        Resource.objects.create(
            title="Listening drills",
            url="https://example.org/drills",
            kind=ResourceKind.EXERCISE,
            program=program,
            skill=skill,
        )
        Resource.objects.create(
            title="Feedback basics", url="https://example.org/feedback", kind=ResourceKind.ARTICLE
        )
        Resource.objects.create(
            title="Only for the other program",
            url="https://example.org/other",
            kind=ResourceKind.VIDEO,
            program=other,
        )
        services.recognition_award(
            organization=acme.organization,
            actor=acme.manager,
            mentor=profile(acme, acme.mentors[0]),
            badge=Badge.GENEROUS_LISTENER,
            note="Made time for every mentee, every week.",
            program=program,
        )
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert skill.description in page
    assert skill.behaviours[0] in page
    assert "Meet <strong>in person</strong> when you can." in page
    assert "Every 3 months" in page and "every 30 days" in page
    assert '<a href="https://example.org/drills">Listening drills</a>' in page
    assert "Feedback basics" in page
    assert "Only for the other program" not in page
    assert page.index("Articles") < page.index("Exercises")
    assert "Generous listener" in page
    assert "Made time for every mentee, every week." in page
    assert profile(acme, acme.mentors[0]).display_name in page
    assert f'href="/programs/{program.pk}/apply/mentee/"' in page
    assert f'href="/programs/{program.pk}/apply/mentor/"' in page
    assert world.globex.sentinel not in page


def test_the_program_page_offers_withdraw_to_an_enrolled_member(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert f'href="/enrolments/{enrollment.pk}/withdraw/"' in page
    assert "Apply as mentee" not in page


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"status": ProgramStatus.CLOSED}, "has ended and takes no more applications"),
        ({"enrollment_mode": EnrollmentMode.INVITATION}, "by invitation only"),
        ({"status": ProgramStatus.MATCHING}, "Applications are closed while"),
    ],
)
def test_the_program_page_says_why_nobody_can_apply(client, world, fields, sentence):
    program = make_program(world.acme, **fields)
    signed_in(client, world.acme, world.acme.mentees[0])
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert sentence in page
    assert "Apply as mentee" not in page


# ---------------------------------------------------------------- applying as mentee


def test_applying_as_mentee_creates_an_enrolment_waiting_for_approval_and_its_goal(client, world):
    acme = world.acme
    program = make_program(acme, enrollment_mode=EnrollmentMode.APPLICATION)
    skills = focus_skills(program)
    signed_in(client, acme, acme.mentees[0])
    assert client.get(f"/programs/{program.pk}/apply/mentee/").status_code == 200
    response = client.post(
        f"/programs/{program.pk}/apply/mentee/",
        mentee_form(skills, goal_skill=skills[1].pk, situation_3="A third, short one."),
    )
    [enrollment] = enrollments_of(acme, acme.mentees[0])
    assert response.status_code == 302
    assert response["Location"] == f"/enrolments/{enrollment.pk}/"
    assert enrollment.status == EnrollmentStatus.APPLIED
    assert enrollment.situations == [*SITUATIONS, "A third, short one."]
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
        chosen = set(enrollment.skill_links.values_list("skill_id", flat=True))
    assert goal.statement == GOAL
    assert goal.skill_id == skills[1].pk
    assert chosen == {skill.pk for skill in skills}
    page = client.get(response["Location"]).content.decode()
    assert "Your application to" in page
    assert "Waiting for approval" in page


def test_applying_as_mentee_to_an_open_program_is_approved_at_once(client, world):
    acme = world.acme
    program = make_program(acme, enrollment_mode=EnrollmentMode.OPEN)
    signed_in(client, acme, acme.mentees[0])
    response = client.post(
        f"/programs/{program.pk}/apply/mentee/", mentee_form(focus_skills(program)[:1])
    )
    assert response.status_code == 302
    [enrollment] = enrollments_of(acme, acme.mentees[0])
    assert enrollment.status == EnrollmentStatus.APPROVED


def _three_skill_program(world):
    return make_program(world.acme, skills=3)


BAD_MENTEE_INPUT = [
    pytest.param(
        lambda skills: {"focus_skills": []}, "Choose one or two focus skills", id="no focus skill"
    ),
    pytest.param(
        lambda skills: {"focus_skills": [skill.pk for skill in skills[:3]]},
        "Choose one or two focus skills",
        id="three focus skills",
    ),
    pytest.param(
        lambda skills: {"goal_statement": "Communicate better"},
        "Make the goal concrete",
        id="vague goal",
    ),
    pytest.param(
        lambda skills: {"situation_2": "   "},
        "Describe two or three real, recent situations",
        id="one situation",
    ),
    pytest.param(
        lambda skills: {"goal_skill": skills[2].pk, "focus_skills": [skills[0].pk]},
        "The goal&#x27;s skill must be one of your focus skills",
        id="goal about a skill not chosen",
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD_MENTEE_INPUT)
def test_bad_mentee_applications_are_refused_with_a_message_and_nothing_written(
    client, world, change, message
):
    acme = world.acme
    program = _three_skill_program(world)
    skills = focus_skills(program)
    signed_in(client, acme, acme.mentees[0])
    data = mentee_form(skills[:2], situation_1="Typed <b>by me</b> and kept")
    data.update(change(skills))
    response = client.post(f"/programs/{program.pk}/apply/mentee/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'role="alert"' in page
    assert "Typed &lt;b&gt;by me&lt;/b&gt; and kept" in page
    assert enrollments_of(acme, acme.mentees[0]) == []
    with activate(acme.organization):
        assert not Goal.objects.exists()


def test_a_focus_skill_outside_the_program_is_refused(client, world):
    acme = world.acme
    program = make_program(acme, skills=2)
    with activate(acme.organization):
        outside = Skill.objects.exclude(pk__in=[s.pk for s in focus_skills(program)]).first()
    with activate(world.globex.organization):
        globex_skill = Skill.objects.first()
    signed_in(client, acme, acme.mentees[0])
    for skill in (outside, globex_skill):
        data = mentee_form(focus_skills(program)[:1])
        data["focus_skills"].append(skill.pk)
        response = client.post(f"/programs/{program.pk}/apply/mentee/", data)
        assert response.status_code == 200
        assert "Choose focus skills among this program&#x27;s skills." in response.content.decode()
    assert enrollments_of(acme, acme.mentees[0]) == []


def test_the_mentee_form_keeps_what_was_typed_and_checked(client, world):
    acme = world.acme
    program = make_program(acme)
    skills = focus_skills(program)
    signed_in(client, acme, acme.mentees[0])
    response = client.post(
        f"/programs/{program.pk}/apply/mentee/",
        mentee_form(skills[:1], goal_statement="Be better", situation_2="Second situation typed"),
    )
    page = response.content.decode()
    assert "Be better</textarea>" in page
    assert "Second situation typed</textarea>" in page
    assert f'value="{skills[0].pk}" aria-invalid' not in page
    assert f'value="{skills[0].pk}" id="id_focus_skills_0" checked' in page


def test_applying_twice_to_one_program_is_refused(client, world):
    acme = world.acme
    program = make_program(acme)
    enrol_mentee(acme, acme.mentees[0], program, approve=False)
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/programs/{program.pk}/apply/mentee/").content.decode()
    assert "You are already in this program as mentee" in page
    response = client.post(
        f"/programs/{program.pk}/apply/mentee/", mentee_form(focus_skills(program)[:1])
    )
    assert "You already applied to" in response.content.decode()
    assert len(enrollments_of(acme, acme.mentees[0])) == 1
    with activate(acme.organization):
        assert Goal.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"status": ProgramStatus.CLOSED}, "is closed and takes no more applications"),
        ({"enrollment_mode": EnrollmentMode.INVITATION}, "is by invitation only"),
        ({"status": ProgramStatus.MATCHING}, "is not taking applications at the moment"),
    ],
)
def test_applying_to_a_program_that_takes_no_applications_is_refused(
    client, world, fields, message
):
    acme = world.acme
    program = make_program(acme, **fields)
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/programs/{program.pk}/apply/mentee/").content.decode()
    assert "Send my application" not in page
    response = client.post(
        f"/programs/{program.pk}/apply/mentee/", mentee_form(focus_skills(program)[:1])
    )
    assert message in response.content.decode()
    assert enrollments_of(acme, acme.mentees[0]) == []


# ---------------------------------------------------------------- applying as mentor


def test_offering_to_mentor_creates_a_mentor_enrolment(client, world):
    acme = world.acme
    program = make_program(acme, default_mentees_per_mentor=2, max_mentees_per_mentor=4)
    skills = focus_skills(program)
    signed_in(client, acme, acme.mentors[0])
    form = client.get(f"/programs/{program.pk}/apply/mentor/").content.decode()
    assert 'name="capacity" value="2"' in form and 'max="4"' in form
    response = client.post(
        f"/programs/{program.pk}/apply/mentor/",
        {"skills": [s.pk for s in skills], "capacity": "3", "growth_story": "Support calls."},
    )
    assert response.status_code == 302
    [enrollment] = enrollments_of(acme, acme.mentors[0])
    assert (enrollment.role, enrollment.capacity, enrollment.status) == ("mentor", 3, "applied")
    page = client.get(response["Location"]).content.decode()
    assert "Skills I offer" in page and "Support calls." in page


def test_a_mentor_capacity_above_the_program_maximum_is_refused(client, world):
    acme = world.acme
    program = make_program(acme, max_mentees_per_mentor=3)
    signed_in(client, acme, acme.mentors[0])
    response = client.post(
        f"/programs/{program.pk}/apply/mentor/",
        {
            "skills": [focus_skills(program)[0].pk],
            "capacity": "4",
            "growth_story": "Kept this story",
        },
    )
    page = response.content.decode()
    assert "Choose between 1 and 3 mentees" in page
    assert "Kept this story</textarea>" in page
    assert enrollments_of(acme, acme.mentors[0]) == []


def test_archived_skills_are_not_offered_to_mentors(client, world):
    acme = world.acme
    program = make_program(acme)
    with activate(acme.organization):
        archived = Skill.objects.order_by("-name").first()
        Skill.objects.filter(pk=archived.pk).update(is_archived=True)
    signed_in(client, acme, acme.mentors[0])
    page = client.get(f"/programs/{program.pk}/apply/mentor/").content.decode()
    assert f'value="{archived.pk}"' not in page
    response = client.post(
        f"/programs/{program.pk}/apply/mentor/",
        {"skills": [archived.pk], "capacity": "1", "growth_story": "x"},
    )
    assert "Choose skills from the organization" in response.content.decode()
    assert enrollments_of(acme, acme.mentors[0]) == []


# ---------------------------------------------------------------- withdrawing


def test_withdrawing_asks_for_confirmation_then_withdraws(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    signed_in(client, acme, acme.mentees[0])
    confirm = client.get(f"/enrolments/{enrollment.pk}/withdraw/").content.decode()
    assert "Yes, withdraw" in confirm
    [still] = enrollments_of(acme, acme.mentees[0])
    assert still.status == EnrollmentStatus.APPROVED
    response = client.post(f"/enrolments/{enrollment.pk}/withdraw/")
    assert response.status_code == 302
    [withdrawn] = enrollments_of(acme, acme.mentees[0])
    assert withdrawn.status == EnrollmentStatus.WITHDRAWN
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert "You have withdrawn from" in page
    assert "Withdrawn" in page
    assert "Add goal" not in page
    detail = client.get(f"/programs/{program.pk}/").content.decode()
    assert "Apply as mentee" in detail


def test_withdrawing_twice_explains_it_is_no_longer_active(client, world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme))
    signed_in(client, acme, acme.mentees[0])
    client.post(f"/enrolments/{enrollment.pk}/withdraw/")
    response = client.post(f"/enrolments/{enrollment.pk}/withdraw/", follow=True)
    assert "This application is no longer active." in response.content.decode()


def test_someone_else_cannot_withdraw_an_enrolment(client, world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme))
    signed_in(client, acme, acme.manager)
    assert client.post(f"/enrolments/{enrollment.pk}/withdraw/").status_code == 404
    [still] = enrollments_of(acme, acme.mentees[0])
    assert still.status == EnrollmentStatus.APPROVED


# ---------------------------------------------------------------- enrolment page, goals, reviews


@pytest.mark.parametrize("who", ["other mentee", "mentor", "manager", "hr"])
def test_the_enrolment_page_is_a_404_for_anyone_but_the_enrolled_person(client, world, who):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme))
    user = {
        "other mentee": acme.mentees[1],
        "mentor": acme.mentors[0],
        "manager": acme.manager,
        "hr": acme.hr,
    }[who]
    signed_in(client, acme, user)
    assert client.get(f"/enrolments/{enrollment.pk}/").status_code == 404
    assert client.get(f"/enrolments/{enrollment.pk}/goals/new/").status_code == 404
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    assert client.get(f"/goals/{goal.pk}/edit/").status_code == 404
    assert client.post(f"/goals/{goal.pk}/reviews/", {}).status_code == 404


def test_the_enrolment_page_shows_status_skills_situations_and_goals(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert "Approved" in page
    assert focus_skills(program)[0].name in page
    assert SITUATIONS[0] in page
    assert GOAL in page
    assert "Add goal" in page and "Add my review" in page
    assert "Your next review (review 1) is due on" in page


def test_a_declined_enrolment_shows_the_reason(client, world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme), approve=False)
    with activate(acme.organization):
        services.enrollments_decline(
            organization=acme.organization,
            actor=acme.manager,
            enrollments=[enrollment],
            reason="The cohort is full; please apply to the spring one.",
        )
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert "Declined" in page
    assert "The cohort is full; please apply to the spring one." in page


def test_a_mentee_adds_and_edits_a_goal(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    skills = focus_skills(program)
    signed_in(client, acme, acme.mentees[0])
    assert client.get(f"/enrolments/{enrollment.pk}/goals/new/").status_code == 200
    statement = "Summarise what I heard in one-to-ones before giving any advice"
    response = client.post(
        f"/enrolments/{enrollment.pk}/goals/new/",
        {"statement": statement, "skill": skills[1].pk, "target_on": "2031-06-30"},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    with activate(acme.organization):
        goal = Goal.objects.get(statement=statement)
    assert (goal.skill_id, str(goal.target_on)) == (skills[1].pk, "2031-06-30")

    edit = client.get(f"/goals/{goal.pk}/edit/").content.decode()
    assert statement in edit and 'value="2031-06-30"' in edit
    response = client.post(
        f"/goals/{goal.pk}/edit/",
        {
            "statement": statement + " at least twice a week",
            "skill": skills[0].pk,
            "target_on": "",
            "status": "achieved",
        },
    )
    assert response.status_code == 302
    with activate(acme.organization):
        goal.refresh_from_db()
    assert goal.statement.endswith("at least twice a week")
    assert (goal.skill_id, goal.target_on, goal.status) == (skills[0].pk, None, "achieved")
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert "Achieved" in page


def test_a_vague_goal_is_refused_and_nothing_changes(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    signed_in(client, acme, acme.mentees[0])
    response = client.post(
        f"/enrolments/{enrollment.pk}/goals/new/",
        {"statement": "Improve my listening skills", "skill": focus_skills(program)[0].pk},
    )
    assert response.status_code == 200
    assert "Make the goal concrete" in response.content.decode()
    with activate(acme.organization):
        assert Goal.objects.filter(enrollment=enrollment).count() == 1
        goal = Goal.objects.get(enrollment=enrollment)
    response = client.post(
        f"/goals/{goal.pk}/edit/",
        {"statement": "Be better", "skill": focus_skills(program)[0].pk, "status": "active"},
    )
    assert "Make the goal concrete" in response.content.decode()
    with activate(acme.organization):
        goal.refresh_from_db()
    assert goal.statement == GOAL


def test_a_mentor_enrolment_has_no_goals_to_add(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentor(acme, acme.mentors[0], program)
    signed_in(client, acme, acme.mentors[0])
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert "Add goal" not in page
    response = client.post(
        f"/enrolments/{enrollment.pk}/goals/new/",
        {"statement": GOAL, "skill": focus_skills(program)[0].pk},
    )
    assert response.status_code == 404
    with activate(acme.organization):
        assert not Goal.objects.filter(enrollment=enrollment).exists()


def test_a_withdrawn_enrolment_takes_no_new_goals_or_reviews(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    signed_in(client, acme, acme.mentees[0])
    client.post(f"/enrolments/{enrollment.pk}/withdraw/")
    response = client.post(
        f"/enrolments/{enrollment.pk}/goals/new/",
        {"statement": GOAL, "skill": focus_skills(program)[0].pk},
    )
    assert response.status_code == 404
    prefix = f"review-{goal.pk}-"
    response = client.post(
        f"/goals/{goal.pk}/reviews/",
        {prefix + "progress": "3", prefix + "what_changed": "x", prefix + "next_steps": "y"},
    )
    assert response.status_code == 404
    with activate(acme.organization):
        assert Goal.objects.filter(enrollment=enrollment).count() == 1
        assert not GoalReview.objects.exists()
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert GOAL in page and "Add my review" not in page


def test_the_goal_review_history_is_grouped_by_period(client, world):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
        start = goal_review_start_on(enrollment)
    first = add_review(acme, acme.mentees[0], goal, on=start, progress=2, what_changed="FIRST")
    second = add_review(
        acme,
        acme.mentees[0],
        goal,
        on=add_months(start, 5),
        progress=4,
        what_changed="SECOND",
    )
    with activate(acme.organization):
        GoalReview.objects.filter(pk=second.pk).update(
            created_at=timezone.now() + timedelta(days=150)
        )
    assert (first.period, second.period) == (1, 2)
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert page.index("Review 1") < page.index("FIRST") < page.index("Review 2")
    assert page.index("Review 2") < page.index("SECOND")
    assert "Level 2 of 5" in page and "Trying: I (or they) tried the new behaviour" in page
    assert "Level 4 of 5" in page and "Usually: it shows up in most situations" in page
    assert add_months(start, 3).strftime("%-d %b %Y") in page  # review 1 due
    assert add_months(start, 6).strftime("%-d %b %Y") in page  # review 2 due


def test_a_mentee_adds_a_review_from_the_enrolment_page(client, world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme))
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert f'name="review-{goal.pk}-progress" value="3"' in page
    assert "Sometimes: the new behaviour shows up in easier situations." in page
    prefix = f"review-{goal.pk}-"
    response = client.post(
        f"/goals/{goal.pk}/reviews/",
        {
            prefix + "progress": "3",
            prefix + "what_changed": "Asked two quiet colleagues first.",
            prefix + "next_steps": "Do it in the retro.",
            prefix + "adjusted_focus": "",
        },
    )
    assert response.status_code == 302
    with activate(acme.organization):
        review = GoalReview.objects.get(goal=goal)
    assert (review.progress, review.period, review.author_role) == (3, 1, "mentee")
    page = client.get(response["Location"]).content.decode()
    assert "Asked two quiet colleagues first." in page


def test_an_incomplete_review_is_refused_and_kept(client, world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme))
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    signed_in(client, acme, acme.mentees[0])
    prefix = f"review-{goal.pk}-"
    response = client.post(
        f"/goals/{goal.pk}/reviews/",
        {prefix + "what_changed": "Typed and kept", prefix + "next_steps": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Progress is a level from 1 to 5." in page
    assert "Say what comes next." in page
    assert "Typed and kept</textarea>" in page
    assert '<details class="review-form" open>' in page
    with activate(acme.organization):
        assert not GoalReview.objects.exists()


# ---------------------------------------------------------------- markup stays text


def test_markup_in_goals_situations_and_program_texts_never_runs(client, world):
    acme = world.acme
    program = make_program(
        acme,
        purpose='<script>alert("purpose")</script>Listen **well**. <img src=x onerror=alert(1)>',
        guidelines='[click](javascript:alert("guidelines"))',
    )
    enrollment = enrol_mentee(
        acme,
        acme.mentees[0],
        program,
        goal='<script>alert("goal")</script> chair the planning so every colleague speaks',
        situations=['<script>alert("situation")</script> one', "<b onclick=x()>two</b>"],
    )
    signed_in(client, acme, acme.mentees[0])
    for url in ("/programs/", f"/programs/{program.pk}/", f"/enrolments/{enrollment.pk}/"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "onerror=" not in page and "<b onclick" not in page
        assert "javascript:" not in page
    page = client.get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert "&lt;script&gt;alert(&quot;goal&quot;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&quot;situation&quot;)&lt;/script&gt;" in page
    detail = client.get(f"/programs/{program.pk}/").content.decode()
    assert "Listen <strong>well</strong>." in detail


# ---------------------------------------------------------------- checklists


def test_the_checklist_shows_my_roles_items_and_program_items(client, world):
    acme = world.acme
    program = make_program(acme, name="Acme listening")
    other = make_program(acme, name="Acme other")
    enrol_mentee(acme, acme.mentees[0], program, approve=False)
    with activate(acme.organization):
        own = ChecklistItem.objects.create(
            audience=ChecklistAudience.MENTEE_FIRST_SESSION, program=program, text="Read the brief"
        )
        ChecklistItem.objects.create(
            audience=ChecklistAudience.MENTEE_FIRST_SESSION, program=other, text="Not mine"
        )
        defaults = list(
            ChecklistItem.objects.filter(
                audience=ChecklistAudience.MENTEE_FIRST_SESSION, program__isnull=True
            )
        )
        mentor_default = ChecklistItem.objects.filter(
            audience=ChecklistAudience.MENTOR_PREPARATION
        ).first()
    signed_in(client, acme, acme.mentees[0])
    page = client.get("/checklist/").content.decode()
    assert own.text in page
    assert all(item.text in page for item in defaults)
    assert "Not mine" not in page
    assert mentor_default.text not in page
    assert f"0 of {len(defaults) + 1} done" in page
    assert "Launching a program" not in page


def test_a_program_manager_also_sees_the_launch_checklist(client, world):
    acme = world.acme
    with activate(acme.organization):
        launch = ChecklistItem.objects.filter(audience=ChecklistAudience.MANAGER_LAUNCH).first()
    signed_in(client, acme, acme.manager)
    page = client.get("/checklist/").content.decode()
    assert "Launching a program" in page
    assert launch.text in page


def _my_first_item(world, program):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    with activate(acme.organization):
        item = ChecklistItem.objects.filter(
            audience=ChecklistAudience.MENTEE_FIRST_SESSION, program__isnull=True
        ).first()
    return enrollment, item


def completions(org, user) -> set[int]:
    with activate(org.organization):
        return set(
            ChecklistCompletion.objects.filter(person__user=user).values_list("item_id", flat=True)
        )


def test_a_checklist_item_is_ticked_with_a_plain_form_post(client, world):
    acme = world.acme
    enrollment, item = _my_first_item(world, make_program(acme))
    signed_in(client, acme, acme.mentees[0])
    page = client.get("/checklist/").content.decode()
    assert f'hx-post="/checklist/items/{item.pk}/"' in page
    assert "<noscript>" in page
    response = client.post(
        f"/checklist/items/{item.pk}/", {"done": "1", "section": f"e{enrollment.pk}"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/checklist/#item-e{enrollment.pk}-{item.pk}"
    assert completions(acme, acme.mentees[0]) == {item.pk}
    page = client.get("/checklist/").content.decode()
    assert f'id="check-e{enrollment.pk}-{item.pk}" checked' in page
    assert "1 of" in page
    client.post(f"/checklist/items/{item.pk}/", {"section": f"e{enrollment.pk}"})
    assert completions(acme, acme.mentees[0]) == set()


def test_a_checklist_item_is_ticked_with_htmx_and_gets_its_partial_back(client, world):
    acme = world.acme
    enrollment, item = _my_first_item(world, make_program(acme))
    signed_in(client, acme, acme.mentees[0])
    response = client.post(
        f"/checklist/items/{item.pk}/",
        {"done": "1", "section": f"e{enrollment.pk}"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(
        f'<li class="checklist__item checklist__item--done" id="item-e{enrollment.pk}-{item.pk}"'
    )
    assert "<html" not in page
    assert "<noscript>" not in page  # htmx parses swapped content with scripting off
    assert f'id="check-e{enrollment.pk}-{item.pk}" checked' in page
    assert f'<span id="count-e{enrollment.pk}" hx-swap-oob="innerHTML">' in page
    assert "1 of" in page
    assert completions(acme, acme.mentees[0]) == {item.pk}
    response = client.post(
        f"/checklist/items/{item.pk}/", {"section": f"e{enrollment.pk}"}, HTTP_HX_REQUEST="true"
    )
    assert " checked" not in response.content.decode()
    assert completions(acme, acme.mentees[0]) == set()


def test_items_of_someone_elses_checklist_cannot_be_ticked(client, world):
    acme = world.acme
    _my_first_item(world, make_program(acme))
    with activate(acme.organization):
        launch = ChecklistItem.objects.filter(audience=ChecklistAudience.MANAGER_LAUNCH).first()
        mentor = ChecklistItem.objects.filter(audience=ChecklistAudience.MENTOR_PREPARATION).first()
    with activate(world.globex.organization):
        globex_item = ChecklistItem.objects.first()
    signed_in(client, acme, acme.mentees[0])
    for item in (launch, mentor, globex_item):
        assert client.post(f"/checklist/items/{item.pk}/", {"done": "1"}).status_code == 404
    assert completions(acme, acme.mentees[0]) == set()
    assert client.get(f"/checklist/items/{launch.pk}/").status_code == 405


# ---------------------------------------------------------------- people and home


def test_a_member_profile_shows_their_details_and_recognition(client, world):
    acme = world.acme
    program = make_program(acme)
    enrol_mentor(acme, acme.mentors[0], program)
    mentor = profile(acme, acme.mentors[0])
    with activate(acme.organization):
        department = mentor.department.name
        Profile.objects.filter(pk=mentor.pk).update(
            job_title="Support lead", bio="<script>alert(1)</script>I like questions."
        )
        services.recognition_award(
            organization=acme.organization,
            actor=acme.manager,
            mentor=mentor,
            badge=Badge.STEADY_GUIDE,
            note="Never missed a session.",
            program=program,
        )
    signed_in(client, acme, acme.mentees[0])
    page = client.get(f"/people/{mentor.pk}/").content.decode()
    assert mentor.display_name in page
    assert "Support lead" in page
    assert department in page
    assert "Steady guide" in page and "Never missed a session." in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;I like questions." in page
    assert world.globex.sentinel not in page


def test_the_home_page_lists_my_programs(client, world):
    acme = world.acme
    program = make_program(acme, name="Acme listening circle")
    enrollment = enrol_mentee(acme, acme.mentees[0], program, approve=False)
    signed_in(client, acme, acme.mentees[0])
    page = client.get("/").content.decode()
    assert "My programs" in page
    assert f'href="/enrolments/{enrollment.pk}/">Acme listening circle</a>' in page
    assert "Waiting for approval" in page
    assert 'href="/programs/"' in page and 'href="/checklist/"' in page


# ---------------------------------------------------------------- query counts


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# session, user and membership, then the page's own reads
DIRECTORY_QUERIES = 7  # programs, their focus skills, my enrolments
DETAIL_QUERIES = 9  # program, focus skills, resources, recognitions, my enrolment
ENROLMENT_QUERIES = 8  # enrolment with program, its skills, goals, reviews
CHECKLIST_QUERIES = 7  # enrolments, items, completions


def test_the_directory_costs_the_same_queries_for_1_or_10_programs(
    client, world, django_assert_num_queries
):
    acme = world.acme
    first = make_program(acme)
    enrol_mentee(acme, acme.mentees[0], first)
    signed_in(client, acme, acme.mentees[0])
    with django_assert_num_queries(DIRECTORY_QUERIES):
        client.get("/programs/")
    one = _count(client, "/programs/")
    for _ in range(9):
        enrol_mentee(acme, acme.mentees[0], make_program(acme, skills=3))
    with django_assert_num_queries(DIRECTORY_QUERIES):
        page = client.get("/programs/")
    assert page.content.decode().count("program-card__title") == 10
    assert _count(client, "/programs/") == one


def test_the_program_page_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    acme = world.acme
    program = make_program(acme, skills=3)
    enrol_mentee(acme, acme.mentees[0], program)
    signed_in(client, acme, acme.mentees[0])
    one = _count(client, f"/programs/{program.pk}/")
    for index, mentor in enumerate(acme.mentors):
        enrol_mentor(acme, mentor, program)
        with activate(acme.organization):
            for kind in ResourceKind:
                Resource.objects.create(
                    title=f"{kind} {index}", url="https://example.org", kind=kind, program=program
                )
            services.recognition_award(
                organization=acme.organization,
                actor=acme.manager,
                mentor=profile(acme, mentor),
                badge=Badge.BRIDGE_BUILDER,
                note="Thanks",
                program=program,
            )
    with django_assert_num_queries(DETAIL_QUERIES):
        client.get(f"/programs/{program.pk}/")
    assert _count(client, f"/programs/{program.pk}/") == one


def test_the_enrolment_page_costs_the_same_for_1_or_5_goals_with_reviews(
    client, world, django_assert_num_queries
):
    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
        start = goal_review_start_on(enrollment)
    add_review(acme, acme.mentees[0], goal, on=start)
    signed_in(client, acme, acme.mentees[0])
    with django_assert_num_queries(ENROLMENT_QUERIES):
        client.get(f"/enrolments/{enrollment.pk}/")
    one = _count(client, f"/enrolments/{enrollment.pk}/")
    skill = focus_skills(program)[0]
    for number in range(4):
        with activate(acme.organization):
            more = services.goal_create(
                organization=acme.organization,
                actor=acme.mentees[0],
                enrollment=enrollment,
                statement=f"{GOAL} in meeting number {number}",
                skill=skill,
            )
        add_review(acme, acme.mentees[0], more, on=start)
        add_review(acme, acme.mentees[0], more, on=add_months(start, 5))
    with django_assert_num_queries(ENROLMENT_QUERIES):
        page = client.get(f"/enrolments/{enrollment.pk}/")
    assert page.content.decode().count('class="card goal"') == 5
    assert _count(client, f"/enrolments/{enrollment.pk}/") == one


def test_the_checklist_page_takes_a_fixed_number_of_queries(
    client, world, django_assert_num_queries
):
    acme = world.acme
    enrol_mentee(acme, acme.manager, make_program(acme))
    signed_in(client, acme, acme.manager)
    one = _count(client, "/checklist/")
    for _ in range(3):
        program = make_program(acme)
        enrol_mentee(acme, acme.manager, program)
        with activate(acme.organization):
            ChecklistItem.objects.create(
                audience=ChecklistAudience.MENTEE_FIRST_SESSION, program=program, text="Extra"
            )
            ChecklistItem.objects.create(
                audience=ChecklistAudience.MANAGER_LAUNCH, program=program, text="Launch extra"
            )
    with django_assert_num_queries(CHECKLIST_QUERIES):
        client.get("/checklist/")
    assert _count(client, "/checklist/") == one


# ---------------------------------------------------------------- the other organization


def test_no_acme_page_shows_anything_of_globex(client, world):
    acme, globex = world.acme, world.globex
    # globex gets everything acme has, so a leak anywhere would carry its sentinel
    for org in (acme, globex):
        program = make_program(org, name=f"Shared name {org.sentinel}")
        enrol_mentee(org, org.mentees[0], program)
        enrol_mentor(org, org.mentors[0], program)
        with activate(org.organization):
            Resource.objects.create(
                title=f"Resource {org.sentinel}", url="https://example.org", kind="article"
            )
            Recognition.objects.create(
                mentor=profile(org, org.mentors[0]),
                program=program,
                badge=Badge.FEEDBACK_CHAMPION,
                note=f"Note {org.sentinel}",
            )
            ChecklistItem.objects.create(
                audience=ChecklistAudience.MENTEE_FIRST_SESSION, text=f"Item {org.sentinel}"
            )
    with activate(acme.organization):
        program = Program.objects.get()
        enrollment = Enrollment.objects.get(person__user=acme.mentees[0])
        goal = Goal.objects.get(enrollment=enrollment)
    urls = [
        "/",
        "/programs/",
        f"/programs/{program.pk}/",
        f"/programs/{program.pk}/apply/mentee/",
        f"/programs/{program.pk}/apply/mentor/",
        f"/enrolments/{enrollment.pk}/",
        f"/enrolments/{enrollment.pk}/withdraw/",
        f"/enrolments/{enrollment.pk}/goals/new/",
        f"/goals/{goal.pk}/edit/",
        "/checklist/",
        f"/people/{profile(acme, acme.mentors[0]).pk}/",
    ]
    signed_in(client, acme, acme.mentees[0])
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert globex.sentinel not in page, url
        assert acme.sentinel in page, url

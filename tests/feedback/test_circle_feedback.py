"""Feedback, skill ratings and the pulse in a circle: feedback goes from one member to
another chosen member and only those two read it; each mentee rates their own skills, the
circle's mentors rate each mentee's, and no mentee sees another's ratings; every member
answers the pulse about "your circle"."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from feedback import services
from feedback.models import Feedback, RaterRole, SkillRating, SurveyResponse
from feedback.selectors.statistics import overview_programs, program_overviews
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Enrollment
from tests.builders.circle import Circle, make_circle
from tests.builders.clients import signed_in
from tests.builders.pages import text
from tests.builders.pair import GOOD
from tests.builders.world import hold_session

SECRET = "CIRCLE-WORDS-K4"


# ---------------------------------------------------------------- helpers


@pytest.fixture
def circle(world) -> Circle:
    return make_circle(world.acme, mentees=4)


def url(name: str, circle: Circle, **kwargs) -> str:
    return reverse(f"feedback:{name}", kwargs={"mentorship_id": circle.mentorship.pk, **kwargs})


def profile(org, user) -> Profile:
    with activate(org.organization):
        return Profile.objects.get(user=user)


def enrollment(circle: Circle, user) -> Enrollment:
    with activate(circle.org.organization):
        return Enrollment.objects.select_related("person").get(
            program=circle.mentorship.program_id, person__user=user
        )


def first_mentee(circle: Circle) -> Enrollment:
    return enrollment(circle, circle.mentees[0])


def skill_of(circle: Circle):
    return circle.mentorship.focus_skill


def post_feedback(browser, circle: Circle, to: Profile | None, **overrides):
    """The give page's form for ``to`` (None: nobody chosen)."""
    data = {"receiver": to.pk if to else "", "skill": skill_of(circle).pk, "kind": "change"}
    data.update(GOOD)
    return browser.post(url("new", circle), {**data, **overrides})


def give(circle: Circle, giver, receiver_user, **texts) -> Feedback:
    with activate(circle.org.organization):
        return services.feedback_give(
            organization=circle.org.organization,
            actor=giver,
            mentorship=circle.mentorship,
            skill=skill_of(circle),
            kind="keep",
            receiver=Profile.objects.get(user=receiver_user),
            **{**GOOD, **texts},
        )


def feedback_rows(circle: Circle) -> list[tuple]:
    with activate(circle.org.organization):
        return list(Feedback.objects.order_by("pk").values_list("giver__user", "receiver__user"))


def rating_data(about: Enrollment, skill, level, moment="start", period="") -> dict:
    prefix = f"skill-{about.pk}-{skill.pk}"
    return {
        "enrollment": about.pk,
        f"{prefix}-level": level,
        f"{prefix}-moment": moment,
        f"{prefix}-period": period,
    }


def ratings(circle: Circle) -> list[tuple]:
    with activate(circle.org.organization):
        return list(
            SkillRating.objects.order_by("pk").values_list(
                "enrollment__person__user", "rater__user", "rater_role", "level"
            )
        )


# ---------------------------------------------------------------- giving feedback


def test_the_give_page_lets_a_member_choose_any_other_member_of_the_circle(circle):
    giver = circle.mentees[1]
    page = text(signed_in(circle.org, giver).get(url("new", circle)))
    assert "Give feedback in your circle" in page
    select = re.search(r'<select name="receiver"[^>]*>(.*?)</select>', page, re.S).group(1)
    offered = re.findall(r'<option value="(\d+)"', select)
    others = [user for user in circle.members if user != giver]
    assert offered == [str(profile(circle.org, user).pk) for user in others]
    assert f'<option value="{profile(circle.org, giver).pk}"' not in page


def test_a_mentee_gives_feedback_to_another_mentee_and_only_the_two_of_them_read_it(circle):
    giver, receiver = circle.mentees[1], circle.mentees[2]
    browser = signed_in(circle.org, giver)
    behaviour = f"you asked {SECRET} what she needed before offering help"
    response = post_feedback(browser, circle, profile(circle.org, receiver), behaviour=behaviour)
    assert response.status_code == 302, text(response)[:2000]
    assert feedback_rows(circle) == [(giver.pk, receiver.pk)]
    receiver_name = profile(circle.org, receiver).display_name
    given = text(browser.get(response["Location"]))
    assert f"Your feedback is saved and {receiver_name} can read it now." in given
    assert f"to {receiver_name}" in given and escape(behaviour) in given

    received = text(signed_in(circle.org, receiver).get(url("list", circle)))
    assert escape(behaviour) in received
    assert f"From {profile(circle.org, giver).display_name}" in received
    assert "Reply with a reflection" in received

    # the circle's first mentee and its mentor: the pair's two fields, members all the same
    for outsider in (circle.mentees[0], circle.mentors[0], circle.mentees[3]):
        page = text(signed_in(circle.org, outsider).get(url("list", circle)))
        assert SECRET not in page, outsider
        assert "Received (0)" in page and "Given (0)" in page


@pytest.mark.parametrize("who", ["first mentee", "mentor", "another mentee", "giver"])
def test_other_members_get_the_same_404_as_for_missing_feedback(circle, who):
    feedback = give(circle, circle.mentees[1], circle.mentees[2], suggestion=f"Try {SECRET}")
    user = {
        "first mentee": circle.mentees[0],
        "mentor": circle.mentors[0],
        "another mentee": circle.mentees[3],
        "giver": circle.mentees[1],
    }[who]
    browser = signed_in(circle.org, user)
    missing = feedback.pk + 1000
    for feedback_id in (feedback.pk, missing):
        reflect = url("reflect", circle, feedback_id=feedback_id)
        data = {f"reflect-{feedback_id}-reflection": "Mine now"}
        response = browser.post(reflect, data)
        assert response.status_code == 404 and SECRET not in text(response)
        response = browser.post(url("experiment", circle, feedback_id=feedback_id))
        assert response.status_code == 404 and SECRET not in text(response)
    with activate(circle.org.organization):
        feedback.refresh_from_db()
        assert feedback.reflection == "" and feedback.experiment_id is None


def test_the_receiver_reflects_and_the_giver_reads_the_reflection(circle):
    giver, receiver = circle.mentees[1], circle.mentees[2]
    feedback = give(circle, giver, receiver)
    data = {f"reflect-{feedback.pk}-reflection": f"I will try it at {SECRET}"}
    response = signed_in(circle.org, receiver).post(
        url("reflect", circle, feedback_id=feedback.pk), data
    )
    assert response.status_code == 302
    given = text(signed_in(circle.org, giver).get(url("list", circle)))
    assert f"{profile(circle.org, receiver).display_name}'s reflection" in given
    assert SECRET in given
    assert SECRET not in text(signed_in(circle.org, circle.mentors[0]).get(url("list", circle)))


def test_the_receiver_turns_a_suggestion_into_an_experiment_of_their_own(circle):
    giver, receiver = circle.mentors[0], circle.mentees[3]
    feedback = give(circle, giver, receiver)
    browser = signed_in(circle.org, receiver)
    response = browser.post(url("experiment", circle, feedback_id=feedback.pk), follow=True)
    assert "The suggestion is now an experiment of yours" in text(response)
    with activate(circle.org.organization):
        feedback.refresh_from_db()
        assert feedback.experiment.owner.user_id == receiver.pk


@pytest.mark.parametrize("who", ["oneself", "a non-member", "another organization"])
def test_feedback_for_someone_outside_the_circle_is_refused_on_the_page_and_nothing_is_kept(
    world, circle, who
):
    giver = circle.mentees[1]
    target = {
        "oneself": profile(world.acme, giver),
        "a non-member": profile(world.acme, world.acme.mentors[1]),
        "another organization": profile(world.globex, world.globex.mentees[0]),
    }[who]
    response = post_feedback(signed_in(circle.org, giver), circle, target)
    page = text(response)
    assert response.status_code == 200
    assert "Choose one of the other members of your circle." in page
    assert escape(GOOD["impact"]) in page  # nothing typed is lost
    assert feedback_rows(circle) == []


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("oneself", "not yourself"),
        ("a non-member", "Choose one of the other members of your circle."),
        ("another organization", "That belongs to another organization."),
        ("nobody", "Choose whom this feedback is for."),
    ],
)
def test_the_service_refuses_a_receiver_outside_the_circle(world, circle, who, message):
    giver = circle.mentees[1]
    target = {
        "oneself": lambda: profile(world.acme, giver),
        "a non-member": lambda: profile(world.acme, world.acme.mentors[1]),
        "another organization": lambda: profile(world.globex, world.globex.mentees[0]),
        "nobody": lambda: None,
    }[who]()
    with activate(world.acme.organization), pytest.raises(ValidationError, match=message):
        services.feedback_give(
            organization=world.acme.organization,
            actor=giver,
            mentorship=circle.mentorship,
            skill=skill_of(circle),
            kind="keep",
            receiver=target,
            **GOOD,
        )
    assert feedback_rows(circle) == []


def test_a_circle_page_without_a_chosen_receiver_says_so_and_keeps_the_texts(circle):
    response = post_feedback(signed_in(circle.org, circle.mentors[0]), circle, None)
    page = text(response)
    assert response.status_code == 200
    assert "Choose whom this feedback is for." in page and escape(GOOD["suggestion"]) in page
    assert feedback_rows(circle) == []


def test_the_same_feedback_sent_twice_is_kept_once_but_may_go_to_two_members(circle):
    giver = signed_in(circle.org, circle.mentors[0])
    for receiver in (circle.mentees[2], circle.mentees[2], circle.mentees[3]):
        post_feedback(giver, circle, profile(circle.org, receiver))
    assert feedback_rows(circle) == [
        (circle.mentors[0].pk, circle.mentees[2].pk),
        (circle.mentors[0].pk, circle.mentees[3].pk),
    ]


def test_feedback_may_name_a_session_of_the_circle(circle):
    session = hold_session(circle.mentorship)
    response = post_feedback(
        signed_in(circle.org, circle.mentees[3]),
        circle,
        profile(circle.org, circle.mentors[0]),
        session=session.pk,
    )
    assert response.status_code == 302
    with activate(circle.org.organization):
        assert Feedback.objects.get().session_id == session.pk


# ---------------------------------------------------------------- who may see the pages


@pytest.mark.parametrize("who", ["member of another organization", "non-member", "manager"])
def test_nobody_outside_the_circle_reaches_its_feedback_pages(world, circle, who):
    give(circle, circle.mentees[1], circle.mentees[2], behaviour=f"you said {SECRET}")
    org, user = {
        "member of another organization": (world.globex, world.globex.mentees[0]),
        "non-member": (world.acme, world.acme.mentors[1]),
        "manager": (world.acme, world.acme.manager),
    }[who]
    browser = signed_in(org, user)
    skill = skill_of(circle)
    for method, address in (
        ("get", url("new", circle)),
        ("post", url("new", circle)),
        ("get", url("list", circle)),
        ("get", url("progress", circle)),
        ("post", url("rate", circle, skill_id=skill.pk)),
        ("get", url("pulse", circle)),
        ("post", url("pulse", circle)),
    ):
        response = getattr(browser, method)(address)
        assert response.status_code == 404, (method, address)
        assert SECRET not in text(response)
    assert feedback_rows(circle) == [(circle.mentees[1].pk, circle.mentees[2].pk)]


# ---------------------------------------------------------------- skill ratings


def test_the_mentor_rates_each_mentee_and_each_mentee_rates_themself(circle):
    skill = skill_of(circle)
    mentor = signed_in(circle.org, circle.mentors[0])
    rate_url = url("rate", circle, skill_id=skill.pk)
    for user, level in ((circle.mentees[1], 2), (circle.mentees[2], 4)):
        about = enrollment(circle, user)
        response = mentor.post(rate_url, rating_data(about, skill, level))
        assert response.status_code == 302, text(response)[:2000]
        assert response["Location"] == f"{url('progress', circle)}#skill-{about.pk}-{skill.pk}"
    name = profile(circle.org, circle.mentees[2]).display_name
    assert f"Your rating of {name}&#x27;s {skill.name} is saved" in text(
        mentor.get(url("progress", circle))
    )
    own = enrollment(circle, circle.mentees[2])
    response = signed_in(circle.org, circle.mentees[2]).post(rate_url, rating_data(own, skill, 3))
    assert response.status_code == 302
    assert ratings(circle) == [
        (circle.mentees[1].pk, circle.mentors[0].pk, RaterRole.MENTOR, 2),
        (circle.mentees[2].pk, circle.mentors[0].pk, RaterRole.MENTOR, 4),
        (circle.mentees[2].pk, circle.mentees[2].pk, RaterRole.SELF, 3),
    ]


def test_the_mentor_sees_every_mentees_skills_and_a_mentee_only_their_own(circle):
    skill = skill_of(circle)
    mentor = signed_in(circle.org, circle.mentors[0])
    rate_url = url("rate", circle, skill_id=skill.pk)
    for user, level in ((circle.mentees[1], 2), (circle.mentees[2], 5)):
        mentor.post(rate_url, rating_data(enrollment(circle, user), skill, level))
    second = signed_in(circle.org, circle.mentees[1])
    second.post(rate_url, rating_data(enrollment(circle, circle.mentees[1]), skill, 1))

    page = text(mentor.get(url("progress", circle)))
    headings = re.findall(r"<h2 id=\"skills-\d+-title\">(.*?)</h2>", page)
    names = [profile(circle.org, user).display_name for user in circle.mentees]
    assert headings == [f"{name}'s skills" for name in names]
    for user in circle.mentees:
        assert f'name="enrollment" value="{enrollment(circle, user).pk}"' in page

    page = text(second.get(url("progress", circle)))
    descs = re.findall(r"<desc [^>]*>(.*?)</desc>", page)
    assert descs == ["Self view: Start 1; Observed by the mentor: Start 2"]
    assert "Start 5" not in page  # the other mentee's rating
    for user in (circle.mentees[0], circle.mentees[2], circle.mentees[3]):
        assert f'value="{enrollment(circle, user).pk}"' not in page
        assert profile(circle.org, user).display_name not in page
    assert "The other mentees of your circle do not see your ratings." in page


def test_a_mentee_can_neither_rate_another_mentee_nor_see_their_ratings_by_address(circle):
    skill = skill_of(circle)
    other = enrollment(circle, circle.mentees[2])
    response = signed_in(circle.org, circle.mentees[1]).post(
        url("rate", circle, skill_id=skill.pk), rating_data(other, skill, 5)
    )
    assert response.status_code == 404
    with (
        activate(circle.org.organization),
        pytest.raises(ValidationError, match="you rate your own skills"),
    ):
        services.skill_rating_add(
            organization=circle.org.organization,
            actor=circle.mentees[1],
            mentorship=circle.mentorship,
            skill=skill,
            level=5,
            moment="start",
            enrollment=other,
        )
    assert ratings(circle) == []


@pytest.mark.parametrize("whose", ["the mentor's own", "a non-member's", "nobody's"])
def test_a_mentor_rates_only_the_mentees_of_the_circle(world, circle, whose):
    skill = skill_of(circle)
    about = {
        "the mentor's own": lambda: enrollment(circle, circle.mentors[0]),
        "a non-member's": lambda: first_mentee(make_circle(world.acme, mentees=3)),
        "nobody's": lambda: None,
    }[whose]()
    with activate(circle.org.organization), pytest.raises(ValidationError) as error:
        services.skill_rating_add(
            organization=circle.org.organization,
            actor=circle.mentors[0],
            mentorship=circle.mentorship,
            skill=skill,
            level=3,
            moment="start",
            enrollment=about,
        )
    expected = (
        "Choose the mentee whose skill you rate."
        if about is None
        else "Rate one of the mentees of this circle."
    )
    assert error.value.message_dict["enrollment"] == [expected]
    assert ratings(circle) == []


# Measured: the request's four, the mentorship, the circle's members, the mentees'
# enrolments, their focus skills and all their ratings. None grows with the mentees.
CIRCLE_PROGRESS_QUERIES = 9


@pytest.mark.parametrize("mentees", [3, 6])
def test_the_mentors_progress_page_costs_the_same_queries_for_three_or_six_mentees(
    world, mentees, django_assert_num_queries
):
    circle = make_circle(world.acme, mentees=mentees)
    skill = skill_of(circle)
    mentor = signed_in(circle.org, circle.mentors[0])
    for user in circle.mentees:
        mentor.post(
            url("rate", circle, skill_id=skill.pk),
            rating_data(enrollment(circle, user), skill, 3),
        )
    assert len(ratings(circle)) == mentees
    with django_assert_num_queries(CIRCLE_PROGRESS_QUERIES):
        assert mentor.get(url("progress", circle)).status_code == 200


# The request's four, the mentorship, the circle's members and the feedback.
CIRCLE_FEEDBACK_LIST_QUERIES = 7


def test_the_circle_feedback_page_costs_the_same_queries_however_much_feedback(
    circle, django_assert_num_queries
):
    me = circle.mentees[1]
    browser = signed_in(circle.org, me)
    give(circle, circle.mentors[0], me)
    with django_assert_num_queries(CIRCLE_FEEDBACK_LIST_QUERIES):
        assert browser.get(url("list", circle)).status_code == 200
    for index, other in enumerate([circle.mentees[0], circle.mentees[2], circle.mentees[3]]):
        give(circle, other, me, situation=f"{GOOD['situation']} ({index})")
        give(circle, me, other)
    with django_assert_num_queries(CIRCLE_FEEDBACK_LIST_QUERIES):
        assert browser.get(url("list", circle)).status_code == 200


# ---------------------------------------------------------------- surveys


def test_every_member_answers_the_pulse_about_their_circle(circle):
    for user in (circle.mentees[2], circle.mentors[0]):
        browser = signed_in(circle.org, user)
        page = text(browser.get(url("pulse", circle)))
        assert "how your circle is going" in page
        assert services.CIRCLE_PULSE_QUESTIONS["candid"] in page
        response = browser.post(url("pulse", circle), {"useful": 4, "candid": 5})
        assert response.status_code == 302
        assert "Thank you: your answers are saved." in text(browser.get(url("pulse", circle)))
    with activate(circle.org.organization):
        rows = list(
            SurveyResponse.objects.order_by("pk").values_list(
                "respondent__user", "respondent_role", "mentorship", "answers"
            )
        )
    answers = {"useful": 4, "candid": 5}
    assert rows == [
        (circle.mentees[2].pk, "mentee", circle.mentorship.pk, answers),
        (circle.mentors[0].pk, "mentor", circle.mentorship.pk, answers),
    ]


def test_a_circle_member_answers_the_program_survey(circle):
    survey = reverse("feedback:program_survey", args=[circle.mentorship.program_id])
    browser = signed_in(circle.org, circle.mentees[3])
    assert browser.get(survey).status_code == 200
    assert browser.post(survey, {"useful": 5, "recommend": 9}).status_code == 302
    with activate(circle.org.organization):
        assert list(SurveyResponse.objects.values_list("kind", "respondent_role")) == [
            ("program", "mentee")
        ]


def test_a_non_member_cannot_answer_the_circles_pulse_through_the_service(world, circle):
    with activate(world.acme.organization), pytest.raises(ValidationError, match="members"):
        services.survey_answer(
            organization=world.acme.organization,
            actor=world.acme.mentors[1],
            kind="pulse",
            mentorship=circle.mentorship,
            answers={"useful": 4, "candid": 4},
            period=1,
        )
    with activate(world.acme.organization):
        assert not SurveyResponse.objects.exists()


# ---------------------------------------------------------------- managers' figures


def test_every_mentor_of_a_circle_counts_for_recognition_and_its_mentees_do_not(world):
    circle = make_circle(world.acme, mentees=3, mentors=2)
    for giver in (circle.mentors[1], circle.mentees[1]):
        for receiver in [user for user in circle.members if user != giver][:3]:
            give(circle, giver, receiver)
    with activate(world.acme.organization):
        (overview,) = program_overviews(overview_programs(circle.mentorship.program_id))
    second_mentor = profile(world.acme, circle.mentors[1])
    assert [(row["giver_id"], row["count"]) for row in overview.recognition] == [
        (second_mentor.pk, 3)
    ]

"""Goal reviews done together: the mentee's mentor reads the goals and reviews on the
enrolment page, adds an observation the mentee then reads, each is told of the other's
part once, and every page names the same next-review date."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from django.utils.dateformat import format as date_format

from matching.models import Mentorship, MentorshipStatus
from mentoring.notifications.models import Kind, NotificationSetting, OutboxMessage
from mentoring.people.models import Profile
from mentoring.privacy.services import person_erase
from mentoring.tenancy import activate
from programs import services
from programs.models import Enrollment, EnrollmentStatus, Goal, GoalReview, GoalStatus
from programs.schedule import goal_review_start_on, next_review_of
from tests.builders.clients import signed_in
from tests.builders.cohort import GOAL, add_review, enrol_mentee
from tests.builders.pair import make_pair
from tests.builders.world import make_program

OBSERVED = "In the Thursday planning you asked Sam for his view before giving yours."


@pytest.fixture
def pair(world):
    return make_pair(world.acme)


def goal_of(pair) -> Goal:
    with activate(pair.org.organization):
        return Goal.objects.select_related("enrollment__program", "enrollment__person").get(
            enrollment=pair.mentorship.mentee
        )


def page_url(pair) -> str:
    return f"/enrolments/{pair.mentorship.mentee_id}/"


def observe(client, review, text=OBSERVED, version=0):
    return client.post(
        f"/goal-reviews/{review.pk}/observation/",
        {f"observation-{review.pk}-text": text, f"observation-{review.pk}-version": version},
    )


def shared_with(pair, user) -> list[OutboxMessage]:
    with activate(pair.org.organization):
        return list(OutboxMessage.objects.filter(kind=Kind.GOAL_REVIEW_SHARED, recipient=user))


def turn_off(pair, user, kind=Kind.GOAL_REVIEW_SHARED):
    with activate(pair.org.organization):
        NotificationSetting.objects.create(
            organization=pair.org.organization,
            person=Profile.objects.get(user=user),
            kind=kind,
            is_enabled=False,
        )


def other_pair_mentor(pair):
    with activate(pair.org.organization):
        other = Mentorship.objects.exclude(pk=pair.mentorship.pk).select_related(
            "mentor__person__user"
        )
        return other.get().mentor.person.user


# ---------------------------------------------------------------- who sees the page


def test_the_mentor_sees_the_mentees_goals_and_reviews(pair):
    add_review(pair.org, pair.mentee, goal_of(pair), what_changed="Asked two quiet people first.")
    page = signed_in(pair.org, pair.mentor).get(page_url(pair))
    assert page.status_code == 200
    text = page.content.decode()
    assert GOAL in text and "Asked two quiet people first." in text
    assert "Add my observation" in text
    # the mentor only reads: no goal editing, no review of their own, no withdrawing
    assert "Add goal" not in text and "Save my review" not in text and "Withdraw" not in text


@pytest.mark.parametrize("who", ["other mentee", "mentor of another pair", "manager", "hr"])
def test_anyone_but_the_mentee_and_their_mentor_gets_a_404(pair, who):
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    user = {
        "other mentee": next(u for u in pair.org.mentees if u != pair.mentee),
        "mentor of another pair": other_pair_mentor(pair),
        "manager": pair.org.manager,
        "hr": pair.org.hr,
    }[who]
    client = signed_in(pair.org, user)
    assert client.get(page_url(pair)).status_code == 404
    assert observe(client, review).status_code == 404
    with activate(pair.org.organization):
        assert GoalReview.objects.get(pk=review.pk).mentor_observation == ""


def test_a_member_of_another_organization_gets_a_404_for_the_page_and_the_observation(world, pair):
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    globex = make_pair(world.globex)
    client = signed_in(world.globex, globex.mentor)
    assert client.get(page_url(pair)).status_code == 404
    assert observe(client, review).status_code == 404
    with activate(pair.org.organization):
        assert GoalReview.objects.get(pk=review.pk).mentor_observation == ""


def test_after_the_mentorship_ends_the_mentor_still_reads_but_no_longer_writes(pair):
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    with activate(pair.org.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(
            status=MentorshipStatus.COMPLETED, ended_on=date.today()
        )
    client = signed_in(pair.org, pair.mentor)
    page = client.get(page_url(pair)).content.decode()
    assert "this page is read-only" in page and "Add my observation" not in page
    assert observe(client, review).status_code == 404


# ---------------------------------------------------------------- the observation


def test_the_mentors_observation_is_saved_and_the_mentee_reads_it(pair):
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    mentor = signed_in(pair.org, pair.mentor)
    response = observe(mentor, review)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#review-{review.pk}")
    assert "Your observation is saved" in mentor.get(response["Location"]).content.decode()
    mentee_page = signed_in(pair.org, pair.mentee).get(page_url(pair)).content.decode()
    assert "Your mentor's observation" in mentee_page and OBSERVED in mentee_page
    # the mentee reads it, and cannot write one on their own review
    assert "Add my observation" not in mentee_page
    assert observe(signed_in(pair.org, pair.mentee), review, text="Mine").status_code == 404


def test_an_empty_observation_is_refused_with_a_message(pair):
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    response = observe(signed_in(pair.org, pair.mentor), review, text="   ")
    assert response.status_code == 200
    assert "Write what you observed" in response.content.decode()


def test_sending_the_same_observation_twice_saves_it_once(pair):
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    mentor = signed_in(pair.org, pair.mentor)
    assert observe(mentor, review).status_code == 302
    assert observe(mentor, review).status_code == 302  # the second click of the same form
    with activate(pair.org.organization):
        stored = GoalReview.objects.get(pk=review.pk)
    assert (stored.mentor_observation, stored.observation_version) == (OBSERVED, 1)
    assert len(shared_with(pair, pair.mentee)) == 1


def test_an_edit_made_over_an_older_version_is_refused_and_loses_no_text(pair):
    """Two tabs opened on version 0: the first saves, the second is told and keeps its
    text in the box, and the newer observation is not overwritten."""
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    first, second = signed_in(pair.org, pair.mentor), signed_in(pair.org, pair.mentor)
    assert observe(first, review, text=OBSERVED, version=0).status_code == 302
    late = "She opened the retro with a question to the newest person."
    response = observe(second, review, text=late, version=0)
    assert response.status_code == 409
    page = response.content.decode()
    assert "changed this observation while you were writing" in page
    assert OBSERVED in page and late in page  # theirs shown, mine kept in the box
    with activate(pair.org.organization):
        assert GoalReview.objects.get(pk=review.pk).mentor_observation == OBSERVED
    # saved again from the refreshed form (now over version 1), it goes through
    assert observe(second, review, text=late, version=1).status_code == 302
    with activate(pair.org.organization):
        assert GoalReview.objects.get(pk=review.pk).mentor_observation == late


# ---------------------------------------------------------------- goal review shared


def test_the_mentor_is_told_once_when_the_mentee_records_a_review(pair, sent):
    with sent:
        add_review(pair.org, pair.mentee, goal_of(pair))
    [message] = shared_with(pair, pair.mentor)
    assert "shared a goal review with you" in message.subject
    assert f"{page_url(pair)}#review-" in message.body_text
    assert shared_with(pair, pair.mentee) == []  # not to the one who wrote it


def test_the_mentee_is_told_once_when_the_mentor_adds_an_observation(pair):
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    observe(signed_in(pair.org, pair.mentor), review)
    [message] = shared_with(pair, pair.mentee)
    assert "added an observation to your goal review" in message.subject
    assert OBSERVED in message.body_text and f"#review-{review.pk}" in message.body_text
    assert len(shared_with(pair, pair.mentor)) == 1  # only the review's own message


def test_nobody_is_told_who_turned_goal_review_emails_off(pair):
    turn_off(pair, pair.mentor)
    turn_off(pair, pair.mentee)
    review = add_review(pair.org, pair.mentee, goal_of(pair))
    assert observe(signed_in(pair.org, pair.mentor), review).status_code == 302
    assert shared_with(pair, pair.mentor) == [] and shared_with(pair, pair.mentee) == []


def test_another_organization_hears_nothing_of_a_review(world, pair):
    add_review(pair.org, pair.mentee, goal_of(pair))
    with activate(world.globex.organization):
        assert not OutboxMessage.objects.filter(kind=Kind.GOAL_REVIEW_SHARED).exists()


# ---------------------------------------------------------------- query counts


def test_the_mentors_page_costs_the_same_queries_whatever_the_number_of_reviews(
    pair, django_assert_num_queries
):
    goal = goal_of(pair)
    review = add_review(pair.org, pair.mentee, goal)
    client = signed_in(pair.org, pair.mentor)
    observe(client, review)
    client.get(page_url(pair))  # warm the session and caches
    with django_assert_num_queries(QUERIES):
        assert client.get(page_url(pair)).status_code == 200
    for number in range(3):
        add_review(pair.org, pair.mentee, goal, what_changed=f"Another week, {number}.")
    with django_assert_num_queries(QUERIES):
        assert client.get(page_url(pair)).status_code == 200


QUERIES = 8


# ---------------------------------------------------------------- one next-review date


def test_after_a_review_every_page_names_the_same_next_review_date(pair):
    goal = goal_of(pair)
    add_review(pair.org, pair.mentee, goal)
    with activate(pair.org.organization):
        enrollment = Enrollment.objects.select_related("program").get(pk=goal.enrollment_id)
        period, due_on = next_review_of(enrollment, {1}, timezone.localdate())
        start = goal_review_start_on(enrollment)
    assert period == 2 and due_on > start
    mentee = signed_in(pair.org, pair.mentee)
    enrolment_page = mentee.get(page_url(pair)).content.decode()
    assert f"Your next review (review 2) is due on {date_format(due_on, 'j M Y')}" in enrolment_page
    home = mentee.get("/").content.decode()
    assert f"Next goal review: <strong>{date_format(due_on, 'D j M Y')}</strong>" in home
    mentor_home = signed_in(pair.org, pair.mentor).get("/").content.decode()
    assert f"Next goal review: {date_format(due_on, 'D j M Y')}" in mentor_home
    mentor_page = signed_in(pair.org, pair.mentor).get(page_url(pair)).content.decode()
    assert f"The next review (review 2) is due on {date_format(due_on, 'j M Y')}" in mentor_page


# ---------------------------------------------------------------- declining


def declined_application(acme):
    """The first mentee's application to a new program, declined by the manager."""
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme), approve=False)
    with activate(acme.organization):
        services.enrollments_decline(
            organization=acme.organization,
            actor=acme.manager,
            enrollments=[enrollment],
            reason="The cohort is full.",
        )
    return enrollment


def test_declining_an_application_closes_its_goal_as_not_pursued(world):
    acme = world.acme
    enrollment = declined_application(acme)
    with activate(acme.organization):
        assert Goal.objects.get(enrollment=enrollment).status == GoalStatus.CLOSED
    page = signed_in(acme, acme.mentees[0]).get(f"/enrolments/{enrollment.pk}/").content.decode()
    assert "Not pursued" in page and "In progress" not in page


def test_reversing_a_decline_puts_the_goal_back_in_progress(world):
    acme = world.acme
    enrollment = declined_application(acme)
    with activate(acme.organization):
        services.enrollments_approve(
            organization=acme.organization, actor=acme.manager, enrollments=[enrollment]
        )
        assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.APPROVED
        assert Goal.objects.get(enrollment=enrollment).status == GoalStatus.ACTIVE


def test_declining_through_the_admin_closes_the_goal(world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme), approve=False)
    admin = signed_in(acme, acme.manager)
    response = admin.post(
        "/admin/programs/enrollment/",
        {
            "action": "decline_with_reason",
            "_selected_action": [enrollment.pk],
            "confirm": "1",
            "reason": "Not this time: the cohort is full.",
        },
    )
    assert response.status_code in (200, 302)
    with activate(acme.organization):
        assert Enrollment.objects.get(pk=enrollment.pk).status == EnrollmentStatus.DECLINED
        assert Goal.objects.get(enrollment=enrollment).status == GoalStatus.CLOSED


# ---------------------------------------------------------------- privacy


def test_erasing_the_mentor_removes_their_observation_and_keeps_the_mentees_review(pair):
    review = add_review(pair.org, pair.mentee, goal_of(pair), what_changed="Asked Sam first.")
    assert observe(signed_in(pair.org, pair.mentor), review).status_code == 302
    with activate(pair.org.organization):
        person_erase(
            organization=pair.org.organization,
            actor=pair.org.manager,
            person=Profile.objects.get(user=pair.mentor),
        )
        stored = GoalReview.objects.get(pk=review.pk)
    assert OBSERVED not in stored.mentor_observation
    assert stored.what_changed == "Asked Sam first."

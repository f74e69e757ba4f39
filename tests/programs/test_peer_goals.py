"""Peer partners both keep goals: the partner who offered to share a skill adds goals and
reviews them on their enrolment page, and each partner reads the other's goals and adds an
observation to the other's reviews. One-to-one pairs stay as they were."""

from __future__ import annotations

import pytest

from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.tenancy import activate
from programs.models import EnrollmentRole, Goal, GoalReview
from tests.builders.clients import signed_in
from tests.builders.cohort import GOAL, add_review
from tests.builders.pages import text
from tests.builders.pair import make_pair
from tests.builders.peer import SHARED_GOAL, peer_pair, sharing_goal, skills_of

OBSERVED = "In the Monday review you asked the data team about their deadline before replying."


@pytest.fixture
def pair(world):
    return peer_pair(world.acme)


def page_url(enrollment_id: int) -> str:
    return f"/enrolments/{enrollment_id}/"


def goal_post(skill, statement=SHARED_GOAL) -> dict:
    return {"statement": statement, "skill": skill.pk, "target_on": ""}


def review_post(goal, what_changed="Asked first in two reviews.") -> dict:
    prefix = f"review-{goal.pk}"
    return {
        f"{prefix}-progress": 3,
        f"{prefix}-what_changed": what_changed,
        f"{prefix}-next_steps": "Try it in the quarterly planning.",
        f"{prefix}-adjusted_focus": "",
    }


def observe(client, review, text_=OBSERVED, version=0):
    return client.post(
        f"/goal-reviews/{review.pk}/observation/",
        {f"observation-{review.pk}-text": text_, f"observation-{review.pk}-version": version},
    )


def goals_of(pair, enrollment) -> list[str]:
    with activate(pair.org.organization):
        return list(Goal.objects.filter(enrollment=enrollment).values_list("statement", flat=True))


# ---------------------------------------------------------------- the sharing partner's goals


def test_the_partner_who_offered_to_share_adds_a_goal_on_their_enrolment_page(pair):
    sharing = pair.mentorship.mentor
    browser = signed_in(pair.org, pair.mentor)
    page = text(browser.get(page_url(sharing.pk)))
    assert "Add goal" in page and "No goal yet." in page
    [skill, *_] = skills_of(pair.org, sharing)
    response = browser.post(f"/enrolments/{sharing.pk}/goals/new/", goal_post(skill))
    assert response.status_code == 302
    assert response["Location"] == page_url(sharing.pk)
    assert goals_of(pair, sharing) == [SHARED_GOAL]
    assert SHARED_GOAL in text(browser.get(page_url(sharing.pk)))


def test_the_same_goal_sent_twice_is_added_once_with_a_message(pair):
    sharing = pair.mentorship.mentor
    browser = signed_in(pair.org, pair.mentor)
    [skill, *_] = skills_of(pair.org, sharing)
    browser.post(f"/enrolments/{sharing.pk}/goals/new/", goal_post(skill))
    again = browser.post(f"/enrolments/{sharing.pk}/goals/new/", goal_post(skill))
    assert again.status_code == 200
    assert "You already have this goal." in text(again)
    assert goals_of(pair, sharing) == [SHARED_GOAL]


def test_the_sharing_partner_writes_their_own_goal_review(pair):
    goal = sharing_goal(pair)
    browser = signed_in(pair.org, pair.mentor)
    response = browser.post(f"/goals/{goal.pk}/reviews/", review_post(goal))
    assert response.status_code == 302
    assert response["Location"] == f"{page_url(goal.enrollment_id)}#goal-{goal.pk}"
    with activate(pair.org.organization):
        review = GoalReview.objects.select_related("author__user").get(goal=goal)
    assert review.author.user == pair.mentor
    assert review.author_role == EnrollmentRole.MENTEE  # the goal's own person
    page = text(browser.get(page_url(goal.enrollment_id)))
    assert "Asked first in two reviews." in page
    assert f"{review.author.display_name}</strong>, peer partner, on" in page


def test_the_other_partner_is_told_once_of_the_sharing_partners_review(pair):
    goal = sharing_goal(pair)
    signed_in(pair.org, pair.mentor).post(f"/goals/{goal.pk}/reviews/", review_post(goal))
    with activate(pair.org.organization):
        told = OutboxMessage.objects.filter(kind=Kind.GOAL_REVIEW_SHARED)
        assert list(told.values_list("recipient", flat=True)) == [pair.mentee.pk]


# ---------------------------------------------------------------- the other partner observes


def test_the_partner_who_asked_reads_the_other_goals_and_adds_an_observation(pair):
    goal = sharing_goal(pair)
    review = add_review(pair.org, pair.mentor, goal, what_changed="Asked first twice.")
    browser = signed_in(pair.org, pair.mentee)
    page = text(browser.get(page_url(goal.enrollment_id)))
    assert SHARED_GOAL in page and "Asked first twice." in page
    assert "Add my observation" in page
    assert "Add goal" not in page and "Save my review" not in page and "Withdraw" not in page
    response = observe(browser, review)
    assert response.status_code == 302
    with activate(pair.org.organization):
        saved = GoalReview.objects.select_related("observed_by").get(pk=review.pk)
    assert saved.mentor_observation == OBSERVED and saved.observed_by.user == pair.mentee
    assert OBSERVED in text(signed_in(pair.org, pair.mentor).get(page_url(goal.enrollment_id)))


def test_the_sharing_partner_still_observes_the_asking_partners_reviews(world):
    pair = peer_pair(world.acme)
    with activate(pair.org.organization):
        goal = Goal.objects.get(enrollment=pair.mentorship.mentee)
    review = add_review(pair.org, pair.mentee, goal)
    browser = signed_in(pair.org, pair.mentor)
    assert GOAL in text(browser.get(page_url(pair.mentorship.mentee_id)))
    assert observe(browser, review).status_code == 302


def test_the_same_observation_sent_twice_is_saved_once(pair):
    review = add_review(pair.org, pair.mentor, sharing_goal(pair))
    browser = signed_in(pair.org, pair.mentee)
    assert observe(browser, review).status_code == 302
    assert observe(browser, review).status_code == 302
    with activate(pair.org.organization):
        assert GoalReview.objects.get(pk=review.pk).observation_version == 1


# ---------------------------------------------------------------- who may not


def test_a_stranger_gets_a_404_for_the_sharing_partners_goals(world, pair):
    review = add_review(pair.org, pair.mentor, sharing_goal(pair))
    other_acme = next(u for u in world.acme.mentees if u != pair.mentee)
    globex = peer_pair(world.globex)
    for org, user in ((world.acme, other_acme), (world.globex, globex.mentee)):
        browser = signed_in(org, user)
        assert browser.get(page_url(pair.mentorship.mentor_id)).status_code == 404
        assert observe(browser, review).status_code == 404
        add = browser.post(f"/enrolments/{pair.mentorship.mentor_id}/goals/new/", {})
        assert add.status_code == 404
    with activate(pair.org.organization):
        assert GoalReview.objects.get(pk=review.pk).mentor_observation == ""


def test_a_partner_cannot_add_goals_to_the_other_partners_enrolment(pair):
    [skill, *_] = skills_of(pair.org, pair.mentorship.mentor)
    response = signed_in(pair.org, pair.mentee).post(
        f"/enrolments/{pair.mentorship.mentor_id}/goals/new/", goal_post(skill)
    )
    assert response.status_code == 404
    assert goals_of(pair, pair.mentorship.mentor) == []


def test_a_one_to_one_mentor_still_has_no_goals(world):
    pair = make_pair(world.acme)
    mentor_side = pair.mentorship.mentor_id
    browser = signed_in(pair.org, pair.mentor)
    assert "Add goal" not in text(browser.get(page_url(mentor_side)))
    assert browser.get(f"/enrolments/{mentor_side}/goals/new/").status_code == 404
    assert signed_in(pair.org, pair.mentee).get(page_url(mentor_side)).status_code == 404


# ---------------------------------------------------------------- query counts

# The same as the one-to-one mentor reading the mentee's page
# (tests/programs/test_goal_reviews_together.py).
PARTNER_PAGE_QUERIES = 8


def test_the_partners_page_costs_the_same_queries_whatever_the_goals_and_reviews(
    pair, django_assert_num_queries
):
    goal = sharing_goal(pair)
    review = add_review(pair.org, pair.mentor, goal)
    browser = signed_in(pair.org, pair.mentee)
    observe(browser, review)
    address = page_url(goal.enrollment_id)
    browser.get(address)  # warm the session
    with django_assert_num_queries(PARTNER_PAGE_QUERIES):
        assert browser.get(address).status_code == 200
    for number in range(2):
        more = sharing_goal(pair, f"{SHARED_GOAL}, and then a second time ({number})")
        add_review(pair.org, pair.mentor, more, what_changed=f"Week {number}.")
        add_review(pair.org, pair.mentor, goal, what_changed=f"Again, week {number}.")
    with django_assert_num_queries(PARTNER_PAGE_QUERIES):
        assert browser.get(address).status_code == 200

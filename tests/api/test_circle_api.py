"""The HR API reads a circle as one mentorship with all its members: the row says its
format and lists every mentee's and mentor's enrolment, goal-review figures count every
mentee's goals, the summary counts every member, and the CSV carries the same. Peer pairs'
figures count both partners' goals. Another organization's key sees none of it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from matching.models import Mentorship
from mentoring.tenancy import activate
from programs.models import Enrollment, EnrollmentRole, Goal, Program
from tests.builders.circle import make_circle
from tests.builders.cohort import add_review
from tests.builders.hr import allow_individual_progress
from tests.builders.pair import make_pair
from tests.builders.peer import peer_pair, sharing_goal


@pytest.fixture
def circle(world):
    return make_circle(world.acme, mentees=4, mentors=2)


def enrolments(circle, role) -> list[int]:
    with activate(circle.org.organization):
        return list(
            Enrollment.objects.filter(program_id=circle.mentorship.program_id, role=role)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def row_of(api, key, mentorship, query=""):
    rows = api.json(f"/api/v1/mentorships/?page_size=50{query}", key)["results"]
    return next((row for row in rows if row["id"] == mentorship.pk), None)


def started_days_ago(org, mentorship, days):
    """The mentorship, its program and every enrolment of it began ``days`` ago."""
    start = timezone.localdate() - timedelta(days=days)
    with activate(org.organization):
        Mentorship.objects.filter(pk=mentorship.pk).update(started_on=start)
        Program.objects.filter(pk=mentorship.program_id).update(starts_on=start)
        Enrollment.objects.filter(program_id=mentorship.program_id).update(
            decided_at=datetime.combine(start, time(9), tzinfo=UTC)
        )


def test_a_circles_row_says_its_format_and_lists_every_member(api, keys, circle):
    row = row_of(api, keys.acme, circle.mentorship)
    assert row["format"] == "circle"
    assert row["mentee_enrolment_ids"] == enrolments(circle, EnrollmentRole.MENTEE)
    assert row["mentor_enrolment_ids"] == enrolments(circle, EnrollmentRole.MENTOR)
    assert row["people"] == 6
    assert row["focus_skill_id"] == circle.mentorship.focus_skill_id


def test_a_pairs_row_names_its_two_people_as_before(api, keys, world):
    pair = make_pair(world.acme)
    row = row_of(api, keys.acme, pair.mentorship)
    assert row["format"] == "one_to_one" and row["people"] == 2
    assert row["mentee_enrolment_ids"] == [row["mentee_enrolment_id"]]
    assert row["mentor_enrolment_ids"] == [row["mentor_enrolment_id"]]
    assert row["focus_skill_id"] is None


def test_filtering_by_any_mentees_enrolment_finds_their_circle(api, keys, circle):
    last_mentee = enrolments(circle, EnrollmentRole.MENTEE)[-1]
    assert row_of(api, keys.acme, circle.mentorship, f"&mentee_enrolment={last_mentee}")
    second_mentor = enrolments(circle, EnrollmentRole.MENTOR)[-1]
    assert row_of(api, keys.acme, circle.mentorship, f"&mentor_enrolment={second_mentor}")
    rows = api.json("/api/v1/mentorships/?program_format=one_to_one", keys.acme)["results"]
    assert circle.mentorship.pk not in [row["id"] for row in rows]


def test_a_circles_goal_reviews_count_every_mentees_goals(api, keys, circle):
    started_days_ago(circle.org, circle.mentorship, 100)  # review 1 due for each mentee
    third = circle.mentees[2]
    with activate(circle.org.organization):
        goal = Goal.objects.get(
            enrollment__person__user=third, enrollment__program=circle.mentorship.program
        )
    add_review(circle.org, third, goal)
    row = row_of(api, keys.acme, circle.mentorship)
    assert (row["goal_reviews_done"], row["goal_reviews_due"]) == (1, 4)


def test_a_peer_pairs_goal_reviews_count_both_partners_goals(api, keys, world):
    pair = peer_pair(world.acme)
    sharing_goal(pair)
    started_days_ago(pair.org, pair.mentorship, 100)
    row = row_of(api, keys.acme, pair.mentorship)
    assert row["goal_reviews_due"] == 2
    rows = api.json("/api/v1/mentorships/?page_size=50", keys.acme)["results"]
    summary = api.json("/api/v1/summary/", keys.acme)
    assert summary["goal_reviews_due"] == sum(r["goal_reviews_due"] for r in rows)


def test_the_summary_counts_a_circle_once_and_every_member_in_it(api, keys, circle):
    summary = api.json("/api/v1/summary/", keys.acme)
    assert summary["active_mentorships"] == 1 and summary["active_circles"] == 1
    assert summary["people_in_active_mentorships"] == 6
    assert summary["matched_mentees"] == summary["approved_mentee_enrolments"] == 4
    assert summary["match_rate"] == 1.0


def test_the_csv_lists_a_circles_members_in_one_cell_each(api, keys, circle):
    text = api.csv("/api/v1/mentorships/", keys.acme)
    [row] = [r for r in csv.DictReader(io.StringIO(text)) if r["id"] == str(circle.mentorship.pk)]
    mentees = enrolments(circle, EnrollmentRole.MENTEE)
    assert row["format"] == "circle" and row["people"] == "6"
    assert row["mentee_enrolment_ids"] == "[" + ",".join(map(str, mentees)) + "]"


def test_each_circle_mentees_own_goals_are_in_the_individual_progress(api, keys, circle):
    allow_individual_progress(circle.org)
    goals = api.json("/api/v1/goals/?page_size=50", keys.acme)["results"]
    listed = {goal["enrolment_id"] for goal in goals}
    assert set(enrolments(circle, EnrollmentRole.MENTEE)) <= listed


def test_another_organizations_key_sees_no_circle_of_this_one(api, keys, circle, world):
    rows = api.json("/api/v1/mentorships/?page_size=50", keys.globex, host="globex.localhost")
    assert circle.mentorship.pk not in [row["id"] for row in rows["results"]]
    summary = api.json("/api/v1/summary/", keys.globex, host="globex.localhost")
    assert summary["active_circles"] == 0 and summary["people_in_active_mentorships"] == 0
    last_mentee = enrolments(circle, EnrollmentRole.MENTEE)[-1]
    filtered = api.json(
        f"/api/v1/mentorships/?mentee_enrolment={last_mentee}",
        keys.globex,
        host="globex.localhost",
    )
    assert filtered["results"] == []

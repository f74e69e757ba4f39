"""The manager's home at many pairs: its figures come from the database (the at-risk rule
and the goal-review schedule in SQL), it lists the first ten of each list and counts the
rest, it costs the same queries at any size, and a program's every pair at risk is on a
paginated page of its own, worst first."""

import calendar
import random
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship, MentorshipStatus
from mentoring.overview import managers
from mentoring.overview.clock import next_review, with_next_review
from mentoring.tenancy import activate
from programs.models import Enrollment, EnrollmentRole, Goal, GoalReview, Program, Skill
from sessions.models import Session, SessionStatus
from sessions.selectors.at_risk import activity_of, with_risk
from tests.builders.clients import signed_in
from tests.builders.pair import RunningPairs, running_pairs

ZONES = [UTC, zoneinfo.ZoneInfo("Pacific/Kiritimati"), zoneinfo.ZoneInfo("America/Los_Angeles")]


def quiet(pairs: RunningPairs, first_days: int = 40) -> list[int]:
    """Every pair started long ago and never met: the first quiet the longest. Their ids,
    worst first."""
    with activate(pairs.org.organization):
        for index, mentorship in enumerate(pairs.mentorships):
            Mentorship.objects.filter(pk=mentorship.pk).update(
                started_on=timezone.localdate() - timedelta(days=first_days + 100 - index)
            )
    return [mentorship.pk for mentorship in pairs.mentorships]


def grow(pairs: RunningPairs, more: int) -> RunningPairs:
    """``more`` pairs in the same program, all quiet."""
    extra = running_pairs(pairs.org, more)
    with activate(pairs.org.organization):
        Enrollment.objects.filter(program=extra.program).update(program=pairs.program)
        Mentorship.objects.filter(program=extra.program).update(
            program=pairs.program, started_on=timezone.localdate() - timedelta(days=45)
        )
        Program.objects.filter(pk=extra.program.pk).delete()
    return pairs


def queries_of(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def stat(page: str, label: str) -> int:
    match = re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", page)
    assert match, f"no figure {label} on the page"
    return int(match.group(1))


def at_risk_url(program_id) -> str:
    return reverse("program_at_risk", kwargs={"program_id": program_id})


# ---------------------------------------------------------------- the home page


def test_the_managers_home_costs_the_same_for_three_or_thirty_pairs_at_risk(world):
    acme = world.acme
    pairs = running_pairs(acme, 3)
    quiet(pairs)
    client = signed_in(acme, acme.manager)
    small, page = queries_of(client, "/")
    assert stat(page, "At risk") == 3 and stat(page, "Matched pairs") == 3
    grow(pairs, 27)
    large, page = queries_of(client, "/")
    assert stat(page, "At risk") == 30 and stat(page, "Matched pairs") == 30
    assert large == small


def test_the_home_names_the_ten_pairs_quiet_the_longest_and_links_to_the_rest(world):
    acme = world.acme
    pairs = running_pairs(acme, 12)
    worst_first = quiet(pairs)
    page = signed_in(acme, acme.manager).get("/").content.decode()
    linked = [int(pk) for pk in re.findall(r"/admin/matching/mentorship/(\d+)/pair/", page)]
    assert linked == worst_first[:10]
    assert "and 2 more" in page and at_risk_url(pairs.program.pk) in page


def test_a_pair_with_a_session_planned_ahead_leaves_the_count(world):
    acme = world.acme
    pairs = running_pairs(acme, 3)
    quiet(pairs)
    with activate(acme.organization):
        Session.objects.create(
            organization=acme.organization,
            mentorship=pairs.mentorships[0],
            status=SessionStatus.PLANNED,
            starts_at=timezone.now() + timedelta(days=2),
        )
    page = signed_in(acme, acme.manager).get("/").content.decode()
    assert stat(page, "At risk") == 2


def test_the_home_counts_no_pair_of_another_organization(world):
    quiet(running_pairs(world.globex, 4))
    acme_pairs = running_pairs(world.acme, 1)
    quiet(acme_pairs)
    page = signed_in(world.acme, world.acme.manager).get("/").content.decode()
    assert stat(page, "At risk") == 1 and stat(page, "Matched pairs") == 1
    assert world.globex.sentinel not in page


# ---------------------------------------------------------------- the at-risk page


def test_the_at_risk_page_lists_every_pair_worst_first_a_page_at_a_time(world, monkeypatch):
    monkeypatch.setattr(managers, "AT_RISK_PER_PAGE", 4)
    acme = world.acme
    pairs = running_pairs(acme, 9)
    worst_first = quiet(pairs)
    client = signed_in(acme, acme.manager)
    seen = []
    for number in (1, 2, 3):
        page = client.get(at_risk_url(pairs.program.pk), {"page": number}).content.decode()
        seen += [int(pk) for pk in re.findall(r"/admin/matching/mentorship/(\d+)/pair/", page)]
        assert f"Page {number} of 3" in page
    assert seen == worst_first
    assert "<strong>9</strong> pairs at risk" in page


def test_a_page_number_that_is_not_one_shows_a_page_rather_than_an_error(world, monkeypatch):
    monkeypatch.setattr(managers, "AT_RISK_PER_PAGE", 4)
    acme = world.acme
    pairs = running_pairs(acme, 5)
    quiet(pairs)
    client = signed_in(acme, acme.manager)
    for bad in ("x", "-1", "999", "1.5"):
        response = client.get(at_risk_url(pairs.program.pk), {"page": bad})
        assert response.status_code == 200
        assert "Page " in response.content.decode()


def test_the_at_risk_page_costs_the_same_for_five_or_thirty_pairs(world, monkeypatch):
    monkeypatch.setattr(managers, "AT_RISK_PER_PAGE", 4)
    acme = world.acme
    pairs = running_pairs(acme, 5)
    quiet(pairs)
    client = signed_in(acme, acme.manager)
    small, _page = queries_of(client, at_risk_url(pairs.program.pk) + "?page=2")
    grow(pairs, 25)
    large, page = queries_of(client, at_risk_url(pairs.program.pk) + "?page=2")
    assert "<strong>30</strong> pairs at risk" in page
    assert large == small


def test_a_program_with_no_pair_at_risk_says_so(world):
    acme = world.acme
    pairs = running_pairs(acme, 2)
    page = signed_in(acme, acme.manager).get(at_risk_url(pairs.program.pk)).content.decode()
    assert "No pair of this program is at risk." in page


def test_another_organizations_program_or_a_malformed_id_is_not_found(world):
    theirs = running_pairs(world.globex, 2)
    quiet(theirs)
    client = signed_in(world.acme, world.acme.manager)
    for program_id in (theirs.program.pk, "x", "-1", "99999999"):
        response = client.get(f"/admin/programs/program/{program_id}/at-risk/")
        assert response.status_code == 404
        assert world.globex.sentinel.encode() not in response.content


def test_a_member_who_is_not_a_manager_cannot_open_the_at_risk_page(world):
    pairs = running_pairs(world.acme, 2)
    quiet(pairs)
    response = signed_in(world.acme, world.acme.mentors[0]).get(at_risk_url(pairs.program.pk))
    assert response.status_code in (302, 403)
    assert b"pairs at risk" not in response.content


# ---------------------------------------------------------------- the same rule as before


@pytest.mark.parametrize("seed", [1, 2])
def test_the_database_decides_at_risk_exactly_as_the_rule_in_python(world, seed):
    """Random pairs with held, planned, passed and cancelled sessions near midnight, read in
    zones either side of UTC: the SQL rule and ``Activity`` agree on every pair."""
    rng = random.Random(seed)
    acme = world.acme
    pairs = running_pairs(acme, 16)
    now = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
    organization = acme.organization
    with activate(organization):
        Program.objects.filter(pk=pairs.program.pk).update(checkin_cadence_days=14)
        for mentorship in pairs.mentorships:
            Mentorship.objects.filter(pk=mentorship.pk).update(
                started_on=now.date() - timedelta(days=rng.randint(0, 40)),
                status=rng.choice([MentorshipStatus.ACTIVE] * 4 + [MentorshipStatus.PAUSED]),
            )
            for _ in range(rng.randint(0, 3)):
                Session.objects.create(
                    organization=organization,
                    mentorship=mentorship,
                    status=rng.choice(list(SessionStatus)),
                    starts_at=now + timedelta(hours=rng.randint(-24 * 30, 24 * 5)),
                )
        for zone in ZONES:
            rows = list(with_risk(Mentorship.objects.filter(program=pairs.program), now, zone))
            today = now.astimezone(zone).date()
            assert len(rows) == 16
            for row in rows:
                activity = activity_of(row)
                assert row.is_at_risk == activity.is_at_risk(today, zone), (zone, row.pk)
                assert row.quiet_since == activity.quiet_since(zone)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_database_finds_the_next_goal_review_exactly_as_the_schedule(world, seed):
    """Random program starts (month ends included), intervals, approval dates and reviews
    by mentee and mentor: the SQL due date equals ``next_review`` on every pair."""
    rng = random.Random(seed)
    acme = world.acme
    pairs = running_pairs(acme, 10)
    organization = acme.organization
    with activate(organization):
        skill = Skill.objects.order_by("pk").first()
        month = rng.randint(1, 12)
        last_day = calendar.monthrange(2024, month)[1]
        starts_on = date(2024, month, rng.choice([1, 15, 28, last_day]))
        Program.objects.filter(pk=pairs.program.pk).update(
            starts_on=starts_on, goal_review_interval_months=rng.choice([1, 2, 3, 6])
        )
        for mentorship in pairs.mentorships:
            decided = rng.choice([None, 0, 20, 45, 130])
            mentorship.mentee.decided_at = (
                None
                if decided is None
                else datetime.combine(starts_on + timedelta(days=decided), time(23, 30), UTC)
            )
            mentorship.mentee.save(update_fields=["decided_at"])
            goal = Goal.objects.create(
                organization=organization,
                enrollment=mentorship.mentee,
                statement="Speak first in the weekly meeting.",
                skill=skill,
            )
            for period in rng.sample(range(1, 8), rng.randint(0, 3)):
                mentee = rng.random() < 0.7
                GoalReview.objects.create(
                    organization=organization,
                    goal=goal,
                    period=period,
                    author=(mentorship.mentee if mentee else mentorship.mentor).person,
                    author_role=EnrollmentRole.MENTEE if mentee else EnrollmentRole.MENTOR,
                    progress=3,
                    what_changed="Tried it twice.",
                    next_steps="Try it with the director.",
                )
        for today in (starts_on + timedelta(days=days) for days in (5, 95, 200, 400)):
            rows = with_next_review(
                Mentorship.objects.filter(program=pairs.program).select_related("mentee__program"),
                today,
            )
            for row in rows:
                reviewed = set(
                    GoalReview.objects.filter(
                        goal__enrollment=row.mentee_id, author_role=EnrollmentRole.MENTEE
                    ).values_list("period", flat=True)
                )
                expected = next_review(row.mentee, reviewed, today)
                assert row.review_due_on == expected.due_on, (today, row.pk)

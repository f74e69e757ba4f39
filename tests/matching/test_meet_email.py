""" "Meet your mentor": the two people read why they were paired in plain words, never
points or penalties; the manager's review page keeps the scoring detail."""

import html
import re

import pytest
from django.urls import reverse

from matching import explain, services
from matching.models import MatchProposal
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import CrossFunctional
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort

SCORING = re.compile(r"[+−-]\s?\d|\bpoints?\b|time-zone difference|same department")


def approve_cohort(org, **fields):
    cohort = make_cohort(org, cross_functional=CrossFunctional.OFF, **fields)
    with activate(org.organization):
        run = services.match_run_start(
            organization=org.organization, actor=org.manager, program=cohort.program
        )
        services.match_run_approve(organization=org.organization, actor=org.manager, run=run)
    return cohort, run


def meet_emails(org) -> list[OutboxMessage]:
    with activate(org.organization):
        return list(OutboxMessage.objects.filter(kind=Kind.MATCH_PUBLISHED).order_by("pk"))


def test_the_meet_email_gives_plain_reasons_without_any_score(world):
    acme = world.acme
    with activate(acme.organization):
        # Three hours apart: a penalty for the manager, an overlap of five hours for them.
        Profile.objects.filter(user__in=acme.mentees).update(time_zone="Europe/London")
        Profile.objects.filter(user__in=acme.mentors).update(time_zone="Europe/Moscow")
    approve_cohort(acme)
    emails = meet_emails(acme)
    assert len(emails) == 4  # both people of both pairs
    for email in emails:
        for body in (email.body_text, html.unescape(email.body_html)):
            assert "Why we think you will work well together" in body
            assert "You both work on" in body
            assert "You can talk in English" in body
            assert not SCORING.search(body.split("Why we think")[1].split("Plan your")[0]), body


def test_a_penalty_is_never_told_to_the_pair():
    """A wide time-zone gap or no shared language speaks against a pair: nothing is said."""
    assert explain.reasons_for_people(
        [
            {"criterion": "time_zone", "points": -16.0, "label": "8 h time-zone difference −16"},
            {
                "criterion": "language",
                "points": -20.0,
                "label": "no shared language −20",
                "plain": "",
            },
            {
                "criterion": "focus_skills",
                "points": 25.0,
                "label": "x +25",
                "plain": "You both work on listening",
            },
        ]
    ) == ["You both work on listening"]


def test_working_hours_overlap_is_said_in_hours(world):
    acme = world.acme
    cohort = make_cohort(acme, cross_functional=CrossFunctional.OFF)
    with activate(acme.organization):
        Profile.objects.filter(user__in=acme.mentees).update(time_zone="Europe/London")
        Profile.objects.filter(user__in=acme.mentors).update(time_zone="Europe/Moscow")
        from matching.pool import load_pool, program_weights

        pool = load_pool(cohort.program, program_weights(cohort.program))
    parts = explain.breakdown(pool, 0, 0)
    time_zone = next(part for part in parts if part["criterion"] == "time_zone")
    assert time_zone["plain"] == "Your working hours overlap by 5 hours"
    assert time_zone["label"] == "3 h time-zone difference −6"


def test_the_review_page_keeps_the_scoring_detail_for_the_manager(world, client):
    acme = world.acme
    cohort = make_cohort(acme, cross_functional=CrossFunctional.OFF)
    with activate(acme.organization):
        run = services.match_run_start(
            organization=acme.organization, actor=acme.manager, program=cohort.program
        )
        labels = [p["label"] for p in MatchProposal.objects.filter(run=run)[0].breakdown]
    manager = client_for(client, acme.organization, acme.manager)
    content = html.unescape(
        manager.get(reverse("admin:matching_matchrun_change", args=[run.pk])).content.decode()
    )
    assert all(label in content for label in labels)
    assert "h time-zone difference" in content


def test_the_other_organization_gets_no_meet_email(world):
    approve_cohort(world.acme)
    assert meet_emails(world.globex) == []
    recipients = {email.recipient_id for email in meet_emails(world.acme)}
    assert recipients == {user.pk for user in [*world.acme.mentees, *world.acme.mentors]}


@pytest.mark.parametrize("repeat", [2])
def test_the_meet_email_is_written_once_per_person_and_pair(world, repeat):
    from matching.emails import pairs_published
    from matching.models import Mentorship

    approve_cohort(world.acme)
    with activate(world.acme.organization):
        mentorships = list(Mentorship.objects.select_related("mentee__person", "mentor__person"))
        for _ in range(repeat):
            assert pairs_published(world.acme.organization, mentorships) == 0
    assert len(meet_emails(world.acme)) == 4

"""The program manager's matching admin: starting a run, reviewing and editing the draft,
approving it, the mentorship lifecycle, bad input and query-count pins.
The cross-tenant battery for these pages is in tests/mentoring/test_admin.py."""

import html
import itertools
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import services
from matching.models import (
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    Mentorship,
    MentorshipStatus,
    UnmatchedMentee,
    UnmatchedReason,
)
from mentoring.jobs.models import Job
from mentoring.people.models import Profile, SeniorityLevel
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment, Program, ProgramStatus
from tests.builders.clients import client_for
from tests.builders.cohort import Cohort, enrol, make_cohort
from tests.builders.jobs import finished_job_page
from tests.builders.world import add_member, hold_session, make_program, make_user

CRITERIA = ["focus_skills", "cross_functional", "seniority", "time_zone", "language", "preference"]
START_URL = "/admin/matching/matchrun/start/"


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def review_url(run) -> str:
    return reverse("admin:matching_matchrun_change", args=[run.pk])


def changelist(model) -> str:
    return reverse(f"admin:matching_{model._meta.model_name}_changelist")


def text(response) -> str:
    return html.unescape(response.content.decode())


def start(cohort, **weights) -> MatchRun:
    with activate(cohort.org.organization):
        return services.match_run_start(
            organization=cohort.org.organization,
            actor=cohort.org.manager,
            program=cohort.program,
            weights=weights or None,
        )


def pairs_of(org, run) -> list[MatchProposal]:
    with activate(org.organization):
        return list(
            MatchProposal.objects.filter(run=run).select_related("mentee__person", "mentor__person")
        )


def state(org, run) -> tuple:
    """Everything a review-page edit could change, to prove that nothing did."""
    with activate(org.organization):
        run.refresh_from_db()
        return (
            run.status,
            run.total_score,
            sorted(MatchProposal.objects.filter(run=run).values_list("mentee", "mentor")),
            sorted(UnmatchedMentee.objects.filter(run=run).values_list("mentee", "reason")),
            MatchRun.objects.count(),
            Mentorship.objects.count(),
        )


def weights_form(**chosen) -> dict:
    return {"action": "rerun", **dict.fromkeys(CRITERIA, "medium"), **chosen}


# ------------------------------------------------------------------ starting a run


def test_the_start_page_lists_only_this_organizations_programs_in_matching(manager, world):
    matching = make_program(world.acme, name="Acme matching", status=ProgramStatus.MATCHING)
    make_program(world.acme, name="Acme enrolling", status=ProgramStatus.ENROLLING)
    make_program(world.globex, name="Globex matching", status=ProgramStatus.MATCHING)
    response = manager.get(START_URL)
    assert response.status_code == 200
    content = text(response)
    assert f'<option value="{matching.pk}">Acme matching</option>' in content
    assert "Acme enrolling" not in content
    assert "Globex matching" not in content and world.globex.sentinel not in content
    assert "Focus-skill coverage" in content and "As set on the program" in content


def test_the_program_page_offers_to_start_a_run_while_the_program_is_matching(manager, world):
    program = make_program(world.acme, status=ProgramStatus.MATCHING)
    response = manager.get(reverse("admin:programs_program_change", args=[program.pk]))
    content = text(response)
    assert f'href="{START_URL}?program={program.pk}">Start a match run' in content
    assert f"/admin/matching/matchrun/?program__id__exact={program.pk}" in content
    response = manager.get(f"{START_URL}?program={program.pk}")
    assert f'<option value="{program.pk}" selected>' in text(response)
    with activate(world.acme.organization):
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.RUNNING)
    response = manager.get(reverse("admin:programs_program_change", args=[program.pk]))
    assert "Start a match run" not in text(response)
    assert "Match runs" in text(response)


def test_the_match_runs_link_of_a_program_lists_only_its_runs(manager, world):
    cohort = make_cohort(world.acme)
    start(cohort)
    without_runs = make_program(world.acme, status=ProgramStatus.MATCHING)
    response = manager.get(changelist(MatchRun), {"program__id__exact": without_runs.pk})
    assert response.status_code == 200
    assert "0 match runs" in text(response)
    response = manager.get(changelist(MatchRun), {"program__id__exact": cohort.program.pk})
    assert "1 match run" in text(response)


def test_a_nonsense_program_in_the_start_link_is_ignored(manager, world):
    foreign = make_program(world.globex, status=ProgramStatus.MATCHING)
    for value in ("abc", str(foreign.pk), "99999999999999999999"):
        response = manager.get(START_URL, {"program": value})
        assert response.status_code == 200
        assert world.globex.sentinel not in text(response)


def test_starting_a_run_opens_the_draft_with_the_reasons_of_each_pair(manager, world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.PREFERRED)
    response = manager.post(START_URL, {"program": cohort.program.pk})
    page = finished_job_page(manager, response)  # the job's page goes on to the draft
    with activate(world.acme.organization):
        run = MatchRun.objects.get()
    assert page.redirect_chain[-1][0] == review_url(run)
    content = text(page)
    assert "Draft · 2 pairs · 0 unmatched" in content
    assert content.count("covers focus skill") == 2
    assert "different department +" in content and "levels more senior +" in content
    assert "h time-zone difference" in content
    for user in (*cohort.mentors, *cohort.mentees):
        with activate(world.acme.organization):
            assert str(Profile.objects.get(user=user)) in content
    assert 'value="Approve: create 2 mentorships"' in content


def test_unmatched_mentees_are_listed_with_the_reason(manager, world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.REQUIRED)
    with activate(world.acme.organization):
        # mentee 0 joins both mentors' department: cross-functional required leaves nobody
        Profile.objects.filter(user__in=[*world.acme.mentors, world.acme.mentees[0]]).update(
            department=world.acme.departments[1]
        )
        mentee = Profile.objects.get(user=world.acme.mentees[0])
    run = start(cohort)
    content = text(manager.get(review_url(run)))
    assert "Mentees left unmatched" in content
    assert f"{mentee}" in content
    assert "No eligible mentor under the program's rules" in content


def test_weights_left_as_set_on_the_program_stay_the_programs(manager, world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.REQUIRED)
    response = manager.post(
        START_URL,
        {"program": cohort.program.pk, **dict.fromkeys(CRITERIA, ""), "time_zone": "low"},
    )
    assert "Draft ready in" in text(finished_job_page(manager, response))
    with activate(world.acme.organization):
        run = MatchRun.objects.get()
    assert run.weights["time_zone"] == "low"
    assert run.weights["cross_functional"] == "must"  # the program's rule, not a page default
    assert run.weights["focus_skills"] == "high"


@pytest.mark.parametrize("value", ["huge", "MUST", "0"])
def test_a_weight_that_is_not_a_weight_is_refused(manager, world, value):
    cohort = make_cohort(world.acme)
    response = manager.post(START_URL, {"program": cohort.program.pk, "seniority": value})
    assert response.status_code == 200
    content = text(response)
    assert "Nothing was computed: correct the form below." in content
    assert "Select a valid choice" in content
    with activate(world.acme.organization):
        assert not MatchRun.objects.exists()


def test_a_run_with_every_criterion_off_is_refused_on_the_form_and_never_queued(manager, world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    data = {"program": cohort.program.pk, **dict.fromkeys(CRITERIA, "off")}
    response = manager.post(START_URL, data)
    assert response.status_code == 200
    assert "Every criterion is off: turn at least one on" in text(response)
    with activate(world.acme.organization):
        assert not MatchRun.objects.exists() and not Job.objects.exists()


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("mentor", "has no approved mentor yet"),
        ("mentee", "has no approved mentee waiting for a mentor"),
    ],
)
def test_a_run_without_people_fails_on_its_job_page_with_the_reason_and_creates_nothing(
    manager, world, role, message
):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    with activate(world.acme.organization):
        Enrollment.objects.filter(role=role).update(status="withdrawn")
    response = manager.post(START_URL, {"program": cohort.program.pk})
    page = text(finished_job_page(manager, response))
    assert "Failed." in page and "No draft was made." in page and message in page
    assert "Start a run again" in page
    with activate(world.acme.organization):
        assert not MatchRun.objects.exists()


def test_a_program_that_is_not_matching_cannot_be_started_or_run_again(manager, world):
    enrolling = make_program(world.acme, status=ProgramStatus.ENROLLING)
    response = manager.post(START_URL, {"program": enrolling.pk})
    assert "only programs in the Matching state can be matched" in text(response)
    cohort = make_cohort(world.acme)
    run = start(cohort)
    with activate(world.acme.organization):
        Program.objects.filter(pk=cohort.program.pk).update(status=ProgramStatus.ENROLLING)
    before = state(world.acme, run)
    response = manager.post(review_url(run), weights_form())
    assert response.status_code == 200
    assert "is enrolling: move it to Matching first" in text(response)
    assert state(world.acme, run) == before


# ------------------------------------------------------------------ editing the draft


def test_removing_a_pair_lists_the_mentee_as_unmatched(manager, world):
    cohort = make_cohort(world.acme)
    run = start(cohort)
    pair = pairs_of(world.acme, run)[0]
    response = manager.post(review_url(run), {"action": "remove", "proposal": pair.pk}, follow=True)
    content = text(response)
    assert f"Removed {pair.mentor.person} → {pair.mentee.person}" in content
    assert "Removed from the draft by a manager" in content
    with activate(world.acme.organization):
        assert not MatchProposal.objects.filter(pk=pair.pk).exists()
        assert UnmatchedMentee.objects.get(run=run).reason == UnmatchedReason.REMOVED
        run.refresh_from_db()
    assert run.total_score == pytest.approx(sum(p.score for p in pairs_of(world.acme, run)))


def test_swapping_two_pairs_exchanges_their_mentors(manager, world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    run = start(cohort)
    first, second = pairs_of(world.acme, run)
    mentors = (first.mentor_id, second.mentor_id)
    response = manager.post(
        review_url(run),
        {"action": "swap", "first": first.pk, "second": second.pk, "override_reason": ""},
        follow=True,
    )
    assert "Mentors swapped" in text(response)
    assert text(response).count("Changed by hand.") == 2
    with activate(world.acme.organization):
        first.refresh_from_db()
        second.refresh_from_db()
    assert (first.mentor_id, second.mentor_id) == (mentors[1], mentors[0])
    assert first.is_manual and second.is_manual
    assert sum(part["points"] for part in first.breakdown) == pytest.approx(first.score)


def test_swapping_a_pair_with_itself_is_refused_in_words(manager, world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    run = start(cohort)
    first = pairs_of(world.acme, run)[0]
    before = state(world.acme, run)
    response = manager.post(
        review_url(run), {"action": "swap", "first": first.pk, "second": first.pk}
    )
    assert response.status_code == 200
    assert "Choose two different pairs of the same draft." in text(response)
    assert state(world.acme, run) == before


def test_a_manual_pair_that_breaks_a_rule_needs_a_reason_which_is_recorded(manager, world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.REQUIRED)
    run = start(cohort)
    pair = pairs_of(world.acme, run)[0]
    manager.post(review_url(run), {"action": "remove", "proposal": pair.pk})
    with activate(world.acme.organization):
        same_department = Enrollment.objects.get(
            role="mentor",
            program=cohort.program,
            person__department=pair.mentee.person.department_id,
        )
    data = {"action": "manual", "mentee": pair.mentee_id, "mentor": same_department.pk}
    before = state(world.acme, run)

    refused = manager.post(review_url(run), {**data, "override_reason": "  "})
    assert refused.status_code == 200
    content = text(refused)
    assert "work in the same department: the program requires different departments" in content
    assert "Give a reason to override, or choose another pair." in content
    # kept as posted: the chosen mentor is still checked in the picker
    assert (
        f'name="mentor" value="{same_department.pk}" id="id_mentor_{same_department.pk}" checked>'
        in content
    )
    assert state(world.acme, run) == before

    done = manager.post(
        review_url(run), {**data, "override_reason": "They asked to work together"}, follow=True
    )
    content = text(done)
    assert "by hand. The override and its reason are recorded." in content
    assert "Reason given: They asked to work together" in content
    with activate(world.acme.organization):
        manual = MatchProposal.objects.get(run=run, mentee=pair.mentee_id)
    assert manual.is_manual and manual.mentor_id == same_department.pk
    assert manual.override_reason == "They asked to work together"
    assert any("same department" in rule for rule in manual.broken_rules)


def test_running_again_with_other_weights_makes_a_new_draft_and_discards_the_old(manager, world):
    cohort = make_cohort(world.acme)
    old = start(cohort)
    response = manager.post(review_url(old), weights_form(time_zone="must", language="off"))
    page = finished_job_page(manager, response)
    with activate(world.acme.organization):
        new = MatchRun.objects.get(status=MatchRunStatus.DRAFT)
        old.refresh_from_db()
    assert page.redirect_chain[-1][0] == review_url(new)
    assert old.status == MatchRunStatus.DISCARDED
    assert new.weights["time_zone"] == "must" and new.weights["language"] == "off"
    content = text(manager.get(review_url(new)))
    assert "Time-zone overlap <strong>must</strong>" in content


def test_running_again_with_a_weight_that_is_not_a_weight_changes_nothing(manager, world):
    cohort = make_cohort(world.acme)
    run = start(cohort)
    before = state(world.acme, run)
    response = manager.post(review_url(run), weights_form(language="everything"))
    assert response.status_code == 200
    assert "Nothing changed: correct the form below." in text(response)
    assert "Select a valid choice" in text(response)
    assert state(world.acme, run) == before


def test_approving_the_draft_creates_the_mentorships(manager, world):
    cohort = make_cohort(world.acme)
    run = start(cohort)
    response = manager.post(review_url(run), {"action": "approve"}, follow=True)
    assert "Draft approved: 2 mentorships created." in text(response)
    with activate(world.acme.organization):
        run.refresh_from_db()
        assert run.status == MatchRunStatus.APPROVED
        assert run.approved_by == Profile.objects.get(user=world.acme.manager)
        mentorships = list(Mentorship.objects.all())
    assert len(mentorships) == 2
    assert {m.match_run_id for m in mentorships} == {run.pk}


def test_approving_a_stale_draft_asks_to_run_again_and_creates_nothing(manager, world):
    cohort = make_cohort(world.acme)
    run = start(cohort)
    with activate(world.acme.organization):
        cohort.enrollment(cohort.mentees[1]).save()  # the enrolment changed since the run
    response = manager.post(review_url(run), {"action": "approve"}, follow=True)
    assert "run the match again and review the new draft" in text(response)
    with activate(world.acme.organization):
        run.refresh_from_db()
        assert run.status == MatchRunStatus.DRAFT
        assert not Mentorship.objects.exists()


@pytest.mark.parametrize("status", [MatchRunStatus.APPROVED, MatchRunStatus.DISCARDED])
def test_an_approved_or_discarded_run_is_a_read_only_record(manager, world, status):
    cohort = make_cohort(world.acme)
    run = start(cohort)
    if status == MatchRunStatus.APPROVED:
        manager.post(review_url(run), {"action": "approve"})
    else:
        start(cohort)
    content = text(manager.get(review_url(run)))
    assert "Proposed pairs" in content and "covers focus skill" in content
    for form in ('value="remove"', 'value="swap"', 'value="manual"', 'value="rerun"'):
        assert form not in content
    assert 'value="approve"' not in content
    before = state(world.acme, run)
    pair = pairs_of(world.acme, run)[0]
    for data in (
        {"action": "remove", "proposal": pair.pk},
        {"action": "approve"},
        weights_form(),
    ):
        response = manager.post(review_url(run), data, follow=True)
        assert "so it can no longer change" in text(response)
    assert state(world.acme, run) == before


# ------------------------------------------------------------------ bad input


NOT_IN_DRAFT = "That pair is not in this draft (any more): nothing changed."
FORM_REFUSED = "Nothing changed: correct the form below."
OUT_OF_DATE = "Nothing changed: the page was out of date, try again."
REFUSALS = (NOT_IN_DRAFT, FORM_REFUSED, OUT_OF_DATE)


@pytest.fixture
def two_drafts(world):
    """A draft in acme (the page under test), another acme program's draft, and globex's."""
    acme = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    other = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    globex = make_cohort(world.globex, cross_functional=CrossFunctional.OFF)
    return start(acme), start(other), start(globex)


def test_ids_of_another_run_or_organization_change_nothing(manager, world, two_drafts):
    run, other_run, foreign_run = two_drafts
    mine = pairs_of(world.acme, run)
    other = pairs_of(world.acme, other_run)
    foreign = pairs_of(world.globex, foreign_run)
    with activate(world.globex.organization):
        foreign_mentor = Enrollment.objects.filter(role="mentor").first()
        foreign_before = state(world.globex, foreign_run)
    other_before = state(world.acme, other_run)
    manager.post(review_url(run), {"action": "remove", "proposal": mine[0].pk})  # one unmatched
    before = state(world.acme, run)
    posts = [
        ({"action": "remove", "proposal": other[0].pk}, NOT_IN_DRAFT),
        ({"action": "remove", "proposal": foreign[0].pk}, NOT_IN_DRAFT),
        ({"action": "remove", "proposal": "abc"}, NOT_IN_DRAFT),
        ({"action": "remove", "proposal": "99999999999999999999"}, NOT_IN_DRAFT),
        ({"action": "remove"}, NOT_IN_DRAFT),
        ({"action": "swap", "first": mine[1].pk, "second": other[0].pk}, FORM_REFUSED),
        ({"action": "swap", "first": foreign[0].pk, "second": foreign[1].pk}, FORM_REFUSED),
        ({"action": "swap", "first": "x", "second": ""}, FORM_REFUSED),
        (
            {"action": "manual", "mentee": mine[0].mentee_id, "mentor": foreign_mentor.pk},
            FORM_REFUSED,
        ),
        (
            {"action": "manual", "mentee": foreign[0].mentee_id, "mentor": mine[1].mentor_id},
            FORM_REFUSED,
        ),
        (
            {"action": "manual", "mentee": other[0].mentee_id, "mentor": mine[1].mentor_id},
            FORM_REFUSED,
        ),
        ({"action": "manual", "mentee": "", "mentor": "1; DROP TABLE"}, FORM_REFUSED),
        ({"action": "rerun"}, FORM_REFUSED),  # none of the weights
        ({"action": "explode"}, OUT_OF_DATE),
        ({}, OUT_OF_DATE),
    ]
    for data, message in posts:
        response = manager.post(review_url(run), {**data, "override_reason": "x"}, follow=True)
        assert response.status_code == 200, data
        content = text(response)
        assert [refusal for refusal in REFUSALS if refusal in content] == [message], data
        assert world.globex.sentinel not in content, data
    assert state(world.acme, run) == before
    assert state(world.acme, other_run) == other_before
    assert state(world.globex, foreign_run) == foreign_before


def test_the_review_page_of_another_organizations_run_is_a_404(manager, world, two_drafts):
    foreign_run = two_drafts[2]
    before = state(world.globex, foreign_run)
    assert manager.get(review_url(foreign_run)).status_code == 404
    assert manager.post(review_url(foreign_run), {"action": "approve"}).status_code == 404
    assert manager.get("/admin/matching/matchrun/abc/change/").status_code == 404
    assert state(world.globex, foreign_run) == before


def test_people_who_are_not_managers_cannot_start_or_approve(client, world):
    cohort = make_cohort(world.acme)
    run = start(cohort)
    client_for(client, world.acme.organization, world.acme.mentees[0])
    for response in (
        client.post(START_URL, {"program": cohort.program.pk}, follow=True),
        client.post(review_url(run), {"action": "approve"}, follow=True),
    ):
        assert response.status_code == 403
    with activate(world.acme.organization):
        assert MatchRun.objects.count() == 1 and not Mentorship.objects.exists()


# ------------------------------------------------------------------ mentorships


@pytest.fixture
def mentorships(world):
    """Two active acme mentorships; mentors with room for one more mentee each."""
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF, capacity=2)
    with activate(world.acme.organization):
        return services.match_run_approve(
            organization=world.acme.organization, actor=world.acme.manager, run=start(cohort)
        )


def run_action(client, action, rows, **extra):
    return client.post(
        changelist(Mentorship),
        {"action": action, "_selected_action": [row.pk for row in rows], "index": 0, **extra},
        follow=True,
    )


def status_of(world, mentorship) -> str:
    with activate(world.acme.organization):
        return Mentorship.objects.get(pk=mentorship.pk).status


def test_mentorships_are_paused_resumed_and_completed(manager, world, mentorships):
    first, second = mentorships
    response = run_action(manager, "pause", [first])
    assert "1 mentorship now paused." in text(response)
    assert status_of(world, first) == MentorshipStatus.PAUSED
    run_action(manager, "resume", [first])
    assert status_of(world, first) == MentorshipStatus.ACTIVE
    response = run_action(manager, "complete", [first, second])
    assert "2 mentorships now completed." in text(response)
    assert status_of(world, second) == MentorshipStatus.COMPLETED
    response = run_action(manager, "pause", [first])
    assert "A mentorship that is completed cannot become paused." in text(response)
    assert status_of(world, first) == MentorshipStatus.COMPLETED


def test_ending_early_asks_for_a_reason_first(manager, world, mentorships):
    first = mentorships[0]
    response = run_action(manager, "end_early", [first])
    assert response.status_code == 200
    content = text(response)
    assert "You are ending 1 mentorship early" in content and 'name="reason"' in content
    assert status_of(world, first) == MentorshipStatus.ACTIVE

    response = run_action(manager, "end_early", [first], confirm="yes", reason="   ")
    assert "Say why the mentorship ends early." in text(response)
    assert status_of(world, first) == MentorshipStatus.ACTIVE

    response = run_action(
        manager, "end_early", [first], confirm="yes", reason="The mentee changed roles"
    )
    assert "1 mentorship now ended early." in text(response)
    with activate(world.acme.organization):
        ended = Mentorship.objects.get(pk=first.pk)
        assert Mentorship.objects.get(pk=mentorships[1].pk).status == MentorshipStatus.ACTIVE
    assert ended.status == MentorshipStatus.ENDED_EARLY
    assert ended.end_reason == "The mentee changed roles" and ended.ended_on is not None


def test_an_action_on_another_organizations_mentorship_changes_nothing(manager, world):
    foreign_cohort = make_cohort(world.globex, cross_functional=CrossFunctional.OFF)
    with activate(world.globex.organization):
        foreign = services.match_run_approve(
            organization=world.globex.organization,
            actor=world.globex.manager,
            run=start(foreign_cohort),
        )[0]
    for action, extra in (("pause", {}), ("end_early", {"confirm": "yes", "reason": "x"})):
        response = run_action(manager, action, [foreign], **extra)
        assert response.status_code == 200
        assert world.globex.sentinel not in text(response)
    with activate(world.globex.organization):
        assert Mentorship.objects.get(pk=foreign.pk).status == MentorshipStatus.ACTIVE


def mentorship_url(mentorship) -> str:
    return reverse("admin:matching_mentorship_change", args=[mentorship.pk])


def test_the_end_date_is_extended_on_the_change_page_never_brought_forward(
    manager, world, mentorships
):
    mentorship = mentorships[0]
    later = mentorship.ends_on + timedelta(days=30)
    response = manager.post(mentorship_url(mentorship), {"ends_on": later.isoformat()})
    assert response.status_code == 302, text(response)[:3000]
    with activate(world.acme.organization):
        mentorship.refresh_from_db()
    assert mentorship.ends_on == later

    earlier = later - timedelta(days=60)
    response = manager.post(mentorship_url(mentorship), {"ends_on": earlier.isoformat()})
    assert response.status_code == 200
    assert f"Choose a date after {later}." in text(response)
    with activate(world.acme.organization):
        mentorship.refresh_from_db()
    assert mentorship.ends_on == later


def test_a_finished_mentorship_is_read_only(manager, world, mentorships):
    mentorship = mentorships[0]
    run_action(manager, "complete", [mentorship])
    content = text(manager.get(mentorship_url(mentorship)))
    assert 'name="ends_on"' not in content
    manager.post(mentorship_url(mentorship), {"ends_on": "2999-01-01"})
    with activate(world.acme.organization):
        assert Mentorship.objects.get(pk=mentorship.pk).ends_on == mentorship.ends_on


def test_a_pair_that_is_not_a_good_fit_is_rematched_and_the_rest_stays(manager, world, mentorships):
    target, other = mentorships
    hold_session(target)
    with activate(world.acme.organization):
        target = Mentorship.objects.select_related("mentee__person__user", "mentor").get(
            pk=target.pk
        )
        services.fit_check_answer(
            organization=world.acme.organization,
            actor=target.mentee.person.user,
            mentorship=target,
            is_good_fit=False,
            comment="We never connect",
        )
    listed = text(manager.get(changelist(Mentorship), {"needs_rematch__exact": "1"}))
    assert str(target.mentee.person) in listed
    assert "not a good fit (We never connect)" in text(manager.get(mentorship_url(target)))

    response = run_action(manager, "rematch", [target])
    assert f"{target.mentee.person} now works with" in text(response)
    with activate(world.acme.organization):
        ended = Mentorship.objects.get(pk=target.pk)
        new = Mentorship.objects.get(mentee=target.mentee, status=MentorshipStatus.ACTIVE)
        other.refresh_from_db()
    assert ended.status == MentorshipStatus.ENDED_EARLY
    assert new.mentor_id != target.mentor_id
    assert other.status == MentorshipStatus.ACTIVE


# ------------------------------------------------------------------ query counts

# Measured: organization, user and membership, then the page's own. Lists: the program
# filter, the count and the rows. Review page: the run, the summary (totals, score bands,
# unmatched per reason), one page of pairs (count and rows), the unmatched mentees shown
# and the draft's version for the swap form; the pickers list nobody until searched.
# None grows with the rows (tests/matching/test_draft_review_page.py: 2 pages and more).
MATCH_RUN_LIST_QUERIES = 7
REVIEW_PAGE_QUERIES = 12
MENTORSHIP_LIST_QUERIES = 7
_cohort_numbers = itertools.count(1)


def make_large_cohort(org, *, mentees: int, mentors: int, capacity: int = 2):
    """A program in matching with ``mentees`` and ``mentors`` new, approved members."""
    tag = next(_cohort_numbers)
    with activate(org.organization):
        levels = list(SeniorityLevel.objects.order_by("rank"))

    def members(role, count, level):
        users = []
        for i in range(count):
            user = make_user(f"{role}{i}-{tag}@{org.organization.slug}.example")
            add_member(
                org.organization,
                user,
                name=f"{role.title()} {i} {tag}",
                department=org.departments[i % 2],
                level=levels[level],
            )
            users.append(user)
        return users

    program = make_program(org, status=ProgramStatus.ENROLLING)
    mentee_users = members("mentee", mentees, 0)
    mentor_users = members("mentor", mentors, len(levels) - 1)
    enrol(org, program, mentee_users, mentor_users, capacity=capacity)
    with activate(org.organization):
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.MATCHING)
        program.refresh_from_db()
    return Cohort(org, program, mentee_users, mentor_users)


def queries_for(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured)


def test_the_review_page_costs_the_same_queries_for_10_or_60_pairs(
    manager, world, django_assert_num_queries
):
    small = start(make_large_cohort(world.acme, mentees=12, mentors=5))
    large = start(make_large_cohort(world.acme, mentees=64, mentors=30))
    assert len(pairs_of(world.acme, small)) == 10 and len(pairs_of(world.acme, large)) == 60
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        few = queries_for(manager, review_url(small))
    with django_assert_num_queries(REVIEW_PAGE_QUERIES):
        many = queries_for(manager, review_url(large))
    assert few == many, (few, many)


def test_the_match_run_list_costs_the_same_queries_for_few_or_many_runs(
    manager, world, django_assert_num_queries
):
    cohort = make_large_cohort(world.acme, mentees=12, mentors=4)
    start(cohort)
    with django_assert_num_queries(MATCH_RUN_LIST_QUERIES):
        few = queries_for(manager, changelist(MatchRun))
    for _ in range(15):
        start(cohort)
    start(make_cohort(world.acme))
    with django_assert_num_queries(MATCH_RUN_LIST_QUERIES):
        many = queries_for(manager, changelist(MatchRun))
    assert few == many, (few, many)
    content = text(manager.get(changelist(MatchRun)))
    rows = re.findall(
        r'<td class="field-pairs">(\d+)</td><td class="field-unmatched_count">(\d+)</td>', content
    )
    # newest first: the small cohort's run (2 pairs), then the big cohort's 16 runs of 8
    # pairs and 4 mentees unmatched
    assert rows == [("2", "0"), *[("8", "4")] * 16]


def test_the_mentorship_list_costs_the_same_queries_for_few_or_many_pairs(
    manager, world, django_assert_num_queries
):
    def approve(cohort):
        with activate(world.acme.organization):
            services.match_run_approve(
                organization=world.acme.organization, actor=world.acme.manager, run=start(cohort)
            )

    approve(make_cohort(world.acme))
    with django_assert_num_queries(MENTORSHIP_LIST_QUERIES):
        few = queries_for(manager, changelist(Mentorship))
    approve(make_large_cohort(world.acme, mentees=60, mentors=30))
    with django_assert_num_queries(MENTORSHIP_LIST_QUERIES):
        many = queries_for(manager, changelist(Mentorship))
    assert few == many, (few, many)

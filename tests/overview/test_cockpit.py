"""The program cockpit in the organization admin: a program's state and next step, its
lifecycle buttons (each confirmed, a concurrent move answered with a message), its
enrolment funnel, its match runs, its pairs at risk with a nudge, and the survey results of
closed periods; and the pair page the at-risk links open."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback_services
from matching import services as matching
from matching.models import Mentorship
from mentoring.notifications.models import Kind, NotificationSetting, OutboxMessage
from mentoring.tenancy import activate
from programs.models import Enrollment, EnrollmentStatus, Program, ProgramSkill, ProgramStatus
from programs.services import program_transition
from sessions.models import Session, SessionStatus
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort
from tests.builders.pair import running_pairs
from tests.builders.surveys import close_periods
from tests.builders.world import make_program


def manager_of(org) -> Client:
    return client_for(Client(), org.organization, org.manager)


def cockpit_url(program) -> str:
    return reverse("program_cockpit", kwargs={"program_id": program.pk})


def move_url(program) -> str:
    return reverse("program_cockpit_move", kwargs={"program_id": program.pk})


def pair_url(mentorship) -> str:
    return reverse("mentorship_pair", kwargs={"mentorship_id": mentorship.pk})


def cockpit(browser, program) -> str:
    response = browser.get(cockpit_url(program))
    assert response.status_code == 200
    return response.content.decode()


def status_of(org, program) -> str:
    with activate(org.organization):
        return Program.objects.get(pk=program.pk).status


def quiet(cohort, days: int = 60) -> None:
    """Every pair of ``cohort`` started ``days`` ago and has not met since."""
    with activate(cohort.org.organization):
        Mentorship.objects.filter(program=cohort.program).update(
            started_on=timezone.localdate() - timedelta(days=days)
        )


def nudges(org) -> list[OutboxMessage]:
    with activate(org.organization):
        return list(OutboxMessage.objects.filter(kind=Kind.PAIR_NUDGE).order_by("pk"))


# ---------------------------------------------------------------- finding it


def test_the_programs_own_page_leads_to_its_cockpit(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    browser = manager_of(world.acme)
    page = browser.get(reverse("admin:programs_program_change", args=[program.pk])).content
    assert cockpit_url(program).encode() in page
    assert b"Run this program from its cockpit" in page
    listing = browser.get(reverse("admin:programs_program_changelist")).content
    assert cockpit_url(program).encode() in listing


def test_a_draft_says_what_to_do_next_and_offers_only_to_open_enrolment(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    page = cockpit(manager_of(world.acme), program)
    assert "What to do next:" in page and "open enrolment so that people can apply" in page
    assert f"{move_url(program)}?to=enrolling" in page
    for other in ("matching", "running", "closed", "draft"):
        assert f"?to={other}" not in page


def test_a_draft_without_focus_skills_is_told_to_choose_one_first(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    with activate(world.acme.organization):
        ProgramSkill.objects.filter(program=program).delete()
    page = cockpit(manager_of(world.acme), program)
    assert "Choose at least one focus skill" in page


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (ProgramStatus.DRAFT, ["Open enrolment"]),
        (ProgramStatus.ENROLLING, ["Start matching", "Back to draft"]),
        (ProgramStatus.MATCHING, ["Start the program", "Back to enrolment"]),
        (ProgramStatus.RUNNING, ["Close the program"]),
        (ProgramStatus.CLOSED, []),
    ],
)
def test_each_state_offers_exactly_the_moves_allowed_from_it(world, status, offered):
    program = make_program(world.acme, status=status)
    page = cockpit(manager_of(world.acme), program)
    buttons = re.findall(r'class="button[^"]*" href="[^"]*\?to=\w+">([^<]+)</a>', page)
    assert buttons == offered
    if not offered:
        assert "its status cannot change any more" in page


@pytest.mark.parametrize(
    ("start", "target", "label"),
    [
        (ProgramStatus.DRAFT, ProgramStatus.ENROLLING, "Open enrolment"),
        (ProgramStatus.ENROLLING, ProgramStatus.MATCHING, "Start matching"),
        (ProgramStatus.ENROLLING, ProgramStatus.DRAFT, "Back to draft"),
        (ProgramStatus.MATCHING, ProgramStatus.RUNNING, "Start the program"),
        (ProgramStatus.MATCHING, ProgramStatus.ENROLLING, "Back to enrolment"),
        (ProgramStatus.RUNNING, ProgramStatus.CLOSED, "Close the program"),
    ],
)
def test_each_move_asks_for_confirmation_then_moves_the_program(world, start, target, label):
    program = make_program(world.acme, status=start)
    browser = manager_of(world.acme)
    confirm = browser.get(f"{move_url(program)}?to={target}")
    assert confirm.status_code == 200
    assert f"Yes, {label.lower()}" in confirm.content.decode()
    assert status_of(world.acme, program) == start  # asking is not doing
    done = browser.post(move_url(program), {"from_status": start, "to_status": target}, follow=True)
    assert status_of(world.acme, program) == target
    assert f"is now {ProgramStatus(target).label.lower()}" in done.content.decode()


def test_a_move_someone_else_made_first_is_answered_with_a_message_not_an_error(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    browser = manager_of(world.acme)
    assert browser.get(f"{move_url(program)}?to=enrolling").status_code == 200
    with activate(world.acme.organization):  # another manager clicks first
        program_transition(
            organization=world.acme.organization,
            actor=world.acme.manager,
            program=program,
            to_status=ProgramStatus.ENROLLING,
        )
    answer = browser.post(
        move_url(program), {"from_status": "draft", "to_status": "enrolling"}, follow=True
    )
    assert answer.status_code == 200
    assert "someone else moved it meanwhile" in answer.content.decode()
    assert status_of(world.acme, program) == ProgramStatus.ENROLLING


def test_a_move_the_service_refuses_is_explained_and_changes_nothing(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    with activate(world.acme.organization):
        ProgramSkill.objects.filter(program=program).delete()
    answer = manager_of(world.acme).post(
        move_url(program), {"from_status": "draft", "to_status": "enrolling"}, follow=True
    )
    assert "Nothing changed: Give" in answer.content.decode()
    assert "at least one focus skill first" in answer.content.decode()
    assert status_of(world.acme, program) == ProgramStatus.DRAFT


def test_a_stale_or_made_up_step_leads_back_to_the_cockpit_with_a_message(world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    browser = manager_of(world.acme)
    answer = browser.get(f"{move_url(program)}?to=running", follow=True)
    assert "that step does not apply to it" in answer.content.decode()
    answer = browser.post(
        move_url(program), {"from_status": "draft", "to_status": "x"}, follow=True
    )
    assert "was not one of this program" in answer.content.decode()
    assert status_of(world.acme, program) == ProgramStatus.DRAFT


# ---------------------------------------------------------------- what it shows


def funnel_row(page: str, label: str) -> tuple[int, int]:
    match = re.search(rf'<th scope="row">{label}</th><td>(\d+)</td><td>(\d+)</td>', page)
    assert match, label
    return int(match[1]), int(match[2])


def test_the_funnel_counts_each_step_by_role(world):
    cohort = make_cohort(world.acme, status=ProgramStatus.ENROLLING)
    with activate(world.acme.organization):
        enrolments = list(Enrollment.objects.filter(program=cohort.program, role="mentee"))
        Enrollment.objects.filter(pk=enrolments[0].pk).update(status=EnrollmentStatus.DECLINED)
        approved = Enrollment.objects.filter(program=cohort.program, status="approved")
        mentees = approved.filter(role="mentee").count()
        mentors = approved.filter(role="mentor").count()
    page = cockpit(manager_of(world.acme), cohort.program)
    assert funnel_row(page, "Approved") == (mentees, mentors)
    assert funnel_row(page, "Declined") == (1, 0)
    assert funnel_row(page, "Applied or enrolled \\(all\\)") == (mentees + 1, mentors)
    assert funnel_row(page, "In a pair now") == (0, 0)


def test_the_match_runs_link_lists_this_programs_runs_only(world):
    first = make_cohort(world.acme)
    second = make_cohort(world.acme)
    with activate(world.acme.organization):
        for cohort in (first, second):
            matching.match_run_start(
                organization=world.acme.organization,
                actor=world.acme.manager,
                program=cohort.program,
            )
    browser = manager_of(world.acme)
    page = cockpit(browser, first.program)
    link = f"/admin/matching/matchrun/?program__id__exact={first.program.pk}"
    assert link in page and "Start a match run" in page
    runs = browser.get(link)
    assert runs.status_code == 200
    assert [run.program_id for run in runs.context["cl"].result_list] == [first.program.pk]


def test_only_pairs_at_risk_are_listed_and_a_planned_session_counts_as_activity(world):
    cohort = running_pairs(world.acme, 3)
    quiet(cohort)
    planned, held, silent = cohort.mentorships
    with activate(world.acme.organization):
        Session.objects.create(
            organization=world.acme.organization,
            mentorship=planned,
            starts_at=timezone.now() + timedelta(days=1),
        )
        Session.objects.create(
            organization=world.acme.organization,
            mentorship=held,
            starts_at=timezone.now() - timedelta(days=2),
            status=SessionStatus.HELD,
        )
    page = cockpit(manager_of(world.acme), cohort.program)
    assert "Pairs at risk (1)" in page
    assert pair_url(silent) in page
    assert pair_url(planned) not in page and pair_url(held) not in page


def test_survey_results_show_closed_periods_only_with_the_statistics_pages_figures(world):
    cohort = running_pairs(world.acme, 5)
    organization = world.acme.organization
    with activate(organization):
        for mentorship in cohort.mentorships:
            feedback_services.survey_answer(
                organization=organization,
                actor=mentorship.mentee.person.user,
                kind="program",
                mentorship=mentorship,
                answers={"useful": 4, "recommend": 9},
                comment="",
            )
    browser = manager_of(world.acme)
    page = cockpit(browser, cohort.program)
    assert "No survey period with answers has closed yet." in page
    close_periods(world.acme, cohort.program)
    page = cockpit(browser, cohort.program)
    assert "Program usefulness" in page
    assert re.search(r'<th scope="row">Mentees</th>\s*<td>5</td>\s*<td>4.0</td>', page)
    statistics = browser.get(
        reverse("admin:feedback_surveyresponse_changelist"),
        {"program__id__exact": cohort.program.pk},
    ).content.decode()
    assert re.search(r'<th scope="row">Mentees</th>\s*<td>5</td>\s*<td>4.0</td>', statistics)


def test_the_cockpit_costs_the_same_for_one_or_many_pairs(world, django_assert_num_queries):
    browser = manager_of(world.acme)
    small, large = running_pairs(world.acme, 1), running_pairs(world.acme, 6)
    quiet(small), quiet(large)
    browser.get(cockpit_url(small.program))  # warm the session and site caches
    with django_assert_num_queries(QUERIES):
        cockpit(browser, small.program)
    with django_assert_num_queries(QUERIES):
        page = cockpit(browser, large.program)
    assert "Pairs at risk (6)" in page


QUERIES = 9  # no query for a survey with no period released yet (the program survey)


def test_the_pair_page_costs_the_same_for_one_or_many_sessions(world, django_assert_num_queries):
    cohort = running_pairs(world.acme, 1)
    mentorship = cohort.mentorships[0]
    browser = manager_of(world.acme)
    browser.get(pair_url(mentorship))
    with django_assert_num_queries(PAIR_QUERIES):
        browser.get(pair_url(mentorship))
    with activate(world.acme.organization):
        for days in range(1, 6):
            Session.objects.create(
                organization=world.acme.organization,
                mentorship=mentorship,
                starts_at=timezone.now() - timedelta(days=days),
                status=SessionStatus.HELD,
                shared_notes="PRIVATE-NOTES-Z9",
            )
    with django_assert_num_queries(PAIR_QUERIES):
        page = browser.get(pair_url(mentorship)).content.decode()
    assert page.count("<td>Held</td>") == 5
    assert "PRIVATE-NOTES-Z9" not in page


PAIR_QUERIES = 7


# ---------------------------------------------------------------- who may


def test_another_organizations_program_and_pair_are_404(world):
    cohort = running_pairs(world.globex, 1)
    browser = manager_of(world.acme)
    assert browser.get(cockpit_url(cohort.program)).status_code == 404
    assert browser.get(f"{move_url(cohort.program)}?to=closed").status_code == 404
    response = browser.post(
        move_url(cohort.program), {"from_status": "running", "to_status": "closed"}
    )
    assert response.status_code == 404
    assert status_of(world.globex, cohort.program) == ProgramStatus.RUNNING
    assert browser.get(pair_url(cohort.mentorships[0])).status_code == 404
    assert browser.post(pair_url(cohort.mentorships[0]), {"note": ""}).status_code == 404
    assert nudges(world.globex) == []


def test_someone_who_is_not_a_manager_is_refused(world):
    cohort = running_pairs(world.acme, 1)
    mentee = cohort.users("mentee")[0]
    browser = client_for(Client(), world.acme.organization, mentee)
    for url in (cockpit_url(cohort.program), pair_url(cohort.mentorships[0])):
        response = browser.get(url)
        assert response.status_code in (302, 403)
        assert b"Pairs at risk" not in response.content
    browser.post(move_url(cohort.program), {"from_status": "running", "to_status": "closed"})
    assert status_of(world.acme, cohort.program) == ProgramStatus.RUNNING
    anonymous = client_for(Client(), world.acme.organization)
    assert anonymous.get(cockpit_url(cohort.program)).status_code == 302


# ---------------------------------------------------------------- the nudge


def test_a_nudge_emails_both_people_once_a_day_with_the_managers_line(world):
    cohort = running_pairs(world.acme, 1)
    mentorship = cohort.mentorships[0]
    browser = manager_of(world.acme)
    answer = browser.post(pair_url(mentorship), {"note": "How did the interview go?"}, follow=True)
    assert "Nudge sent to" in answer.content.decode()
    assert "Nudged today." in answer.content.decode()
    sent = nudges(world.acme)
    assert sorted(m.to_email for m in sent) == sorted(
        [mentorship.mentee.person.user.email, mentorship.mentor.person.user.email]
    )
    assert all("How did the interview go?" in m.body_text for m in sent)
    assert all(f"/mentorships/{mentorship.pk}/" in m.body_text for m in sent)
    again = browser.post(pair_url(mentorship), {"note": "Again"}, follow=True)
    assert "nudged today already" in again.content.decode()
    assert len(nudges(world.acme)) == 2


def test_a_nudge_skips_whoever_turned_nudges_off(world):
    cohort = running_pairs(world.acme, 1)
    mentorship = cohort.mentorships[0]
    with activate(world.acme.organization):
        NotificationSetting.objects.create(
            organization=world.acme.organization,
            person=mentorship.mentee.person,
            kind=Kind.PAIR_NUDGE,
            is_enabled=False,
        )
    browser = manager_of(world.acme)
    answer = browser.post(pair_url(mentorship), {"note": ""}, follow=True).content.decode()
    assert [m.to_email for m in nudges(world.acme)] == [mentorship.mentor.person.user.email]
    assert "turned such emails off" in answer
    with activate(world.acme.organization):
        NotificationSetting.objects.create(
            organization=world.acme.organization,
            person=mentorship.mentor.person,
            kind=Kind.PAIR_NUDGE,
            is_enabled=False,
        )
        OutboxMessage.objects.filter(kind=Kind.PAIR_NUDGE).delete()
    answer = browser.post(pair_url(mentorship), {"note": ""}, follow=True).content.decode()
    assert "Both people have turned off nudges" in answer
    assert nudges(world.acme) == []


def test_a_too_long_line_is_refused_and_kept_in_the_form(world):
    cohort = running_pairs(world.acme, 1)
    note = "x" * 501
    answer = manager_of(world.acme).post(pair_url(cohort.mentorships[0]), {"note": note})
    assert answer.status_code == 200
    assert "Keep the personal line under 500 characters." in answer.content.decode()
    assert note in answer.content.decode()
    assert nudges(world.acme) == []


def test_the_pair_page_shows_sessions_last_activity_and_the_nudge(world):
    cohort = running_pairs(world.acme, 1)
    mentorship = cohort.mentorships[0]
    with activate(world.acme.organization):
        Session.objects.create(
            organization=world.acme.organization,
            mentorship=mentorship,
            starts_at=timezone.now() - timedelta(days=3),
            status=SessionStatus.CANCELLED,
        )
    browser = manager_of(world.acme)
    page = browser.get(pair_url(mentorship)).content.decode()
    assert "Last session held" in page and "none yet" in page
    assert "<td>Cancelled</td>" in page
    assert "Send the nudge" in page
    record = browser.get(reverse("admin:matching_mentorship_change", args=[mentorship.pk]))
    assert pair_url(mentorship).encode() in record.content


def test_the_next_step_names_the_applications_waiting_then_the_pairs_ready(world):
    cohort = make_cohort(world.acme, status=ProgramStatus.ENROLLING)
    with activate(world.acme.organization):
        waiting = Enrollment.objects.filter(program=cohort.program, role="mentee").first()
        Enrollment.objects.filter(pk=waiting.pk).update(status=EnrollmentStatus.APPLIED)
    browser = manager_of(world.acme)
    assert "1 application waits for your decision." in cockpit(browser, cohort.program)
    running = running_pairs(world.acme, 1)
    with activate(world.acme.organization):
        Program.objects.filter(pk=running.program.pk).update(status=ProgramStatus.MATCHING)
    assert "1 pair is ready. Start the program" in cockpit(browser, running.program)


@pytest.mark.parametrize("bad", ["-1", "0", "x", "99999999999999999999", "<b>x</b>", "../.."])
def test_an_id_that_cannot_exist_is_a_plain_404(world, bad):
    browser = manager_of(world.acme)
    for path in (
        f"/admin/programs/program/{bad}/cockpit/",
        f"/admin/programs/program/{bad}/cockpit/move/?to=closed",
        f"/admin/matching/mentorship/{bad}/pair/",
    ):
        assert browser.get(path).status_code == 404, path

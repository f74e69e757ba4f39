"""Match runs of circle programs: circles formed within the program's sizes and rules, the
draft reviewed circle by circle, edited (a mentee or a whole circle out) and approved into
circle mentorships whose members each hear of it once."""

import html

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import services
from matching.access import side_of
from matching.emails import circles_published
from matching.models import (
    DraftCircle,
    MatchProposal,
    MatchRun,
    MatchRunStatus,
    Mentorship,
    MentorshipMember,
    UnmatchedMentee,
    UnmatchedReason,
)
from matching.pool import load_pool, program_fingerprint, program_weights
from matching.scoring import score_block
from matching.selectors import match_reasons
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile, SeniorityLevel
from mentoring.tenancy import activate
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    Program,
    ProgramFormat,
    ProgramStatus,
)
from tests.builders.circle import more_mentees
from tests.builders.clients import signed_in
from tests.builders.cohort import Cohort, focus_skills
from tests.builders.formats import format_cohort
from tests.builders.world import Org, add_member, make_user

MENTEES_ON_FIRST_SKILL = 11


def third_mentor(org: Org):
    """A third mentor of ``org`` (level 4, as the world's mentors), made once."""
    if len(org.mentors) < 3:
        with activate(org.organization):
            level = SeniorityLevel.objects.order_by("-rank").first()
        user = make_user(f"mentor2@{org.organization.slug}.example")
        add_member(
            org.organization,
            user,
            name=f"Mentor2 {org.sentinel}",
            department=org.departments[0],
            level=level,
        )
        org.mentors.append(user)
    return org.mentors[2]


def circle_cohort(org: Org) -> Cohort:
    """A circle program in matching (circles of 3 to 5, one mentor each) with 3 mentors
    who can each guide one circle and 14 mentees: 11 share the first focus skill, 2 chose
    the second (too few for a circle) and 1 chose none."""
    more_mentees(org, 14 - len(org.mentees))
    third_mentor(org)
    cohort = format_cohort(
        org,
        ProgramFormat.CIRCLE,
        circle_min_mentees=3,
        circle_max_mentees=5,
        circle_mentors=1,
    )
    with activate(org.organization):
        second = focus_skills(cohort.program)[1]
        mentees = list(
            Enrollment.objects.filter(program=cohort.program, role=EnrollmentRole.MENTEE).order_by(
                "pk"
            )
        )
        alone, *pair = mentees[MENTEES_ON_FIRST_SKILL:]
        EnrollmentSkill.objects.filter(enrollment__in=pair).update(skill=second)
        EnrollmentSkill.objects.filter(enrollment=alone).delete()
    return cohort


def start(cohort: Cohort) -> MatchRun:
    with activate(cohort.org.organization):
        return services.match_run_start(
            organization=cohort.org.organization, actor=cohort.org.manager, program=cohort.program
        )


def approve(cohort: Cohort, run: MatchRun) -> list[Mentorship]:
    with activate(cohort.org.organization):
        return services.match_run_approve(
            organization=cohort.org.organization, actor=cohort.org.manager, run=run
        )


def circles_of(run: MatchRun) -> list[tuple[int, int, tuple[int, ...]]]:
    """(mentor enrolment, skill, mentee enrolments) of each circle of the draft, by number."""
    with activate(run.organization):
        return [
            (
                circle.mentor_id,
                circle.skill_id,
                tuple(
                    sorted(
                        MatchProposal.objects.filter(circle=circle).values_list(
                            "mentee_id", flat=True
                        )
                    )
                ),
            )
            for circle in DraftCircle.objects.filter(run=run).order_by("number")
        ]


@pytest.fixture
def cohort(world):
    return circle_cohort(world.acme)


@pytest.fixture
def manager(world):
    return signed_in(world.acme, world.acme.manager)


def review_url(run) -> str:
    return reverse("admin:matching_matchrun_change", args=[run.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


# ---------------------------------------------------------------- the run


def test_a_circle_run_puts_the_mentees_who_share_a_skill_in_circles_of_the_programs_sizes(
    cohort,
):
    run = start(cohort)
    circles = circles_of(run)
    first_skill = focus_skills(cohort.program)[0]
    assert len(circles) == 3
    assert all(3 <= len(mentees) <= 5 for _mentor, _skill, mentees in circles)
    assert {skill for _mentor, skill, _mentees in circles} == {first_skill.pk}
    assert len({mentor for mentor, _skill, _mentees in circles}) == 3  # one circle each
    seated = [mentee for _mentor, _skill, mentees in circles for mentee in mentees]
    assert len(seated) == len(set(seated)) == MENTEES_ON_FIRST_SKILL
    with activate(cohort.org.organization):
        run.refresh_from_db()
        scores = list(DraftCircle.objects.filter(run=run).values_list("score", flat=True))
        assert run.total_score == pytest.approx(sum(scores))
        for proposal in MatchProposal.objects.filter(run=run).select_related("circle"):
            assert proposal.mentor_id == proposal.circle.mentor_id
            assert sum(p["points"] for p in proposal.breakdown) == pytest.approx(proposal.score)


def test_no_mentor_of_a_circle_breaks_a_hard_rule_with_any_of_its_mentees(cohort):
    run = start(cohort)
    with activate(cohort.org.organization):
        pool = load_pool(cohort.program, program_weights(cohort.program, run.weights))
        _score, eligible = score_block(pool.problem, np.arange(len(pool.mentee_ids)))
        for mentor, _skill, mentees in circles_of(run):
            j = pool.mentor_index(mentor)
            assert all(eligible[pool.mentee_index(mentee), j] for mentee in mentees)


def test_running_a_circle_program_twice_gives_the_same_circles(cohort):
    first = circles_of(start(cohort))
    assert circles_of(start(cohort)) == first


def test_mentees_left_out_of_circles_are_told_why(cohort):
    run = start(cohort)
    with activate(cohort.org.organization):
        reasons = dict(
            UnmatchedMentee.objects.filter(run=run).values_list("mentee__person__user", "reason")
        )
    mentees = cohort.org.mentees
    assert reasons == {
        mentees[MENTEES_ON_FIRST_SKILL].pk: UnmatchedReason.NO_FOCUS_SKILL,
        mentees[MENTEES_ON_FIRST_SKILL + 1].pk: UnmatchedReason.GROUP_TOO_SMALL,
        mentees[MENTEES_ON_FIRST_SKILL + 2].pk: UnmatchedReason.GROUP_TOO_SMALL,
    }


def test_a_mentee_already_in_an_open_circle_does_not_wait_and_its_mentor_has_one_circle_less(
    cohort,
):
    run = start(cohort)
    (first, *_rest) = approve(cohort, run)
    with activate(cohort.org.organization):
        Program.objects.filter(pk=cohort.program.pk).update(status=ProgramStatus.MATCHING)
        cohort.program.refresh_from_db()
        pool = load_pool(cohort.program, program_weights(cohort.program))
        members = MentorshipMember.objects.filter(mentorship=first)
        seated = set(members.filter(role="mentee").values_list("enrollment_id", flat=True))
        assert not seated & set(pool.mentee_ids)
        assert set(pool.mentee_ids) == set(
            UnmatchedMentee.objects.filter(run=run).values_list("mentee_id", flat=True)
        )
        mentor = pool.mentor_index(first.mentor_id)
        assert pool.problem.capacity[mentor] == 0


# ---------------------------------------------------------------- editing the draft


def test_removing_a_mentee_from_a_circle_leaves_them_unmatched_and_lowers_the_circles_score(
    cohort,
):
    run = start(cohort)
    with activate(cohort.org.organization):
        circle = DraftCircle.objects.filter(run=run).order_by("number").first()
        proposal = MatchProposal.objects.filter(circle=circle).first()
        before = circle.score
        services.proposal_remove(
            organization=cohort.org.organization, actor=cohort.org.manager, proposal=proposal
        )
        circle.refresh_from_db()
        run.refresh_from_db()
        assert circle.score == pytest.approx(before - proposal.score)
        assert UnmatchedMentee.objects.get(run=run, mentee=proposal.mentee).reason == "removed"
        assert run.total_score == pytest.approx(
            sum(DraftCircle.objects.filter(run=run).values_list("score", flat=True))
        )


def test_a_circle_left_below_the_minimum_stops_the_approval_and_says_which_circle(cohort):
    run = start(cohort)
    with activate(cohort.org.organization):
        circle = DraftCircle.objects.get(run=run, number=3)
        proposals = list(MatchProposal.objects.filter(circle=circle))
        for proposal in proposals[: len(proposals) - 2]:
            services.proposal_remove(
                organization=cohort.org.organization, actor=cohort.org.manager, proposal=proposal
            )
    with pytest.raises(ValidationError, match="Circle 3 has 2 mentees; a circle needs at least 3"):
        approve(cohort, run)
    with activate(cohort.org.organization):
        assert not Mentorship.objects.filter(program=cohort.program).exists()
        assert MatchRun.objects.get(pk=run.pk).status == MatchRunStatus.DRAFT


def test_removing_a_whole_circle_leaves_its_mentees_unmatched_and_the_rest_can_be_approved(
    cohort,
):
    run = start(cohort)
    with activate(cohort.org.organization):
        circle = DraftCircle.objects.get(run=run, number=2)
        mentees = set(MatchProposal.objects.filter(circle=circle).values_list("mentee", flat=True))
        removed = services.draft_circle_remove(
            organization=cohort.org.organization, actor=cohort.org.manager, circle=circle
        )
        assert removed == len(mentees)
        assert (
            set(
                UnmatchedMentee.objects.filter(run=run, reason="removed").values_list(
                    "mentee", flat=True
                )
            )
            == mentees
        )
    mentorships = approve(cohort, run)
    assert len(mentorships) == 2


def test_removing_a_circle_twice_is_told_and_changes_nothing_more(cohort):
    run = start(cohort)
    with activate(cohort.org.organization):
        circle = DraftCircle.objects.get(run=run, number=1)
        version = services.draft_version(
            MatchProposal.objects.filter(run=run).values_list("pk", "mentor_id")
        )
        arguments = {
            "organization": cohort.org.organization,
            "actor": cohort.org.manager,
            "circle": circle,
            "version": version,
        }
        services.draft_circle_remove(**arguments)
        with pytest.raises(ValidationError, match="The draft changed since this page was loaded"):
            services.draft_circle_remove(**arguments)
        with pytest.raises(ValidationError, match="Circle 1 is no longer in the draft"):
            services.draft_circle_remove(**{**arguments, "version": ""})


def test_swapping_or_adding_a_pair_by_hand_in_a_circle_draft_is_refused_with_a_reason(cohort):
    run = start(cohort)
    org = cohort.org
    with activate(org.organization):
        first, second = MatchProposal.objects.filter(run=run).order_by("pk")[:2]
        with pytest.raises(ValidationError, match="Swapping mentors is for pairs"):
            services.proposal_swap(
                organization=org.organization, actor=org.manager, first=first, second=second
            )
        waiting = UnmatchedMentee.objects.filter(run=run).select_related("mentee").first()
        with pytest.raises(ValidationError, match="Adding a pair by hand is for pairs"):
            services.proposal_add_manual(
                organization=org.organization,
                actor=org.manager,
                run=run,
                mentee=waiting.mentee,
                mentor=first.mentor,
            )


def seats(run: MatchRun, number: int) -> list[MatchProposal]:
    with activate(run.organization):
        return list(
            MatchProposal.objects.filter(circle__run=run, circle__number=number)
            .select_related("mentee__person", "circle")
            .order_by("pk")
        )


def move(cohort: Cohort, run: MatchRun, mentee: Enrollment, number: int) -> None:
    with activate(cohort.org.organization):
        services.proposal_move_to_circle(
            organization=cohort.org.organization,
            actor=cohort.org.manager,
            run=run,
            mentee=mentee,
            circle=DraftCircle.objects.get(run=run, number=number),
        )


def test_moving_a_mentee_to_another_circle_keeps_each_circles_score_its_mentees_total(cohort):
    run = start(cohort)
    sizes = {number: len(seats(run, number)) for number in (1, 2, 3)}
    mover = seats(run, 1)[0]
    move(cohort, run, mover.mentee, 3)
    assert len(seats(run, 1)) == sizes[1] - 1 and len(seats(run, 3)) == sizes[3] + 1
    assert mover.mentee_id in {seat.mentee_id for seat in seats(run, 3)}
    with activate(cohort.org.organization):
        for circle in DraftCircle.objects.filter(run=run):
            total = sum(circle.proposals.values_list("score", flat=True))
            assert circle.score == pytest.approx(total, abs=1e-3)
        run.refresh_from_db()
        assert run.total_score == pytest.approx(
            sum(DraftCircle.objects.filter(run=run).values_list("score", flat=True))
        )
        assert MatchProposal.objects.get(run=run, mentee=mover.mentee).is_manual


def test_a_mentee_cannot_join_a_full_circle_one_without_their_skill_or_a_mentor_they_report_to(
    cohort,
):
    run = start(cohort)
    org = cohort.org
    move(cohort, run, seats(run, 3)[0].mentee, 1)  # circle 1 now holds 5, the most
    with pytest.raises(ValidationError, match="Circle 1 is full \\(5 mentees"):
        move(cohort, run, seats(run, 2)[0].mentee, 1)
    with activate(org.organization):
        no_skill = Enrollment.objects.get(
            program=cohort.program, person__user=org.mentees[MENTEES_ON_FIRST_SKILL]
        )
    with pytest.raises(ValidationError, match=r"did not choose .*, the focus skill Circle 2"):
        move(cohort, run, no_skill, 2)
    mover = seats(run, 2)[0]
    with activate(org.organization):
        circle = DraftCircle.objects.select_related("mentor__person").get(run=run, number=3)
        Profile.objects.filter(pk=mover.mentee.person_id).update(manager=circle.mentor.person)
    with pytest.raises(ValidationError, match=r"cannot join Circle 3: .*reports to"):
        move(cohort, run, mover.mentee, 3)
    assert mover.mentee_id in {seat.mentee_id for seat in seats(run, 2)}


def test_a_manager_adds_an_unmatched_mentee_to_a_circle_on_the_review_page(cohort, manager):
    run = start(cohort)
    mover = seats(run, 1)[0]
    with activate(cohort.org.organization):
        services.proposal_remove(
            organization=cohort.org.organization, actor=cohort.org.manager, proposal=mover
        )
    form = {"action": "move", "mentee": mover.mentee_id, "number": 3}
    page = text(manager.post(review_url(run), form, follow=True))
    assert f"{mover.mentee.person} is now in Circle 3." in page
    assert mover.mentee_id in {seat.mentee_id for seat in seats(run, 3)}
    page = text(manager.post(review_url(run), {**form, "number": 99}, follow=True))
    assert "There is no circle of that number in this draft" in page


# ---------------------------------------------------------------- approval


def test_approving_makes_one_circle_mentorship_per_circle_with_all_its_members(cohort):
    run = start(cohort)
    drafted = circles_of(run)
    mentorships = approve(cohort, run)
    with activate(cohort.org.organization):
        made = []
        for mentorship in Mentorship.objects.filter(pk__in=[m.pk for m in mentorships]).order_by(
            "pk"
        ):
            members = MentorshipMember.objects.filter(mentorship=mentorship)
            made.append(
                (
                    *members.filter(role="mentor").values_list("enrollment_id", flat=True),
                    mentorship.focus_skill_id,
                    tuple(
                        sorted(members.filter(role="mentee").values_list("enrollment", flat=True))
                    ),
                )
            )
            assert mentorship.match_run_id == run.pk
            circle = DraftCircle.objects.get(run=run, mentor=mentorship.mentor)
            assert mentorship.score == pytest.approx(circle.score)
            people = set(members.filter(role="mentee").values_list("person_id", flat=True))
            assert {part["person"] for part in mentorship.breakdown} == people
        assert sorted(made) == sorted(drafted)
        program = Program.objects.get(pk=cohort.program.pk)
    assert program.status == ProgramStatus.RUNNING


def test_each_member_of_a_new_circle_is_emailed_once_with_who_else_is_in_it(cohort):
    run = start(cohort)
    mentorships = approve(cohort, run)
    with activate(cohort.org.organization):
        mentorship = mentorships[0]
        members = list(
            MentorshipMember.objects.filter(mentorship=mentorship).select_related("person")
        )
        emails = OutboxMessage.objects.filter(
            kind=Kind.MATCH_PUBLISHED, dedupe_key__startswith=f"circle:{mentorship.pk}:"
        )
        assert sorted(emails.values_list("recipient_id", flat=True)) == sorted(
            m.person.user_id for m in members
        )
        mentee = next(m for m in members if m.role == "mentee")
        mentor = next(m for m in members if m.role == "mentor")
        mail = emails.get(recipient_id=mentee.person.user_id)
        mentor_mail = emails.get(recipient_id=mentor.person.user_id)
    others = [m.person.display_name for m in members if m.person_id != mentee.person_id]
    assert all(name in mail.body_text for name in others)
    assert f"guided by {mentor.person.display_name}" in mail.body_text
    assert f"/mentorships/{mentorship.pk}/" in mail.body_text
    assert mail.subject.startswith("Your ") and "circle in" in mail.subject
    assert "you guide a circle" in mentor_mail.body_text
    # approving again (a retry) writes no second email to anyone
    with activate(cohort.org.organization):
        assert circles_published(cohort.org.organization, [mentorship]) == 0


def test_approving_a_circle_draft_twice_is_told_and_makes_no_second_circle(cohort):
    run = start(cohort)
    approve(cohort, run)
    with pytest.raises(ValidationError, match="Only a draft can be changed"):
        approve(cohort, run)
    with activate(cohort.org.organization):
        assert Mentorship.objects.filter(program=cohort.program).count() == 3


def test_someone_joining_an_open_circle_makes_older_drafts_of_the_program_stale(cohort):
    run = start(cohort)
    (first, *_rest) = approve(cohort, run)
    with activate(cohort.org.organization):
        before = program_fingerprint(cohort.program)
        waiting = UnmatchedMentee.objects.filter(run=run).select_related("mentee").first()
        MentorshipMember.objects.create(
            organization=cohort.org.organization,
            mentorship=first,
            enrollment=waiting.mentee,
            person_id=waiting.mentee.person_id,
            role=EnrollmentRole.MENTEE,
        )
        assert program_fingerprint(cohort.program) != before


# ---------------------------------------------------------------- the review page


def test_the_review_page_shows_each_circle_with_its_skill_mentor_and_mentees_and_why(
    cohort, manager, world
):
    run = start(cohort)
    page = text(manager.get(review_url(run)))
    skill = focus_skills(cohort.program)[0]
    with activate(cohort.org.organization):
        circles = list(
            DraftCircle.objects.filter(run=run).select_related("mentor__person").order_by("number")
        )
        seats = list(MatchProposal.objects.filter(run=run).select_related("mentee__person"))
        unmatched = list(UnmatchedMentee.objects.filter(run=run).select_related("mentee__person"))
    assert "3 circles of 11 mentees · 3 unmatched" in page
    for circle in circles:
        assert f"Circle {circle.number} · {skill.name} · score" in page
        assert f"Mentor: <strong>{circle.mentor.person}</strong>" in page
        assert f'aria-label="Remove circle {circle.number}: its mentees become unmatched"' in page
    for seat in seats:
        assert f"Remove {seat.mentee.person} from circle" in page
        assert f"What {seat.mentee.person} is told: You both work on" in page
    for row in unmatched:
        assert f"{row.mentee.person}" in page
    assert "Chose no focus skill, so no circle shares one" in page
    assert "Too few mentees share a focus skill and hours with them to start a circle" in page
    assert "Approve: create 3 circles" in page
    assert "Swap the mentors of two pairs" not in page and "Add a pair by hand" not in page
    assert world.globex.sentinel not in page


def test_the_review_page_of_a_circle_draft_costs_the_same_queries_with_fewer_circles(
    cohort, manager
):
    run = start(cohort)
    with CaptureQueriesContext(connection) as three:
        assert manager.get(review_url(run)).status_code == 200
    with activate(cohort.org.organization):
        services.draft_circle_remove(
            organization=cohort.org.organization,
            actor=cohort.org.manager,
            circle=DraftCircle.objects.get(run=run, number=2),
        )
    with CaptureQueriesContext(connection) as two:
        page = text(manager.get(review_url(run)))
    assert "2 circles of" in page
    assert len(two) == len(three)


def test_another_organizations_manager_gets_no_circle_draft(cohort, world):
    run = start(cohort)
    other = signed_in(world.globex, world.globex.manager)
    assert other.get(review_url(run)).status_code == 404
    response = other.post(review_url(run), {"action": "approve"})
    assert response.status_code == 404
    with activate(cohort.org.organization):
        assert MatchRun.objects.get(pk=run.pk).status == MatchRunStatus.DRAFT


def test_a_manager_removes_a_mentee_then_a_circle_on_the_review_page(cohort, manager):
    run = start(cohort)
    with activate(cohort.org.organization):
        circle = DraftCircle.objects.get(run=run, number=1)
        seat = MatchProposal.objects.filter(circle=circle).select_related("mentee__person").first()
    page = text(
        manager.post(review_url(run), {"action": "remove", "proposal": seat.pk}, follow=True)
    )
    assert f"Removed {seat.mentee.person} from circle 1: they are now unmatched." in page
    with activate(cohort.org.organization):
        version = services.draft_version(
            MatchProposal.objects.filter(run=run).values_list("pk", "mentor_id")
        )
    form = {"action": "remove_circle", "circle": circle.pk, "version": version}
    page = text(manager.post(review_url(run), form, follow=True))
    assert "Removed Circle 1: its 3 mentees are now unmatched." in page
    page = text(manager.post(review_url(run), form, follow=True))
    assert "That circle is not in this draft (any more): nothing changed." in page
    with activate(cohort.org.organization):
        assert not DraftCircle.objects.filter(run=run, number=1).exists()
        assert UnmatchedMentee.objects.filter(run=run, reason="removed").count() == 4


def test_approving_on_the_review_page_twice_creates_the_circles_once(cohort, manager):
    run = start(cohort)
    page = text(manager.post(review_url(run), {"action": "approve"}, follow=True))
    assert "Draft approved: 3 circles created." in page
    page = text(manager.post(review_url(run), {"action": "approve"}, follow=True))
    assert "This run is approved, so it can no longer change" in page
    with activate(cohort.org.organization):
        assert Mentorship.objects.filter(program=cohort.program).count() == 3


def test_the_mentorship_admin_lists_a_circles_members_and_its_focus_skill(cohort, manager):
    (mentorship, *_rest) = approve(cohort, start(cohort))
    page = text(manager.get(reverse("admin:matching_mentorship_change", args=[mentorship.pk])))
    with activate(cohort.org.organization):
        members = list(
            MentorshipMember.objects.filter(mentorship=mentorship).select_related("person")
        )
    assert focus_skills(cohort.program)[0].name in page
    for member in members:
        assert f"<li>{member.person} ({member.role})</li>" in page


def test_a_circle_mentee_reads_only_their_own_reasons_and_its_mentor_reads_each_mentees(cohort):
    (circle, *_rest) = approve(cohort, start(cohort))
    org = cohort.org
    with activate(org.organization):
        circle = Mentorship.objects.select_related("program", "focus_skill").get(pk=circle.pk)
        members = list(MentorshipMember.objects.filter(mentorship=circle).select_related("person"))
        mentee = next(m for m in members if m.role == EnrollmentRole.MENTEE)
        mentor = next(m for m in members if m.role == EnrollmentRole.MENTOR)
        as_mentee = match_reasons(side_of(circle, mentee.person.user))
        as_mentor = match_reasons(side_of(circle, mentor.person.user))
    (own,) = as_mentee
    assert own.name is None
    assert {part["person"] for part in own.parts} == {mentee.person_id}
    names = {m.person.display_name for m in members if m.role == EnrollmentRole.MENTEE}
    assert {reasons.name for reasons in as_mentor} == names
    assert sum(reasons.score for reasons in as_mentor) == pytest.approx(circle.score)

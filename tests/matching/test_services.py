import pytest
from django.core.exceptions import ValidationError

from matching import services
from matching.models import (
    MatchProposal,
    MatchRunStatus,
    Mentorship,
    MentorshipStatus,
    UnmatchedMentee,
    UnmatchedReason,
)
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment, Program, ProgramStatus
from tests.builders.cohort import add_review, make_cohort
from tests.builders.world import hold_session


def start(cohort, **kwargs):
    with activate(cohort.org.organization):
        return services.match_run_start(
            organization=cohort.org.organization,
            actor=cohort.org.manager,
            program=cohort.program,
            **kwargs,
        )


def proposals(cohort, run):
    with activate(cohort.org.organization):
        return list(
            MatchProposal.objects.filter(run=run).select_related("mentee__person", "mentor__person")
        )


def test_a_run_proposes_a_mentor_for_every_mentee_with_reasons(cohort):
    run = start(cohort)
    pairs = proposals(cohort, run)
    assert run.status == MatchRunStatus.DRAFT and len(pairs) == 2
    for pair in pairs:
        assert sum(part["points"] for part in pair.breakdown) == pytest.approx(pair.score)
        labels = " · ".join(part["label"] for part in pair.breakdown)
        assert "covers focus skill" in labels and "levels more senior" in labels
    assert run.total_score == pytest.approx(sum(p.score for p in pairs))


def test_cross_functional_pairs_win_when_the_program_prefers_them(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.PREFERRED)
    pairs = proposals(cohort, start(cohort))
    with activate(world.acme.organization):
        assert all(p.mentee.person.department_id != p.mentor.person.department_id for p in pairs)
        assert all(
            any(part["label"].startswith("different department +") for part in p.breakdown)
            for p in pairs
        )


def test_the_mentees_own_manager_is_never_proposed(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    with activate(world.acme.organization):
        boss = Profile.objects.get(user=world.acme.mentors[0])
        Profile.objects.filter(user__in=world.acme.mentees).update(manager=boss)
    pairs = proposals(cohort, start(cohort))
    assert len(pairs) == 1
    with activate(world.acme.organization):
        assert pairs[0].mentor.person.user == world.acme.mentors[1]
        unmatched = UnmatchedMentee.objects.get()
    assert unmatched.reason == UnmatchedReason.CAPACITY_EXHAUSTED


def test_a_mentee_with_no_eligible_mentor_is_listed_with_that_reason(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.REQUIRED)
    with activate(world.acme.organization):
        department = world.acme.departments[1]  # mentee 1 stays in departments[0]
        Profile.objects.filter(user__in=[*world.acme.mentors, world.acme.mentees[0]]).update(
            department=department
        )
    start(cohort)
    with activate(world.acme.organization):
        unmatched = UnmatchedMentee.objects.select_related("mentee__person").get()
        assert unmatched.mentee.person.user == world.acme.mentees[0]
    assert unmatched.reason == UnmatchedReason.NO_ELIGIBLE_MENTOR


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("not_matching", "move it to Matching first"),
        ("no_mentors", "no approved mentor"),
        ("weights_off", "Every criterion is off"),
        ("mentors_full", "Every mentor is at capacity"),
    ],
)
def test_a_run_that_cannot_work_says_why_and_writes_nothing(world, setup, message):
    from matching.models import MatchRun

    status = ProgramStatus.ENROLLING if setup == "not_matching" else ProgramStatus.MATCHING
    cohort = make_cohort(world.acme, status=status, cross_functional=CrossFunctional.OFF)
    weights = None
    with activate(world.acme.organization):
        if setup == "no_mentors":
            Enrollment.objects.filter(role="mentor").update(status="withdrawn")
        if setup == "mentors_full":
            Enrollment.objects.filter(role="mentor").update(capacity=1)
            other = Program.objects.create(
                organization=world.acme.organization,
                name="Other",
                purpose="x",
                starts_on=cohort.program.starts_on,
                ends_on=cohort.program.ends_on,
            )
            extra = [
                Enrollment.objects.create(
                    organization=world.acme.organization,
                    program=cohort.program,
                    person=Profile.objects.get(user=u),
                    role="mentee",
                    status="approved",
                )
                for u in (world.acme.manager, world.acme.hr)
            ]
            for mentee, mentor in zip(
                extra, Enrollment.objects.filter(role="mentor", program=cohort.program), strict=True
            ):
                Mentorship.objects.create(
                    organization=world.acme.organization,
                    program=cohort.program,
                    mentee=mentee,
                    mentor=mentor,
                    started_on=other.starts_on,
                    ends_on=other.ends_on,
                )
    if setup == "weights_off":
        weights = dict.fromkeys(
            [
                "focus_skills",
                "cross_functional",
                "seniority",
                "time_zone",
                "language",
                "preference",
            ],
            "off",
        )
    with pytest.raises(ValidationError, match=message):
        start(cohort, weights=weights)
    with activate(world.acme.organization):
        assert not MatchRun.objects.exists()


def test_approving_a_draft_creates_the_mentorships(cohort):
    run = start(cohort)
    with activate(cohort.org.organization):
        created = services.match_run_approve(
            organization=cohort.org.organization, actor=cohort.org.manager, run=run
        )
        run.refresh_from_db()
        assert run.status == MatchRunStatus.APPROVED
        assert Mentorship.objects.count() == len(created) == 2
        assert all(m.breakdown and m.score is not None for m in Mentorship.objects.all())


def test_a_stale_draft_cannot_be_approved(cohort):
    run = start(cohort)
    with activate(cohort.org.organization):
        Enrollment.objects.filter(person__user=cohort.mentees[1]).first().save()  # touched since
        with pytest.raises(ValidationError, match="run the match again"):
            services.match_run_approve(
                organization=cohort.org.organization, actor=cohort.org.manager, run=run
            )
        assert not Mentorship.objects.exists()


def test_removing_a_pair_lists_the_mentee_as_unmatched(cohort):
    run = start(cohort)
    first = proposals(cohort, run)[0]
    with activate(cohort.org.organization):
        services.proposal_remove(
            organization=cohort.org.organization, actor=cohort.org.manager, proposal=first
        )
        assert UnmatchedMentee.objects.get(run=run).reason == UnmatchedReason.REMOVED
        run.refresh_from_db()
    assert run.total_score == pytest.approx(sum(p.score for p in proposals(cohort, run)))


def test_a_manual_pair_that_breaks_a_rule_needs_a_recorded_reason(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.REQUIRED)
    run = start(cohort)
    pair = proposals(cohort, run)[0]
    with activate(world.acme.organization):
        services.proposal_remove(
            organization=world.acme.organization, actor=world.acme.manager, proposal=pair
        )
        same_department = Enrollment.objects.filter(
            role="mentor", person__department=pair.mentee.person.department
        ).first()
        with pytest.raises(
            ValidationError, match="same department: the program requires different departments"
        ):
            services.proposal_add_manual(
                organization=world.acme.organization,
                actor=world.acme.manager,
                run=run,
                mentee=pair.mentee,
                mentor=same_department,
            )
        manual = services.proposal_add_manual(
            organization=world.acme.organization,
            actor=world.acme.manager,
            run=run,
            mentee=pair.mentee,
            mentor=same_department,
            override_reason="They asked to work together",
        )
    assert manual.is_manual and manual.override_reason == "They asked to work together"
    assert any("same department" in rule for rule in manual.broken_rules)


def test_swapping_two_pairs_exchanges_their_mentors_and_rescores(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    run = start(cohort)
    first, second = proposals(cohort, run)
    mentors = (first.mentor_id, second.mentor_id)
    with activate(world.acme.organization):
        services.proposal_swap(
            organization=world.acme.organization,
            actor=world.acme.manager,
            first=first,
            second=second,
        )
        first.refresh_from_db()
        second.refresh_from_db()
    assert (first.mentor_id, second.mentor_id) == (mentors[1], mentors[0])
    assert sum(p["points"] for p in first.breakdown) == pytest.approx(first.score)


def test_a_manual_pair_across_organizations_is_impossible(world):
    cohort = make_cohort(world.acme)
    foreign = make_cohort(world.globex)
    run = start(cohort)
    with activate(world.globex.organization):
        outsider = Enrollment.objects.filter(role="mentor").first()
    with (
        activate(world.acme.organization),
        pytest.raises(ValidationError, match="another organization"),
    ):
        services.proposal_add_manual(
            organization=world.acme.organization,
            actor=world.acme.manager,
            run=run,
            mentee=proposals(cohort, run)[0].mentee,
            mentor=outsider,
            override_reason="x",
        )
    del foreign


def test_the_same_inputs_give_the_same_draft(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    first = {(p.mentee_id, p.mentor_id, p.score) for p in proposals(cohort, start(cohort))}
    second = {(p.mentee_id, p.mentor_id, p.score) for p in proposals(cohort, start(cohort))}
    assert first == second


def test_a_new_run_discards_the_previous_draft(cohort):
    first = start(cohort)
    start(cohort, weights={"time_zone": "high"})
    with activate(cohort.org.organization):
        first.refresh_from_db()
    assert first.status == MatchRunStatus.DISCARDED


def approve_all(cohort):
    run = start(cohort)
    with activate(cohort.org.organization):
        return services.match_run_approve(
            organization=cohort.org.organization, actor=cohort.org.manager, run=run
        )


def test_a_not_a_good_fit_answer_flags_the_pair_and_rematch_keeps_the_rest(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF, capacity=2)
    mentorships = approve_all(cohort)
    target, other = mentorships
    hold_session(target)
    with activate(world.acme.organization):
        target = Mentorship.objects.select_related("mentee__person", "mentor__person").get(
            pk=target.pk
        )
        mentee_user = target.mentee.person.user
        services.fit_check_answer(
            organization=world.acme.organization,
            actor=mentee_user,
            mentorship=target,
            is_good_fit=False,
            comment="We never connect",
        )
        target.refresh_from_db()
        assert target.needs_rematch
        new = services.mentorship_rematch(
            organization=world.acme.organization, actor=world.acme.manager, mentorship=target
        )
        target.refresh_from_db()
        other.refresh_from_db()
        assert target.status == MentorshipStatus.ENDED_EARLY
        assert new.mentor_id != target.mentor_id and new.mentee_id == target.mentee_id
        assert other.status == MentorshipStatus.ACTIVE


def test_only_the_pair_answers_its_fit_check(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    mentorship = approve_all(cohort)[0]
    with (
        activate(world.acme.organization),
        pytest.raises(ValidationError, match="Only the two people"),
    ):
        services.fit_check_answer(
            organization=world.acme.organization,
            actor=world.acme.hr,
            mentorship=mentorship,
            is_good_fit=True,
        )


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["paused", "active", "completed"], True),
        (["completed", "active"], False),
        (["ended_early"], True),
    ],
)
def test_the_mentorship_lifecycle_allows_only_sensible_steps(world, path, allowed):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    mentorship = approve_all(cohort)[0]
    with activate(world.acme.organization):

        def step(status):
            services.mentorship_set_status(
                organization=world.acme.organization,
                actor=world.acme.manager,
                mentorship=mentorship,
                status=status,
                reason="Moved teams",
            )

        if allowed:
            for status in path:
                step(status)
        else:
            step(path[0])
            with pytest.raises(ValidationError, match="cannot become"):
                step(path[1])


def test_ending_early_needs_a_reason_and_extending_needs_a_later_date(world):
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    mentorship = approve_all(cohort)[0]
    org = world.acme.organization
    with activate(org):
        with pytest.raises(ValidationError, match="why"):
            services.mentorship_set_status(
                organization=org,
                actor=world.acme.manager,
                mentorship=mentorship,
                status="ended_early",
                reason="",
            )
        with pytest.raises(ValidationError, match="after"):
            services.mentorship_extend(
                organization=org,
                actor=world.acme.manager,
                mentorship=mentorship,
                ends_on=mentorship.ends_on,
            )
        from datetime import timedelta

        services.mentorship_extend(
            organization=org,
            actor=world.acme.manager,
            mentorship=mentorship,
            ends_on=mentorship.ends_on + timedelta(days=30),
        )


def test_a_pair_from_an_earlier_program_is_not_proposed_again(world):
    first = make_cohort(world.acme, cross_functional=CrossFunctional.OFF, capacity=2)
    earlier = approve_all(first)
    second = make_cohort(world.acme, cross_functional=CrossFunctional.OFF, capacity=2)
    pairs = proposals(second, start(second))
    before = {(m.mentee.person_id, m.mentor.person_id) for m in earlier}
    with activate(world.acme.organization):
        now = {(p.mentee.person_id, p.mentor.person_id) for p in pairs}
    assert not before & now


def test_the_mentor_of_the_pair_adds_their_own_view_of_a_goal(world):
    from programs.models import Goal, GoalReview

    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.OFF)
    mentorship = approve_all(cohort)[0]
    with activate(world.acme.organization):
        mentorship = Mentorship.objects.select_related("mentor__person__user").get(pk=mentorship.pk)
        goal = Goal.objects.get(enrollment=mentorship.mentee)
    add_review(world.acme, mentorship.mentor.person.user, goal)
    with activate(world.acme.organization):
        assert GoalReview.objects.get().author_role == "mentor"
    with pytest.raises(ValidationError, match="Only the mentee and their mentor"):
        add_review(world.acme, world.acme.hr, goal)

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from mentoring.tenancy import activate
from programs import services
from programs.models import (
    Enrollment,
    EnrollmentMode,
    EnrollmentStatus,
    Goal,
    GoalReview,
    Program,
    ProgramStatus,
    Skill,
)
from programs.schedule import add_months, review_due_on, review_period_on
from tests.builders.cohort import GOAL, SITUATIONS, add_review
from tests.builders.world import join, make_program


def focus(program):
    with activate(program.organization):
        return [link.skill for link in program.focus_links.select_related("skill")]


def apply_mentee(org, program, user=None, **overrides):
    with activate(org.organization):
        arguments = {
            "organization": org.organization,
            "actor": user or org.mentees[0],
            "program": program,
            "focus_skills": focus(program)[:1],
            "goal_statement": GOAL,
            "situations": SITUATIONS,
        }
        return services.enrollment_apply_mentee(**{**arguments, **overrides})


# ------------------------------------------------------------------ lifecycle


def transition(org, program, to):
    """The manager moves ``program`` to status ``to``."""
    with activate(org.organization):
        services.program_transition(
            organization=org.organization, actor=org.manager, program=program, to_status=to
        )


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (ProgramStatus.DRAFT, ProgramStatus.ENROLLING),
        (ProgramStatus.ENROLLING, ProgramStatus.MATCHING),
        (ProgramStatus.MATCHING, ProgramStatus.RUNNING),
        (ProgramStatus.RUNNING, ProgramStatus.CLOSED),
        (ProgramStatus.MATCHING, ProgramStatus.ENROLLING),
        (ProgramStatus.ENROLLING, ProgramStatus.DRAFT),
    ],
)
def test_a_program_moves_along_its_lifecycle(world, start, to):
    program = make_program(world.acme, status=start)
    transition(world.acme, program, to)
    with activate(world.acme.organization):
        assert Program.objects.get(pk=program.pk).status == to


@pytest.mark.parametrize(
    ("start", "to", "message"),
    [
        (ProgramStatus.DRAFT, ProgramStatus.RUNNING, "it can move to Enrolling"),
        (ProgramStatus.ENROLLING, ProgramStatus.CLOSED, "not straight to closed"),
        (ProgramStatus.CLOSED, ProgramStatus.RUNNING, "cannot change any more"),
        (ProgramStatus.RUNNING, ProgramStatus.DRAFT, "it can move to Closed"),
    ],
)
def test_an_illegal_jump_is_refused_with_a_message_and_changes_nothing(world, start, to, message):
    program = make_program(world.acme, status=start)
    with pytest.raises(ValidationError, match=message):
        transition(world.acme, program, to)
    with activate(world.acme.organization):
        assert Program.objects.get(pk=program.pk).status == start


def test_a_program_that_ends_before_it_starts_is_refused(world):
    with activate(world.acme.organization), pytest.raises(ValidationError) as error:
        program = Program(
            name="Backwards", purpose="x", starts_on=date(2026, 5, 1), ends_on=date(2026, 4, 1)
        )
        services.program_save(
            organization=world.acme.organization,
            actor=world.acme.manager,
            program=program,
            focus_skills=list(Skill.objects.all()[:1]),
        )
    assert error.value.message_dict["ends_on"] == ["The program must end after it starts."]
    with activate(world.acme.organization):
        assert not Program.objects.filter(name="Backwards").exists()


def test_the_default_capacity_cannot_exceed_the_maximum(world):
    with activate(world.acme.organization), pytest.raises(ValidationError, match="cannot exceed"):
        program = Program(
            name="Big",
            purpose="x",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 6, 1),
            default_mentees_per_mentor=4,
            max_mentees_per_mentor=3,
        )
        services.program_save(
            organization=world.acme.organization,
            actor=world.acme.manager,
            program=program,
            focus_skills=list(Skill.objects.all()[:1]),
        )


def test_focus_skills_of_another_organization_are_refused(world):
    with activate(world.globex.organization):
        foreign = list(Skill.objects.all()[:1])
    with (
        activate(world.acme.organization),
        pytest.raises(ValidationError, match="another organization"),
    ):
        program = Program(
            name="X", purpose="x", starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 1)
        )
        services.program_save(
            organization=world.acme.organization,
            actor=world.acme.manager,
            program=program,
            focus_skills=foreign,
        )


def test_duplicating_a_program_makes_a_draft_copy_with_its_focus_skills(world):
    program = make_program(world.acme, status=ProgramStatus.RUNNING)
    with activate(world.acme.organization):
        copy = services.program_duplicate(
            organization=world.acme.organization, actor=world.acme.manager, program=program
        )
        again = services.program_duplicate(
            organization=world.acme.organization, actor=world.acme.manager, program=program
        )
        assert copy.status == ProgramStatus.DRAFT and copy.name == f"Copy of {program.name}"
        assert again.name == f"Copy of {program.name} (2)"
        assert set(focus(copy)) == set(focus(program))


# ------------------------------------------------------------------ applications


def test_a_mentee_applies_with_one_focus_skill_a_goal_and_situations(world):
    program = make_program(world.acme)
    enrollment = apply_mentee(world.acme, program)
    with activate(world.acme.organization):
        assert enrollment.status == EnrollmentStatus.APPLIED
        assert Goal.objects.get(enrollment=enrollment).statement == GOAL
        assert enrollment.situations == SITUATIONS


def test_in_an_open_program_an_application_is_approved_at_once(world):
    program = make_program(world.acme, enrollment_mode=EnrollmentMode.OPEN)
    assert apply_mentee(world.acme, program).status == EnrollmentStatus.APPROVED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"focus_skills": []}, "focus_skills", "one or two"),
        ({"goal_statement": "Communicate better"}, "goal_statement", "concrete"),
        (
            {"goal_statement": "be more confident in meetings with the whole team"},
            "goal_statement",
            "concrete",
        ),
        ({"situations": ["only one"]}, "situations", "two or three"),
        ({"situations": ["a", "b", "c", "d"]}, "situations", "two or three"),
    ],
)
def test_a_bad_mentee_application_says_what_to_fix_and_writes_nothing(
    world, overrides, field, message
):
    program = make_program(world.acme, skills=3)
    with pytest.raises(ValidationError) as error:
        apply_mentee(world.acme, program, **overrides)
    assert message in " ".join(error.value.message_dict[field])
    with activate(world.acme.organization):
        assert not Enrollment.objects.exists() and not Goal.objects.exists()


def test_a_third_focus_skill_is_refused(world):
    program = make_program(world.acme, skills=3)
    with pytest.raises(ValidationError, match="one or two"):
        apply_mentee(world.acme, program, focus_skills=focus(program))


def test_applying_twice_to_one_program_is_refused(world):
    program = make_program(world.acme)
    apply_mentee(world.acme, program)
    with pytest.raises(ValidationError, match="already applied"):
        apply_mentee(world.acme, program)


@pytest.mark.parametrize(
    ("status", "mode", "message"),
    [
        (ProgramStatus.CLOSED, EnrollmentMode.APPLICATION, "is closed"),
        (ProgramStatus.DRAFT, EnrollmentMode.APPLICATION, "not taking applications"),
        (ProgramStatus.ENROLLING, EnrollmentMode.INVITATION, "by invitation only"),
    ],
)
def test_applying_to_a_program_that_does_not_take_applications_is_refused(
    world, status, mode, message
):
    program = make_program(world.acme, status=status, enrollment_mode=mode)
    with pytest.raises(ValidationError, match=message):
        apply_mentee(world.acme, program)


def test_a_withdrawn_application_can_be_made_again(world):
    program = make_program(world.acme)
    enrollment = apply_mentee(world.acme, program)
    with activate(world.acme.organization):
        services.enrollment_withdraw(
            organization=world.acme.organization, actor=world.acme.mentees[0], enrollment=enrollment
        )
    again = apply_mentee(world.acme, program)
    assert again.pk == enrollment.pk and again.status == EnrollmentStatus.APPLIED


def test_a_mentor_capacity_above_the_program_maximum_is_refused(world):
    program = make_program(world.acme, max_mentees_per_mentor=3)
    with activate(world.acme.organization):
        skills = focus(program)
        with pytest.raises(ValidationError, match="between 1 and 3"):
            services.enrollment_apply_mentor(
                organization=world.acme.organization,
                actor=world.acme.mentors[0],
                program=program,
                skills=skills,
                capacity=4,
                growth_story="I learned to listen the hard way.",
            )
        enrollment = services.enrollment_apply_mentor(
            organization=world.acme.organization,
            actor=world.acme.mentors[0],
            program=program,
            skills=skills,
            capacity=3,
            growth_story="I learned to listen the hard way.",
        )
    assert enrollment.capacity == 3


def test_approving_and_declining_record_who_decided_and_why(world):
    program = make_program(world.acme)
    first = apply_mentee(world.acme, program)
    second = apply_mentee(world.acme, program, user=world.acme.mentees[1])
    org = world.acme.organization
    with activate(org):
        assert (
            services.enrollments_approve(
                organization=org, actor=world.acme.manager, enrollments=[first]
            )
            == 1
        )
        with pytest.raises(ValidationError, match="reason"):
            services.enrollments_decline(
                organization=org, actor=world.acme.manager, enrollments=[second], reason=" "
            )
        services.enrollments_decline(
            organization=org,
            actor=world.acme.manager,
            enrollments=[second],
            reason="Cohort is full",
        )
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.decided_by.user == world.acme.manager
    assert first.status == EnrollmentStatus.APPROVED
    assert (second.status, second.decision_reason) == (EnrollmentStatus.DECLINED, "Cohort is full")


# ------------------------------------------------------------------ CSV


def import_enrollments(org, program, text):
    with activate(org.organization):
        return services.enrollments_import_csv(
            organization=org.organization, actor=org.manager, program=program, data=text.encode()
        )


def test_a_csv_enrols_mentors_and_mentees_approved(world):
    program = make_program(world.acme)
    skill = focus(program)[0].name
    created = import_enrollments(
        world.acme,
        program,
        f"email,role,skills,capacity\n{world.acme.mentees[0].email},mentee,{skill},\n"
        f"{world.acme.mentors[0].email},mentor,{skill},2\n",
    )
    assert sorted(e.role for e in created) == ["mentee", "mentor"]
    assert all(e.status == EnrollmentStatus.APPROVED for e in created)


def test_a_csv_with_bad_rows_lists_each_line_and_enrols_nobody(world):
    program = make_program(world.acme, skills=3, max_mentees_per_mentor=3)
    names = [skill.name for skill in focus(program)]
    text = (
        "email,role,skills,capacity\n"
        f"{world.acme.mentees[0].email},mentee,{names[0]},\n"
        f"stranger@nowhere.example,mentee,{names[0]},\n"
        f"{world.acme.mentees[1].email},mentee,Juggling,\n"
        f"{world.acme.mentors[0].email},mentor,{names[0]},9\n"
        f"{world.acme.mentors[1].email},mentee,{';'.join(names)},\n"
        f"{world.acme.mentees[0].email},mentee,{names[0]},\n"
        f"{world.globex.mentees[0].email},mentee,{names[0]},\n"
    )
    with pytest.raises(services.EnrollmentCsvError) as error:
        import_enrollments(world.acme, program, text)
    lines = error.value.errors
    assert lines[0].startswith("Line 3: stranger@nowhere.example is not a member")
    assert "Line 4: unknown skill(s): Juggling." in lines
    assert not any(line.startswith("Line 2:") for line in lines)
    assert any(line.startswith("Line 5: capacity '9' must be 1 to 3") for line in lines)
    assert any(line.startswith("Line 6: a mentee needs one or two skills") for line in lines)
    assert any(line.startswith("Line 7:") and "already on line 2" in line for line in lines)
    assert any(line.startswith("Line 8:") and "not a member" in line for line in lines)
    with activate(world.acme.organization):
        assert not Enrollment.objects.exists()


# ------------------------------------------------------------------ onboarding, goals, reviews


def test_a_new_member_joins_every_onboarding_program_as_mentee(world):
    onboarding = make_program(world.acme, is_onboarding=True, status=ProgramStatus.RUNNING)
    make_program(world.acme, status=ProgramStatus.RUNNING)
    user = join(world.acme, "new@acme.example", "New")
    with activate(world.acme.organization):
        enrollments = list(Enrollment.objects.filter(person__user=user))
    assert [(e.program_id, e.role, e.status) for e in enrollments] == [
        (onboarding.pk, "mentee", EnrollmentStatus.APPROVED)
    ]


def test_goal_reviews_keep_their_history_by_period(world):
    program = make_program(world.acme, starts_on=date(2026, 1, 5), ends_on=date(2027, 1, 5))
    enrollment = apply_mentee(world.acme, program)
    with activate(world.acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    for day, progress in ((date(2026, 4, 2), 2), (date(2026, 4, 20), 3), (date(2026, 7, 1), 4)):
        add_review(world.acme, world.acme.mentees[0], goal, on=day, progress=progress)
    with activate(world.acme.organization):
        history = list(GoalReview.objects.filter(goal=goal).values_list("period", "progress"))
    assert history == [(1, 2), (1, 3), (2, 4)]


def test_a_goal_review_outside_one_to_five_or_by_someone_else_is_refused(world):
    program = make_program(world.acme)
    enrollment = apply_mentee(world.acme, program)
    with activate(world.acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    with pytest.raises(ValidationError, match="1 to 5"):
        add_review(world.acme, world.acme.mentees[0], goal, progress=6)
    with pytest.raises(ValidationError, match="Only the mentee"):
        add_review(world.acme, world.acme.mentees[1], goal)


def test_a_goal_on_a_skill_outside_the_program_is_refused(world):
    program = make_program(world.acme, skills=1)
    enrollment = apply_mentee(world.acme, program)
    with activate(world.acme.organization):
        other = Skill.objects.exclude(pk=focus(program)[0].pk).first()
        with pytest.raises(ValidationError, match="program's focus skills"):
            services.goal_create(
                organization=world.acme.organization,
                actor=world.acme.mentees[0],
                enrollment=enrollment,
                statement=GOAL,
                skill=other,
            )


def test_a_new_organization_gets_the_soft_skill_catalogue_and_checklists(world):
    from programs.models import ChecklistItem

    with activate(world.acme.organization):
        names = set(Skill.objects.values_list("name", flat=True))
        assert {
            "Active listening",
            "Empathy",
            "Confidence and self-advocacy",
            "Persuasion",
        } <= names
        assert all(3 <= len(s.behaviours) <= 5 for s in Skill.objects.all())
        audiences = set(ChecklistItem.objects.values_list("audience", flat=True))
    assert audiences == {"mentee_first_session", "mentor_preparation", "manager_launch"}


# ------------------------------------------------------------------ schedule


def test_reviews_are_due_every_interval_from_the_start():
    start = date(2026, 1, 31)
    assert [review_due_on(start, 3, n) for n in (1, 2, 3, 4)] == [
        date(2026, 4, 30),
        date(2026, 7, 31),
        date(2026, 10, 31),
        date(2027, 1, 31),
    ]


@given(
    start=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    interval=st.integers(min_value=1, max_value=12),
    offset=st.integers(min_value=0, max_value=3000),
)
def test_every_day_belongs_to_exactly_one_review_period(start, interval, offset):
    day = start + timedelta(days=offset)
    # the period is the first review whose window (until 30 days after it is due) is still
    # open on the day; review offset // 28 + 1 is due after the day, whatever the months
    still_open = [
        review
        for review in range(1, offset // 28 + 2)
        if day <= review_due_on(start, interval, review) + timedelta(days=30)
    ]
    assert review_period_on(start, interval, day) == still_open[0]


def test_a_review_period_ends_30_days_after_its_review_is_due():
    start = date(2026, 1, 31)  # reviews due on 30 April and 31 July
    periods = {
        date(2026, 1, 31): 1,
        date(2026, 5, 30): 1,  # the last day of the first review's window
        date(2026, 5, 31): 2,
        date(2026, 8, 30): 2,
        date(2026, 8, 31): 3,
    }
    assert {day: review_period_on(start, 3, day) for day in periods} == periods


def test_adding_months_keeps_the_day_or_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)

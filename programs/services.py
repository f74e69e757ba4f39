"""Every write on programs, enrolments, goals, checklists and recognition.

Each function takes the organization and the acting user explicitly, validates, and
writes inside one transaction. Validation errors explain what to change.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from matching.models import Mentorship
from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_rows
from mentoring.common.guards import check_same_organization
from mentoring.csv_import import CsvFileError, read_csv_rows
from mentoring.notifications import events
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_of
from mentoring.request_validation import parse_id

from . import defaults
from .models import (
    Badge,
    ChecklistAudience,
    ChecklistCompletion,
    ChecklistItem,
    Enrollment,
    EnrollmentMode,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    Program,
    ProgramSkill,
    ProgramStatus,
    Recognition,
    Resource,
    Skill,
)
from .schedule import goal_review_start_on, review_period_on

# ---------------------------------------------------------------- organization defaults


def organization_programs_defaults_install(*, organization) -> None:
    """Give a new organization the skill catalogue and prep checklists (skipped when it
    has any already, so it never overwrites a manager's edits)."""
    if not Skill.objects.exists():
        Skill.objects.bulk_create(
            Skill(organization=organization, name=name, description=text, behaviours=behaviours)
            for name, text, behaviours in defaults.SKILLS
        )
    if not ChecklistItem.objects.filter(program__isnull=True).exists():
        ChecklistItem.objects.bulk_create(
            ChecklistItem(organization=organization, audience=audience, text=str(text), position=i)
            for audience, texts in defaults.CHECKLISTS.items()
            for i, text in enumerate(texts, start=1)
        )


# ---------------------------------------------------------------- skills


def skill_set_archived(*, organization, actor, skill: Skill, archived: bool) -> Skill:
    check_same_organization(organization, skill)
    skill.is_archived = archived
    skill.save(update_fields=["is_archived"])
    return skill


def skill_is_used(skill: Skill) -> bool:
    return (
        ProgramSkill.objects.filter(skill=skill).exists()
        or EnrollmentSkill.objects.filter(skill=skill).exists()
        or Goal.objects.filter(skill=skill).exists()
    )


# ---------------------------------------------------------------- programs


def program_validate(*, program: Program, focus_skills) -> None:
    """Every rule a program must meet before it is saved; errors are keyed by field."""
    errors = {}
    name = " ".join(program.name.split())
    if Program.objects.filter(name=name).exclude(pk=program.pk).exists():
        errors["name"] = f"Another program is already called “{name}”."
    if program.starts_on and program.ends_on and program.ends_on <= program.starts_on:
        errors["ends_on"] = "The program must end after it starts."
    if program.default_mentees_per_mentor > program.max_mentees_per_mentor:
        errors["default_mentees_per_mentor"] = (
            f"The default ({program.default_mentees_per_mentor}) cannot exceed the maximum "
            f"of {program.max_mentees_per_mentor} mentees per mentor."
        )
    if not focus_skills:
        errors["focus_skills"] = "Choose at least one focus skill."
    elif any(skill.is_archived for skill in focus_skills):
        errors["focus_skills"] = "Archived skills cannot be chosen: restore them first."
    if errors:
        raise ValidationError(errors)


def program_save(*, organization, actor, program: Program, focus_skills) -> Program:
    """Create or update a program and its focus skills (admin)."""
    focus_skills = list(focus_skills)
    check_same_organization(organization, *focus_skills)
    program_validate(program=program, focus_skills=focus_skills)
    with transaction.atomic():
        program.organization = organization
        program.save()
        wanted = {skill.pk for skill in focus_skills}
        ProgramSkill.objects.filter(program=program).exclude(skill_id__in=wanted).delete()
        existing = set(
            ProgramSkill.objects.filter(program=program).values_list("skill_id", flat=True)
        )
        ProgramSkill.objects.bulk_create(
            ProgramSkill(organization=organization, program=program, skill_id=skill_id)
            for skill_id in sorted(wanted - existing)
        )
    return program


TRANSITIONS = {
    ProgramStatus.DRAFT: (ProgramStatus.ENROLLING,),
    ProgramStatus.ENROLLING: (ProgramStatus.MATCHING, ProgramStatus.DRAFT),
    ProgramStatus.MATCHING: (ProgramStatus.RUNNING, ProgramStatus.ENROLLING),
    ProgramStatus.RUNNING: (ProgramStatus.CLOSED,),
    ProgramStatus.CLOSED: (),
}


def program_transition(*, organization, actor, program: Program, to_status: str) -> Program:
    """Move a program along draft → enrolling → matching → running → closed."""
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        current = ProgramStatus(program.status)
        target = ProgramStatus(to_status)
        allowed = TRANSITIONS[current]
        if target not in allowed:
            if not allowed:
                raise ValidationError(f"“{program}” is closed: its status cannot change any more.")
            options = " or ".join(str(status.label) for status in allowed)
            raise ValidationError(
                f"“{program}” is {current.label.lower()}: it can move to {options}, "
                f"not straight to {target.label.lower()}."
            )
        opening = target == ProgramStatus.ENROLLING and current == ProgramStatus.DRAFT
        if opening and not ProgramSkill.objects.filter(program=program).exists():
            raise ValidationError(f"Give “{program}” at least one focus skill first.")
        program.status = target
        program.save(update_fields=["status", "updated_at"])
    return program


def program_duplicate(*, organization, actor, program: Program) -> Program:
    """A draft copy of a program with its settings, focus skills, checklist and resources."""
    check_same_organization(organization, program)
    with transaction.atomic():
        base = f"Copy of {program.name}"[:110]
        name, number = base, 2
        while Program.objects.filter(name=name).exists():
            name, number = f"{base} ({number})", number + 1
        copy = Program.objects.get(pk=program.pk)
        copy.pk = None
        copy.name = name
        copy.status = ProgramStatus.DRAFT
        copy.save()
        ProgramSkill.objects.bulk_create(
            ProgramSkill(organization=organization, program=copy, skill_id=link.skill_id)
            for link in ProgramSkill.objects.filter(program=program)
        )
        for model in (ChecklistItem, Resource):
            rows = list(model.objects.filter(program=program))
            for row in rows:
                row.pk = None
                row.program = copy
            model.objects.bulk_create(rows)
    return copy


# ---------------------------------------------------------------- applications

VAGUE_GOAL_PATTERNS = [
    r"^(be|get|become)\s+(a\s+)?(better|more)\b",
    r"^improve\s+(my\s+)?(\w+\s+)?skills?\b",
    r"\bcommunicate better\b",
    r"^(work on|develop|improve)\s+(my\s+)?\w+$",
]
MIN_GOAL_WORDS = 6


def goal_statement_problem(statement: str) -> str | None:
    """Why a goal is too vague to observe, or None. The application form shows it."""
    text = " ".join(statement.split()).lower().rstrip(".!")
    if len(text.split()) < MIN_GOAL_WORDS or any(re.search(p, text) for p in VAGUE_GOAL_PATTERNS):
        return (
            "Make the goal concrete: say what you will do, in which situation, so that someone "
            "else could see it happen. Not “communicate better” but, for example, “run our "
            "weekly planning so that every quieter colleague speaks at least once”."
        )
    return None


def _program_skills(program: Program) -> dict[int, Skill]:
    return {
        link.skill_id: link.skill
        for link in ProgramSkill.objects.filter(program=program).select_related("skill")
    }


def _check_can_apply(program: Program, person: Profile) -> Enrollment | None:
    if program.status == ProgramStatus.CLOSED:
        raise ValidationError(f"“{program}” is closed and takes no more applications.")
    if not program.is_open_for_applications:
        if program.enrollment_mode == EnrollmentMode.INVITATION:
            raise ValidationError(
                f"“{program}” is by invitation only: ask its program manager to enrol you."
            )
        raise ValidationError(f"“{program}” is not taking applications at the moment.")
    existing = Enrollment.objects.select_for_update().filter(program=program, person=person).first()
    if existing is not None and existing.is_active:
        raise ValidationError(
            f"You already applied to “{program}” as {existing.get_role_display().lower()}."
        )
    return existing


def _save_enrollment(existing, **fields) -> Enrollment:
    """Reuse a withdrawn or declined enrolment (one row per person and program)."""
    enrollment = existing or Enrollment(**fields)
    for key, value in fields.items():
        setattr(enrollment, key, value)
    enrollment.decision_reason = ""
    enrollment.decided_by = None
    enrollment.decided_at = None
    enrollment.save()
    EnrollmentSkill.objects.filter(enrollment=enrollment).delete()
    return enrollment


def _status_for_new_application(program: Program) -> str:
    if program.enrollment_mode == EnrollmentMode.OPEN:
        return EnrollmentStatus.APPROVED
    return EnrollmentStatus.APPLIED


def enrollment_apply_mentee(
    *,
    organization,
    actor,
    program: Program,
    focus_skills,
    goal_statement: str,
    goal_skill: Skill | None = None,
    situations: list[str],
) -> Enrollment:
    """Apply as mentee: one or two focus skills, one concrete goal, two or three situations."""
    check_same_organization(organization, program, *focus_skills)
    person = profile_of(actor)
    errors = {}
    allowed = _program_skills(program)
    chosen = list(dict.fromkeys(focus_skills))
    if not 1 <= len(chosen) <= 2:
        errors["focus_skills"] = (
            "Choose one or two focus skills: focus is what makes progress visible."
        )
    elif any(skill.pk not in allowed for skill in chosen):
        errors["focus_skills"] = "Choose focus skills among this program's skills."
    goal_skill = goal_skill or (chosen[0] if chosen else None)
    if goal_skill is not None and goal_skill not in chosen and "focus_skills" not in errors:
        errors["goal_skill"] = "The goal's skill must be one of your focus skills."
    problem = goal_statement_problem(goal_statement)
    if problem:
        errors["goal_statement"] = problem
    situations = [text.strip() for text in situations if text and text.strip()]
    if not 2 <= len(situations) <= 3:
        errors["situations"] = "Describe two or three real, recent situations."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = _check_can_apply(program, person)
        enrollment = _save_enrollment(
            existing,
            organization=organization,
            program=program,
            person=person,
            role=EnrollmentRole.MENTEE,
            status=_status_for_new_application(program),
            situations=situations,
            capacity=None,
            growth_story="",
        )
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
            for skill in chosen
        )
        Goal.objects.create(
            organization=organization,
            enrollment=enrollment,
            statement=" ".join(goal_statement.split()),
            skill=goal_skill,
        )
    return enrollment


def enrollment_apply_mentor(
    *, organization, actor, program: Program, skills, capacity: int, growth_story: str
) -> Enrollment:
    """Offer to mentor: the skills one can help with, a capacity within the program's
    maximum, and a short story of one's own growth."""
    check_same_organization(organization, program, *skills)
    person = profile_of(actor)
    errors = {}
    skills = list(dict.fromkeys(skills))
    if not skills:
        errors["skills"] = "Choose at least one skill you can help with."
    elif any(skill.is_archived for skill in skills):
        errors["skills"] = "Archived skills cannot be chosen."
    if capacity is None or not 1 <= capacity <= program.max_mentees_per_mentor:
        errors["capacity"] = (
            f"Choose between 1 and {program.max_mentees_per_mentor} mentees: "
            "that is this program's maximum per mentor."
        )
    if not growth_story.strip():
        errors["growth_story"] = "Tell mentees briefly how you grew these skills yourself."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = _check_can_apply(program, person)
        enrollment = _save_enrollment(
            existing,
            organization=organization,
            program=program,
            person=person,
            role=EnrollmentRole.MENTOR,
            status=_status_for_new_application(program),
            situations=[],
            capacity=capacity,
            growth_story=growth_story.strip(),
        )
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
            for skill in skills
        )
    return enrollment


def enrollment_set_capacity(*, organization, actor, enrollment: Enrollment, capacity) -> Enrollment:
    """Change a mentor's capacity within the program's maximum."""
    check_same_organization(organization, enrollment)
    if enrollment.role != EnrollmentRole.MENTOR:
        raise ValidationError("Only a mentor's enrolment has a capacity.")
    maximum = enrollment.program.max_mentees_per_mentor
    if capacity is None or not 1 <= capacity <= maximum:
        raise ValidationError(
            {
                "capacity": f"Choose between 1 and {maximum} mentees: that is the maximum per "
                f"mentor of “{enrollment.program}”."
            }
        )
    enrollment.capacity = capacity
    enrollment.save(update_fields=["capacity", "updated_at"])
    return enrollment


def enrollment_withdraw(*, organization, actor, enrollment: Enrollment) -> Enrollment:
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.person.user_id != actor.pk:
            raise ValidationError("Only the applicant can withdraw an application.")
        if not enrollment.is_active:
            raise ValidationError("This application is no longer active.")
        enrollment.status = EnrollmentStatus.WITHDRAWN
        enrollment.save(update_fields=["status", "updated_at"])
    return enrollment


def _decide(organization, actor, enrollments, status: str, reason: str) -> int:
    decider = profile_of(actor)
    ids = [enrollment.pk for enrollment in enrollments]
    with transaction.atomic():
        rows = list(
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("person__user", "program")
            .filter(
                pk__in=ids,
                status__in=[
                    EnrollmentStatus.APPLIED,
                    EnrollmentStatus.DECLINED,
                    EnrollmentStatus.APPROVED,
                ],
            )
            .exclude(status=status)
        )
        now = timezone.now()
        for enrollment in rows:
            enrollment.status = status
            enrollment.decision_reason = reason
            enrollment.decided_by = decider
            enrollment.decided_at = now
        decided = ["status", "decision_reason", "decided_by", "decided_at"]
        Enrollment.objects.bulk_update(rows, [*decided, "updated_at"])
        # bulk_update sends no signals: the audit log is told here.
        record_rows(
            organization=organization,
            action=AuditAction.UPDATE,
            rows=rows,
            actor=actor,
            changed_fields=decided,
        )
        events.application_decided(organization, rows)
    return len(rows)


def enrollments_approve(*, organization, actor, enrollments) -> int:
    """Approve applications (or reverse a decline); returns how many changed."""
    return _decide(organization, actor, enrollments, EnrollmentStatus.APPROVED, "")


def enrollments_decline(*, organization, actor, enrollments, reason: str) -> int:
    """Decline applications with a reason the applicant will see."""
    if not reason.strip():
        raise ValidationError("Give a reason: applicants see it.")
    return _decide(organization, actor, enrollments, EnrollmentStatus.DECLINED, reason.strip())


# ---------------------------------------------------------------- bulk enrolment


class EnrollmentCsvError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


ENROLLMENT_CSV_COLUMNS = ("email", "role", "skills", "capacity")


def enrollments_import_csv(
    *, organization, actor, program: Program, data: bytes
) -> list[Enrollment]:
    """Enrol people from a CSV (email, role, skills separated by ';', capacity for mentors).

    Every bad row is reported with its line number; nobody is enrolled until all are fine.
    """
    check_same_organization(organization, program)
    if program.status == ProgramStatus.CLOSED:
        raise EnrollmentCsvError([f"“{program}” is closed: it takes no more people."])
    try:
        headers, lines = read_csv_rows(data)
    except CsvFileError as error:
        raise EnrollmentCsvError([str(error)]) from error
    if "email" not in headers or "role" not in headers:
        columns = ", ".join(ENROLLMENT_CSV_COLUMNS)
        raise EnrollmentCsvError(
            [f"Line 1: the header row needs 'email' and 'role' (columns: {columns})."]
        )
    people = {p.user.email.lower(): p for p in Profile.objects.select_related("user")}
    skills = {s.name.lower(): s for s in Skill.objects.filter(is_archived=False)}
    program_skills = _program_skills(program)
    enrolled = set(
        Enrollment.objects.filter(
            program=program, status__in=[EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED]
        ).values_list("person_id", flat=True)
    )
    errors, rows, seen = [], [], {}
    for line, row in lines:
        email = row.get("email", "").lower()
        role = row.get("role", "").lower()
        names = [name.strip() for name in row.get("skills", "").split(";") if name.strip()]
        person = people.get(email)
        problems = []
        if person is None:
            problems.append(
                f"{email or '(empty)'} is not a member of this organization; invite them first"
            )
        elif email in seen:
            problems.append(f"{email} is already on line {seen[email]}")
        elif person.pk in enrolled:
            problems.append(f"{email} is already enrolled in this program")
        seen.setdefault(email, line)
        if role not in EnrollmentRole.values:
            problems.append(f"role '{role}' must be mentee or mentor")
        unknown = [name for name in names if name.lower() not in skills]
        if unknown:
            problems.append(f"unknown skill(s): {', '.join(unknown)}")
        chosen = [skills[name.lower()] for name in names if name.lower() in skills]
        capacity = None
        if role == EnrollmentRole.MENTEE:
            if not 1 <= len(names) <= 2:
                problems.append("a mentee needs one or two skills")
            elif any(skill.pk not in program_skills for skill in chosen):
                problems.append("a mentee's skills must be among the program's focus skills")
        elif role == EnrollmentRole.MENTOR:
            raw = row.get("capacity") or str(program.default_mentees_per_mentor)
            capacity = parse_id(raw)
            if capacity is None or not 1 <= capacity <= program.max_mentees_per_mentor:
                problems.append(f"capacity '{raw}' must be 1 to {program.max_mentees_per_mentor}")
                capacity = None
            if not names:
                problems.append("a mentor needs at least one skill")
        errors += [f"Line {line}: {problem}." for problem in problems]
        rows.append((person, role, chosen, capacity))
    if not rows and not errors:
        errors.append("Line 1: the file has a header row but no people.")
    if errors:
        raise EnrollmentCsvError(errors)
    decider = profile_of(actor)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            e.person_id: e for e in Enrollment.objects.select_for_update().filter(program=program)
        }
        created = []
        for person, role, chosen, capacity in rows:
            enrollment = _save_enrollment(
                existing.get(person.pk),
                organization=organization,
                program=program,
                person=person,
                role=role,
                status=EnrollmentStatus.APPROVED,
                situations=[],
                capacity=capacity,
                growth_story="",
            )
            enrollment.decided_by, enrollment.decided_at = decider, now
            enrollment.save(update_fields=["decided_by", "decided_at"])
            EnrollmentSkill.objects.bulk_create(
                EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
                for skill in chosen
            )
            created.append(enrollment)
    return created


def onboarding_enroll_new_member(*, organization, person: Profile) -> list[Enrollment]:
    """Enrol a person who just joined as mentee of every onboarding program taking people."""
    created = []
    programs = Program.objects.filter(
        is_onboarding=True,
        status__in=[ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING],
    )
    for program in programs:
        if Enrollment.objects.filter(program=program, person=person).exists():
            continue
        enrollment = Enrollment.objects.create(
            organization=organization,
            program=program,
            person=person,
            role=EnrollmentRole.MENTEE,
            status=EnrollmentStatus.APPROVED,
        )
        skills = list(_program_skills(program).values())[:2]
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=enrollment, skill=skill)
            for skill in skills
        )
        if program.status == ProgramStatus.RUNNING:
            from matching.services import onboarding_match

            onboarding_match(organization=organization, mentee=enrollment)
        created.append(enrollment)
    return created


# ---------------------------------------------------------------- goals and reviews


def _check_enrollment_active(enrollment: Enrollment) -> None:
    if not enrollment.is_active:
        raise ValidationError(
            "This enrolment is no longer active: its goals and reviews are closed."
        )


def _check_mentee(actor, enrollment: Enrollment) -> None:
    _check_enrollment_active(enrollment)
    if enrollment.role != EnrollmentRole.MENTEE or enrollment.person.user_id != actor.pk:
        raise ValidationError("Only the mentee of this enrolment can change its goals.")


def _check_goal_fields(enrollment: Enrollment, statement: str, skill: Skill) -> None:
    errors = {}
    problem = goal_statement_problem(statement)
    if problem:
        errors["statement"] = problem
    if skill.pk not in _program_skills(enrollment.program):
        errors["skill"] = "Choose one of the program's focus skills."
    if errors:
        raise ValidationError(errors)


def goal_create(
    *, organization, actor, enrollment: Enrollment, statement: str, skill: Skill, target_on=None
) -> Goal:
    check_same_organization(organization, enrollment, skill)
    _check_mentee(actor, enrollment)
    _check_goal_fields(enrollment, statement, skill)
    return Goal.objects.create(
        organization=organization,
        enrollment=enrollment,
        statement=" ".join(statement.split()),
        skill=skill,
        target_on=target_on,
    )


def goal_update(
    *, organization, actor, goal: Goal, statement: str, skill: Skill, target_on, status: str
) -> Goal:
    check_same_organization(organization, goal, skill)
    _check_mentee(actor, goal.enrollment)
    _check_goal_fields(goal.enrollment, statement, skill)
    if status not in GoalStatus.values:
        raise ValidationError({"status": "Unknown status."})
    goal.statement, goal.skill, goal.target_on, goal.status = (
        " ".join(statement.split()),
        skill,
        target_on,
        status,
    )
    goal.save(update_fields=["statement", "skill", "target_on", "status", "updated_at"])
    return goal


def goal_review_add(
    *,
    organization,
    actor,
    goal: Goal,
    progress: int,
    what_changed: str,
    next_steps: str,
    adjusted_focus: str = "",
    on=None,
) -> GoalReview:
    """Add one person's view of a goal for the current review period (history is kept)."""
    check_same_organization(organization, goal)
    enrollment = goal.enrollment
    _check_enrollment_active(enrollment)
    author = profile_of(actor)
    mentor_ids = set(
        Mentorship.objects.filter(mentee=enrollment).values_list("mentor__person_id", flat=True)
    )
    if author.pk != enrollment.person_id and author.pk not in mentor_ids:
        raise ValidationError("Only the mentee and their mentor can review this goal.")
    errors = {}
    if progress not in range(1, 6):
        errors["progress"] = "Progress is a level from 1 to 5."
    if not what_changed.strip():
        errors["what_changed"] = "Say what changed since the last review, even if little."
    if not next_steps.strip():
        errors["next_steps"] = "Say what comes next."
    if errors:
        raise ValidationError(errors)
    today = on or timezone.localdate()
    period = review_period_on(
        goal_review_start_on(enrollment), enrollment.program.goal_review_interval_months, today
    )
    return GoalReview.objects.create(
        organization=organization,
        goal=goal,
        period=period,
        author=author,
        author_role=(
            EnrollmentRole.MENTEE if author.pk == enrollment.person_id else EnrollmentRole.MENTOR
        ),
        progress=progress,
        what_changed=what_changed.strip(),
        next_steps=next_steps.strip(),
        adjusted_focus=adjusted_focus.strip(),
    )


# ---------------------------------------------------------------- checklists and recognition


def checklist_item_set_done(*, organization, actor, item: ChecklistItem, done: bool) -> bool:
    check_same_organization(organization, item)
    person = profile_of(actor)
    if done:
        ChecklistCompletion.objects.get_or_create(
            organization=organization, item=item, person=person
        )
    else:
        ChecklistCompletion.objects.filter(item=item, person=person).delete()
    return done


def recognition_award(
    *, organization, actor, mentor: Profile, badge: str, note: str, program: Program | None = None
) -> Recognition:
    """Thank a mentor; they must mentor (or have mentored) in the organization."""
    check_same_organization(organization, mentor, program)
    mentoring = Enrollment.objects.filter(person=mentor, role=EnrollmentRole.MENTOR)
    if program is not None:
        mentoring = mentoring.filter(program=program)
    if not mentoring.exists():
        where = f"in “{program}”" if program else "in any program"
        raise ValidationError(f"{mentor} is not a mentor {where}.")
    if badge not in Badge.values:
        raise ValidationError({"badge": "Choose one of the badges."})
    if not note.strip():
        raise ValidationError({"note": "Say what the mentor did: it is shown on their profile."})
    return Recognition.objects.create(
        organization=organization,
        mentor=mentor,
        program=program,
        badge=badge,
        note=note.strip(),
        awarded_by=profile_of(actor),
    )


CHECKLIST_FOR_ROLE = {
    EnrollmentRole.MENTEE: ChecklistAudience.MENTEE_FIRST_SESSION,
    EnrollmentRole.MENTOR: ChecklistAudience.MENTOR_PREPARATION,
}

"""A manager enrols people: from a CSV file (all rows are checked before anyone is
enrolled; its columns and downloadable template come from one definition) or one person
(through an invitation accepted). Everyone enrolled hears it by email."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mentoring.common.guards import check_same_organization
from mentoring.csv_import import CsvFileError, read_csv_rows
from mentoring.jobs.progress import Progress, unheard
from mentoring.people.models import Profile
from mentoring.people.selectors import profile_of
from mentoring.request_validation import parse_id

from .. import emails
from ..models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Program,
    ProgramStatus,
    Skill,
)
from .enrolments import EnrollmentRow, enrollments_write_approved
from .programs import program_skills

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization


class EnrollmentCsvError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class CsvColumn:
    name: str
    required: bool
    meaning: str  # for the import page
    example: str  # the template's example row


ENROLLMENT_CSV = (
    CsvColumn("email", True, "a member of this organization (invite newcomers first)", ""),
    CsvColumn("role", True, "mentee or mentor", "mentee"),
    CsvColumn(
        "skills",
        False,
        "skill names from the catalogue, separated by ';': one or two of the program's focus "
        "skills for a mentee, at least one for a mentor",
        "",
    ),
    CsvColumn(
        "capacity",
        False,
        "for mentors, how many mentees they take (empty: the program's default)",
        "",
    ),
)
ENROLLMENT_CSV_COLUMNS = tuple(column.name for column in ENROLLMENT_CSV)
EXAMPLE_EMAIL = "ana.ortiz@example.com"


def enrollment_csv_template(program: Program | None = None) -> str:
    """The CSV a manager fills in: the header row and one example row (a mentee, with the
    first focus skills of ``program`` when given)."""
    if program is not None:
        skills = [skill.name for skill in program_skills(program).values()][:2]
    else:
        skills = list(
            Skill.objects.filter(is_archived=False)
            .order_by("name")
            .values_list("name", flat=True)[:1]
        )
    example = {column.name: column.example for column in ENROLLMENT_CSV} | {
        "email": EXAMPLE_EMAIL,
        "skills": "; ".join(skills),
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ENROLLMENT_CSV_COLUMNS)
    writer.writerow([example[name] for name in ENROLLMENT_CSV_COLUMNS])
    return out.getvalue()


BATCH_SIZE = 1000  # rows per batch of writes: the queries grow per batch, never per row
CHECKING = "Checking rows"
WRITING = "Writing enrolments"


def enrollments_import_csv(
    *,
    organization: Organization,
    actor: User | None,
    program: Program,
    data: bytes,
    progress: Progress = unheard,
) -> list[Enrollment]:
    """Enrol people from a CSV (email, role, skills separated by ';', capacity for mentors).

    Every bad row is reported with its line number; nobody is enrolled until all are fine.
    Written in batches of ``BATCH_SIZE`` rows, each a constant number of queries;
    ``progress(done, total, phase)`` hears of every batch checked and written.
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
    total = len(lines)
    progress(0, total, CHECKING)
    people = {p.user.email.lower(): p for p in Profile.objects.select_related("user")}
    skills = {s.name.lower(): s for s in Skill.objects.filter(is_archived=False)}
    focus_skills = program_skills(program)
    enrolled = _actively_enrolled(program)
    errors: list[str] = []
    rows: list[EnrollmentRow] = []
    seen: dict[str, int] = {}
    for done, (line, row) in enumerate(lines, start=1):
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
            elif any(skill.pk not in focus_skills for skill in chosen):
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
        if person is not None:  # an unknown person is a problem already
            rows.append(EnrollmentRow(person, role, list(dict.fromkeys(chosen)), capacity))
        if done % BATCH_SIZE == 0 and done < total:
            progress(done, total, CHECKING)
    progress(total, total, CHECKING)
    if not rows and not errors:
        errors.append("Line 1: the file has a header row but no people.")
    if errors:
        raise EnrollmentCsvError(errors)
    decider = profile_of(actor) if actor is not None else None  # a job's starter may be gone
    now = timezone.now()
    created: list[Enrollment] = []
    with transaction.atomic():
        # The program's row, locked, puts imports and single enrolments into it in a row;
        # someone enrolled since the check above (another import) is refused, not doubled.
        Program.objects.select_for_update().filter(pk=program.pk).first()
        late = _actively_enrolled(program) & {row.person.pk for row in rows}
        if late:
            raise EnrollmentCsvError(
                [
                    f"Line {seen[row.person.user.email.lower()]}: {row.person.user.email} was "
                    "enrolled in this program meanwhile; remove the line and import again."
                    for row in rows
                    if row.person.pk in late
                ]
            )
        progress(0, len(rows), WRITING)
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            existing = {
                e.person_id: e
                for e in Enrollment.objects.select_for_update().filter(
                    program=program, person__in=[row.person.pk for row in batch]
                )
            }
            written = enrollments_write_approved(
                organization=organization,
                program=program,
                rows=batch,
                existing=existing,
                decided_by=decider,
                decided_at=now,
            )
            emails.enrolled(organization, written)
            created += written
            progress(len(created), len(rows), WRITING)
    return created


def _actively_enrolled(program: Program) -> set[int]:
    """Ids of the people who applied to or are enrolled in ``program``."""
    return set(
        Enrollment.objects.filter(
            program=program, status__in=[EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED]
        ).values_list("person_id", flat=True)
    )


def enrollment_enrol(
    *,
    organization: Organization,
    actor: User | None,
    program: Program,
    person: Profile,
    role: str,
) -> Enrollment | None:
    """Enrol one person as a manager decided (e.g. when inviting them), approved, with the
    program's focus skills (the first two for a mentee; they can be changed later) and the
    program's default capacity for a mentor; they get the "you are enrolled" email.

    None when the person is enrolled already (an exact repeat) or the program is closed."""
    check_same_organization(organization, program, person)
    if role not in EnrollmentRole.values:
        raise ValidationError(f"Role '{role}' must be mentee or mentor.")
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=program.pk)
        if program.status == ProgramStatus.CLOSED:
            return None
        existing = Enrollment.objects.select_for_update().filter(program=program, person=person)
        found = existing.first()
        if found is not None and found.status in (
            EnrollmentStatus.APPLIED,
            EnrollmentStatus.APPROVED,
        ):
            return None
        skills = list(program_skills(program).values())
        if role == EnrollmentRole.MENTEE:
            skills = skills[:2]
        capacity = program.default_mentees_per_mentor if role == EnrollmentRole.MENTOR else None
        (enrollment,) = enrollments_write_approved(
            organization=organization,
            program=program,
            rows=[EnrollmentRow(person, role, skills, capacity)],
            existing={person.pk: found} if found is not None else {},
            decided_by=profile_of(actor) if actor is not None else None,
            decided_at=timezone.now(),
        )
        emails.enrolled(organization, [enrollment])
    return enrollment

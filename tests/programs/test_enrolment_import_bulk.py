"""A CSV enrolment import at the size of a large organization: written in batches (the
queries grow per batch of 1,000 rows, never per row), all or nothing up to 10,000 rows,
every row in the audit log, and progress reported as it goes."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.audit.context import acting_as
from mentoring.audit.models import AuditEvent
from mentoring.jobs.progress import unheard
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership
from programs import services
from programs.models import Enrollment, EnrollmentSkill, EnrollmentStatus
from programs.services.enrolment_import import BATCH_SIZE
from tests.builders.cohort import focus_skills
from tests.builders.world import make_program

# The people, skills, focus skills and enrolled of the program, the manager, the program
# locked and enrolled re-checked inside a savepoint; then per batch of rows: the old
# enrolments locked, the enrolments and their skills inserted, and their emails queued
# (turned-off kinds, keys written already, outbox rows, "what's new" notices).
QUERIES_PER_BATCH = 7
QUERIES_FOR_ONE_BATCH = 9 + QUERIES_PER_BATCH


def add_members(org, count: int, prefix: str = "member") -> list[str]:
    """``count`` members of ``org`` (bulk inserts); returns their email addresses."""
    organization = org.organization
    emails = [f"{prefix}{i}@{organization.slug}.example" for i in range(count)]
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=email, email=email, password="!") for email in emails
    )
    with activate(organization):
        Membership.objects.bulk_create(
            Membership(organization=organization, user=user) for user in users
        )
        Profile.objects.bulk_create(
            Profile(organization=organization, user=user, display_name=f"Person {i}")
            for i, user in enumerate(users)
        )
    return emails


def csv_of(emails, skill: str, last_line: str = "") -> bytes:
    lines = ["email,role,skills,capacity"]
    lines += [
        f"{email},mentee,{skill}," if i % 2 else f"{email},mentor,{skill},2"
        for i, email in enumerate(emails)
    ]
    if last_line:
        lines.append(last_line)
    return ("\n".join(lines) + "\n").encode()


def import_csv(org, program, data: bytes, progress=unheard):
    with activate(org.organization), acting_as("CSV import", user=org.manager):
        return services.enrollments_import_csv(
            organization=org.organization,
            actor=org.manager,
            program=program,
            data=data,
            progress=progress,
        )


def queries_to_import(org, emails) -> int:
    program = make_program(org)
    skill = focus_skills(program)[0].name
    with CaptureQueriesContext(connection) as queries:
        created = import_csv(org, program, csv_of(emails, skill))
    assert len(created) == len(emails)
    return len(queries)


def test_ten_thousand_rows_with_one_bad_line_at_the_end_enrol_nobody_and_name_that_line(
    world, django_capture_on_commit_callbacks
):
    emails = add_members(world.acme, 10_000)
    program = make_program(world.acme)
    skill = focus_skills(program)[0].name
    bad = f"{emails[-1]},mentee,Juggling,"
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.EnrollmentCsvError) as error,
    ):
        import_csv(world.acme, program, csv_of(emails[:-1], skill, last_line=bad))
    assert error.value.errors == ["Line 10001: unknown skill(s): Juggling."]
    with activate(world.acme.organization):
        assert not Enrollment.objects.filter(program=program).exists()
        assert not OutboxMessage.objects.filter(kind=Kind.ENROLLED).exists()


def test_the_queries_grow_per_batch_of_a_thousand_rows_never_per_row(world):
    emails = add_members(world.acme, BATCH_SIZE + 1)
    assert queries_to_import(world.acme, emails[:10]) == QUERIES_FOR_ONE_BATCH
    assert queries_to_import(world.acme, emails[:200]) == QUERIES_FOR_ONE_BATCH
    assert queries_to_import(world.acme, emails) == (QUERIES_FOR_ONE_BATCH + QUERIES_PER_BATCH)


def test_every_enrolment_and_skill_written_is_in_the_audit_log_with_who_did_it(world):
    emails = add_members(world.acme, 30)
    program = make_program(world.acme)
    skill = focus_skills(program)[0].name
    created = import_csv(world.acme, program, csv_of(emails, skill))
    with activate(world.acme.organization):
        links = list(EnrollmentSkill.objects.filter(enrollment__in=created))
        rows = {("programs.enrollment", str(e.pk)) for e in created} | {
            ("programs.enrollmentskill", str(link.pk)) for link in links
        }
        logged = [
            (event.target_type, event.target_id, event.action, event.actor_id)
            for event in AuditEvent.objects.filter(
                target_type__in=["programs.enrollment", "programs.enrollmentskill"]
            )
        ]
    assert len(rows) == 60
    assert sorted(logged) == sorted(
        (target_type, target_id, "create", world.acme.manager.pk) for target_type, target_id in rows
    )


def test_a_withdrawn_enrolment_is_reused_with_its_new_role_and_skills_and_logged_as_a_change(
    world, django_capture_on_commit_callbacks
):
    program = make_program(world.acme, skills=2)
    first, second = (skill.name for skill in focus_skills(program))
    email = world.acme.mentees[0].email
    with django_capture_on_commit_callbacks(execute=True):
        (enrollment,) = import_csv(
            world.acme, program, f"email,role,skills\n{email},mentee,{first}\n".encode()
        )
    with activate(world.acme.organization):
        Enrollment.objects.filter(pk=enrollment.pk).update(status=EnrollmentStatus.WITHDRAWN)
    with django_capture_on_commit_callbacks(execute=True):
        (again,) = import_csv(
            world.acme, program, f"email,role,skills,capacity\n{email},mentor,{second},2\n".encode()
        )
    assert again.pk == enrollment.pk
    with activate(world.acme.organization):
        again.refresh_from_db()
        assert (again.role, again.status, again.capacity) == ("mentor", "approved", 2)
        assert again.decided_by.user == world.acme.manager
        skills = list(EnrollmentSkill.objects.filter(enrollment=again).values_list("skill__name"))
        changes = AuditEvent.objects.filter(
            target_type="programs.enrollment", target_id=str(again.pk), action="update"
        )
        changed = {name for event in changes for name in event.changed_fields}
        emails_sent = OutboxMessage.objects.filter(
            kind=Kind.ENROLLED, recipient=world.acme.mentees[0]
        )
        assert emails_sent.count() == 2
    assert skills == [(second,)]
    assert {"role", "status", "capacity"} <= changed


def test_progress_is_reported_per_batch_with_the_number_of_rows(world):
    emails = add_members(world.acme, BATCH_SIZE + 1)
    program = make_program(world.acme)
    skill = focus_skills(program)[0].name
    calls = []
    import_csv(
        world.acme,
        program,
        csv_of(emails, skill),
        progress=lambda done, total, phase: calls.append((done, total, phase)),
    )
    total = BATCH_SIZE + 1
    assert calls == [
        (0, total, "Checking rows"),
        (BATCH_SIZE, total, "Checking rows"),
        (total, total, "Checking rows"),
        (0, total, "Writing enrolments"),
        (BATCH_SIZE, total, "Writing enrolments"),
        (total, total, "Writing enrolments"),
    ]


def test_an_import_leaves_the_other_organization_untouched(world):
    emails = add_members(world.acme, 20)
    add_members(world.globex, 5, prefix="other")
    program = make_program(world.acme)
    skill = focus_skills(program)[0].name
    with activate(world.globex.organization):
        their_log = AuditEvent.objects.count()
    import_csv(world.acme, program, csv_of(emails, skill))
    with activate(world.globex.organization):
        assert not Enrollment.objects.exists()
        assert AuditEvent.objects.count() == their_log
    globex_member = f"other0@{world.globex.organization.slug}.example"
    with pytest.raises(services.EnrollmentCsvError) as error:
        import_csv(world.acme, make_program(world.acme), csv_of([globex_member], skill))
    assert error.value.errors[0].startswith(f"Line 2: {globex_member} is not a member")


def test_someone_enrolled_while_the_file_was_checked_is_named_and_nobody_is_enrolled(world):
    emails = add_members(world.acme, 5)
    program = make_program(world.acme)
    skill = focus_skills(program)[0].name

    def enrol_meanwhile(done, total, phase):
        if phase == "Checking rows" and done == total:
            with activate(world.acme.organization):
                person = Profile.objects.get(user__email=emails[3])
                services.enrollment_enrol(
                    organization=world.acme.organization,
                    actor=world.acme.manager,
                    program=program,
                    person=person,
                    role="mentee",
                )

    with pytest.raises(services.EnrollmentCsvError) as error:
        import_csv(world.acme, program, csv_of(emails, skill), progress=enrol_meanwhile)
    assert error.value.errors == [
        f"Line 5: {emails[3]} was enrolled in this program meanwhile; remove the line and "
        "import again."
    ]
    with activate(world.acme.organization):
        enrolled = list(
            Enrollment.objects.filter(program=program).values_list("person__user__email", flat=True)
        )
    assert enrolled == [emails[3]]

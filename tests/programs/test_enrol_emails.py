"""People a manager enrols (by CSV, or through an invitation: see
tests/mentoring/test_invite_and_enrol.py) get one email: which program, their role, what to
do next, and a link to their enrolment."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.notifications.models import Kind, NotificationSetting, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs import services
from programs.models import Enrollment
from tests.builders.clients import client_for
from tests.builders.jobs import finished_job_page
from tests.builders.world import make_program

CSV = (
    "email,role,skills,capacity\n"
    "mentee0@acme.example,mentee,Active listening\n"
    "mentor0@acme.example,mentor,Active listening,2\n"
)


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def import_csv(manager, program, text=CSV):
    """Upload the file and run the import job: the job's page when it is over."""
    response = manager.post(
        reverse("admin:programs_enrollment_import"),
        {"program": program.pk, "file": SimpleUploadedFile("people.csv", text.encode())},
    )
    return finished_job_page(manager, response)


def enrolled_emails(org) -> list[OutboxMessage]:
    with activate(org.organization):
        return list(OutboxMessage.objects.filter(kind=Kind.ENROLLED).select_related("recipient"))


def test_everyone_enrolled_by_csv_gets_an_email_saying_program_role_and_next_step(manager, world):
    program = make_program(world.acme, name="Listening circle")
    assert "2 people enrolled" in import_csv(manager, program).content.decode()
    emails = {email.recipient.email: email for email in enrolled_emails(world.acme)}
    assert set(emails) == {"mentee0@acme.example", "mentor0@acme.example"}
    mentee, mentor = emails["mentee0@acme.example"], emails["mentor0@acme.example"]
    assert mentee.subject == "You are enrolled in Listening circle as mentee"
    assert mentor.subject == "You are enrolled in Listening circle as mentor"
    with activate(world.acme.organization):
        enrollment = Enrollment.objects.get(program=program, role="mentee")
    assert f"http://acme.localhost/enrolments/{enrollment.pk}/" in mentee.body_text
    assert "check your focus skills and your goal" in mentee.body_text
    assert "how many mentees you can take" in mentor.body_text
    assert "What to do next" in mentee.body_html


def test_the_email_is_sent_once_per_enrolment_even_if_the_file_is_sent_twice(manager, world):
    program = make_program(world.acme, name="Listening circle")
    import_csv(manager, program)
    again = import_csv(manager, program)
    assert "already enrolled in this program" in again.content.decode()
    assert len(enrolled_emails(world.acme)) == 2


def test_no_email_for_someone_who_switched_it_off(manager, world):
    with activate(world.acme.organization):
        person = Profile.objects.get(user__email="mentee0@acme.example")
        NotificationSetting.objects.create(
            organization=world.acme.organization,
            person=person,
            kind=Kind.ENROLLED,
            is_enabled=False,
        )
    program = make_program(world.acme, name="Listening circle")
    import_csv(manager, program)
    sent_to = [email.recipient.email for email in enrolled_emails(world.acme)]
    assert sent_to == ["mentor0@acme.example"]


def test_another_organizations_people_are_neither_enrolled_nor_emailed(manager, world):
    program = make_program(world.acme, name="Listening circle")
    response = import_csv(
        manager, program, "email,role,skills\nmentee0@globex.example,mentee,Active listening\n"
    )
    assert "not a member of this organization" in response.content.decode()
    assert enrolled_emails(world.acme) == [] and enrolled_emails(world.globex) == []


def test_a_manager_enrolling_one_person_sends_one_email(world):
    acme = world.acme
    program = make_program(acme, name="Listening circle")
    with activate(acme.organization):
        person = Profile.objects.get(user=acme.mentees[0])
        first = services.enrollment_enrol(
            organization=acme.organization,
            actor=acme.manager,
            program=program,
            person=person,
            role="mentee",
        )
        repeat = services.enrollment_enrol(
            organization=acme.organization,
            actor=acme.manager,
            program=program,
            person=person,
            role="mentee",
        )
    assert first is not None and repeat is None
    assert len(enrolled_emails(acme)) == 1

"""Invite and enrol in one step: a manager inviting someone (one person or a CSV file) may
choose a program and a role; accepting the invitation enrols them, approved, and they get
the "you are enrolled" email. The core keeps no program: programs does
(``programs.invitations``)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.accounts import services
from mentoring.accounts.models import Invitation
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.tenancy import activate
from programs.models import Enrollment, EnrollmentStatus, InvitationEnrolment, ProgramStatus
from tests.builders.clients import client_for
from tests.builders.jobs import finished_job_page
from tests.builders.world import PASSWORD, make_program

ADD = "admin:mentoring_invitation_add"
IMPORT = "admin:accounts_invitation_import"


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def token_of(org, email) -> str:
    """A fresh token for the open invitation (the first one went only into an email)."""
    with activate(org.organization):
        invitation = Invitation.objects.get(email=email)
        return services.invitation_resend(
            organization=org.organization,
            actor=org.manager,
            invitation=invitation,
            send_email=False,
        )


def accept(org, token, name="Nia Patel"):
    with activate(org.organization):
        return services.invitation_accept_new_user(
            token=token, display_name=name, password=PASSWORD
        )


def enrolment_of(org, email):
    with activate(org.organization):
        return (
            Enrollment.objects.filter(person__user__email=email).select_related("program").first()
        )


def test_a_manager_invites_and_enrols_in_one_step(manager, world):
    program = make_program(world.acme, name="Listening circle")
    form = manager.get(reverse(ADD)).content.decode()
    assert "Enrol in a program" in form and "Listening circle, as mentee" in form
    response = manager.post(
        reverse(ADD),
        {"email": "nia@acme.example", "role": "member", "enrol_in": f"{program.pk}:mentee"},
    )
    assert response.status_code == 302
    assert enrolment_of(world.acme, "nia@acme.example") is None  # not before they accept

    accept(world.acme, token_of(world.acme, "nia@acme.example"))

    enrollment = enrolment_of(world.acme, "nia@acme.example")
    assert enrollment.program == program and enrollment.role == "mentee"
    assert enrollment.status == EnrollmentStatus.APPROVED
    with activate(world.acme.organization):
        assert enrollment.skill_links.count() == 2  # the program's focus skills, to change later
        email = OutboxMessage.objects.get(kind=Kind.ENROLLED)
    assert email.to_email == "nia@acme.example"
    assert email.subject == "You are enrolled in Listening circle as mentee"


def test_inviting_without_a_program_enrols_nobody(manager, world):
    make_program(world.acme, name="Listening circle")
    manager.post(reverse(ADD), {"email": "nia@acme.example", "role": "member", "enrol_in": ""})
    accept(world.acme, token_of(world.acme, "nia@acme.example"))
    assert enrolment_of(world.acme, "nia@acme.example") is None


def test_a_csv_of_invitations_can_enrol_everyone_in_it_as_mentors(manager, world):
    program = make_program(world.acme, name="Listening circle")
    text = b"email,name\nann@acme.example,Ann\nbob@acme.example,Bob\n"
    response = manager.post(
        reverse(IMPORT),
        {
            "file": SimpleUploadedFile("people.csv", text),
            "enrol_in": f"{program.pk}:mentor",
        },
    )
    assert b"2 people invited" in finished_job_page(manager, response).content
    with activate(world.acme.organization):
        assert InvitationEnrolment.objects.filter(program=program, role="mentor").count() == 2
    accept(world.acme, token_of(world.acme, "ann@acme.example"), name="Ann")
    ann = enrolment_of(world.acme, "ann@acme.example")
    assert ann.role == "mentor" and ann.capacity == program.default_mentees_per_mentor
    assert enrolment_of(world.acme, "bob@acme.example") is None  # Bob has not accepted yet


def test_another_organizations_program_cannot_be_chosen(manager, world):
    foreign = make_program(world.globex, name="Foreign one")
    form = manager.get(reverse(ADD)).content.decode()
    assert world.globex.sentinel not in form
    response = manager.post(
        reverse(ADD),
        {"email": "nia@acme.example", "role": "member", "enrol_in": f"{foreign.pk}:mentee"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with activate(world.acme.organization):
        assert not Invitation.objects.filter(email="nia@acme.example").exists()
    with activate(world.globex.organization):
        assert not Enrollment.objects.filter(program=foreign).exists()
        assert not InvitationEnrolment.objects.exists()


def test_a_closed_program_is_not_offered(manager, world):
    make_program(world.acme, name="Closed one", status=ProgramStatus.CLOSED)
    assert "Closed one" not in manager.get(reverse(ADD)).content.decode()


def test_accepting_twice_enrols_once_and_emails_once(manager, world):
    program = make_program(world.acme, name="Listening circle")
    manager.post(
        reverse(ADD),
        {"email": "nia@acme.example", "role": "member", "enrol_in": f"{program.pk}:mentee"},
    )
    token = token_of(world.acme, "nia@acme.example")
    accept(world.acme, token)
    with activate(world.acme.organization), pytest.raises(services.InvitationError):
        services.invitation_accept_new_user(token=token, display_name="Again", password=PASSWORD)
    with activate(world.acme.organization):
        assert Enrollment.objects.filter(program=program).count() == 1
        assert OutboxMessage.objects.filter(kind=Kind.ENROLLED).count() == 1


def test_a_program_closed_before_they_accept_lets_them_join_without_enrolment(manager, world):
    program = make_program(world.acme, name="Listening circle")
    manager.post(
        reverse(ADD),
        {"email": "nia@acme.example", "role": "member", "enrol_in": f"{program.pk}:mentee"},
    )
    with activate(world.acme.organization):
        type(program).objects.filter(pk=program.pk).update(status=ProgramStatus.CLOSED)
    user = accept(world.acme, token_of(world.acme, "nia@acme.example"))
    assert user.email == "nia@acme.example"
    assert enrolment_of(world.acme, "nia@acme.example") is None

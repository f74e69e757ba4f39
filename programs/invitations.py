"""Invite and enrol in one step: what programs adds to the core's invitations.

The invitation forms offer a program and a role (INVITATION_FIELDS); the choice is kept
here as an ``InvitationEnrolment`` row (INVITATION_CREATED), and when the person accepts
the invitation they are enrolled and told so by email (INVITATION_ACCEPTED). The core never
names programs.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from mentoring import hooks
from mentoring.request_validation import parse_id

from .models import EnrollmentRole, InvitationEnrolment, Program, ProgramStatus
from .services import enrollment_enrol

FIELD = "enrol_in"


def _program_roles() -> list[tuple[str, str]]:
    """ "<program id>:<role>" for every program still taking people, with each role."""
    programs = Program.objects.exclude(status=ProgramStatus.CLOSED).order_by("name", "pk")
    return [
        ("", "Do not enrol them yet"),
        *(
            (f"{program.pk}:{role}", f"{program.name}, as {label.lower()}")
            for program in programs
            for role, label in EnrollmentRole.choices
        ),
    ]


@hooks.register(hooks.INVITATION_FIELDS)
def invitation_program_fields() -> dict[str, forms.Field]:
    return {
        FIELD: forms.ChoiceField(
            choices=_program_roles,
            required=False,
            label="Enrol in a program",
            help_text=(
                "Optional. They are enrolled, approved, in this program as soon as they "
                "accept, and get an email saying what to do next."
            ),
        )
    }


def _chosen(organization, choices: dict) -> tuple[Program | None, str]:
    value = choices.get(FIELD) or ""
    if not value:
        return None, ""
    raw_id, _colon, role = value.partition(":")
    program_id = parse_id(raw_id)
    program = None
    if program_id is not None:
        open_programs = Program.objects.exclude(status=ProgramStatus.CLOSED)
        program = open_programs.filter(pk=program_id).first()
    if program is None or role not in EnrollmentRole.values:
        raise ValidationError(
            "That program no longer takes people: choose another one, or invite only."
        )
    return program, role


@hooks.register(hooks.INVITATION_CREATED)
def keep_program_choice(*, organization, actor, invitations, choices) -> None:
    program, role = _chosen(organization, choices)
    if program is None:
        return
    InvitationEnrolment.objects.bulk_create(
        InvitationEnrolment(organization=organization, invitation=i, program=program, role=role)
        for i in invitations
    )


@hooks.register(hooks.INVITATION_ACCEPTED)
def enrol_invited_person(*, organization, invitation, person) -> None:
    pending = (
        InvitationEnrolment.objects.select_for_update()
        .select_related("program")
        .filter(invitation=invitation, enrollment__isnull=True)
    )
    for row in pending:
        enrollment = enrollment_enrol(
            organization=organization,
            actor=invitation.invited_by,
            program=row.program,
            person=person,
            role=row.role,
        )
        if enrollment is not None:
            row.enrollment = enrollment
            row.save(update_fields=["enrollment", "updated_at"])

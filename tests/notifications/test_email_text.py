"""Subjects and plain-text bodies are plain text: an ampersand or an angle bracket in a
program's name reaches the reader as typed; only the HTML part escapes it."""

from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.tenancy import activate
from tests.builders.cohort import enrol_mentee
from tests.builders.world import make_program

NAME = 'R&D <Leads> "North" O\'Neil'


def test_a_program_name_with_markup_characters_stays_as_typed_in_subject_and_text(world, sent):
    program = make_program(world.acme, name=NAME)
    with sent:
        enrol_mentee(world.acme, world.acme.mentees[0], program)
    with activate(world.acme.organization):
        email = OutboxMessage.objects.get(kind=Kind.APPLICATION_DECIDED)
    assert email.subject == f"You are in: {NAME}"
    assert NAME in email.body_text
    assert "R&amp;D &lt;Leads&gt;" in email.body_html
    assert NAME not in email.body_html

"""The words of each program format: what the two sides of a pair are called on every page
and email. Enrolments keep their two roles (mentee, mentor) in every format; only the
words change (a peer pair is two "peer partners", a reverse mentor is named as such)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import EnrollmentRole, ProgramFormat


@dataclass(frozen=True)
class RoleWords:
    """Lower-case words, for use inside sentences (templates capitalise with ``|capfirst``)."""

    mentor: str  # the mentor side: "mentor", "peer partner", "reverse mentor"
    mentee: str  # the mentee side: "mentee", "peer partner"
    mentors: str
    mentees: str
    # What the mentor side calls the other person ("your mentee", "the person you mentor").
    mentor_sees: str
    # What the mentee side calls the other person ("your mentor", "your reverse mentor").
    mentee_sees: str
    # The apply pages' titles for each side.
    apply_as_mentee: str
    apply_as_mentor: str
    # True when both people act in both roles (feedback and ratings both ways, alike).
    is_mutual: bool = False

    def other(self, is_mentee: bool) -> str:
        """What a person calls the other side of their pair."""
        return self.mentee_sees if is_mentee else self.mentor_sees

    def role(self, is_mentee: bool) -> str:
        """What a person is called in their pair."""
        return self.mentee if is_mentee else self.mentor


ONE_TO_ONE = RoleWords(
    mentor="mentor",
    mentee="mentee",
    mentors="mentors",
    mentees="mentees",
    mentor_sees="your mentee",
    mentee_sees="your mentor",
    apply_as_mentee="Apply as mentee",
    apply_as_mentor="Offer to mentor",
)

WORDS: dict[str, RoleWords] = {
    ProgramFormat.ONE_TO_ONE: ONE_TO_ONE,
    ProgramFormat.CIRCLE: RoleWords(
        mentor="mentor",
        mentee="mentee",
        mentors="mentors",
        mentees="mentees",
        mentor_sees="your circle",
        mentee_sees="your mentor",
        apply_as_mentee="Join a circle",
        apply_as_mentor="Offer to guide a circle",
    ),
    ProgramFormat.PEER: RoleWords(
        mentor="peer partner",
        mentee="peer partner",
        mentors="peer partners",
        mentees="peer partners",
        mentor_sees="your peer partner",
        mentee_sees="your peer partner",
        apply_as_mentee="Ask to grow a skill",
        apply_as_mentor="Offer to share a skill",
        is_mutual=True,
    ),
    ProgramFormat.REVERSE: RoleWords(
        mentor="reverse mentor",
        mentee="mentee",
        mentors="reverse mentors",
        mentees="mentees",
        mentor_sees="the person you mentor",
        mentee_sees="your reverse mentor",
        apply_as_mentee="Ask to learn from a colleague",
        apply_as_mentor="Offer to be a reverse mentor",
    ),
}


def role_name(enrollment, program=None) -> str:
    """What an enrolment's person is called in its program: "mentee", "peer partner"...
    (``program``: the enrolment's program when the caller has it already loaded)."""
    words = words_for(program or enrollment.program)
    return words.role(enrollment.role == EnrollmentRole.MENTEE)


def words_for(program_or_format) -> RoleWords:
    """The words of a program (or of a format value); one-to-one words for anything else."""
    value = program_or_format
    if not isinstance(value, str):
        value = getattr(program_or_format, "format", "")
    return WORDS.get(str(value), ONE_TO_ONE)

"""The words of each program format: what the two sides of a pair are called on every page
and email. Enrolments keep their two roles (mentee, mentor) in every format; only the
words change (a peer pair is two "peer partners", a reverse mentor is named as such)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from .models import EnrollmentRole, ProgramFormat

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class RoleWords:
    """Lower-case words, for use inside sentences (templates capitalise with ``|capfirst``)."""

    # Lazy translations: read in the language of the page or email that shows them.
    mentor: StrOrPromise  # the mentor side: "mentor", "peer partner", "reverse mentor"
    mentee: StrOrPromise  # the mentee side: "mentee", "peer partner"
    mentors: StrOrPromise
    mentees: StrOrPromise
    # What the mentor side calls the other person ("your mentee", "the person you mentor").
    mentor_sees: StrOrPromise
    # What the mentee side calls the other person ("your mentor", "your reverse mentor").
    mentee_sees: StrOrPromise
    # The apply pages' titles for each side.
    apply_as_mentee: StrOrPromise
    apply_as_mentor: StrOrPromise
    # True when both people act in both roles (feedback and ratings both ways, alike).
    is_mutual: bool = False

    def other(self, is_mentee: bool) -> StrOrPromise:
        """What a person calls the other side of their pair."""
        return self.mentee_sees if is_mentee else self.mentor_sees

    def role(self, is_mentee: bool) -> StrOrPromise:
        """What a person is called in their pair."""
        return self.mentee if is_mentee else self.mentor


ONE_TO_ONE = RoleWords(
    mentor=_("mentor"),
    mentee=_("mentee"),
    mentors=_("mentors"),
    mentees=_("mentees"),
    mentor_sees=_("your mentee"),
    mentee_sees=_("your mentor"),
    apply_as_mentee=_("Apply as mentee"),
    apply_as_mentor=_("Offer to mentor"),
)

WORDS: dict[str, RoleWords] = {
    ProgramFormat.ONE_TO_ONE: ONE_TO_ONE,
    ProgramFormat.CIRCLE: RoleWords(
        mentor=_("mentor"),
        mentee=_("mentee"),
        mentors=_("mentors"),
        mentees=_("mentees"),
        mentor_sees=_("your circle"),
        mentee_sees=_("your mentor"),
        apply_as_mentee=_("Join a circle"),
        apply_as_mentor=_("Offer to guide a circle"),
    ),
    ProgramFormat.PEER: RoleWords(
        mentor=_("peer partner"),
        mentee=_("peer partner"),
        mentors=_("peer partners"),
        mentees=_("peer partners"),
        mentor_sees=_("your peer partner"),
        mentee_sees=_("your peer partner"),
        apply_as_mentee=_("Ask to grow a skill"),
        apply_as_mentor=_("Offer to share a skill"),
        is_mutual=True,
    ),
    ProgramFormat.REVERSE: RoleWords(
        mentor=_("reverse mentor"),
        mentee=_("mentee"),
        mentors=_("reverse mentors"),
        mentees=_("mentees"),
        mentor_sees=_("the person you mentor"),
        mentee_sees=_("your reverse mentor"),
        apply_as_mentee=_("Ask to learn from a colleague"),
        apply_as_mentor=_("Offer to be a reverse mentor"),
    ),
}


def role_name(enrollment, program=None) -> StrOrPromise:
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

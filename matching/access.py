"""The one rule for "a member of this mentorship", used by every app that shows a pair's
pages (sessions, feedback): the filter (through ``MentorshipMember``), the row seen from one
side, and the 404."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from mentoring.people.models import Profile
from programs.formats import RoleWords, words_for

from .models import Mentorship

PAIR_PEOPLE = ("program", "mentee__person", "mentor__person")


def member_filter(user, prefix: str = "") -> Q:
    """Rows (of Mentorship, or reached from it through ``prefix``) the user is a member of:
    one of its ``members``, whether the mentorship has two people or eight. A person is a
    member once, so the join adds no row."""
    return Q(**{f"{prefix}members__person__user": user})


def person_filter(profile, prefix: str = "") -> Q:
    """The same rule for a profile (exports, erasure): rows the person is a member of."""
    return Q(**{f"{prefix}members__person": profile})


def side_filter(profile) -> Q:
    """Rows that name a mentee and a mentor enrolment before any mentorship exists
    (proposals of a run, mentor requests): the person is on either side."""
    return Q(mentee__person=profile) | Q(mentor__person=profile)


@dataclass
class MentorshipRow:
    """A mentorship seen from one of its two people."""

    mentorship: Mentorship
    is_mentee: bool

    @property
    def is_mentor(self) -> bool:
        return not self.is_mentee

    @property
    def me(self) -> Profile:
        pair = self.mentorship
        return pair.mentee.person if self.is_mentee else pair.mentor.person

    @property
    def other(self) -> Profile:
        pair = self.mentorship
        return pair.mentor.person if self.is_mentee else pair.mentee.person

    @property
    def words(self) -> RoleWords:
        """The words of the pair's program format (peer partners, reverse mentor...)."""
        return words_for(self.mentorship.program)

    @property
    def my_role(self) -> str:
        """What this person is called in the pair: "mentee", "peer partner"..."""
        return self.words.role(self.is_mentee)

    @property
    def other_word(self) -> str:
        """What the other person is called in the pair: "mentor", "peer partner"..."""
        return self.words.role(not self.is_mentee)

    @property
    def pair_title(self) -> str:
        """How the pair's pages name it: "My mentor, Ana", "Mentoring Ben",
        "My peer partner, Ana", "My reverse mentor, Ben"."""
        name = self.other.display_name
        if self.is_mentor and not self.words.is_mutual:
            return f"Mentoring {name}"
        return f"My {self.other_word}, {name}"

    @property
    def other_role(self) -> str:
        """What this person calls the other one: "your mentor", "your peer partner"..."""
        return self.words.other(self.is_mentee)


# The pages of one pair call the row a side: "me" and "the other person".
PairSide = MentorshipRow


def side_of(mentorship: Mentorship, user) -> MentorshipRow:
    return MentorshipRow(
        mentorship=mentorship, is_mentee=mentorship.mentee.person.user_id == user.pk
    )


def access_pair(*, organization, user, mentorship_id: int) -> MentorshipRow:
    """A mentorship of which the user is a member, with the program and both people, in one
    query; anyone else (managers and HR included) gets the same 404 as for a missing one."""
    mentorship = (
        Mentorship.objects.filter(member_filter(user), pk=mentorship_id)
        .select_related(*PAIR_PEOPLE)
        .first()
    )
    if mentorship is None:
        raise Http404("No such mentorship.")
    return side_of(mentorship, user)

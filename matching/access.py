"""The one rule for "a member of this mentorship", used by every app that shows a pair's
pages (sessions, feedback): the filter (through ``MentorshipMember``), the row seen from one
side, and the 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from mentoring.people.models import Profile
from programs.formats import RoleWords, words_for
from programs.models import EnrollmentRole

from .models import Mentorship, MentorshipMember

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAIR_PEOPLE = ("program", "mentee__person", "mentor__person", "focus_skill")


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


def names_sentence(names: list[str]) -> str:
    """ "Ana", "Ana and Ben", "Ana, Ben and Cleo"."""
    if len(names) <= 1:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def circle_members(mentorship: Mentorship) -> list[MentorshipMember]:
    """A mentorship's members with their people, mentors first, then in the order they
    joined (from the prefetched ``members`` when a list selector fetched them)."""
    cache = getattr(mentorship, "_prefetched_objects_cache", {})
    if "members" in cache:
        members = list(cache["members"])
        return sorted(members, key=lambda m: (m.role != EnrollmentRole.MENTOR, m.pk))
    return list(
        MentorshipMember.objects.filter(mentorship=mentorship)
        .select_related("person__user")
        .order_by("-role", "pk")  # "mentor" sorts after "mentee"
    )


@dataclass
class MentorshipRow:
    """A mentorship seen from one of its people: one of a pair's two, or a member of a
    circle (``members``: the circle's, with their people; empty for a pair)."""

    mentorship: Mentorship
    is_mentee: bool
    members: list[MentorshipMember] = field(default_factory=list)
    person_id: int | None = None  # whose row it is, for a circle

    @property
    def is_circle(self) -> bool:
        return self.mentorship.is_circle

    @property
    def is_mentor(self) -> bool:
        return not self.is_mentee

    @property
    def me(self) -> Profile:
        if self.is_circle:
            return next(m.person for m in self.members if m.person_id == self.person_id)
        pair = self.mentorship
        return pair.mentee.person if self.is_mentee else pair.mentor.person

    @property
    def others(self) -> list[Profile]:
        """Everyone else of the mentorship: the other person of a pair, the rest of a
        circle (mentors first)."""
        if self.is_circle:
            return [m.person for m in self.members if m.person_id != self.person_id]
        return [self.other]

    @property
    def mentors(self) -> list[Profile]:
        """The circle's mentors (the pair's mentor)."""
        if self.is_circle:
            return [m.person for m in self.members if m.role == EnrollmentRole.MENTOR]
        return [self.mentorship.mentor.person]

    @property
    def mentees(self) -> list[Profile]:
        if self.is_circle:
            return [m.person for m in self.members if m.role == EnrollmentRole.MENTEE]
        return [self.mentorship.mentee.person]

    @property
    def other_names(self) -> str:
        """The others by name, for a sentence: "Ana", "Ana, Ben and Cleo"."""
        return names_sentence([person.display_name for person in self.others])

    @property
    def other(self) -> Profile:
        """The other person of a pair. A circle has no single other person: its pages use
        ``others`` and ``other_names``."""
        if self.is_circle:
            raise AttributeError("A circle has no single other person: use `others`.")
        pair = self.mentorship
        return pair.mentor.person if self.is_mentee else pair.mentee.person

    @property
    def words(self) -> RoleWords:
        """The words of the pair's program format (peer partners, reverse mentor...)."""
        return words_for(self.mentorship.program)

    @property
    def my_role(self) -> StrOrPromise:
        """What this person is called in the pair: "mentee", "peer partner"..."""
        return self.words.role(self.is_mentee)

    @property
    def other_word(self) -> StrOrPromise:
        """What the other person is called in the pair: "mentor", "peer partner"..."""
        if self.is_circle:
            return pgettext("the other side of a pair", "circle")
        return self.words.role(not self.is_mentee)

    @property
    def pair_title(self) -> str:
        """How the pair's pages name it: "My mentor, Ana", "Mentoring Ben",
        "My peer partner, Ana", "My reverse mentor, Ben"; a circle: "Listening circle"."""
        if self.is_circle:
            skill = self.mentorship.focus_skill
            return _("%(skill)s circle") % {"skill": skill.name} if skill else _("My circle")
        name = self.other.display_name
        if self.is_mentor and not self.words.is_mutual:
            return _("Mentoring %(name)s") % {"name": name}
        return _("My %(role)s, %(name)s") % {"role": self.other_word, "name": name}

    @property
    def other_role(self) -> StrOrPromise:
        """What this person calls the other one: "your mentor", "your peer partner"..."""
        return self.words.other(self.is_mentee)


# The pages of one pair call the row a side: "me" and "the other person".
PairSide = MentorshipRow


def side_of(mentorship: Mentorship, user) -> MentorshipRow:
    """The row of ``user``'s side; a circle's reads its members (one query, none when a
    list selector prefetched ``members__person``)."""
    if not mentorship.is_circle:
        return MentorshipRow(
            mentorship=mentorship, is_mentee=mentorship.mentee.person.user_id == user.pk
        )
    members = circle_members(mentorship)
    mine = next(m for m in members if m.person.user_id == user.pk)
    return MentorshipRow(
        mentorship=mentorship,
        is_mentee=mine.role == EnrollmentRole.MENTEE,
        members=members,
        person_id=mine.person_id,
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

"""Who belongs to a mentorship, as the session pages and emails need it: the pair's two,
or everyone of a circle (``matching.access`` holds the rule; this reads its people); and
whose experiments a member works with: a pair shares its list, in a circle each member
has their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from matching.access import circle_members

if TYPE_CHECKING:
    from matching.access import PairSide
    from matching.models import Mentorship
    from mentoring.people.models import Profile


def member_people(mentorship: Mentorship) -> list[Profile]:
    """Everyone of the mentorship: a pair's mentee and mentor (as read with it, no query
    when selected with it), a circle's members, mentors first (one query)."""
    if not mentorship.is_circle:
        return [mentorship.mentee.person, mentorship.mentor.person]
    return [member.person for member in circle_members(mentorship)]


def own_experiments_only(mentorship: Mentorship) -> bool:
    """In a circle each member sees and changes only the experiments they own; a pair's
    two share theirs."""
    return mentorship.is_circle


def others_word(side: PairSide, *, start: bool = False) -> str:
    """Who "the other person" is in a sentence: a pair's other person by name, "your
    circle" for a circle (``start``: at the head of a sentence). Singular either way, so
    the verb after it reads "sees"."""
    if side.is_circle:
        return _("Your circle") if start else _("your circle")
    return side.other.display_name


def member_name(side: PairSide, person_id: int | None) -> str:
    """The name of one of the mentorship's people (who added a point, who logged it);
    empty when they are not among them any more."""
    if side.is_circle:
        return next((m.person.display_name for m in side.members if m.person_id == person_id), "")
    people = (side.me, side.other)
    return next((person.display_name for person in people if person.pk == person_id), "")


def who_meets(mentorship: Mentorship) -> str:
    """A mentorship in a clash message: "Ana and Ben" for a pair, "the Listening circle"
    (its program and focus skill read with it)."""
    if mentorship.is_circle:
        skill = mentorship.focus_skill
        return _("the %(skill)s circle") % {"skill": skill.name} if skill else _("your circle")
    return _("%(mentor)s and %(mentee)s") % {
        "mentor": mentorship.mentor.person.display_name,
        "mentee": mentorship.mentee.person.display_name,
    }

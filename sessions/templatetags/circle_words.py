"""Naming the other people of a mentorship on the session pages: a pair's other person,
or one member of a circle by name (who added a point, who logged a session)."""

from django import template
from django.utils.translation import gettext as _

from sessions.members import member_name as _member_name
from sessions.members import others_word as _others_word

register = template.Library()


@register.filter
def others_word(side) -> str:
    """The other person's name; "your circle" for a circle."""
    return _others_word(side)


@register.simple_tag
def member_name(side, person_id) -> str:
    """The name of one of the mentorship's people; "someone" when they have left it."""
    return _member_name(side, person_id) or _("someone")

"""``{% load formats %}``: the words of a program's format in templates,
``{% with words=program|role_words %}{{ words.mentor }}{% endwith %}``."""

from django import template

from programs.formats import ONE_TO_ONE, RoleWords, role_name, words_for

register = template.Library()

# What leads from a page's object to its program: a mentorship, an enrolment, a row...
_TOWARDS_PROGRAM = ("mentorship", "enrollment")


def _program_of(thing):
    for name in _TOWARDS_PROGRAM:
        if hasattr(thing, name) and not hasattr(thing, "program"):
            return _program_of(getattr(thing, name))
    return getattr(thing, "program", thing)


@register.filter
def role_words(thing) -> RoleWords:
    """The ``RoleWords`` of a program, of what belongs to one (a mentorship, an enrolment,
    a dashboard row) or of a format value; for a list, the words its programs share (the
    one-to-one words when they differ)."""
    if hasattr(thing, "__iter__") and not isinstance(thing, str):
        found = {words_for(_program_of(item)) for item in thing}
        return found.pop() if len(found) == 1 else ONE_TO_ONE
    return words_for(_program_of(thing))


register.filter("role_name", role_name)

"""``{% left_out_mentors run as rows %}``: the mentors a run left out, with the reason, for
the draft review (one query, and none for a program that asks for no training)."""

from django import template

from ..models import LeftOutMentor, MatchRun

register = template.Library()


@register.simple_tag
def left_out_mentors(run: MatchRun) -> list[LeftOutMentor]:
    if not run.program.requires_training:
        return []
    return list(
        LeftOutMentor.objects.filter(run=run)
        .select_related("mentor__person")
        .order_by("mentor__person__display_name", "pk")
    )

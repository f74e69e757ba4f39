"""The step of the program's session plan a session about to be planned follows, for the
planning page (``sessions.selectors.plan_steps``, the rule the planning itself uses)."""

from django import template
from django.utils import timezone

from ..selectors.plan_steps import PlannedStep, plan_steps_for

register = template.Library()


@register.simple_tag
def next_plan_step(mentorship, form) -> PlannedStep | None:
    """The step a session planned at the form's time follows (now, before one is chosen)."""
    cleaned = getattr(form, "cleaned_data", None) or {}
    starts_at = cleaned.get("starts_at") or timezone.now()
    return plan_steps_for(mentorship, [starts_at])[0]

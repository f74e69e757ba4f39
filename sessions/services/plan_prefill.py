"""New sessions start from the program's session plan: each follows a step
(``Session.plan_step``) and its agenda starts with the step's points, after the points
already on it (the follow-ups of open experiments). The points belong to no one
(``added_by`` empty: "From the program's session plan"); the pair changes or removes
them like any other. A logged past meeting gets none."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Max

from mentoring.common.guards import check_same_organization

from ..models import AgendaItem, Session
from ..selectors.plan_steps import plan_steps_for

if TYPE_CHECKING:
    from mentoring.tenancy.models import Organization


def sessions_plan_prefill(*, organization: Organization, sessions: list[Session]) -> None:
    """Inside the planning transaction: give new ``sessions`` of one mentorship their plan
    step and its agenda points, in a fixed number of queries."""
    if not sessions:
        return
    check_same_organization(organization, *sessions)
    ordered = sorted(sessions, key=lambda session: session.starts_at)
    planned = plan_steps_for(
        ordered[0].mentorship,
        [session.starts_at for session in ordered],
        excluding=[session.pk for session in ordered],
    )
    followed = [(session, plan) for session, plan in zip(ordered, planned, strict=True) if plan]
    if not followed:
        return
    last_positions = dict(
        AgendaItem.objects.filter(session__in=[session for session, _plan in followed])
        .order_by()
        .values("session")
        .annotate(last=Max("position"))
        .values_list("session", "last")
    )
    for session, plan in followed:
        session.plan_step = plan.step
    Session.objects.bulk_update([session for session, _plan in followed], ["plan_step"])
    AgendaItem.objects.bulk_create(
        AgendaItem(
            organization=organization,
            session=session,
            position=last_positions.get(session.pk, -1) + number,
            text=text,
        )
        for session, plan in followed
        for number, text in enumerate(plan.points, start=1)
    )

"""The home dashboards: what a mentee, a mentor and a program manager need to see next.

``home_dashboard`` answers for one person, with one part per role they hold (a manager who
also mentors gets both). Its cost is a fixed number of queries whatever the number of
sessions, mentorships or programs: sessions come through sliced prefetches; the last held
session, the at-risk test and the monthly series are computed in the database (Subquery,
Exists, TruncMonth, Count); goal-review dates come from ``programs.schedule`` applied to the
rows of one query (its date arithmetic has no SQL twin worth keeping in step).

Dates are the person's own: "today" and the months of the charts are taken in their time
zone. The manager's part holds counts, names and dates only: never session notes,
feedback or private notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import (
    Q,
)
from django.utils import timezone

from mentoring.common.time_zones import time_zone_of
from mentoring.people.models import Profile
from programs.models import (
    ChecklistAudience,
    Enrollment,
)
from programs.selectors import checklists_for
from sessions.models import ActionItem, ActionStatus

from .clock import Clock, checklist_progress
from .managers import ManagerDashboard, manager_dashboard
from .participants import (
    MenteeDashboard,
    MentorDashboard,
    active_mentee_enrollments,
    mentee_dashboard,
    mentor_dashboard,
    my_open_pairs,
    side,
    waiting_mentor_enrollments,
)


@dataclass
class Dashboard:
    profile: Profile
    clock: Clock
    mentee: MenteeDashboard | None = None
    mentor: MentorDashboard | None = None
    manager: ManagerDashboard | None = None
    # mentor enrolments waiting for approval or for a mentee (no open mentorship in them)
    waiting_as_mentor: list[Enrollment] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return (
            self.mentee is None
            and self.mentor is None
            and self.manager is None
            and not self.waiting_as_mentor
        )

    @property
    def zone_name(self) -> str:
        return str(self.clock.zone)


def home_dashboard(
    *, organization, user, profile: Profile, is_manager: bool, now: datetime | None = None
) -> Dashboard:
    """The parts of the home page the person's roles call for: mentee (an open mentorship
    as mentee, or an active mentee enrolment), mentor (open mentorships as mentor) and
    program manager (programs running or matching)."""
    clock = Clock(now=now or timezone.now(), zone=time_zone_of(profile.time_zone))
    dashboard = Dashboard(profile=profile, clock=clock)
    pairs = my_open_pairs(profile, clock)
    as_mentee = [pair for pair in pairs if side(pair).is_mentee]
    as_mentor = [pair for pair in pairs if side(pair).is_mentor]
    enrollments = active_mentee_enrollments(profile)
    dashboard.waiting_as_mentor = waiting_mentor_enrollments(profile, as_mentor)
    if as_mentee or as_mentor or enrollments:
        experiments = list(
            ActionItem.objects.filter(
                # a circle's mentee has experiments of their own; a pair's are both people's
                Q(mentorship__in=[pair for pair in as_mentee if not side(pair).is_circle])
                | Q(
                    mentorship__in=[pair for pair in as_mentee if side(pair).is_circle],
                    owner=profile,
                )
                | Q(mentorship__in=as_mentor, due_on__lt=clock.today),
                status=ActionStatus.OPEN,
            )
            .select_related("owner")
            .order_by("due_on", "pk")
        )
        mentee_pair_ids = {pair.pk for pair in as_mentee}
        checklists = checklists_for(organization=organization, user=user, is_manager=False)
        if as_mentee or enrollments:
            dashboard.mentee = mentee_dashboard(
                profile,
                as_mentee,
                enrollments,
                [item for item in experiments if item.mentorship_id in mentee_pair_ids],
                checklist_progress(checklists, ChecklistAudience.MENTEE_FIRST_SESSION),
                clock,
            )
        if as_mentor:
            dashboard.mentor = mentor_dashboard(
                as_mentor,
                [item for item in experiments if item.mentorship_id not in mentee_pair_ids],
                checklist_progress(checklists, ChecklistAudience.MENTOR_PREPARATION),
                clock,
            )
    if is_manager:
        dashboard.manager = manager_dashboard(clock)
    return dashboard

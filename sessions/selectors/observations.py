"""Reads of the observation log: the page (the mentee's whole log, or what the mentee
shared for the mentor), one observation its author changes, and how many the mentor has
been shared."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from matching.access import PairSide, access_pair
from programs.models import EnrollmentSkill, Skill

from ..models import Observation, Session, SessionStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization

# An agenda point counts while its session is coming or took place; one of a cancelled
# session (or a no-show) does not, and sharing again puts the observation on the next one.
AGENDA_KEPT = (SessionStatus.PLANNED, SessionStatus.HELD)


def is_on_agenda(observation: Observation) -> bool:
    """Whether the observation is a point of a session that is coming or took place (its
    agenda point read with its session)."""
    item = observation.agenda_item
    return item is not None and item.session.status in AGENDA_KEPT


@dataclass
class ObservationsPage:
    """The mentee sees their whole log, newest first; the mentor the shared ones only."""

    side: PairSide
    observations: list[Observation]
    on_agenda: set[int]  # ids of the observations that are points of a session's agenda
    focus_skills: list[Skill]
    next_session: Session | None

    @property
    def mentorship(self) -> Mentorship:
        return self.side.mentorship


def _shared_with_mentor(mentorship: Mentorship) -> QuerySet[Observation]:
    return Observation.objects.filter(
        mentorship=mentorship, author_id=mentorship.mentee.person_id, shared_at__isnull=False
    )


def observations_page(
    *, organization: Organization, user: User, mentorship_id: int
) -> ObservationsPage:
    """The observation log of the user's mentorship, each observation with its skill, its
    agenda point (with the session) and its experiment; for the mentee also their focus
    skills and the next planned session. Or 404. Four queries, however long the log."""
    side = access_pair(organization=organization, user=user, mentorship_id=mentorship_id)
    mentorship = side.mentorship
    if side.is_mentee:
        rows = Observation.objects.filter(mentorship=mentorship, author=side.me)
    else:
        rows = _shared_with_mentor(mentorship)
    observations = list(rows.select_related("skill", "agenda_item__session", "experiment"))
    on_agenda = {observation.pk for observation in observations if is_on_agenda(observation)}
    if not side.is_mentee:
        return ObservationsPage(side, observations, on_agenda, focus_skills=[], next_session=None)
    return ObservationsPage(
        side,
        observations,
        on_agenda,
        focus_skills=list(
            Skill.objects.filter(
                pk__in=EnrollmentSkill.objects.filter(enrollment_id=mentorship.mentee_id).values(
                    "skill_id"
                )
            ).order_by("name", "pk")
        ),
        next_session=next_planned_session(mentorship),
    )


def next_planned_session(mentorship: Mentorship) -> Session | None:
    """The pair's soonest session still to come (one query)."""
    return (
        Session.objects.filter(
            mentorship=mentorship, status=SessionStatus.PLANNED, starts_at__gt=timezone.now()
        )
        .order_by("starts_at", "pk")
        .first()
    )


def access_observation(
    *, organization: Organization, user: User, mentorship_id: int, observation_id: int
) -> Observation:
    """An observation the user wrote in one of their mentorships, with the pair; or 404
    (the mentor reads shared ones on the page but changes none)."""
    observation = (
        Observation.objects.filter(
            pk=observation_id, mentorship_id=mentorship_id, author__user=user
        )
        .select_related("mentorship__mentee", "mentorship__mentor")
        .first()
    )
    if observation is None:
        raise Http404("No such observation.")
    return observation


def shared_observation_count(mentorship: Mentorship) -> int:
    """How many observations the mentee has shared with the mentor (one query)."""
    return _shared_with_mentor(mentorship).count()

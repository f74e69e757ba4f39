"""Fresh objects for the conflicting pairs: an edit and the removal of the same object,
fired together. Each factory makes a new object and returns the URL arguments that point
the two forms at it, and who may act on it."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from matching import services as matching
from programs.models import Enrollment, MatchingMode, Program
from sessions import services as sessions
from sessions.models import Session, SessionStatus
from sessions.services.observations import observation_add
from tests.builders.observations import SEEN


def other(scene, role: str):
    """The scene's other mentee or mentor: not one of the pair."""
    users = scene.org.mentees if role == "mentee" else scene.org.mentors
    return next(user for user in users if user not in (scene.mentee, scene.mentor))


def _agenda_point(scene) -> tuple[dict, str]:
    session = _future_session(scene)[0]["session_id"]
    item = sessions.agenda_item_add(
        organization=scene.organization,
        actor=scene.mentee,
        session=Session.objects.get(pk=session),
        text="A point the other one removes",
    )
    return {"session_id": session, "item_id": item.pk}, "mentee"


def _experiment(scene) -> tuple[dict, str]:
    item = sessions.action_item_add(
        organization=scene.organization,
        actor=scene.mentee,
        mentorship=scene.mentorship,
        description="Ask one question before answering",
        due_on=timezone.localdate() + timedelta(days=7),
        owner=scene.mentorship.mentee.person,
    )
    return {"mentorship_id": scene.mentorship.pk, "item_id": item.pk}, "mentee"


def _future_session(scene) -> tuple[dict, str]:
    last = Session.objects.filter(mentorship=scene.mentorship).order_by("-starts_at").first()
    session = sessions.session_schedule(
        organization=scene.organization,
        actor=scene.mentee,
        mentorship=scene.mentorship,
        starts_at=max(last.starts_at, timezone.now()) + timedelta(days=3),
        location="Room 4",
    )
    return {"session_id": session.pk}, "mentee"


def _past_session(scene) -> tuple[dict, str]:
    session = Session.objects.create(
        organization=scene.organization,
        mentorship=scene.mentorship,
        status=SessionStatus.PLANNED,
        starts_at=timezone.now() - timedelta(hours=2),
        created_by=scene.mentorship.mentee.person,
    )
    return {"session_id": session.pk}, "mentee"


def _mentor_request(scene) -> tuple[dict, str]:
    """A new request in the self-match program, to the mentor who is not of the pair."""
    program = Program.objects.get(matching_mode=MatchingMode.SELF)
    mentor = Enrollment.objects.get(program=program, person__user=other(scene, "mentor"))
    for mentee in scene.org.mentees:
        try:
            request = matching.mentor_request_create(
                organization=scene.organization,
                actor=mentee,
                program=program,
                mentor=mentor,
                message="Could we work on giving feedback?",
            )
        except ValidationError:  # the rules keep this mentee from this mentor
            continue
        return {"request_id": request.pk}, "other mentor"
    raise AssertionError("no mentee of the scene may ask the other mentor")


def _observation(scene) -> tuple[dict, str]:
    observation = observation_add(
        organization=scene.organization,
        actor=scene.mentee,
        mentorship=scene.mentorship,
        **{**SEEN, "situation": f"{SEEN['situation']} ({timezone.now():%H:%M:%S.%f})"},
    )
    return {"mentorship_id": scene.mentorship.pk, "observation_id": observation.pk}, "mentee"


# The edit's route name -> the factory of the object it and its removal act on.
FRESH = {
    "sessions:agenda_edit": _agenda_point,
    "sessions:agenda_move": _agenda_point,
    "sessions:experiment_done": _experiment,
    "sessions:reschedule": _future_session,
    "sessions:log": _past_session,
    "matching:request_accept": _mentor_request,
    "sessions:observation_edit": _observation,
    "sessions:observation_share": _observation,
    "sessions:observation_experiment": _observation,
}

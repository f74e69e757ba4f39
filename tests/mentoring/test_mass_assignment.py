"""Mass assignment: no page, form or admin takes the organization, an owner, a role or a
workflow status from input it does not offer.

Each case posts a valid form plus, for every field of the model the form does not offer,
a hostile value: another organization, another person's or another organization's row,
another status, injected text. The stored row must keep what the server decided. The
admin sweeps cover every ModelAdmin of the organization site, so a new one is checked
(or the meta-test asks for its add data) the moment it is registered.

To cover a new participant form, add a ``Post`` to ``POSTS``: the URL, valid data, which
model fields the form legitimately writes (``offered``) and what the server decides
(``expect``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from feedback import services as feedback_services
from feedback.models import Feedback, SkillRating, SurveyResponse
from matching import services as matching_services
from matching.models import FitCheck, MentorRequest
from mentoring.accounts import services as invitations
from mentoring.accounts.models import IdentityProvider
from mentoring.directory.models import DirectoryGroup
from mentoring.notifications.models import Kind, NotificationSetting, OutboxMessage, Status
from mentoring.notifications.outbox import preferences_token
from mentoring.people.models import Department, Profile, SeniorityLevel
from mentoring.tenancy import activate, all_organizations
from mentoring.tenancy.admin import organization_admin_site
from mentoring.tenancy.models import Membership, Role, TenantModel
from programs.models import (
    ChecklistAudience,
    ChecklistCompletion,
    ChecklistItem,
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Goal,
    GoalReview,
    GoalStatus,
    MatchingMode,
    ProgramStatus,
    Resource,
    ResourceKind,
    SessionPlanStep,
    Skill,
    TrainingModule,
)
from sessions import services as session_services
from sessions.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Agreement,
    PrivateNote,
    Session,
    SessionKind,
    SessionStatus,
)
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort
from tests.builders.pair import make_pair
from tests.builders.sso import provider_form_fields, shared_provider
from tests.builders.world import hold_session, make_program

INJECTED = "INJECTED"
FAR_AWAY_ID = 2**31 - 1
HOSTILE_NUMBER = 77
HOSTILE_DATE = date(2001, 2, 3)
HOSTILE_MOMENT = datetime(2001, 2, 3, 4, 5, tzinfo=UTC)


# ---------------------------------------------------------------- hostile input


def _pk(value):
    return value.pk if isinstance(value, models.Model) else value


def _another_row(model, *, avoid, home_organization_id) -> int:
    """A row of ``model`` that is not ``avoid``, preferably of another organization."""
    with all_organizations():
        rows = model._base_manager.exclude(pk__in=[pk for pk in avoid if pk is not None])
        if issubclass(model, TenantModel):
            elsewhere = rows.exclude(organization_id=home_organization_id)
            rows = elsewhere if elsewhere.exists() else rows
        elif model._meta.label == "mentoring.Organization":
            rows = rows.exclude(pk=home_organization_id)
        pk = rows.order_by("-pk").values_list("pk", flat=True).first()
    return pk if pk is not None else FAR_AWAY_ID


def hostile_value(model_field, *, expected, home_organization_id):
    """(what to post, what must then not be stored) for one model field."""
    if model_field.is_relation:
        pk = _another_row(
            model_field.related_model,
            avoid=[_pk(expected)],
            home_organization_id=home_organization_id,
        )
        return pk, pk
    if model_field.choices:
        avoid = {expected}
        if model_field.has_default():
            avoid.add(model_field.get_default())
        values = [value for value, _label in model_field.flatchoices if value not in avoid]
        return values[-1], values[-1]
    if isinstance(model_field, models.BooleanField):
        base = expected if expected is not None else model_field.get_default()
        value = not bool(base)
        return ("true" if value else "false"), value
    if isinstance(model_field, models.IntegerField):
        value = HOSTILE_NUMBER + (expected == HOSTILE_NUMBER)
        return value, value
    if isinstance(model_field, models.FloatField):
        return HOSTILE_NUMBER + 0.5, HOSTILE_NUMBER + 0.5
    if isinstance(model_field, models.DateTimeField):
        return HOSTILE_MOMENT.isoformat(), HOSTILE_MOMENT
    if isinstance(model_field, models.DateField):
        return HOSTILE_DATE.isoformat(), HOSTILE_DATE
    if isinstance(model_field, models.JSONField):
        return '{"injected": true}', {"injected": True}
    if isinstance(model_field, ArrayField):
        return INJECTED, [INJECTED]
    return INJECTED, INJECTED


@dataclass
class Hostile:
    post: dict = field(default_factory=dict)  # posted name -> value
    refused: dict = field(default_factory=dict)  # attname -> value that must not be stored

    def replace(self, model, values: dict, *, prefix: str = "") -> None:
        """Post ``values`` (field name -> value) instead of the generic hostile ones."""
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            self.refused[model_field.attname] = _pk(value)
            for posted_name in {model_field.name, model_field.attname}:
                self.post[posted_name] = _pk(value)
                if prefix:
                    self.post[f"{prefix}-{posted_name}"] = _pk(value)


def hostile_input(model, *, offered, expected, home_organization_id, prefix="") -> Hostile:
    """A hostile value for every concrete field of ``model`` the form does not offer,
    posted under the field's name and column name, with and without the form's prefix."""
    hostile = Hostile()
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or model_field.name in offered:
            continue
        posted, refused = hostile_value(
            model_field,
            expected=expected.get(model_field.name),
            home_organization_id=home_organization_id,
        )
        hostile.refused[model_field.attname] = refused
        for name in {model_field.name, model_field.attname}:
            hostile.post[name] = posted
            if prefix:
                hostile.post[f"{prefix}-{name}"] = posted
    return hostile


def assert_kept(row, *, hostile: Hostile, expected: dict, organization) -> None:
    label = f"{type(row).__name__} #{row.pk}"
    assert row.organization_id == organization.pk, f"{label} moved to another organization"
    for name, value in expected.items():
        attname = row._meta.get_field(name).attname
        assert getattr(row, attname) == _pk(value), f"{label}.{name} is not what the server set"
    taken = {
        attname: refused
        for attname, refused in hostile.refused.items()
        if getattr(row, attname) == refused
    }
    assert taken == {}, f"{label} took these fields from the input"


def rows_of(model) -> set[int]:
    with all_organizations():
        return set(model._base_manager.values_list("pk", flat=True))


def reload_unscoped(row):
    with all_organizations():
        return type(row)._base_manager.get(pk=row.pk)


# ---------------------------------------------------------------- the scene


class Scene:
    """The two-organization world, and acme's pair built when a case asks for it."""

    def __init__(self, world):
        self.world = world
        self.acme = world.acme
        self.organization = world.acme.organization

    @cached_property
    def pair(self):
        return make_pair(self.acme)

    def profile(self, user) -> Profile:
        with activate(self.organization):
            return Profile.objects.get(user=user)

    @cached_property
    def mentee_profile(self):
        return self.profile(self.pair.mentee)

    @cached_property
    def mentor_profile(self):
        return self.profile(self.pair.mentor)

    @cached_property
    def mentee_enrollment(self):
        with activate(self.organization):
            return Enrollment.objects.get(pk=self.pair.mentorship.mentee_id)

    @cached_property
    def focus_skill(self):
        with activate(self.organization):
            return self.mentee_enrollment.skill_links.select_related("skill").first().skill

    @cached_property
    def goal(self):
        with activate(self.organization):
            return Goal.objects.filter(enrollment=self.mentee_enrollment).first()

    def in_acme(self):
        return activate(self.organization)

    def scheduled_session(self, *, in_the_past=False) -> Session:
        with self.in_acme():
            session = session_services.session_schedule(
                organization=self.organization,
                actor=self.pair.mentee,
                mentorship=self.pair.mentorship,
                starts_at=timezone.now() + timedelta(days=1),
            )
            if in_the_past:
                Session.objects.filter(pk=session.pk).update(
                    starts_at=timezone.now() - timedelta(hours=2)
                )
        return session


def local_input(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


# ---------------------------------------------------------------- participant forms


def _nothing(scene):
    return None


def _pair(scene):
    return scene.pair  # built before the rows are counted: its own emails are not the post's


def _pair_mentee(scene):
    return scene.pair.mentee


def _pair_mentor(scene):
    return scene.pair.mentor


def _no_prefix(scene):
    return ""


def _no_values(scene):
    return {}


@dataclass(frozen=True)
class Post:
    name: str
    model: type
    offered: frozenset
    url: Callable
    data: Callable
    expect: Callable  # scene -> {field name: the value the server decides}
    actor: Callable = _pair_mentee  # None: not signed in
    prefix: Callable = _no_prefix
    setup: Callable = _nothing
    changes: Callable | None = None  # scene -> the row the post changes; None: creates rows
    # scene -> {field name: a value of the home organization the server would accept were
    # the form to offer the field}, posted instead of the generic hostile value
    plausible: Callable = _no_values
    status: int = 302

    def __str__(self) -> str:
        return self.name


def _new_program(scene):
    scene.program = make_program(scene.acme)
    with scene.in_acme():
        scene.program_skills = [link.skill for link in scene.program.focus_links.all()]


def _self_match(scene):
    scene.cohort = make_cohort(
        scene.acme,
        status=ProgramStatus.RUNNING,
        matching_mode=MatchingMode.SELF,
        cross_functional="off",
    )
    scene.asker = scene.acme.mentees[0]
    scene.asked = scene.cohort.enrollment(scene.acme.mentors[0])
    scene.asking = scene.cohort.enrollment(scene.asker)


def _self_match_request(scene):
    _self_match(scene)
    with scene.in_acme():
        scene.request = matching_services.mentor_request_create(
            organization=scene.organization,
            actor=scene.asker,
            program=scene.cohort.program,
            mentor=scene.asked,
            message="Could you help me run meetings?",
        )


def _held_session(scene):
    hold_session(scene.pair.mentorship)


def _session(scene):
    scene.session = scene.scheduled_session()


def _past_session(scene):
    scene.session = scene.scheduled_session(in_the_past=True)


def _agreement(scene):
    with scene.in_acme():
        scene.agreement = session_services.agreement_save(
            organization=scene.organization,
            actor=scene.pair.mentor,
            mentorship=scene.pair.mentorship,
            **AGREEMENT,
        )


def _agenda_point(scene):
    _session(scene)
    with scene.in_acme():
        scene.point = session_services.agenda_item_add(
            organization=scene.organization,
            actor=scene.pair.mentee,
            session=scene.session,
            text="The Tuesday retro",
        )


def _experiment(scene):
    with scene.in_acme():
        scene.experiment = session_services.action_item_add(
            organization=scene.organization,
            actor=scene.pair.mentor,
            mentorship=scene.pair.mentorship,
            description="Summarize before answering",
            due_on=timezone.localdate() + timedelta(days=7),
        )


def _feedback(scene):
    with scene.in_acme():
        scene.feedback = feedback_services.feedback_give(
            organization=scene.organization,
            actor=scene.pair.mentor,
            mentorship=scene.pair.mentorship,
            skill=scene.focus_skill,
            kind="keep",
            **GOOD_FEEDBACK,
        )


def _invitation(scene):
    with scene.in_acme():
        invitation, scene.token = invitations.invitation_create(
            organization=scene.organization,
            actor=scene.acme.manager,
            email="newcomer@acme.example",
            display_name="Newcomer",
            send_email=False,
        )
    scene.invitation = invitation


def _another_placement(scene):
    """What matching relies on (department, level, manager), moved to other rows of acme
    that a program manager could choose."""
    profile = scene.mentee_profile
    with scene.in_acme():
        return {
            "department": Department.objects.exclude(pk=profile.department_id).first(),
            "seniority": SeniorityLevel.objects.exclude(pk=profile.seniority_id).first(),
            "manager": scene.mentor_profile,
        }


def _checklist_item(scene):
    with scene.in_acme():
        scene.item = ChecklistItem.objects.filter(
            audience=ChecklistAudience.MENTEE_FIRST_SESSION, program__isnull=True
        ).first()


GOOD_FEEDBACK = {
    "situation": "In Tuesday's planning meeting, when the budget came up",
    "behaviour": "you summarized Priya's concern in one sentence before you gave your view",
    "impact": "so she relaxed and added two details nobody had heard",
    "suggestion": "Next time, try the same with the quietest person in the room",
}
AGREEMENT = {
    "goals": "Speak up once in every planning meeting",
    "cadence": "An hour every two weeks, by video",
    "confidentiality": "Nothing leaves this room without asking",
    "mentee_feedback_style": "Straight away, in private",
    "mentor_feedback_style": "Written, the next day",
}

POSTS = [
    # ------------------------------------------------ programs
    Post(
        name="a mentee's application",
        model=Enrollment,
        offered=frozenset({"situations"}),
        setup=_new_program,
        url=lambda s: f"/programs/{s.program.pk}/apply/mentee/",
        data=lambda s: {
            "focus_skills": [s.program_skills[0].pk],
            "goal_statement": "Speak at least once in every planning meeting I attend",
            "goal_skill": "",
            "situation_1": "A planning meeting where two people talked all along",
            "situation_2": "A retro nobody spoke in",
        },
        expect=lambda s: {
            "program": s.program,
            "person": s.mentee_profile,
            "role": EnrollmentRole.MENTEE,
            "status": EnrollmentStatus.APPLIED,
        },
    ),
    Post(
        name="a mentor's application",
        model=Enrollment,
        offered=frozenset({"capacity", "growth_story"}),
        actor=_pair_mentor,
        setup=_new_program,
        url=lambda s: f"/programs/{s.program.pk}/apply/mentor/",
        data=lambda s: {
            "skills": [s.program_skills[0].pk],
            "capacity": "2",
            "growth_story": "I learned it the hard way.",
        },
        expect=lambda s: {
            "program": s.program,
            "person": s.mentor_profile,
            "role": EnrollmentRole.MENTOR,
            "status": EnrollmentStatus.APPLIED,
        },
    ),
    Post(
        name="a new goal",
        model=Goal,
        offered=frozenset({"statement", "skill", "target_on"}),
        url=lambda s: f"/enrolments/{s.mentee_enrollment.pk}/goals/new/",
        data=lambda s: {
            "statement": "Ask one open question in each one-to-one",
            "skill": s.focus_skill.pk,
            "target_on": "",
        },
        expect=lambda s: {"enrollment": s.mentee_enrollment, "status": GoalStatus.ACTIVE},
    ),
    Post(
        name="a goal's edit",
        model=Goal,
        offered=frozenset({"statement", "skill", "target_on", "status"}),
        url=lambda s: f"/goals/{s.goal.pk}/edit/",
        data=lambda s: {
            "statement": "Ask two open questions in each one-to-one",
            "skill": s.focus_skill.pk,
            "target_on": "",
            "status": GoalStatus.ACTIVE,
        },
        changes=lambda s: s.goal,
        expect=lambda s: {"enrollment": s.mentee_enrollment},
    ),
    Post(
        name="a goal review",
        model=GoalReview,
        offered=frozenset({"progress", "what_changed", "next_steps", "adjusted_focus"}),
        prefix=lambda s: f"review-{s.goal.pk}",
        url=lambda s: f"/goals/{s.goal.pk}/reviews/",
        data=lambda s: {
            f"review-{s.goal.pk}-progress": "3",
            f"review-{s.goal.pk}-what_changed": "I spoke twice in the retro",
            f"review-{s.goal.pk}-next_steps": "Try it in the all-hands",
            f"review-{s.goal.pk}-adjusted_focus": "",
        },
        expect=lambda s: {
            "goal": s.goal,
            "author": s.mentee_profile,
            "author_role": EnrollmentRole.MENTEE,
        },
    ),
    Post(
        name="a ticked checklist item",
        model=ChecklistCompletion,
        offered=frozenset(),
        setup=_checklist_item,
        url=lambda s: f"/checklist/items/{s.item.pk}/",
        data=lambda s: {"done": "1", "section": f"e{s.mentee_enrollment.pk}"},
        expect=lambda s: {"item": s.item, "person": s.mentee_profile},
    ),
    # ------------------------------------------------ matching
    Post(
        name="a self-match request",
        model=MentorRequest,
        offered=frozenset({"message"}),
        actor=lambda s: s.asker,
        setup=_self_match,
        prefix=lambda s: f"mentor-{s.asked.pk}",
        url=lambda s: f"/programs/{s.cohort.program.pk}/mentors/{s.asked.pk}/request/",
        data=lambda s: {f"mentor-{s.asked.pk}-message": "Could you help me run meetings?"},
        expect=lambda s: {
            "program": s.cohort.program,
            "mentee": s.asking,
            "mentor": s.asked,
            "status": "pending",
        },
    ),
    Post(
        name="a declined self-match request",
        model=MentorRequest,
        offered=frozenset({"response_reason", "status", "answered_at"}),
        actor=lambda s: s.acme.mentors[0],
        setup=_self_match_request,
        prefix=lambda s: f"decline-{s.request.pk}",
        url=lambda s: f"/mentoring/requests/{s.request.pk}/decline/",
        data=lambda s: {f"decline-{s.request.pk}-reason": "I am full until June."},
        changes=lambda s: s.request,
        expect=lambda s: {"program": s.cohort.program, "mentee": s.asking, "mentor": s.asked},
    ),
    Post(
        name="an accepted self-match request",
        model=MentorRequest,
        offered=frozenset({"status", "answered_at"}),
        actor=lambda s: s.acme.mentors[0],
        setup=_self_match_request,
        url=lambda s: f"/mentoring/requests/{s.request.pk}/accept/",
        data=lambda s: {},
        changes=lambda s: s.request,
        expect=lambda s: {"program": s.cohort.program, "mentee": s.asking, "mentor": s.asked},
    ),
    Post(
        name="a fit check",
        model=FitCheck,
        offered=frozenset({"is_good_fit", "comment"}),
        setup=_held_session,
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/fit-check/",
        data=lambda s: {"is_good_fit": "yes", "comment": "We work well"},
        expect=lambda s: {"mentorship": s.pair.mentorship, "respondent": s.mentee_profile},
    ),
    # ------------------------------------------------ sessions
    Post(
        name="a scheduled session",
        model=Session,
        offered=frozenset({"starts_at", "duration_minutes", "kind", "location"}),
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/sessions/new/",
        data=lambda s: {
            "starts_at": local_input(days=3),
            "duration_minutes": "60",
            "kind": SessionKind.CHECK_IN,
            "location": "Room 4",
        },
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "created_by": s.mentee_profile,
            "status": SessionStatus.PLANNED,
            "logged_by": None,
        },
    ),
    Post(
        name="a rescheduled session",
        model=Session,
        offered=frozenset({"starts_at", "duration_minutes", "location", "change_note"}),
        setup=_session,
        prefix=lambda s: "move",
        url=lambda s: f"/sessions/{s.session.pk}/reschedule/",
        data=lambda s: {
            "move-starts_at": local_input(days=4),
            "move-duration_minutes": "45",
            "move-note": "A clash",
        },
        changes=lambda s: s.session,
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "created_by": s.mentee_profile,
            "status": SessionStatus.PLANNED,
            "kind": SessionKind.CHECK_IN,
        },
    ),
    Post(
        name="a session log",
        model=Session,
        offered=frozenset({"status", "actual_minutes", "shared_notes", "real_situations"}),
        actor=_pair_mentor,
        setup=_past_session,
        url=lambda s: f"/sessions/{s.session.pk}/log/",
        data=lambda s: {
            "status": SessionStatus.HELD,
            "actual_minutes": "55",
            "shared_notes": "We went through the retro.",
            "real_situations": "The Tuesday retro",
            "private_note": "",
        },
        changes=lambda s: s.session,
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "created_by": s.mentee_profile,
            "logged_by": s.mentor_profile,
            "kind": SessionKind.CHECK_IN,
        },
    ),
    Post(
        name="a cancelled session",
        model=Session,
        offered=frozenset({"status", "change_note", "logged_at"}),
        setup=_session,
        prefix=lambda s: "cancel",
        url=lambda s: f"/sessions/{s.session.pk}/cancel/",
        data=lambda s: {"cancel-note": "Off sick"},
        changes=lambda s: s.session,
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "created_by": s.mentee_profile,
            "logged_by": s.mentee_profile,
            "kind": SessionKind.CHECK_IN,
        },
    ),
    Post(
        name="a private note",
        model=PrivateNote,
        offered=frozenset({"text"}),
        setup=_session,
        prefix=lambda s: "private",
        url=lambda s: f"/sessions/{s.session.pk}/private-note/",
        data=lambda s: {"private-text": "Prepare the retro story"},
        expect=lambda s: {"session": s.session, "author": s.mentee_profile},
    ),
    Post(
        name="a working agreement",
        model=Agreement,
        offered=frozenset(AGREEMENT),
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/agreement/",
        data=lambda s: AGREEMENT,
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "mentee_confirmed_at": None,
            "mentor_confirmed_at": None,
        },
    ),
    Post(
        name="the mentee's confirmation of the agreement",
        model=Agreement,
        offered=frozenset({"mentee_confirmed_at"}),
        setup=_agreement,
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/agreement/confirm/",
        data=lambda s: {"side": "mentor"},
        changes=lambda s: s.agreement,
        expect=lambda s: {"mentorship": s.pair.mentorship, "mentor_confirmed_at": None},
    ),
    Post(
        name="an agenda point",
        model=AgendaItem,
        offered=frozenset({"text", "prompt"}),
        setup=_session,
        url=lambda s: f"/sessions/{s.session.pk}/agenda/add/",
        data=lambda s: {"text": "The budget meeting"},
        expect=lambda s: {
            "session": s.session,
            "added_by": s.mentee_profile,
            "is_covered": False,
            "follow_up_of": None,
        },
    ),
    Post(
        name="an agenda point's edit",
        model=AgendaItem,
        offered=frozenset({"text", "version"}),  # the version the edit started from
        actor=_pair_mentor,
        setup=_agenda_point,
        url=lambda s: f"/sessions/{s.session.pk}/agenda/{s.point.pk}/edit/",
        data=lambda s: {"text": "The Wednesday retro"},
        changes=lambda s: s.point,
        expect=lambda s: {"session": s.session, "added_by": s.mentee_profile},
    ),
    Post(
        name="an experiment",
        model=ActionItem,
        offered=frozenset({"description", "due_on"}),
        prefix=lambda s: "new",
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/experiments/new/",
        data=lambda s: {
            "new-description": "Summarize before answering",
            "new-owner": "me",
            "new-due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        },
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "owner": s.mentee_profile,
            "status": ActionStatus.OPEN,
            "session": None,
        },
    ),
    Post(
        name="a finished experiment",
        model=ActionItem,
        offered=frozenset({"reflection", "status", "completed_at"}),
        setup=_experiment,
        prefix=lambda s: f"done-{s.experiment.pk}",
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/experiments/{s.experiment.pk}/done/",
        data=lambda s: {f"done-{s.experiment.pk}-reflection": "It worked twice"},
        changes=lambda s: s.experiment,
        expect=lambda s: {"mentorship": s.pair.mentorship, "owner": s.mentee_profile},
    ),
    # ------------------------------------------------ feedback
    Post(
        name="feedback given",
        model=Feedback,
        offered=frozenset({"skill", "kind", "session", *GOOD_FEEDBACK}),
        actor=_pair_mentor,
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/feedback/new/",
        data=lambda s: {"skill": s.focus_skill.pk, "kind": "change", **GOOD_FEEDBACK},
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "giver": s.mentor_profile,
            "receiver": s.mentee_profile,
            "reflection": "",
            "experiment": None,
        },
    ),
    Post(
        name="a reflection on feedback received",
        model=Feedback,
        offered=frozenset({"reflection", "reflected_at"}),
        setup=_feedback,
        prefix=lambda s: f"reflect-{s.feedback.pk}",
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/feedback/{s.feedback.pk}/reflect/",
        data=lambda s: {f"reflect-{s.feedback.pk}-reflection": "I will try it on Monday"},
        changes=lambda s: s.feedback,
        expect=lambda s: {
            "mentorship": s.pair.mentorship,
            "giver": s.mentor_profile,
            "receiver": s.mentee_profile,
        },
    ),
    Post(
        name="a skill rating",
        model=SkillRating,
        offered=frozenset({"level", "moment", "period"}),
        prefix=lambda s: f"skill-{s.focus_skill.pk}",
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/progress/{s.focus_skill.pk}/rate/",
        data=lambda s: {
            f"skill-{s.focus_skill.pk}-level": "3",
            f"skill-{s.focus_skill.pk}-moment": "start",
            f"skill-{s.focus_skill.pk}-period": "",
        },
        expect=lambda s: {
            "enrollment": s.mentee_enrollment,
            "skill": s.focus_skill,
            "rater": s.mentee_profile,
            "rater_role": "self",
        },
    ),
    Post(
        name="a pulse answer",
        model=SurveyResponse,
        offered=frozenset({"answers", "comment"}),
        url=lambda s: f"/mentorships/{s.pair.mentorship.pk}/pulse/",
        data=lambda s: {"useful": "4", "candid": "5", "comment": "Helpful"},
        expect=lambda s: {
            "kind": "pulse",
            "program": s.pair.mentorship.program_id,
            "mentorship": s.pair.mentorship,
            "respondent": s.mentee_profile,
            "respondent_role": "mentee",
            "is_current": True,
        },
    ),
    Post(
        name="a program survey answer",
        model=SurveyResponse,
        offered=frozenset({"answers", "comment"}),
        url=lambda s: f"/programs/{s.pair.mentorship.program_id}/survey/",
        data=lambda s: {"useful": "4", "recommend": "9", "comment": ""},
        expect=lambda s: {
            "kind": "program",
            "program": s.pair.mentorship.program_id,
            "mentorship": None,
            "respondent": s.mentee_profile,
            "is_current": True,
        },
    ),
    # ------------------------------------------------ people, notifications, invitations
    Post(
        name="my profile",
        model=Profile,
        offered=frozenset(
            {"display_name", "job_title", "time_zone", "languages", "bio", "language"}
        ),
        url=lambda s: "/me/profile/",
        data=lambda s: {
            "display_name": "Jo Mentee",
            "job_title": "Analyst",
            "time_zone": "Europe/Paris",
            "languages": ["en"],
            "bio": "Curious",
            "language": "de",
        },
        changes=lambda s: s.mentee_profile,
        expect=lambda s: {
            "user": s.pair.mentee,
            "department": s.mentee_profile.department_id,
            "seniority": s.mentee_profile.seniority_id,
            "manager": s.mentee_profile.manager_id,
        },
        plausible=_another_placement,
    ),
    Post(
        name="a request to correct my profile",
        model=OutboxMessage,
        offered=frozenset(),
        setup=_pair,
        url=lambda s: "/me/profile/correction/",
        data=lambda s: {"message": "I moved to the Sales team in March."},
        expect=lambda s: {
            "kind": Kind.PROFILE_CORRECTION,
            "recipient": s.acme.manager,
            "to_email": s.acme.manager.email,
            "status": Status.PENDING,
            "attempts": 0,
        },
    ),
    Post(
        name="notification preferences from an email's link",
        model=NotificationSetting,
        offered=frozenset({"kind", "is_enabled"}),
        actor=None,
        url=lambda s: f"/notifications/{preferences_token(s.mentee_profile)}/",
        data=lambda s: {"kinds": []},
        expect=lambda s: {"person": s.mentee_profile},
    ),
    Post(
        name="an accepted invitation",
        model=Membership,
        offered=frozenset(),
        actor=None,
        setup=_invitation,
        url=lambda s: f"/invitations/{s.token}/",
        data=lambda s: {
            "display_name": "Newcomer",
            "password1": "pw-correct-horse-42",
            "password2": "pw-correct-horse-42",
        },
        expect=lambda s: {"role": Role.MEMBER, "is_active": True},
    ),
]


@pytest.mark.parametrize("case", POSTS, ids=str)
def test_a_participant_form_stores_only_what_it_offers(case, world):
    scene = Scene(world)
    case.setup(scene)
    expected = case.expect(scene)
    changed = case.changes(scene) if case.changes else None
    before = rows_of(case.model)
    prefix = case.prefix(scene)
    hostile = hostile_input(
        case.model,
        offered=case.offered,
        expected=expected,
        home_organization_id=scene.organization.pk,
        prefix=prefix,
    )
    hostile.replace(case.model, case.plausible(scene), prefix=prefix)
    browser = client_for(Client(), scene.organization, case.actor(scene) if case.actor else None)
    response = browser.post(case.url(scene), {**hostile.post, **case.data(scene)})

    assert response.status_code == case.status, response.content.decode()[:3000]
    if changed is not None:
        rows = [reload_unscoped(changed)]
    else:
        with all_organizations():
            rows = list(case.model._base_manager.exclude(pk__in=before))
        assert rows, f"the post created no {case.model.__name__}"
    for row in rows:
        assert_kept(row, hostile=hostile, expected=expected, organization=scene.organization)


def test_accepting_an_invitation_takes_neither_staff_rights_nor_another_email(world):
    scene = Scene(world)
    _invitation(scene)
    browser = client_for(Client(), scene.organization)
    response = browser.post(
        f"/invitations/{scene.token}/",
        {
            "display_name": "Newcomer",
            "password1": "pw-correct-horse-42",
            "password2": "pw-correct-horse-42",
            "is_staff": "on",
            "is_superuser": "on",
            "email": "attacker@globex.example",
            "role": Role.MANAGER,
        },
    )
    assert response.status_code == 302
    with all_organizations():
        membership = Membership.unscoped.select_related("user").get(
            user__email="newcomer@acme.example"
        )
    assert (membership.role, membership.organization_id) == (Role.MEMBER, scene.organization.pk)
    assert not membership.user.is_staff and not membership.user.is_superuser


# ---------------------------------------------------------------- the organization admin


class _FormFields(HTMLParser):
    """What a browser would submit for each ``<form>`` of a page, by the form's id."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: dict[str, list[tuple[str, str]]] = {}
        self.names: dict[str, set[str]] = {}  # every field's name, sent or not (unchecked)
        self._form = self._select = self._option = self._textarea = None
        self._form_id = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form_id = attributes.get("id") or f"#{len(self.forms)}"
            self._form = self.forms.setdefault(self._form_id, [])
            self.names.setdefault(self._form_id, set())
            return
        if self._form is None or "disabled" in attributes:
            return
        if tag in {"input", "select", "textarea"} and attributes.get("name"):
            self.names[self._form_id].add(attributes["name"])
        if tag == "input":
            kind = (attributes.get("type") or "text").lower()
            name = attributes.get("name")
            if not name or kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self._form.append((name, attributes.get("value") or default))
        elif tag == "select":
            self._select = {"name": attributes.get("name"), "multiple": "multiple" in attributes}
            self._select["options"] = []
        elif tag == "option" and self._select is not None:
            self._option = [attributes.get("value"), "selected" in attributes, ""]
        elif tag == "textarea":
            self._textarea = [attributes.get("name"), ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None:
            value, selected, label = self._option
            self._select["options"].append((label.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]
            if self._select["name"] and self._form is not None:
                self._form.extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            if name and self._form is not None:
                self._form.append((name, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_data(page: str, form_id: str) -> tuple[dict[str, list[str]], set[str]]:
    """What the form submits as the page shows it, and the names of all its fields."""
    parser = _FormFields()
    parser.feed(page)
    assert form_id in parser.forms, f"no form #{form_id} on the page: {sorted(parser.forms)}"
    data: dict[str, list[str]] = {}
    for name, value in parser.forms[form_id]:
        data.setdefault(name, []).append(value)
    return data, parser.names[form_id]


def offered_fields(model, posted_names) -> set[str]:
    """The model fields a form offers, from the names it posts (split widgets: name_0)."""
    names = {name.removeprefix("initial-") for name in posted_names}
    return {
        model_field.name
        for model_field in model._meta.concrete_fields
        if any(
            name in (model_field.name, model_field.attname)
            or name.removeprefix(model_field.name).lstrip("_").isdigit()
            for name in names
        )
    }


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _manager_request():
    return SimpleNamespace(membership=SimpleNamespace(is_manager=True), user=None)


def _admin_can(model, action: str) -> bool:
    model_admin = organization_admin_site._registry[model]
    return getattr(model_admin, f"has_{action}_permission")(_manager_request())


REGISTERED = sorted(organization_admin_site._registry, key=lambda model: model._meta.label)
# Change pages that are not a model form: their posts are actions, tested with the app.
CUSTOM_CHANGE_PAGES = {
    "matching.MatchRun": "the change page is the draft's review (tests/matching/test_admin.py)",
}
ADDABLE = [model for model in REGISTERED if _admin_can(model, "add")]
CHANGEABLE = [
    model
    for model in REGISTERED
    if _admin_can(model, "change") and model._meta.label not in CUSTOM_CHANGE_PAGES
]
LIST_EDITABLE = [
    model for model in CHANGEABLE if organization_admin_site._registry[model].list_editable
]


class AdminScene(Scene):
    @cached_property
    def manager(self):
        return client_for(Client(), self.organization, self.acme.manager)

    @cached_property
    def manager_profile(self):
        return self.profile(self.acme.manager)

    def skills(self):
        with self.in_acme():
            return list(Skill.objects.filter(is_archived=False).order_by("name"))

    def lesson(self):
        """One of the default lessons of the organization's resource bank."""
        with self.in_acme():
            return Resource.objects.filter(kind=ResourceKind.LESSON).earliest("pk")


@pytest.fixture(autouse=True)
def _loopback_issuers(settings):
    settings.SSO_ALLOW_INSECURE_ISSUERS = True  # the identity provider's issuer is on loopback


ADD_DATA: dict[str, Callable[[AdminScene], dict]] = {
    "mentoring.ApiKey": lambda s: {"name": "Warehouse"},
    "mentoring.IdentityProvider": lambda s: provider_form_fields(s.organization),
    "mentoring.Department": lambda s: {"name": "Legal"},
    "mentoring.SeniorityLevel": lambda s: {"name": "Distinguished", "rank": "90"},
    "mentoring.Invitation": lambda s: {
        "email": "newcomer@acme.example",
        "display_name": "Newcomer",
        "role": Role.MEMBER,
        "department": "",
        "job_title": "",
    },
    "programs.Skill": lambda s: {
        "name": "Storytelling",
        "description": "Telling what happened so that others can act on it.",
        "behaviours": "Starts with the point\nGives one example\nChecks what was heard",
    },
    "programs.Program": lambda s: {
        "name": "Speak up",
        "purpose": "Help quieter people be heard.",
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": (timezone.localdate() + timedelta(days=180)).isoformat(),
        "focus_skills": [skill.pk for skill in s.skills()[:2]],
    },
    "programs.Resource": lambda s: {
        "title": "Active listening",
        "url": "https://example.com/listening",
        "kind": ResourceKind.ARTICLE,
    },
    "programs.ChecklistItem": lambda s: {
        "audience": ChecklistAudience.MENTEE_FIRST_SESSION,
        "text": "Bring one real situation",
        "position": "5",
    },
    "programs.Recognition": lambda s: {
        "mentor": s.mentor_profile.pk,
        "program": s.pair.mentorship.program_id,
        "badge": "listener",
        "note": "Thank you for the patient listening.",
    },
    "programs.SessionPlanStep": lambda s: {
        "program": s.pair.mentorship.program_id,
        "kind": "practice",
        "title": "Practise with a role-play",
        "points": "Role-play a conversation about {skill}\nWhat will you try this week?",
        "position": "2",
    },
    "programs.TrainingModule": lambda s: {
        "program": s.pair.mentorship.program_id,
        "resource": s.lesson().pk,
        "reflection_prompt": "Where did you try it, and what happened?",
        "position": "1",
    },
    "mentoring_sessions.Prompt": lambda s: {
        "text": "What happened since we last met?",
        "phase": "check_in",
        "position": "3",
        "is_active": "on",
    },
}
# What the server decides on an added row, beyond its organization.
ADD_EXPECT: dict[str, Callable[[AdminScene], dict]] = {
    "programs.Program": lambda s: {"status": ProgramStatus.DRAFT},
    "programs.Recognition": lambda s: {"awarded_by": s.manager_profile},
    "programs.Skill": lambda s: {"is_archived": False},
    "mentoring.ApiKey": lambda s: {"created_by": s.manager_profile, "revoked_at": None},
    "mentoring.Invitation": lambda s: {"accepted_by": None, "accepted_at": None},
}
# The row each change page edits, when the first of the organization's will not do.
CHANGE_ROW: dict[str, Callable[[AdminScene], models.Model]] = {
    "mentoring.Profile": lambda s: s.mentee_profile,
    "mentoring.Membership": lambda s: Membership.objects.get(user=s.pair.mentee),
    "programs.Program": lambda s: s.pair.mentorship.program,
    "programs.Enrollment": lambda s: Enrollment.objects.get(pk=s.pair.mentorship.mentor_id),
    "matching.Mentorship": lambda s: s.pair.mentorship,
    "programs.Resource": lambda s: Resource.objects.create(
        organization=s.organization, title="Listening", url="https://example.com", kind="video"
    ),
    "programs.SessionPlanStep": lambda s: SessionPlanStep.objects.create(
        organization=s.organization,
        program=s.pair.mentorship.program,
        kind="practice",
        title="Practice",
        points=["Role-play a conversation about {skill}"],
    ),
    "programs.TrainingModule": lambda s: TrainingModule.objects.create(
        organization=s.organization,
        program=s.pair.mentorship.program,
        resource=s.lesson(),
        reflection_prompt="What did you try?",
    ),
    "mentoring.DirectoryGroup": lambda s: DirectoryGroup.objects.create(
        organization=s.organization, display_name="Everyone in sales"
    ),
    "mentoring.IdentityProvider": lambda s: IdentityProvider.objects.create(
        organization=s.organization,
        name="Acme Okta",
        issuer_url=shared_provider().issuer,  # the change form reads its discovery document
        end_session_url=f"{shared_provider().issuer}/logout",
        client_id="client",
        client_secret="secret",
    ),
}
# Fields a change page's service recomputes from what the form shows.
DERIVED_ON_SAVE = {"programs.Program": {"match_weights"}}


def _label(model) -> str:
    return model._meta.label


def test_every_admin_that_adds_rows_has_add_data_in_the_sweep():
    assert sorted(map(_label, ADDABLE)) == sorted(ADD_DATA)


@pytest.mark.parametrize("model", ADDABLE, ids=_label)
def test_an_admin_add_form_stores_only_what_it_offers(model, world):
    scene = AdminScene(world)
    page = scene.manager.get(admin_url(model, "add"))
    assert page.status_code == 200
    shown, names = form_data(page.content.decode(), f"{model._meta.model_name}_form")
    data = {**shown, **ADD_DATA[_label(model)](scene)}
    expected = ADD_EXPECT.get(_label(model), lambda s: {})(scene)
    hostile = hostile_input(
        model,
        offered=offered_fields(model, names | set(data)),
        expected=expected,
        home_organization_id=scene.organization.pk,
    )
    before = rows_of(model)

    response = scene.manager.post(admin_url(model, "add"), {**hostile.post, **data, "_save": "1"})

    assert response.status_code == 302, response.content.decode()[:5000]
    with all_organizations():
        rows = list(model._base_manager.exclude(pk__in=before))
    assert len(rows) == 1
    assert_kept(rows[0], hostile=hostile, expected=expected, organization=scene.organization)


def _snapshot(row) -> dict:
    row = reload_unscoped(row)
    return {
        model_field.attname: getattr(row, model_field.attname)
        for model_field in row._meta.concrete_fields
        if not getattr(model_field, "auto_now", False)
        and model_field.name not in DERIVED_ON_SAVE.get(row._meta.label, ())
    }


def _change_row(scene, model):
    with scene.in_acme():
        pick = CHANGE_ROW.get(_label(model))
        row = pick(scene) if pick else model.objects.order_by("pk").first()
    assert row is not None, f"the scene has no {_label(model)}: add it to CHANGE_ROW"
    return row


@pytest.mark.parametrize("model", CHANGEABLE, ids=_label)
def test_an_admin_change_form_changes_nothing_it_does_not_offer(model, world):
    scene = AdminScene(world)
    row = _change_row(scene, model)
    page = scene.manager.get(admin_url(model, "change", row.pk))
    assert page.status_code == 200
    data, names = form_data(page.content.decode(), f"{model._meta.model_name}_form")
    hostile = hostile_input(
        model,
        offered=offered_fields(model, names),
        expected={},
        home_organization_id=scene.organization.pk,
    )
    before = _snapshot(row)

    response = scene.manager.post(
        admin_url(model, "change", row.pk), {**hostile.post, **data, "_save": "1"}
    )

    assert response.status_code == 302, response.content.decode()[:5000]
    after = _snapshot(row)
    assert {name: after[name] for name in after if after[name] != before[name]} == {}


@pytest.mark.parametrize("model", LIST_EDITABLE, ids=_label)
def test_an_admin_list_edit_changes_nothing_it_does_not_offer(model, world):
    scene = AdminScene(world)
    _change_row(scene, model)  # the list holds at least one row to edit
    page = scene.manager.get(admin_url(model, "changelist"))
    assert page.status_code == 200
    data, _names = form_data(page.content.decode(), "changelist-form")
    total = int(data["form-TOTAL_FORMS"][0])
    assert total > 0
    rows = []
    hostile_post = {}
    offered = set(organization_admin_site._registry[model].list_editable)
    for index in range(total):
        row = model(pk=int(data[f"form-{index}-id"][0]))
        rows.append((row, _snapshot(row)))
        hostile = hostile_input(
            model,
            offered=offered,
            expected={},
            home_organization_id=scene.organization.pk,
            prefix=f"form-{index}",
        )
        hostile_post.update(
            {name: value for name, value in hostile.post.items() if name.startswith("form-")}
        )

    response = scene.manager.post(
        admin_url(model, "changelist"), {**hostile_post, **data, "_save": "Save"}
    )

    assert response.status_code == 302, response.content.decode()[:5000]
    changed = {}
    for row, before in rows:
        after = _snapshot(row)
        changed.update(
            {f"#{row.pk}.{name}": after[name] for name in after if after[name] != before[name]}
        )
    assert changed == {}


# ---------------------------------------------------------------- the forms themselves


def _all_subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _all_subclasses(subclass)


def test_no_tenant_model_lets_a_form_edit_its_organization():
    from django.apps import apps

    tenant_models = [model for model in apps.get_models() if issubclass(model, TenantModel)]
    editable = [
        _label(model) for model in tenant_models if model._meta.get_field("organization").editable
    ]
    assert tenant_models and editable == []


def test_no_model_form_of_the_project_offers_the_organization():
    offenders = [
        f"{form.__module__}.{form.__qualname__}"
        for form in _all_subclasses(forms.ModelForm)
        if getattr(getattr(form, "_meta", None), "model", None) is not None
        and issubclass(form._meta.model, TenantModel)
        and not form.__module__.startswith("django.")
        and ({"organization", "organization_id"} & set(form.base_fields))
    ]
    assert offenders == []


def test_no_admin_form_of_the_organization_site_offers_the_organization(world):
    scene = AdminScene(world)
    request = RequestFactory().get("/admin/", HTTP_HOST="acme.localhost")
    request.user = scene.acme.manager
    request.organization = scene.organization
    with scene.in_acme():
        request.membership = Membership.objects.get(user=scene.acme.manager)
    offenders = []
    for model, model_admin in organization_admin_site._registry.items():
        with scene.in_acme():
            row = model.objects.order_by("pk").first()
            form_classes = [model_admin.get_form(request, None, change=False)]
            if row is not None:
                form_classes.append(model_admin.get_form(request, row, change=True))
            if model_admin.list_editable:
                form_classes.append(model_admin.get_changelist_form(request))
            for inline in model_admin.get_inline_instances(request, row):
                form_classes.append(inline.get_formset(request, row).form)
        for form_class in form_classes:
            if {"organization", "organization_id"} & set(form_class.base_fields):
                offenders.append(f"{_label(model)}: {form_class.__name__}")
        if {"organization", "organization_id"} & set(model_admin.list_editable):
            offenders.append(f"{_label(model)}: list_editable")
    assert offenders == []

"""The two-organization test world (acme and globex, each with a manager, HR, two mentors
and two mentees) and small builders on top of it. Each organization's texts carry its
sentinel, so a test can search any page for the other organization's sentinel."""

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from mentoring.accounts.services import invitation_accept_new_user, invitation_create
from mentoring.people.models import Department, Profile, SeniorityLevel
from mentoring.people.services import organization_people_defaults_install
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership, Organization, Role
from programs.models import Program, ProgramStatus, SessionPlanStep, Skill
from programs.services import organization_programs_defaults_install, program_save
from sessions.models import Session, SessionStatus
from sessions.services import organization_sessions_defaults_install

PASSWORD = "pw-correct-horse-42"
_program_numbers = itertools.count(1)


@dataclass
class Org:
    organization: Organization
    sentinel: str
    manager: object = None
    hr: object = None
    mentors: list = field(default_factory=list)
    mentees: list = field(default_factory=list)
    departments: list = field(default_factory=list)

    @property
    def people(self):
        return [self.manager, self.hr, *self.mentors, *self.mentees]


@dataclass
class World:
    acme: Org
    globex: Org


def make_user(email: str, password: str = PASSWORD):
    user = get_user_model().objects.create_user(username=email, email=email, password=password)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def add_member(organization, user, *, role=Role.MEMBER, name="", department=None, level=None):
    with activate(organization):
        Membership.objects.create(organization=organization, user=user, role=role)
        return Profile.objects.create(
            organization=organization,
            user=user,
            display_name=name or user.email.split("@")[0],
            department=department,
            seniority=level,
        )


def make_organization(slug: str, name: str | None = None) -> Org:
    sentinel = f"{slug.upper()}-SENTINEL"
    organization = Organization.objects.create(slug=slug, name=name or f"{slug.title()} {sentinel}")
    org = Org(organization=organization, sentinel=sentinel)
    with activate(organization):
        organization_people_defaults_install(organization=organization)
        organization_programs_defaults_install(organization=organization)
        organization_sessions_defaults_install(organization=organization)
        org.departments = [
            Department.objects.create(organization=organization, name=f"{label} {sentinel}")
            for label in ("Engineering", "Sales")
        ]
        levels = list(SeniorityLevel.objects.order_by("rank"))

    def person(local, role, index, level):
        user = make_user(f"{local}@{slug}.example")
        add_member(
            organization,
            user,
            role=role,
            name=f"{local.title()} {sentinel}",
            department=org.departments[index % 2],
            level=levels[level],
        )
        return user

    org.manager = person("manager", Role.MANAGER, 0, 3)
    org.hr = person("hr", Role.HR, 1, 2)
    org.mentors = [person(f"mentor{i}", Role.MEMBER, i, 4) for i in range(2)]
    org.mentees = [person(f"mentee{i}", Role.MEMBER, i + 1, 0) for i in range(2)]
    return org


def invite(org: Org, email: str):
    """An invitation of ``org`` for ``email`` (no email sent): ``(invitation, token)``."""
    with activate(org.organization):
        return invitation_create(
            organization=org.organization, actor=None, email=email, send_email=False
        )


def join(org: Org, email: str, display_name: str):
    """``email`` is invited to ``org`` and accepts as a new user, who is returned."""
    _invitation, token = invite(org, email)
    with activate(org.organization):
        return invitation_accept_new_user(token=token, display_name=display_name, password=PASSWORD)


def build_world() -> World:
    return World(acme=make_organization("acme"), globex=make_organization("globex"))


def hold_session(mentorship):
    """Record a session of the pair as held yesterday (the fit check needs one)."""
    with activate(mentorship.organization):
        return Session.objects.create(
            organization=mentorship.organization,
            mentorship=mentorship,
            status=SessionStatus.HELD,
            starts_at=timezone.now() - timedelta(days=1),
            actual_minutes=60,
        )


def make_program(
    org: Org, *, name=None, status=ProgramStatus.ENROLLING, skills=2, session_plan=False, **fields
):
    """A program of ``org`` with its first ``skills`` catalogue skills as focus skills, and
    without the default session plan unless ``session_plan`` (so that sessions start with an
    empty agenda; tests/builders/session_plans.py gives a program its plan)."""
    today = date.today()
    defaults = {
        "name": name or f"Program {org.sentinel} {next(_program_numbers)}",
        "purpose": f"Grow listening at {org.sentinel}.",
        "starts_on": today - timedelta(days=30),
        "ends_on": today + timedelta(days=300),
        "time_commitment": "One hour every two weeks",
    }
    with activate(org.organization):
        program = Program(organization=org.organization, **{**defaults, **fields})
        focus = list(Skill.objects.order_by("name")[:skills])
        program_save(
            organization=org.organization, actor=org.manager, program=program, focus_skills=focus
        )
        if not session_plan:
            SessionPlanStep.objects.filter(program=program).delete()
        if status != ProgramStatus.DRAFT:
            Program.objects.filter(pk=program.pk).update(status=status)
            program.status = status
    return program

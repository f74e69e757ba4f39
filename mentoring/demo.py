"""Demo organizations for `seed_demo`: people, departments and reporting lines.

Later capabilities add their own demo data on top of what this creates. Every step
is idempotent: a second run finds what the first created and changes nothing.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction

from feedback.demo import seed_feedback
from matching.demo import seed_matching
from mentoring.accounts import services as invitations
from mentoring.accounts.models import Invitation
from mentoring.accounts.organizations import organization_create
from mentoring.people.models import Department, Profile, SeniorityLevel
from mentoring.people.services import profile_update
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership, Organization, Role
from programs.demo import seed_programs
from programs.demo_formats import seed_format_programs
from sessions.demo import seed_sessions

DEMO_PASSWORD = "mentoring-demo"  # noqa: S105  (printed for the demo; never used in production)
OPERATOR_EMAIL = "operator@platform.example"
SHARED_PERSON = "sam.rivera@consultants.example"


@dataclass(frozen=True)
class Person:
    local: str
    name: str
    role: str
    department: str
    title: str
    level: int
    time_zone: str
    languages: tuple[str, ...]
    manager: str | None = None


DEPARTMENTS = ("Engineering", "Sales", "Marketing", "People", "Finance", "Operations")

PEOPLE = (
    Person(
        "morgan.lee",
        "Morgan Lee",
        Role.MANAGER,
        "People",
        "Program manager",
        4,
        "Europe/London",
        ("en",),
    ),
    Person(
        "harper.quinn", "Harper Quinn", Role.HR, "People", "HR analyst", 3, "Europe/London", ("en",)
    ),
    Person(
        "amara.okafor",
        "Amara Okafor",
        Role.MEMBER,
        "Engineering",
        "Engineering director",
        6,
        "Europe/Berlin",
        ("en", "de"),
    ),
    Person(
        "diego.santos",
        "Diego Santos",
        Role.MEMBER,
        "Sales",
        "Head of sales",
        5,
        "America/New_York",
        ("en", "es", "pt-br"),
    ),
    Person(
        "li.wei",
        "Li Wei",
        Role.MEMBER,
        "Finance",
        "Principal analyst",
        5,
        "Asia/Singapore",
        ("en", "zh-hans"),
    ),
    Person(
        "nora.berg",
        "Nora Berg",
        Role.MEMBER,
        "Marketing",
        "Marketing lead",
        4,
        "Europe/Stockholm",
        ("en", "sv"),
    ),
    Person(
        "jamal.carter",
        "Jamal Carter",
        Role.MEMBER,
        "Engineering",
        "Software engineer",
        2,
        "America/Chicago",
        ("en",),
        "amara.okafor",
    ),
    Person(
        "sofia.rossi",
        "Sofia Rossi",
        Role.MEMBER,
        "Sales",
        "Account executive",
        2,
        "Europe/Rome",
        ("en", "it"),
        "diego.santos",
    ),
    Person(
        "kenji.sato",
        "Kenji Sato",
        Role.MEMBER,
        "Operations",
        "Operations analyst",
        1,
        "Asia/Tokyo",
        ("en", "ja"),
        "elena.petrova",
    ),
    Person(
        "olivia.brown",
        "Olivia Brown",
        Role.MEMBER,
        "Marketing",
        "Content specialist",
        2,
        "America/Los_Angeles",
        ("en",),
        "nora.berg",
    ),
    Person(
        "yusuf.demir",
        "Yusuf Demir",
        Role.MEMBER,
        "Finance",
        "Financial analyst",
        1,
        "Europe/Istanbul",
        ("en", "tr"),
        "li.wei",
    ),
    Person(
        "grace.kim",
        "Grace Kim",
        Role.MEMBER,
        "Engineering",
        "QA engineer",
        3,
        "America/Toronto",
        ("en", "ko"),
        "amara.okafor",
    ),
    Person(
        "elena.petrova",
        "Elena Petrova",
        Role.MEMBER,
        "Operations",
        "Head of operations",
        5,
        "Europe/Berlin",
        ("en", "de"),
    ),
    Person(
        "ravi.menon",
        "Ravi Menon",
        Role.MEMBER,
        "Engineering",
        "Site reliability engineer",
        3,
        "Asia/Singapore",
        ("en",),
        "amara.okafor",
    ),
    Person(
        "lucia.fernandez",
        "Lucía Fernández",
        Role.MEMBER,
        "Engineering",
        "Frontend developer",
        1,
        "America/New_York",
        ("en", "es"),
        "grace.kim",
    ),
    Person(
        "tomas.novak",
        "Tomas Novak",
        Role.MEMBER,
        "Engineering",
        "Data engineer",
        2,
        "Europe/Berlin",
        ("en", "de"),
        "amara.okafor",
    ),
    # The circles' people (programs.demo_formats.CIRCLE_GROUPS): two mentors who manage
    # nobody in the circles, and the mentees who practise speaking up together.
    Person(
        "beatriz.costa",
        "Beatriz Costa",
        Role.MEMBER,
        "Sales",
        "Sales director",
        5,
        "Europe/Lisbon",
        ("en", "pt-br"),
    ),
    Person(
        "marcus.webb",
        "Marcus Webb",
        Role.MEMBER,
        "Operations",
        "Operations director",
        6,
        "Europe/London",
        ("en",),
    ),
    Person(
        "aisha.bello",
        "Aisha Bello",
        Role.MEMBER,
        "Finance",
        "Accounts assistant",
        1,
        "Europe/London",
        ("en",),
        "li.wei",
    ),
    Person(
        "felix.wagner",
        "Felix Wagner",
        Role.MEMBER,
        "Engineering",
        "Backend developer",
        2,
        "Europe/Vienna",
        ("en", "de"),
        "amara.okafor",
    ),
    Person(
        "mei.tanaka",
        "Mei Tanaka",
        Role.MEMBER,
        "Marketing",
        "Marketing coordinator",
        1,
        "Europe/Amsterdam",
        ("en", "ja"),
        "nora.berg",
    ),
    Person(
        "omar.haddad",
        "Omar Haddad",
        Role.MEMBER,
        "Operations",
        "Logistics planner",
        2,
        "Europe/Berlin",
        ("en",),
        "elena.petrova",
    ),
    Person(
        "zoe.martin",
        "Zoé Martin",
        Role.MEMBER,
        "People",
        "Recruiter",
        2,
        "Europe/Paris",
        ("en", "fr"),
        "morgan.lee",
    ),
    Person(
        "daniel.cohen",
        "Daniel Cohen",
        Role.MEMBER,
        "Sales",
        "Sales development representative",
        1,
        "Europe/London",
        ("en",),
        "diego.santos",
    ),
    Person(
        "ines.moreau",
        "Inès Moreau",
        Role.MEMBER,
        "Finance",
        "Payroll specialist",
        2,
        "Europe/Paris",
        ("en", "fr"),
        "li.wei",
    ),
    Person(
        "samuel.osei",
        "Samuel Osei",
        Role.MEMBER,
        "Engineering",
        "Support engineer",
        1,
        "Europe/London",
        ("en",),
        "grace.kim",
    ),
    Person(
        "clara.nilsson",
        "Clara Nilsson",
        Role.MEMBER,
        "Marketing",
        "Social media specialist",
        1,
        "Europe/Stockholm",
        ("en", "sv"),
        "nora.berg",
    ),
)

ORGANIZATIONS = {"acme": "Acme Corporation", "globex": "Globex"}


def email_for(person_local: str, slug: str) -> str:
    return f"{person_local}@{slug}.example"


def _ensure_operator() -> None:
    User = get_user_model()
    user = User.objects.filter(email__iexact=OPERATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_superuser(OPERATOR_EMAIL, OPERATOR_EMAIL, DEMO_PASSWORD)
    EmailAddress.objects.update_or_create(
        user=user, email=OPERATOR_EMAIL, defaults={"verified": True, "primary": True}
    )


def _join(organization: Organization, email: str, name: str, role: str) -> None:
    """Bring a person in through the real invitation flow, unless they are in already."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and Membership.objects.filter(user=user).exists():
        return
    pending = Invitation.objects.filter(email=email, accepted_at__isnull=True).first()
    if pending is not None:  # the first manager's, from organization_create
        token = invitations.invitation_resend(
            organization=organization, actor=None, invitation=pending, send_email=False
        )
    else:
        _invitation, token = invitations.invitation_create(
            organization=organization,
            actor=None,
            email=email,
            role=role,
            display_name=name,
            send_email=False,
        )
    if user is None:
        invitations.invitation_accept_new_user(
            token=token, display_name=name, password=DEMO_PASSWORD
        )
    else:
        invitations.invitation_accept_existing_user(token=token, user=user)


def seed_people(organization: Organization) -> None:
    departments = {}
    for name in DEPARTMENTS:
        departments[name], _ = Department.objects.get_or_create(
            organization=organization, name=name
        )
    levels = {level.rank: level for level in SeniorityLevel.objects.all()}
    for person in PEOPLE:
        _join(organization, email_for(person.local, organization.slug), person.name, person.role)
    _join(organization, SHARED_PERSON, "Sam Rivera", Role.MEMBER)
    profiles = {
        profile.user.email.split("@")[0]: profile
        for profile in Profile.objects.select_related("user")
    }
    for person in PEOPLE:
        profile = profiles[person.local]
        wanted = {
            "department": departments[person.department],
            "job_title": person.title,
            "seniority": levels[person.level],
            "time_zone": person.time_zone,
            "languages": list(person.languages),
            "manager": profiles[person.manager] if person.manager else None,
        }
        changes = {key: value for key, value in wanted.items() if getattr(profile, key) != value}
        if changes:
            profile_update(organization=organization, actor=None, profile=profile, **changes)


def seed() -> list[Organization]:
    _ensure_operator()
    organizations = []
    for slug, name in ORGANIZATIONS.items():
        with transaction.atomic():
            organization = Organization.objects.filter(slug=slug).first()
            if organization is None:
                organization, _link = organization_create(
                    slug=slug,
                    name=name,
                    admin_email=email_for("morgan.lee", slug),
                    send_invitation=False,
                )
            with activate(organization):
                seed_people(organization)
                seed_programs(organization, email_for)
                seed_format_programs(organization, email_for)
                seed_matching(organization, email_for)
                seed_sessions(organization)
                seed_feedback(organization)
        organizations.append(organization)
    return organizations

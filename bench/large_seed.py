"""The large organization of ``bench.large_org``: a realistic large company, in bulk.

At full size (``Sizes()``): 5,002 members (a program manager, an HR analyst and 5,000
people with departments, levels, time zones, languages and reporting lines), two running
programs of 2,087 enrolments each (1,250 mentees and 837 mentors), 2,500 mentorships,
50,000 sessions with 150,000 agenda points, 20,000 feedback entries, 12,000 survey
answers (pulses and the program survey), 100,000 audit events, and a third program in
matching with 2,000 mentees and 1,000 mentors and a draft match run (computed by
``matching.services.match_run_start``, as a manager would start it). ``Sizes.quick()``
is the same shape at a tenth.

Rows go in with ``bulk_create`` in batches (one INSERT per batch); the people who sign
in get the bench password and a verified address.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from .match_run import LANGUAGES, ZONES

SLUG = "large"
PASSWORD = "large-org-bench-password"  # the scratch database only
BATCH = 5_000
MANAGER_EMAIL = f"manager@{SLUG}.example"
HR_EMAIL = f"hr@{SLUG}.example"


def log(message: str) -> None:
    print(f"[bench.large_org] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Sizes:
    people: int = 5_000  # plus the manager and the HR analyst: 5,002 members
    running_mentees: int = 1_250  # per running program (two of them)
    running_mentors: int = 837  # 1,250 + 837 = 2,087 enrolments per program
    matching_mentees: int = 2_000
    matching_mentors: int = 1_000
    sessions_per_pair: int = 20  # 2,500 pairs: 50,000 sessions
    agenda_per_session: int = 3  # 150,000 agenda points
    feedback_per_pair: int = 8  # 20,000 feedback entries
    program_answers: int = 2_000  # plus 2 pulse periods x 2 people x 2,500 pairs: 12,000
    audit_events: int = 100_000
    csv_rows: tuple[int, ...] = (2_000, 10_000)

    @classmethod
    def quick(cls) -> Sizes:
        return cls(
            people=500,
            running_mentees=125,
            running_mentors=84,
            matching_mentees=200,
            matching_mentors=100,
            program_answers=200,
            audit_events=10_000,
            csv_rows=(200, 1_000),
        )

    @property
    def mentorships(self) -> int:
        return 2 * self.running_mentees


@dataclass
class LargeOrg:
    """What the bench needs to find again: ids and the people who sign in."""

    organization_id: int
    slug: str
    manager_email: str
    hr_email: str
    mentee_email: str
    mentor_email: str
    mentorship_id: int
    draft_run_id: int
    matching_program_id: int
    running_program_ids: list[int]
    seconds: dict[str, float] = field(default_factory=dict)


def _make_password() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)  # hashed once, shared by every scratch person


def seed(sizes: Sizes, seed_value: int = 16) -> LargeOrg:
    """Create the large organization; returns what the bench signs in as and visits."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import connections

    from feedback.models import Feedback, SurveyResponse
    from matching.models import Mentorship
    from matching.services import match_run_start
    from mentoring.audit.context import acting_as
    from mentoring.audit.models import AuditEvent
    from mentoring.people.models import Department, Profile, SeniorityLevel
    from mentoring.people.services import organization_people_defaults_install
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization, Role
    from programs.models import Enrollment, EnrollmentSkill, Goal, Program, ProgramSkill, Skill
    from programs.services import organization_programs_defaults_install
    from sessions.models import AgendaItem, Session
    from sessions.services import organization_sessions_defaults_install

    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    today = now.date()
    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        stamp = time.perf_counter()
        seconds[name] = round(stamp - clock[0], 1)
        clock[0] = stamp
        log(f"seeded {name} in {seconds[name]} s")

    User = get_user_model()
    password = _make_password()
    organization = Organization.objects.create(slug=SLUG, name="Large Corporation")
    with activate(organization), acting_as("bench.large_org"):
        organization_people_defaults_install(organization=organization)
        organization_programs_defaults_install(organization=organization)
        organization_sessions_defaults_install(organization=organization)
        departments = Department.objects.bulk_create(
            [Department(organization=organization, name=f"Department {i}") for i in range(40)]
        )
        levels = list(SeniorityLevel.objects.order_by("rank"))
        skills = list(Skill.objects.order_by("name"))

        # ------------------------------------------------------------ people
        emails = [MANAGER_EMAIL, HR_EMAIL] + [
            f"person{i}@{SLUG}.example" for i in range(sizes.people)
        ]
        users = User.objects.bulk_create(
            [User(username=e, email=e, password=password) for e in emails], batch_size=BATCH
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
            batch_size=BATCH,
        )
        roles = [Role.MANAGER, Role.HR] + [Role.MEMBER] * sizes.people
        Membership.objects.bulk_create(
            [
                Membership(organization=organization, user=u, role=role)
                for u, role in zip(users, roles, strict=True)
            ],
            batch_size=BATCH,
        )
        people = Profile.objects.bulk_create(
            [
                Profile(
                    organization=organization,
                    user=user,
                    display_name=("Morgan Large" if i == 0 else "Harper Large")
                    if i < 2
                    else f"Person {i - 2}",
                    department=departments[i % len(departments)],
                    seniority=levels[min(len(levels) - 1, rng.randrange(0, 6))],
                    time_zone=rng.choice(ZONES),
                    languages=["en", *rng.sample(LANGUAGES[1:], rng.randrange(0, 2))],
                    job_title="Program manager" if i == 0 else "",
                )
                for i, user in enumerate(users)
            ],
            batch_size=BATCH,
        )
        # Reporting lines: one person in ten leads a team of the nine after them.
        members = people[2:]
        for i, person in enumerate(members):
            if i % 10:
                person.manager = members[i - i % 10]
        Profile.objects.bulk_update([p for p in members if p.manager_id], ["manager"], BATCH)
        lap("people")

        # ------------------------------------------------------------ programs
        def program(name: str, status: str, starts_on: date, ends_on: date, **extra) -> Program:
            created = Program.objects.create(
                organization=organization,
                name=name,
                purpose="Grow listening, feedback and confidence at work.",
                starts_on=starts_on,
                ends_on=ends_on,
                status=status,
                **extra,
            )
            ProgramSkill.objects.bulk_create(
                ProgramSkill(organization=organization, program=created, skill=s)
                for s in skills[:6]
            )
            return created

        running = [
            program(
                f"Running cohort {k + 1}",
                "running",
                today - timedelta(days=130 + 20 * k),
                today + timedelta(days=230 - 20 * k),
            )
            for k in range(2)
        ]
        matching = program(
            "Matching cohort",
            "matching",
            today + timedelta(days=14),
            today + timedelta(days=380),
            cross_functional="required",
        )
        focus = skills[:6]
        n_running = sizes.running_mentees + sizes.running_mentors
        enrolments: list[Enrollment] = []
        plan: list[tuple[Program, Profile, str]] = []
        for k, cohort in enumerate(running):
            block = members[k * n_running : (k + 1) * n_running]
            for j, person in enumerate(block):
                role = "mentee" if j < sizes.running_mentees else "mentor"
                plan.append((cohort, person, role))
        # The matching pool: the people after the running cohorts' first block, wrapping.
        pool_size = sizes.matching_mentees + sizes.matching_mentors
        start = len(members) - pool_size
        for j, person in enumerate(members[start:]):
            plan.append((matching, person, "mentee" if j < sizes.matching_mentees else "mentor"))
        enrolments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    organization=organization,
                    program=cohort,
                    person=person,
                    role=role,
                    status="approved",
                    capacity=rng.randrange(1, 4) if role == "mentor" else None,
                    situations=["A meeting where I stayed quiet."] if role == "mentee" else [],
                )
                for cohort, person, role in plan
            ],
            batch_size=BATCH,
        )
        EnrollmentSkill.objects.bulk_create(
            [
                EnrollmentSkill(organization=organization, enrollment=e, skill=s)
                for e in enrolments
                for s in rng.sample(focus, 1 if e.role == "mentee" else rng.randrange(2, 5))
            ],
            batch_size=BATCH,
        )
        mentee_enrolments = [e for e in enrolments if e.role == "mentee"]
        goals = Goal.objects.bulk_create(
            [
                Goal(
                    organization=organization,
                    enrollment=e,
                    skill=focus[i % len(focus)],
                    statement="Speak first in the weekly planning and ask one open question",
                )
                for i, e in enumerate(mentee_enrolments)
            ],
            batch_size=BATCH,
        )
        del goals
        lap("programs and enrolments")

        # ------------------------------------------------------------ mentorships
        statuses = ["active"] * 80 + ["paused"] * 8 + ["completed"] * 8 + ["ended_early"] * 4
        pairs: list[Mentorship] = []
        for cohort in running:
            mine = [e for e in enrolments if e.program_id == cohort.pk]
            mentees = [e for e in mine if e.role == "mentee"]
            mentors = [e for e in mine if e.role == "mentor"]
            for i, mentee in enumerate(mentees):
                started = cohort.starts_on + timedelta(days=rng.randint(0, 20))
                status = "active" if i == 0 else rng.choice(statuses)
                pairs.append(
                    Mentorship(
                        organization=organization,
                        program=cohort,
                        mentee=mentee,
                        mentor=mentors[i % len(mentors)],
                        status=status,
                        started_on=started,
                        ends_on=cohort.ends_on,
                        ended_on=today - timedelta(days=rng.randint(1, 30))
                        if status in ("completed", "ended_early")
                        else None,
                        score=round(rng.uniform(40, 95), 1),
                    )
                )
        pairs = Mentorship.objects.bulk_create(pairs, batch_size=BATCH)
        lap(f"{len(pairs):,} mentorships")

        # ------------------------------------------------------------ sessions, agenda
        sessions: list[Session] = []
        for pair in pairs:
            first = datetime.combine(pair.started_on, datetime.min.time(), UTC)
            for k in range(sizes.sessions_per_pair):
                at = first + timedelta(days=7 * k, hours=rng.randint(8, 17))
                if at > now:
                    status = "planned"
                else:
                    status = rng.choice(["held"] * 8 + ["cancelled", "no_show"])
                sessions.append(
                    Session(
                        organization=organization,
                        mentorship=pair,
                        status=status,
                        starts_at=at,
                        actual_minutes=rng.choice([30, 45, 60]) if status == "held" else None,
                        shared_notes="Talked through a hard meeting." if status == "held" else "",
                        logged_at=at + timedelta(hours=2) if status == "held" else None,
                    )
                )
        sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
        lap(f"{len(sessions):,} sessions")
        people_of = {pair.pk: (pair.mentee.person_id, pair.mentor.person_id) for pair in pairs}
        topics = (
            "What went well since last time",
            "The meeting where I held back",
            "Practising an open question",
            "One small experiment for next week",
        )
        for begin in range(0, len(sessions), 10_000):  # agenda in slices: bounded memory
            AgendaItem.objects.bulk_create(
                [
                    AgendaItem(
                        organization=organization,
                        session=session,
                        text=topics[(session.pk + k) % len(topics)],
                        position=k,
                        added_by_id=people_of[session.mentorship_id][k % 2],
                        is_covered=session.status == "held",
                        created_at=session.starts_at - timedelta(days=1),
                    )
                    for session in sessions[begin : begin + 10_000]
                    for k in range(sizes.agenda_per_session)
                ],
                batch_size=BATCH,
            )
        lap(f"{len(sessions) * sizes.agenda_per_session:,} agenda points")

        # ------------------------------------------------------------ feedback, surveys
        feedback = []
        for pair in pairs:
            mentee, mentor = people_of[pair.pk]
            for _ in range(sizes.feedback_per_pair):
                giver, receiver = (mentor, mentee) if rng.random() < 0.7 else (mentee, mentor)
                feedback.append(
                    Feedback(
                        organization=organization,
                        mentorship=pair,
                        giver_id=giver,
                        receiver_id=receiver,
                        skill=focus[rng.randrange(0, 3)],
                        kind=rng.choice(["keep", "change"]),
                        situation="In Monday's planning meeting",
                        behaviour="you asked two quiet colleagues for their view",
                        impact="we heard a risk nobody had raised",
                        specificity=rng.randint(1, 4),
                    )
                )
        Feedback.objects.bulk_create(feedback, batch_size=BATCH)
        answers = []
        for pair in pairs:
            for period in (1, 2):
                for respondent, role in zip(people_of[pair.pk], ("mentee", "mentor"), strict=True):
                    answers.append(
                        SurveyResponse(
                            organization=organization,
                            kind="pulse",
                            program_id=pair.program_id,
                            mentorship=pair,
                            respondent_id=respondent,
                            respondent_role=role,
                            period=period,
                            answers={"useful": rng.randint(2, 5), "candid": rng.randint(2, 5)},
                        )
                    )
        answered = [e for e in enrolments if e.program_id in {p.pk for p in running}]
        for enrolment in rng.sample(answered, min(sizes.program_answers, len(answered))):
            answers.append(
                SurveyResponse(
                    organization=organization,
                    kind="program",
                    program_id=enrolment.program_id,
                    respondent_id=enrolment.person_id,
                    respondent_role=enrolment.role,
                    answers={"useful": rng.randint(2, 5), "recommend": rng.randint(4, 10)},
                )
            )
        SurveyResponse.objects.bulk_create(answers, batch_size=BATCH)
        lap(f"{len(feedback):,} feedback entries, {len(answers):,} survey answers")

        # ------------------------------------------------------------ audit trail
        # The audit triggers logged every bulk-inserted row, all at this minute: the log
        # is replaced by ``audit_events`` events spread over half a year.
        forget_audit_trail(organization.pk)
        kinds = (
            ("update", "mentoring_sessions.session", "", ["status", "shared_notes"]),
            ("create", "feedback.feedback", "", []),
            ("create", "mentoring_sessions.agendaitem", "", []),
            ("update", "programs.enrollment", "", ["status"]),
            ("sign_in", "", "Signed in", []),
        )
        for begin in range(0, sizes.audit_events, 20_000):
            events = []
            for _ in range(begin, min(begin + 20_000, sizes.audit_events)):
                action, target_type, summary, changed = kinds[rng.randrange(len(kinds))]
                events.append(
                    AuditEvent(
                        organization=organization,
                        occurred_at=now - timedelta(minutes=rng.randint(1, 180 * 24 * 60)),
                        action=action,
                        actor=users[rng.randrange(2, len(users))],
                        target_type=target_type,
                        target_id=str(rng.randrange(1, 100_000)) if target_type else "",
                        summary=summary,
                        changed_fields=changed,
                    )
                )
            AuditEvent.objects.bulk_create(events, batch_size=BATCH)
        lap(f"{sizes.audit_events:,} audit events")

        with connections["owner"].cursor() as cursor:
            cursor.execute("ANALYZE")
        # ------------------------------------------------------------ the draft
        manager = users[0]
        run = match_run_start(organization=organization, actor=manager, program=matching)
        lap(f"the draft match run ({sizes.matching_mentees:,} x {sizes.matching_mentors:,})")

        first_pair = pairs[0]
        mentee_email = first_pair.mentee.person.user.email
        mentor_email = first_pair.mentor.person.user.email
    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE")
    return LargeOrg(
        organization_id=organization.pk,
        slug=SLUG,
        manager_email=MANAGER_EMAIL,
        hr_email=HR_EMAIL,
        mentee_email=mentee_email,
        mentor_email=mentor_email,
        mentorship_id=first_pair.pk,
        draft_run_id=run.pk,
        matching_program_id=matching.pk,
        running_program_ids=[p.pk for p in running],
        seconds=seconds,
    )


def forget_audit_trail(organization_id: int) -> None:
    """Delete the organization's audit events as the table owner, triggers off for the
    statement (the application role may never delete them). Needs a superuser owner."""
    from django.db import DatabaseError, connections

    with connections["owner"].cursor() as cursor:
        try:
            cursor.execute("SELECT set_config('app.all_organizations', 'on', false)")
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(
                "DELETE FROM mentoring_auditevent WHERE organization_id = %s", [organization_id]
            )
            log(f"replaced {cursor.rowcount:,} audit events of the seeding")
        except DatabaseError as error:
            log(f"kept the seeding's audit events ({error})")
        finally:
            cursor.execute("RESET session_replication_role")


def add_members(organization_id: int, count: int, prefix: str) -> list[str]:
    """``count`` more members (for the 10,000-row import, which needs that many people);
    returns their addresses."""
    from django.contrib.auth import get_user_model

    from mentoring.people.models import Department, Profile
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization, Role

    User = get_user_model()
    organization = Organization.objects.get(pk=organization_id)
    emails = [f"{prefix}{i}@{organization.slug}.example" for i in range(count)]
    with activate(organization):
        departments = list(Department.objects.all())
        users = User.objects.bulk_create(
            [User(username=e, email=e, password="!") for e in emails], batch_size=BATCH
        )
        Membership.objects.bulk_create(
            [Membership(organization=organization, user=u, role=Role.MEMBER) for u in users],
            batch_size=BATCH,
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    organization=organization,
                    user=u,
                    display_name=f"Newcomer {i}",
                    department=departments[i % len(departments)],
                )
                for i, u in enumerate(users)
            ],
            batch_size=BATCH,
        )
    return emails


def import_program(organization_id: int, name: str) -> int:
    """An empty program in enrolment, for a CSV import; returns its id."""
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from programs.models import Program, ProgramSkill, Skill

    organization = Organization.objects.get(pk=organization_id)
    today = date.today()
    with activate(organization):
        program = Program.objects.create(
            organization=organization,
            name=name,
            purpose="Imported from a spreadsheet.",
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=400),
            status="enrolling",
        )
        ProgramSkill.objects.bulk_create(
            ProgramSkill(organization=organization, program=program, skill=s)
            for s in Skill.objects.order_by("name")[:6]
        )
    return program.pk


def enrolment_csv(organization_id: int, program_id: int, emails: list[str]) -> bytes:
    """A CSV of ``emails`` for ``enrollments_import_csv``: two mentees per mentor."""
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from programs.models import ProgramSkill

    organization = Organization.objects.get(pk=organization_id)
    with activate(organization):
        names = list(
            ProgramSkill.objects.filter(program_id=program_id)
            .order_by("skill__name")
            .values_list("skill__name", flat=True)
        )
    lines = ["email,role,skills,capacity"]
    for i, address in enumerate(emails):
        if i % 3 == 2:
            lines.append(f"{address},mentor,{names[i % 6]};{names[(i + 1) % 6]},2")
        else:
            lines.append(f"{address},mentee,{names[i % 6]},")
    return ("\r\n".join(lines) + "\r\n").encode()

"""One notification dispatcher pass over many organizations, database included.

    python -m bench.notifications [--organizations 500 --mentorships 100000]

Seeds a scratch PostgreSQL database (bulk inserts): the organizations, each with a
manager, two running programs, mentors (two mentees each), mentees, their enrolments,
profiles and users, a few applications waiting, and the mentorships spread over the
last months: most recent and healthy, some with a session in the next 24 hours, some
with no session for one or two check-in cadences, some past their first goal review.
Then times ONE ``dispatch_due()`` pass (what beat runs every minute) with a query
counter on the connection, and a second pass, which must queue nothing.

The send tasks the dispatcher queues after each commit are really published, through
kombu's in-memory transport instead of Redis: no worker runs during the bench, and no
task naming this scratch database's organizations is left in a Redis where a worker of
another database would pick it up. The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time

from .database import fresh_database
from .match_run import ZONES

MENTEES_PER_MENTOR = 2
APPLICANTS = 3  # per organization, waiting for a decision (the managers' digest counts them)
BATCH = 5000

# (share of mentorships, started that many days ago, a session held lately, what is due)
PROFILE = [
    (0.70, (1, 29), False, "nothing yet"),
    (0.13, (35, 80), True, "nothing: they meet"),
    (0.07, (35, 55), False, "check-in nudge"),
    (0.03, (65, 85), False, "check-in nudge and the manager told"),
    (0.07, (100, 170), True, "first goal review"),
]
TOMORROW_SHARE = 0.05  # of mentorships: a session in the next 24 hours


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def seed(n_organizations: int, n_mentorships: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from matching.models import Mentorship
    from mentoring.people.models import Profile
    from mentoring.tenancy import all_organizations
    from mentoring.tenancy.models import Membership, Organization, Role
    from programs.models import Enrollment, Program
    from sessions.models import AgendaItem, Prompt, PromptPhase, Session, SessionStatus

    rng = random.Random(7)
    now = timezone.now()
    today = now.date()
    User = get_user_model()
    with all_organizations():
        organizations = Organization.objects.bulk_create(
            Organization(slug=f"bench{i}", name=f"Bench {i}") for i in range(n_organizations)
        )
        Prompt.unscoped.bulk_create(
            (
                Prompt(organization=o, phase=PromptPhase.CHECK_IN, text=text, position=i)
                for o in organizations
                for i, text in enumerate(
                    ("What did you try since we last met?", "What is in your way right now?")
                )
            ),
            batch_size=BATCH,
        )
        programs = Program.unscoped.bulk_create(
            Program(
                organization=o,
                name=name,
                purpose="Benchmark",
                starts_on=today - timedelta(days=200),
                ends_on=today + timedelta(days=200),
                status="running",
            )
            for o in organizations
            for name in ("Leadership cohort", "Onboarding")
        )

        # People: per organization a manager, mentors, mentees and a few applicants.
        people = []  # (organization, program or None, role, index in organization)
        for i, pairs in enumerate(_split(n_mentorships, n_organizations)):
            o, own = organizations[i], programs[2 * i : 2 * i + 2]
            people.append((o, None, "manager"))
            mentors = -(-pairs // MENTEES_PER_MENTOR)
            for m in range(mentors):
                people.append((o, own[m % 2], "mentor"))
            for m in range(pairs):
                people.append((o, own[(m // MENTEES_PER_MENTOR) % 2], "mentee"))
            people.extend((o, own[a % 2], "applicant") for a in range(APPLICANTS))
        users = User.objects.bulk_create(
            (
                User(username=f"p{i}@bench.example", email=f"p{i}@bench.example", password="!")
                for i in range(len(people))
            ),
            batch_size=BATCH,
        )
        Membership.unscoped.bulk_create(
            (
                Membership(
                    organization=o, user=u, role=Role.MANAGER if role == "manager" else Role.MEMBER
                )
                for (o, _p, role), u in zip(people, users, strict=True)
            ),
            batch_size=BATCH,
        )
        profiles = Profile.unscoped.bulk_create(
            (
                Profile(
                    organization=o,
                    user=u,
                    display_name=f"Person {i}",
                    time_zone=rng.choice(ZONES),
                    languages=["en"],
                )
                for i, ((o, _p, _r), u) in enumerate(zip(people, users, strict=True))
            ),
            batch_size=BATCH,
        )
        enrolled = [
            (person, profile) for person, profile in zip(people, profiles, strict=True) if person[1]
        ]
        enrollments = Enrollment.unscoped.bulk_create(
            (
                Enrollment(
                    organization=o,
                    program=program,
                    person=profile,
                    role="mentor" if role == "mentor" else "mentee",
                    status="applied" if role == "applicant" else "approved",
                    capacity=MENTEES_PER_MENTOR if role == "mentor" else None,
                )
                for (o, program, role), profile in enrolled
            ),
            batch_size=BATCH,
        )

        # Mentorships: each organization's mentees in order, two per mentor.
        by_org: dict[int, dict[str, list]] = {}
        for ((o, _p, role), _profile), enrollment in zip(enrolled, enrollments, strict=True):
            by_org.setdefault(o.pk, {"mentor": [], "mentee": []}).setdefault(role, []).append(
                enrollment
            )
        weights = [share for share, *_ in PROFILE]
        plans = []  # (mentorship, profile row)
        for o in organizations:
            mentors, mentees = by_org[o.pk]["mentor"], by_org[o.pk]["mentee"]
            for m, mentee in enumerate(mentees):
                row = rng.choices(PROFILE, weights)[0]
                started = today - timedelta(days=rng.randint(*row[1]))
                plans.append(
                    (
                        Mentorship(
                            organization=o,
                            program_id=mentee.program_id,
                            mentee=mentee,
                            mentor=mentors[m // MENTEES_PER_MENTOR],
                            started_on=started,
                            ends_on=started + timedelta(days=365),
                        ),
                        row,
                    )
                )
        mentorships = Mentorship.unscoped.bulk_create(
            (mentorship for mentorship, _row in plans), batch_size=BATCH
        )
        # Each mentee was approved the day their pair started: goal reviews are counted from
        # then (programs.schedule.review_start_on), as in a program that matches on approval.
        for mentorship, _row in plans:
            approved = datetime.combine(mentorship.started_on, clock_time(9), UTC)
            mentorship.mentee.decided_at = approved
        Enrollment.unscoped.bulk_update(
            [mentorship.mentee for mentorship, _row in plans], ["decided_at"], batch_size=BATCH
        )
        sessions = []
        for mentorship, (_share, _days, held, _due) in zip(
            mentorships, (row for _m, row in plans), strict=True
        ):
            if held:
                sessions.append(
                    Session(
                        organization_id=mentorship.organization_id,
                        mentorship=mentorship,
                        status=SessionStatus.HELD,
                        starts_at=now - timedelta(days=rng.randint(2, 20)),
                        actual_minutes=60,
                    )
                )
            if rng.random() < TOMORROW_SHARE:
                sessions.append(
                    Session(
                        organization_id=mentorship.organization_id,
                        mentorship=mentorship,
                        starts_at=now + timedelta(minutes=rng.randint(30, 23 * 60)),
                        location="Room 4 or https://meet.example/bench",
                    )
                )
        sessions = Session.unscoped.bulk_create(sessions, batch_size=BATCH)
        AgendaItem.unscoped.bulk_create(
            (
                AgendaItem(
                    organization_id=s.organization_id, session=s, text=text, position=position
                )
                for s in sessions
                if s.status == SessionStatus.PLANNED
                for position, text in enumerate(("How the planning went", "Next steps"))
            ),
            batch_size=BATCH,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    due = Counter(row[3] for _m, row in plans)
    return {
        "users": len(users),
        "sessions": len(sessions),
        "sessions_tomorrow": sum(s.status == SessionStatus.PLANNED for s in sessions),
        "due": dict(due),
    }


def queued_send_tasks() -> int:
    from mentoring import celery_app

    with celery_app.connection_for_write() as connection:
        return connection.default_channel.queue_declare("celery", passive=True).message_count


def timed_pass():
    """One dispatcher pass: seconds, queries, rows written per kind."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mentoring.notifications.dispatch import dispatch_due

    # The debug log keeps 9,000 queries by default: a longer pass would be under-counted.
    connection.queries_log = deque(maxlen=10_000_000)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        totals = dispatch_due()
        seconds = time.perf_counter() - started
    per_kind = Counter()
    for (_slug, kind), count in totals.items():
        per_kind[kind] += count
    return seconds, len(queries), per_kind


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organizations", type=int, default=500)
    parser.add_argument("--mentorships", type=int, default=100_000)
    options = parser.parse_args(argv)
    services = fresh_database()
    try:
        from mentoring import celery_app

        celery_app.conf.task_always_eager = False
        celery_app.conf.broker_url = "memory://localhost/"  # see the docstring

        started = time.perf_counter()
        seeded = seed(options.organizations, options.mentorships)
        seed_seconds = time.perf_counter() - started
        print(
            f"seeded {options.organizations} organizations, {options.mentorships} mentorships, "
            f"{seeded['users']} people, {seeded['sessions']} sessions "
            f"({seeded['sessions_tomorrow']} in the next 24 hours) in {seed_seconds:.1f} s"
        )
        due = ", ".join(f"{what} {count}" for what, count in seeded["due"].items())
        print(f"  mentorships by what is due: {due}")

        seconds, queries, per_kind = timed_pass()
        queued = sum(per_kind.values())
        print(
            f"first pass: {seconds:.2f} s, {queries} queries "
            f"({queries / options.organizations:.1f} per organization, "
            f"{queries / options.mentorships:.3f} per mentorship), {queued} messages written, "
            f"{queued_send_tasks()} send tasks queued"
        )
        print("  messages by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(per_kind.items())))
        second_seconds, second_queries, second_kinds = timed_pass()
        second_queued = sum(second_kinds.values())
        print(
            f"second pass: {second_seconds:.2f} s, {second_queries} queries, "
            f"{second_queued} messages written"
        )
        figures = {
            "organizations": options.organizations,
            "mentorships": options.mentorships,
            "seconds": round(seconds, 2),
            "queries": queries,
            "queued": queued,
            "second_pass_queued": second_queued,
        }
        print(json.dumps(figures))
        return figures
    finally:
        services.stop()


if __name__ == "__main__":
    main()

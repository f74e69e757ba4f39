"""CSV imports as a manager (or the background job) runs them, database included.

    python -m bench.csv_import --rows 2000 10000

For every size: seeds one organization with that many members into a scratch PostgreSQL
database (bulk inserts), then times ``enrollments_import_csv`` (every member enrolled,
their emails written to the outbox) and ``invitations_import_csv`` (as many newcomers
invited, their email tasks queued), counting the queries of each. Prints the figures; the
last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date

from .database import fresh_database

NAME = "mentoring_bench_csv"


def seed(rows: int, number: int):
    from django.contrib.auth import get_user_model

    from mentoring.people.models import Department, Profile
    from mentoring.people.services import organization_people_defaults_install
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization, Role
    from programs.models import Program, ProgramSkill, Skill
    from programs.services import organization_programs_defaults_install

    User = get_user_model()
    slug = f"bench{number}"
    organization = Organization.objects.create(slug=slug, name=f"Bench {number} Inc")
    with activate(organization):
        organization_people_defaults_install(organization=organization)
        organization_programs_defaults_install(organization=organization)
        Department.objects.bulk_create(
            Department(organization=organization, name=f"Department {i}") for i in range(20)
        )
        manager = User.objects.create_user(username=f"manager@{slug}.example", password="!")
        manager.email = manager.username
        manager.save(update_fields=["email"])
        users = User.objects.bulk_create(
            User(username=f"person{i}@{slug}.example", email=f"person{i}@{slug}.example")
            for i in range(rows)
        )
        Membership.objects.create(organization=organization, user=manager, role=Role.MANAGER)
        Membership.objects.bulk_create(Membership(organization=organization, user=u) for u in users)
        Profile.objects.create(organization=organization, user=manager, display_name="Manager")
        Profile.objects.bulk_create(
            Profile(organization=organization, user=user, display_name=f"Person {i}")
            for i, user in enumerate(users)
        )
        program = Program.objects.create(
            organization=organization,
            name="Bench cohort",
            purpose="Benchmark",
            starts_on=date(2026, 1, 5),
            ends_on=date(2027, 12, 20),
            status="enrolling",
        )
        focus = list(Skill.objects.order_by("name")[:4])
        ProgramSkill.objects.bulk_create(
            ProgramSkill(organization=organization, program=program, skill=s) for s in focus
        )
    enrolments = ["email,role,skills,capacity"] + [
        f"{user.email},mentee,{focus[i % 4].name};{focus[(i + 1) % 4].name},"
        if i % 3
        else f"{user.email},mentor,{focus[i % 4].name},2"
        for i, user in enumerate(users)
    ]
    invitations = ["email,name,role,department,job_title"] + [
        f"new{i}@{slug}.example,New person {i},member,Department {i % 20},Analyst"
        for i in range(rows)
    ]
    return (
        organization,
        program,
        manager,
        "\n".join(enrolments).encode(),
        "\n".join(invitations).encode(),
    )


def _timed(function, **kwargs) -> tuple[float, int, int, dict[str, float]]:
    """Seconds, queries and rows written, and the seconds each phase took (as reported to
    the progress callback)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    phases: dict[str, float] = {}
    last = [time.perf_counter()]

    def progress(done: int, total: int, phase: str) -> None:
        now = time.perf_counter()
        phases[phase] = round(phases.get(phase, 0.0) + now - last[0], 2)
        last[0] = now

    with CaptureQueriesContext(connection) as queries:
        started = last[0] = time.perf_counter()
        written = function(**kwargs, progress=progress)
        seconds = time.perf_counter() - started
    return seconds, len(queries), len(written), phases


def measure(rows: int, number: int) -> dict:
    from unittest import mock

    from mentoring.accounts import tasks as account_tasks
    from mentoring.accounts.services import invitations_import_csv
    from mentoring.audit.models import AuditEvent
    from mentoring.notifications import tasks as notification_tasks
    from mentoring.notifications.models import OutboxMessage
    from mentoring.tenancy import activate
    from programs.services import enrollments_import_csv

    started = time.perf_counter()
    organization, program, manager, enrolments, invitations = seed(rows, number)
    seeded = time.perf_counter() - started
    queued: list[int] = []
    # The tasks go to a broker for a worker (none runs here): count them instead.
    with (
        activate(organization),
        mock.patch.object(
            account_tasks.send_invitations, "delay", lambda _org, links: queued.append(len(links))
        ),
        mock.patch.object(notification_tasks.send_outbox, "delay", lambda _org: None),
    ):
        events_before = AuditEvent.objects.count()
        enrol_seconds, enrol_queries, enrolled, enrol_phases = _timed(
            enrollments_import_csv,
            organization=organization,
            actor=manager,
            program=program,
            data=enrolments,
        )
        outbox = OutboxMessage.objects.count()
        events_enrol = AuditEvent.objects.count() - events_before
        invite_seconds, invite_queries, invited, invite_phases = _timed(
            invitations_import_csv, organization=organization, actor=manager, data=invitations
        )
        events_invite = AuditEvent.objects.count() - events_before - events_enrol
    return {
        "rows": rows,
        "seed_seconds": round(seeded, 2),
        "enrolment_seconds": round(enrol_seconds, 2),
        "enrolment_queries": enrol_queries,
        "enrolment_phase_seconds": enrol_phases,
        "enrolled": enrolled,
        "enrolment_emails_queued": outbox,
        "enrolment_audit_events": events_enrol,
        "invitation_seconds": round(invite_seconds, 2),
        "invitation_queries": invite_queries,
        "invitation_phase_seconds": invite_phases,
        "invited": invited,
        "invitation_email_tasks": len(queued),
        "invitation_emails_in_tasks": sum(queued),
        "invitation_audit_events": events_invite,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 10000])
    options = parser.parse_args(argv)
    services = fresh_database(NAME)
    try:
        results = []
        for number, rows in enumerate(options.rows, start=1):
            figures = measure(rows, number)
            results.append(figures)
            print(
                f"{rows} rows: enrolments {figures['enrolment_seconds']} s, "
                f"{figures['enrolment_queries']} queries, "
                f"{figures['enrolment_emails_queued']} emails in the outbox, "
                f"{figures['enrolment_audit_events']} audit events; "
                f"invitations {figures['invitation_seconds']} s, "
                f"{figures['invitation_queries']} queries, "
                f"{figures['invitation_email_tasks']} email tasks, "
                f"{figures['invitation_audit_events']} audit events "
                f"(seeding took {figures['seed_seconds']} s)"
            )
        summary = {"csv_import": results}
        print(json.dumps(summary))
        return summary
    finally:
        services.stop()


if __name__ == "__main__":
    main()

"""Writes that bypass the models (``QuerySet.update()``, ``bulk_create()``,
``bulk_update()``, raw SQL) still stamp ``updated_at``, so an HR system pulling with
``updated_since`` gets them, and still reach the audit log with who did it: PostgreSQL's
triggers record every write, whatever path it took."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timedelta
from urllib.parse import quote

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from matching import services as matching
from matching.models import MatchRun, MatchRunStatus, MentorRequest, Mentorship, RequestStatus
from mentoring.api.base import SETTLED_HEADER
from mentoring.audit.context import acting_as, request_context
from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.people.models import Department
from mentoring.privacy.retention import retention_apply
from mentoring.tenancy import activate
from programs import services as programs
from programs.models import CrossFunctional, Enrollment, MatchingMode, ProgramStatus
from sessions import services as sessions
from sessions.models import AgendaItem, Session, SessionStatus
from tests.builders.clients import Api
from tests.builders.cohort import enrol_mentee, make_cohort
from tests.builders.hr import new_key
from tests.builders.pair import make_pair, schedule
from tests.builders.world import make_program

BROWSER = "Mozilla/5.0 (trigger test)"


def database_clock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


@contextmanager
def as_person(user, address="203.0.113.9"):
    """Run the block as a request of ``user`` from ``address`` (what the middleware does)."""
    request = RequestFactory().post("/", REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
    request.user = user
    with request_context(request):
        yield


def changed_since(org, endpoint: str, since, key=None) -> set[int]:
    """Ids of the rows ``/api/v1/<endpoint>/?updated_since=<since>`` returns to HR."""
    path = f"/api/v1/{endpoint}/?page_size=500&updated_since={quote(since.isoformat())}"
    page = Api(Client()).json(path, key or new_key(org), host=f"{org.organization.slug}.localhost")
    return {row["id"] for row in page["results"]}


def events_about(org, rows, **filters) -> list[AuditEvent]:
    rows = list(rows)
    with activate(org.organization):
        return list(
            AuditEvent.objects.filter(
                target_type=rows[0]._meta.label_lower,
                target_id__in=[str(row.pk) for row in rows],
                **filters,
            ).order_by("id")
        )


def stamp_of(org, row):
    with activate(org.organization):
        return type(row).objects.values_list("updated_at", flat=True).get(pk=row.pk)


# ---------------------------------------------------------------- raw SQL and no-op writes


def test_a_raw_sql_update_is_stamped_and_logged_with_who_did_it_and_which_column(world):
    acme = world.acme
    with activate(acme.organization):
        department = Department.objects.create(organization=acme.organization, name="Legal")
    before = stamp_of(acme, department)
    with acting_as("directory sync"), activate(acme.organization), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE mentoring_department SET name = 'Compliance' WHERE id = %s", [department.pk]
        )
    assert stamp_of(acme, department) > before
    (event,) = events_about(acme, [department], action=AuditAction.UPDATE)
    assert (event.changed_fields, event.actor, event.actor_label) == (
        ["name"],
        None,
        "directory sync",
    )


def test_an_update_that_changes_nothing_is_not_logged_and_the_stamp_is_the_databases(world):
    acme = world.acme
    with activate(acme.organization):
        department = Department.objects.create(organization=acme.organization, name="Legal")
        Department.objects.filter(pk=department.pk).update(name="Legal")
        Department.objects.get(pk=department.pk).save()  # loaded and saved as it was
        # A stamp written by hand is no change, and does not stick: the database keeps its own.
        Department.objects.filter(pk=department.pk).update(updated_at="2000-01-01T00:00:00Z")
    assert stamp_of(acme, department).year > 2000
    assert [e.action for e in events_about(acme, [department])] == [AuditAction.CREATE]


def test_a_write_from_outside_the_application_names_the_database_role(world):
    acme = world.acme
    with activate(acme.organization):
        department = Department.objects.create(organization=acme.organization, name="Legal")
        with connection.cursor() as cursor:  # as psql would: no actor on the statement
            cursor.execute(
                "SELECT set_config('app.audit_actor', '', true); "
                "DELETE FROM mentoring_department WHERE id = %s",
                [department.pk],
            )
    (event,) = events_about(acme, [department], action=AuditAction.DELETE)
    assert event.actor_label == f"database role {settings.DATABASE_APP_ROLE}"


# ---------------------------------------------------------------- the bulk paths


def test_applications_decided_in_bulk_reach_updated_since_and_the_log_with_the_manager(world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme), approve=False)
    since = database_clock()
    with as_person(acme.manager), activate(acme.organization):
        programs.enrollments_approve(
            organization=acme.organization,
            actor=acme.manager,
            enrollments=Enrollment.objects.filter(pk=enrollment.pk),
        )
    assert enrollment.pk in changed_since(acme, "enrolments", since)
    (decision,) = events_about(acme, [enrollment], action=AuditAction.UPDATE)
    assert (decision.actor, decision.ip_address, decision.user_agent) == (
        acme.manager,
        "203.0.113.9",
        BROWSER,
    )
    assert decision.changed_fields == ["decided_at", "decided_by", "status"]  # no reason given


def test_pairs_made_in_bulk_reach_updated_since_and_the_log(world):
    since = database_clock()
    pair = make_pair(world.globex)  # a match run approved: mentorships made in bulk
    with activate(pair.org.organization):
        mentorships = list(Mentorship.objects.all())
    assert mentorships
    assert {m.pk for m in mentorships} <= changed_since(pair.org, "mentorships", since)
    for mentorship in mentorships:
        assert [e.action for e in events_about(pair.org, [mentorship])] == [AuditAction.CREATE]


def test_a_new_match_run_discarding_the_draft_is_logged(world):
    acme = world.acme
    cohort = make_cohort(acme, cross_functional=CrossFunctional.OFF)
    with as_person(acme.manager), activate(acme.organization):
        first = matching.match_run_start(
            organization=acme.organization, actor=acme.manager, program=cohort.program
        )
        matching.match_run_start(
            organization=acme.organization, actor=acme.manager, program=cohort.program
        )
        assert MatchRun.objects.get(pk=first.pk).status == MatchRunStatus.DISCARDED
    (discarded,) = events_about(acme, [first], action=AuditAction.UPDATE)
    assert (discarded.changed_fields, discarded.actor) == (["status"], acme.manager)


def test_the_other_requests_a_mentee_withdrew_by_being_accepted_are_logged(world):
    acme = world.acme
    cohort = make_cohort(
        acme,
        status=ProgramStatus.RUNNING,
        cross_functional=CrossFunctional.OFF,
        matching_mode=MatchingMode.SELF,
    )
    mentee = acme.mentees[0]
    with activate(acme.organization):
        asked = [
            matching.mentor_request_create(
                organization=acme.organization,
                actor=mentee,
                program=cohort.program,
                mentor=Enrollment.objects.get(program=cohort.program, person__user=mentor),
                message="I want to get better at running meetings.",
            )
            for mentor in acme.mentors[:2]
        ]
    with as_person(acme.mentors[0]), activate(acme.organization):
        matching.mentor_request_answer(
            organization=acme.organization, actor=acme.mentors[0], request=asked[0], accept=True
        )
        assert MentorRequest.objects.get(pk=asked[1].pk).status == RequestStatus.WITHDRAWN
    (withdrawn,) = events_about(acme, [asked[1]], action=AuditAction.UPDATE)
    assert (withdrawn.changed_fields, withdrawn.actor) == (["status"], acme.mentors[0])


def test_logging_a_session_marks_its_covered_agenda_points_in_the_log(world):
    pair = make_pair(world.acme)
    session = schedule(pair)
    organization = pair.org.organization
    with activate(organization):
        point = sessions.agenda_item_add(
            organization=organization, actor=pair.mentee, session=session, text="Budget talk"
        )
        Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
        session.refresh_from_db()
    with as_person(pair.mentor), activate(organization):
        sessions.session_log(
            organization=organization,
            actor=pair.mentor,
            session=session,
            status=SessionStatus.HELD,
            actual_minutes=45,
            covered_item_ids=[point.pk],
        )
        assert AgendaItem.objects.get(pk=point.pk).is_covered
    (covered,) = events_about(pair.org, [point], action=AuditAction.UPDATE)
    assert (covered.changed_fields, covered.actor) == (["is_covered"], pair.mentor)


def test_notes_emptied_by_the_retention_run_reach_updated_since_and_the_log(world):
    pair = make_pair(world.acme)
    organization = pair.org.organization
    session = schedule(pair, at=timezone.now() - timedelta(days=40))
    with activate(organization):
        Session.objects.filter(pk=session.pk).update(
            status=SessionStatus.HELD, shared_notes="We talked about the budget."
        )
    organization.note_retention_days = 30
    organization.save(update_fields=["note_retention_days"])
    since = database_clock()
    with activate(organization):
        assert retention_apply(organization=organization)["session_notes"] == 1
    assert session.pk in changed_since(pair.org, "sessions", since)
    (emptied,) = events_about(pair.org, [session], action="update", occurred_at__gte=since)
    assert emptied.changed_fields == ["shared_notes"]


# ---------------------------------------------------------------- a transaction still open


@contextmanager
def transaction_open_elsewhere():
    """A second connection of the application's role, in a transaction begun now (a slow
    job whose rows will be stamped earlier than what the block writes)."""
    # The parameters Django itself connects with (the embedded server's socket included).
    other = psycopg2.connect(**connection.get_connection_params())
    try:
        other.cursor().execute("SELECT 1")  # psycopg2 begins the transaction
        yield
    finally:
        other.rollback()
        other.close()


def test_a_change_is_held_back_from_updated_since_while_an_earlier_transaction_is_open(world):
    acme = world.acme
    enrollment = enrol_mentee(acme, acme.mentees[0], make_program(acme), approve=False)
    key = new_key(acme)
    since = database_clock()
    with transaction_open_elsewhere():
        with activate(acme.organization):
            programs.enrollments_approve(
                organization=acme.organization,
                actor=acme.manager,
                enrollments=Enrollment.objects.filter(pk=enrollment.pk),
            )
        held = Api(Client()).get(
            f"/api/v1/enrolments/?updated_since={quote(since.isoformat())}", key
        )
        assert enrollment.pk not in {row["id"] for row in held.json()["results"]}
        assert datetime.fromisoformat(held[SETTLED_HEADER]) <= stamp_of(acme, enrollment)
    assert enrollment.pk in changed_since(acme, "enrolments", since, key)


@pytest.mark.parametrize("endpoint", ["enrolments", "mentorships", "sessions", "programs"])
def test_every_pull_says_up_to_when_its_changes_are_complete(world, endpoint):
    since = database_clock()
    response = Api(Client()).get(
        f"/api/v1/{endpoint}/?updated_since={quote(since.isoformat())}", new_key(world.acme)
    )
    assert response.status_code == 200
    assert datetime.fromisoformat(response[SETTLED_HEADER]) >= since

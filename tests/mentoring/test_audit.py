"""The audit log: who changed what, signed in or exported, when and from where; read-only
in the organization's admin for its managers; never changed by the application's role."""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.audit.capture import TRIGGER, audited_models, excluded_models
from mentoring.audit.context import acting_as, client_ip
from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.audit.services import record_event
from mentoring.notifications.models import OutboxMessage
from mentoring.people.models import Department
from mentoring.tenancy import activate
from mentoring.tenancy.database import append_only_tables, grant_sql
from mentoring.tenancy.models import Membership, Role, TenantModel
from mentoring.tenancy.tasks import tenant_task
from tests.builders.clients import client_for
from tests.builders.triggers import tables_with_trigger
from tests.builders.world import PASSWORD

PRIVATE = "AUDIT-PRIVATE-TEXT"
BROWSER = "Mozilla/5.0 (audit test)"


def browser(org, user=None, address="203.0.113.7") -> Client:
    """A browser of its own, on ``org``'s host, from ``address``, signed in as ``user``."""
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
    return client_for(client, org.organization, user)


def events(org, **filters) -> list[AuditEvent]:
    with activate(org.organization):
        return list(AuditEvent.objects.filter(**filters).select_related("actor").order_by("id"))


def events_about(org, row, **filters) -> list[AuditEvent]:
    return events(org, target_type=row._meta.label_lower, target_id=str(row.pk), **filters)


def whole_log_as_text(org) -> str:
    """Every column of every event of ``org``, as the database holds them."""
    with activate(org.organization), connection.cursor() as cursor:
        cursor.execute("SELECT row_to_json(event)::text FROM mentoring_auditevent event")
        return "\n".join(row[0] for row in cursor.fetchall())


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# ---------------------------------------------------------------- changes


def test_a_manager_renaming_a_department_in_the_admin_is_logged_with_who_where_and_which_field(
    world,
):
    acme = world.acme
    with activate(acme.organization):
        department = Department.objects.create(organization=acme.organization, name="Legal")
    manager = browser(acme, acme.manager, address="203.0.113.7")
    response = manager.post(admin_url(Department, "change", department.pk), {"name": "Compliance"})
    assert response.status_code == 302
    (event,) = events_about(acme, department, action=AuditAction.UPDATE)
    assert event.actor == acme.manager
    assert (event.ip_address, event.user_agent) == ("203.0.113.7", BROWSER)
    assert event.changed_fields == ["name"]
    assert event.target_type == "mentoring.department"
    assert "Legal" not in whole_log_as_text(acme) and "Compliance" not in whole_log_as_text(acme)


def test_a_mentee_editing_a_goal_logs_the_fields_that_changed_but_not_the_goal(world):
    from programs.models import Goal
    from tests.builders.cohort import GOAL, enrol_mentee, focus_skills
    from tests.builders.world import make_program

    acme = world.acme
    program = make_program(acme)
    enrollment = enrol_mentee(acme, acme.mentees[0], program)
    with activate(acme.organization):
        goal = Goal.objects.get(enrollment=enrollment)
    statement = f"Summarise what I heard in one-to-ones before advising {PRIVATE}"
    mentee = browser(acme, acme.mentees[0], address="2001:db8::5")
    response = mentee.post(
        f"/goals/{goal.pk}/edit/",
        {
            "statement": statement,
            "skill": goal.skill_id,
            "target_on": "",
            "status": "achieved",
        },
    )
    assert response.status_code == 302
    (event,) = events_about(acme, goal, action=AuditAction.UPDATE)
    assert event.actor == acme.mentees[0]
    assert event.ip_address == "2001:db8::5"
    assert event.changed_fields == ["statement", "status"]
    log = whole_log_as_text(acme)
    assert PRIVATE not in log and GOAL not in log
    assert focus_skills(program)  # the goal's skill did not change, and is not named


def test_creating_and_deleting_a_row_are_logged_and_a_save_that_changes_nothing_is_not(world):
    acme = world.acme
    manager = browser(acme, acme.manager)
    response = manager.post(admin_url(Department, "add"), {"name": "Research"})
    assert response.status_code == 302
    with activate(acme.organization):
        department = Department.objects.get(name="Research")
        Department.objects.get(pk=department.pk).save()  # loaded and saved as it was
    (created,) = events_about(acme, department)
    assert (created.action, created.actor, created.changed_fields) == (
        AuditAction.CREATE,
        acme.manager,
        [],
    )
    response = manager.post(admin_url(Department, "delete", department.pk), {"post": "yes"})
    assert response.status_code == 302
    deleted = events_about(acme, department, action=AuditAction.DELETE)
    assert [(event.actor, event.ip_address) for event in deleted] == [(acme.manager, "203.0.113.7")]


def test_the_history_of_a_row_in_the_admin_is_its_part_of_the_audit_log(world):
    acme = world.acme
    with activate(acme.organization):
        department = Department.objects.first()
    manager = browser(acme, acme.manager)
    manager.post(admin_url(Department, "change", department.pk), {"name": "Platform"})
    response = manager.get(admin_url(Department, "history", department.pk), follow=True)
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert {event.target_id for event in rows} == {str(department.pk)}
    assert AuditAction.UPDATE in {event.action for event in rows}


# ---------------------------------------------------------------- sign-ins and roles


def test_signing_in_and_out_are_logged_with_the_address(world):
    acme = world.acme
    client = browser(acme, acme.mentors[0], address="198.51.100.20")
    client.post("/accounts/logout/")
    signed = events(acme, actor=acme.mentors[0], action__in=["sign_in", "sign_out"])
    assert [(event.action, event.ip_address, event.user_agent) for event in signed] == [
        (AuditAction.SIGN_IN, "198.51.100.20", BROWSER),
        (AuditAction.SIGN_OUT, "198.51.100.20", BROWSER),
    ]


def test_a_failed_sign_in_is_logged_for_a_member_of_the_host_only(world):
    acme = world.acme
    client = browser(acme, address="198.51.100.30")
    for login in (acme.mentees[0].email, world.globex.manager.email, "nobody@acme.example"):
        response = client.post("/accounts/login/", {"login": login, "password": "wrong-password"})
        assert response.status_code == 200
    (failed,) = events(acme, action=AuditAction.SIGN_IN_FAILED)
    assert (failed.actor, failed.ip_address) == (acme.mentees[0], "198.51.100.30")
    assert PASSWORD not in whole_log_as_text(acme) and "wrong-password" not in whole_log_as_text(
        acme
    )
    assert events(world.globex, action=AuditAction.SIGN_IN_FAILED) == []


def test_a_role_change_in_the_admin_is_logged_as_from_and_to(world):
    acme = world.acme
    with activate(acme.organization):
        membership = Membership.objects.get(user=acme.mentors[0])
    manager = browser(acme, acme.manager)
    response = manager.post(
        admin_url(Membership, "change", membership.pk), {"role": Role.MANAGER, "is_active": "on"}
    )
    assert response.status_code == 302
    (event,) = events_about(acme, membership, actor=acme.manager)
    assert (event.action, event.summary, event.changed_fields, event.actor) == (
        AuditAction.ROLE_CHANGE,
        "member → manager",
        ["role"],
        acme.manager,
    )


# ---------------------------------------------------------------- exports


def test_a_csv_export_through_the_hr_api_is_logged_with_the_key_and_the_endpoint(world):
    from tests.builders.hr import new_key

    acme = world.acme
    key = new_key(acme)
    client = Client(REMOTE_ADDR="192.0.2.44")
    headers = {"HTTP_HOST": "acme.localhost", "HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/v1/enrolments/", **headers).status_code == 200
    assert events(acme, action=AuditAction.EXPORT) == []  # a JSON page is no export
    response = client.get("/api/v1/enrolments/?format=csv&status=approved", **headers)
    assert response.status_code == 200
    (export,) = events(acme, action=AuditAction.EXPORT)
    assert (export.actor, export.actor_label, export.ip_address) == (
        None,
        "API key Warehouse",
        "192.0.2.44",
    )
    assert export.summary == "CSV of /api/v1/enrolments/?format=csv&status=approved"


def test_an_hr_analyst_exporting_in_the_browser_is_logged_as_themselves(world):
    acme = world.acme
    analyst = browser(acme, acme.hr)
    assert analyst.get("/api/v1/summary/?format=csv").status_code == 200
    (export,) = events(acme, action=AuditAction.EXPORT)
    assert (export.actor, export.summary) == (acme.hr, "CSV of /api/v1/summary/?format=csv")


# ---------------------------------------------------------------- private text


def test_private_notes_and_feedback_never_reach_the_log(world):
    from feedback.models import Feedback
    from sessions.models import PrivateNote
    from tests.builders.pair import GOOD, feedback_url, focus_skill, make_pair, schedule

    pair = make_pair(world.acme)
    session = schedule(pair)
    mentee = browser(pair.org, pair.mentee)
    note = f"/sessions/{session.pk}/private-note/"
    mentee.post(note, {"private-text": f"Nervous about the review {PRIVATE}"})
    mentee.post(note, {"private-text": f"Less nervous now {PRIVATE}"})
    mentee.post(note, {"private-text": ""})  # deleted
    mentor = browser(pair.org, pair.mentor)
    private_feedback = {key: f"{value} {PRIVATE}" for key, value in GOOD.items()}
    response = mentor.post(
        feedback_url("new", pair),
        {"skill": focus_skill(pair).pk, "kind": "change", **private_feedback},
    )
    with activate(pair.org.organization):
        feedback = Feedback.objects.get(situation__contains=PRIVATE)
    assert response.status_code == 302
    assert response["Location"] == f"{feedback_url('list', pair)}#feedback-{feedback.pk}"
    kinds = {(event.target_type, event.action) for event in events(pair.org)}
    assert {
        ("mentoring_sessions.privatenote", AuditAction.CREATE),
        ("mentoring_sessions.privatenote", AuditAction.UPDATE),
        ("mentoring_sessions.privatenote", AuditAction.DELETE),
        ("feedback.feedback", AuditAction.CREATE),
    } <= kinds
    (note_change,) = events(pair.org, target_type="mentoring_sessions.privatenote", action="update")
    assert note_change.changed_fields == ["text"]
    assert PRIVATE not in whole_log_as_text(pair.org)
    with activate(pair.org.organization):
        assert not PrivateNote.objects.exists()


def test_a_survey_answer_is_logged_without_who_gave_it_from_where_or_when(world):
    from feedback.models import SurveyResponse
    from tests.builders.pair import feedback_url, make_pair

    pair = make_pair(world.acme)
    mentee = browser(pair.org, pair.mentee, address="198.51.100.77")
    for useful in (2, 5):  # answered, then answered again: the first stops being current
        response = mentee.post(feedback_url("pulse", pair), {"useful": useful, "candid": 4})
        assert response.status_code == 302, response.content[:500]
    with activate(pair.org.organization):
        assert SurveyResponse.objects.filter(respondent__user=pair.mentee).count() == 2
    answers = events(pair.org, target_type="feedback.surveyresponse")
    assert sorted(event.action for event in answers) == ["create", "create", "update"]
    for event in answers:
        assert (event.actor, event.actor_label, event.ip_address, event.user_agent) == (
            None,
            "",
            None,
            "",
        )
        assert event.target_id == ""  # no row to look the respondent up by
        assert (event.occurred_at.hour, event.occurred_at.minute) == (0, 0)  # the day only


# ---------------------------------------------------------------- the admin


def test_each_organizations_managers_see_only_their_own_log(world):
    for org in (world.acme, world.globex):
        with activate(org.organization):
            record_event(
                organization=org.organization,
                action=AuditAction.EXPORT,
                actor=org.manager,
                summary=f"CSV for {org.sentinel}",
            )
    for org, other in ((world.acme, world.globex), (world.globex, world.acme)):
        page = browser(org, org.manager).get(admin_url(AuditEvent, "changelist"))
        assert page.status_code == 200
        assert f"CSV for {org.sentinel}".encode() in page.content
        assert other.sentinel.encode() not in page.content


@pytest.mark.parametrize("who", ["hr", "mentee"])
def test_people_who_are_not_managers_cannot_open_the_log(world, who):
    acme = world.acme
    person = acme.hr if who == "hr" else acme.mentees[0]
    response = browser(acme, person).get(admin_url(AuditEvent, "changelist"), follow=True)
    assert response.status_code == 403


def test_the_log_in_the_admin_is_read_only(world):
    acme = world.acme
    with activate(acme.organization):
        event = AuditEvent.objects.first()
    manager = browser(acme, acme.manager)
    page = manager.get(admin_url(AuditEvent, "change", event.pk))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content and b"deletelink" not in page.content
    assert manager.get(admin_url(AuditEvent, "add")).status_code == 403
    assert manager.get(admin_url(AuditEvent, "delete", event.pk)).status_code == 403
    assert manager.post(admin_url(AuditEvent, "change", event.pk), {}).status_code == 403
    changelist = manager.get(admin_url(AuditEvent, "changelist"))
    assert b'name="action"' not in changelist.content  # no bulk actions, no bulk delete


def test_the_log_filters_by_action_and_date_and_searches_by_target(world):
    acme = world.acme
    with activate(acme.organization):
        department = Department.objects.first()
    manager = browser(acme, acme.manager)
    manager.post(admin_url(Department, "change", department.pk), {"name": "Platform"})
    changelist = admin_url(AuditEvent, "changelist")
    rows = manager.get(changelist, {"action__exact": "update"}).context["cl"].result_list
    assert rows and {event.action for event in rows} == {AuditAction.UPDATE}
    rows = manager.get(changelist, {"q": str(department.pk)}).context["cl"].result_list
    assert rows and {event.target_id for event in rows} == {str(department.pk)}
    page = manager.get(changelist, {"occurred_at__gte": "2000-01-01 00:00:00+00:00"})
    assert page.status_code == 200 and page.context["cl"].result_list


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(admin_url(AuditEvent, "changelist"))
    assert response.status_code == 200
    return len(queries)


def test_the_log_page_costs_the_same_queries_for_few_or_many_events(world):
    acme = world.acme
    manager = browser(acme, acme.manager)
    few = changelist_queries(manager)
    with activate(acme.organization):
        for number in range(60):
            record_event(
                organization=acme.organization,
                action=AuditAction.SIGN_IN,
                actor=acme.mentors[number % 2],
            )
    assert changelist_queries(manager) == few == 6


# ---------------------------------------------------------------- the database role


def test_the_application_role_may_add_and_read_events_but_never_change_or_delete_them(world):
    acme = world.acme
    with activate(acme.organization):
        event = record_event(organization=acme.organization, action=AuditAction.EXPORT)
        attempts = [
            lambda: AuditEvent.objects.filter(pk=event.pk).update(summary="forged"),
            lambda: AuditEvent.objects.filter(pk=event.pk).delete(),
            lambda: connection.cursor().execute(
                "UPDATE mentoring_auditevent SET actor_id = NULL WHERE id = %s", [event.pk]
            ),
            lambda: connection.cursor().execute(
                "DELETE FROM mentoring_auditevent WHERE id = %s", [event.pk]
            ),
        ]
        for attempt in attempts:
            with pytest.raises(DatabaseError) as error, transaction.atomic():
                attempt()
            assert error.value.__cause__.pgcode == "42501"  # insufficient_privilege
        assert AuditEvent.objects.get(pk=event.pk).summary == ""


def test_outside_the_tests_the_application_role_may_not_truncate_the_log_either():
    assert append_only_tables() == ["mentoring_auditevent"]
    with override_settings(TENANCY_APP_ROLE_EXTRA_PRIVILEGES=[]):
        statements = grant_sql("app")
    assert statements[-1] == 'REVOKE UPDATE, DELETE, TRUNCATE ON "mentoring_auditevent" FROM "app"'
    # The test settings keep TRUNCATE for the flush between transactional tests.
    with override_settings(TENANCY_APP_ROLE_EXTRA_PRIVILEGES=["TRUNCATE"]):
        statements = grant_sql("app")
    assert statements[-1] == 'REVOKE UPDATE, DELETE ON "mentoring_auditevent" FROM "app"'


# ---------------------------------------------------------------- coverage and actors


@pytest.mark.django_db(databases=["default", "owner"])
def test_every_tenant_model_is_audited_by_a_database_trigger_except_the_log_and_the_mail_queue():
    tenant_models = {model for model in apps.get_models() if issubclass(model, TenantModel)}
    assert set(excluded_models()) == {AuditEvent, OutboxMessage}
    assert set(audited_models()) == tenant_models - {AuditEvent, OutboxMessage}
    assert tables_with_trigger(TRIGGER) == {model._meta.db_table for model in audited_models()}


@tenant_task()
def rename_department(organization, department_id: int, name: str) -> None:
    department = Department.objects.get(pk=department_id)
    department.name = name
    department.save()


def test_changes_made_by_a_task_or_the_demo_seed_carry_their_name(world):
    acme = world.acme
    with activate(acme.organization):
        department = Department.objects.first()
    rename_department.delay(acme.organization.pk, department.pk, "Renamed by a task")
    (event,) = events_about(acme, department, action=AuditAction.UPDATE)
    assert (event.actor, event.actor_label) == (None, f"task {rename_department.name}")
    with acting_as("seed"), activate(acme.organization):
        Department.objects.create(organization=acme.organization, name="Seeded")
    assert [event.actor_label for event in events(acme, target_type="mentoring.department")][
        -1
    ] == "seed"


def test_the_address_behind_a_proxy_is_trusted_only_as_far_as_configured():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.9"
    )
    assert client_ip(request) == "10.0.0.2"
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert client_ip(request) == "198.51.100.9"  # what our proxy saw; 6.6.6.6 is forged
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=3):
        assert client_ip(request) == "10.0.0.2"  # fewer hops than proxies: not via them
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="not an address")) is None

"""A CSV invitation import at the size of a large organization: written in batches (the
queries grow per batch of 1,000 rows, never per row), all or nothing up to 10,000 rows,
every invitation in the audit log, one email task per batch sending the same email a
single invitation sends, and progress reported as it goes."""

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from mentoring.accounts import services
from mentoring.accounts.models import Invitation
from mentoring.accounts.services import BATCH_SIZE
from mentoring.accounts.tasks import send_invitation
from mentoring.audit.context import acting_as
from mentoring.audit.models import AuditEvent
from mentoring.jobs.progress import unheard
from mentoring.tenancy import activate
from tests.builders.world import invite

# Departments and the addresses that are members or invited already; then per batch the
# invitations inserted (inside a savepoint, which names a clash with a concurrent invite).
QUERIES_PER_BATCH = 3
QUERIES_FOR_ONE_BATCH = 3 + QUERIES_PER_BATCH + 2  # and the import's own savepoint


def csv_of(count: int, prefix: str = "new", last_line: str = "") -> bytes:
    lines = ["email,name,role,department,job_title"]
    lines += [f"{prefix}{i}@acme.example,Person {i},member,,Analyst" for i in range(count)]
    if last_line:
        lines.append(last_line)
    return ("\n".join(lines) + "\n").encode()


def import_csv(org, data: bytes, progress=unheard):
    with activate(org.organization), acting_as("CSV import", user=org.manager):
        return services.invitations_import_csv(
            organization=org.organization, actor=org.manager, data=data, progress=progress
        )


def queries_to_import(org, count: int, prefix: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        created = import_csv(org, csv_of(count, prefix))
    assert len(created) == count
    return len(queries)


def link_in(message) -> str:
    return next(line for line in message.body.splitlines() if "/invitations/" in line).strip()


def test_ten_thousand_rows_with_one_bad_line_at_the_end_invite_nobody_and_name_that_line(
    world, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(services.CsvImportError) as error,
    ):
        import_csv(world.acme, csv_of(10_000, last_line="not-an-email,Bad,member,,"))
    assert [str(e) for e in error.value.errors] == [
        "Line 10002: 'not-an-email' is not a valid email address."
    ]
    with activate(world.acme.organization):
        assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_queries_grow_per_batch_of_a_thousand_rows_never_per_row(world):
    assert queries_to_import(world.acme, 10, "ten") == QUERIES_FOR_ONE_BATCH
    assert queries_to_import(world.acme, 200, "many") == QUERIES_FOR_ONE_BATCH
    assert queries_to_import(world.acme, BATCH_SIZE + 1, "more") == (
        QUERIES_FOR_ONE_BATCH + QUERIES_PER_BATCH
    )


def test_every_invitation_written_is_in_the_audit_log_with_who_did_it(world):
    created = import_csv(world.acme, csv_of(25))
    with activate(world.acme.organization):
        logged = sorted(
            AuditEvent.objects.filter(target_type="mentoring.invitation").values_list(
                "target_id", "action", "actor_id"
            )
        )
    assert logged == sorted((str(i.pk), "create", world.acme.manager.pk) for i in created)


def test_one_email_task_per_batch_sends_everyone_the_email_a_single_invitation_sends(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = import_csv(world.acme, csv_of(BATCH_SIZE + 1))
    assert len(callbacks) == 2  # one email task per batch
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in created)
    batch_email = next(m for m in mail.outbox if m.to == ["new7@acme.example"])
    mail.outbox.clear()
    invitation = next(i for i in created if i.email == "new7@acme.example")
    send_invitation.delay(world.acme.organization.pk, invitation.pk, link_in(batch_email))
    (single_email,) = mail.outbox
    assert (single_email.subject, single_email.body, single_email.alternatives) == (
        batch_email.subject,
        batch_email.body,
        batch_email.alternatives,
    )
    assert "Person 7" in batch_email.body and "manager@acme.example invited you" in batch_email.body


class FlakyMailServer(EmailBackend):
    """A mail server that drops the connection once, at its third message."""

    messages_seen = 0

    def send_messages(self, messages):
        FlakyMailServer.messages_seen += len(messages)
        if FlakyMailServer.messages_seen == 3:
            raise ConnectionResetError("the mail server hung up")
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND="tests.mentoring.test_invitation_import_bulk.FlakyMailServer")
def test_emails_the_mail_server_failed_on_are_sent_again_and_none_twice(
    world, django_capture_on_commit_callbacks
):
    FlakyMailServer.messages_seen = 0
    with django_capture_on_commit_callbacks(execute=True):
        created = import_csv(world.acme, csv_of(6))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in created)


def test_progress_is_reported_per_batch_with_the_number_of_rows(world):
    calls = []
    import_csv(
        world.acme,
        csv_of(BATCH_SIZE + 1),
        progress=lambda done, total, phase: calls.append((done, total, phase)),
    )
    total = BATCH_SIZE + 1
    assert calls == [
        (0, total, "Checking rows"),
        (BATCH_SIZE, total, "Checking rows"),
        (total, total, "Checking rows"),
        (0, total, "Writing invitations"),
        (BATCH_SIZE, total, "Writing invitations"),
        (total, total, "Writing invitations"),
    ]


def test_someone_invited_while_the_file_was_checked_is_named_and_nobody_is_invited(world):
    def invite_meanwhile(done, total, phase):
        if phase == "Checking rows" and done == total:
            invite(world.acme, "new3@acme.example")

    with pytest.raises(services.CsvImportError) as error:
        import_csv(world.acme, csv_of(5), progress=invite_meanwhile)
    assert [str(e) for e in error.value.errors] == [
        "Line 5: new3@acme.example already has an open invitation; resend it from the "
        "invitation list."
    ]
    with activate(world.acme.organization):
        assert list(Invitation.objects.values_list("email", flat=True)) == ["new3@acme.example"]


def test_members_and_open_invitations_are_refused_by_line_whatever_the_letter_case(world):
    invite(world.acme, "new1@acme.example")
    member = world.acme.mentees[0].email.upper()
    with pytest.raises(services.CsvImportError) as error:
        import_csv(world.acme, csv_of(3, last_line=f"{member},Member,member,,"))
    assert [str(e) for e in error.value.errors] == [
        "Line 3: new1@acme.example already has an open invitation; resend it from the "
        "invitation list.",
        f"Line 5: {member.lower()} is already a member of this organization.",
    ]


def test_an_import_leaves_the_other_organization_untouched(world):
    invite(world.globex, "new0@acme.example")  # open at globex: no matter to acme
    with activate(world.globex.organization):
        their_log = AuditEvent.objects.count()
    created = import_csv(world.acme, csv_of(3))
    assert [i.organization_id for i in created] == [world.acme.organization.pk] * 3
    with activate(world.globex.organization):
        assert list(Invitation.objects.values_list("email", flat=True)) == ["new0@acme.example"]
        assert AuditEvent.objects.count() == their_log

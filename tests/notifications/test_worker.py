"""The outbox through a real Celery worker process consuming from the real Redis.

Each test builds a pair with a session tomorrow in acme and in globex (``pairs``), turns
eager mode off (``broker``) and starts workers that write emails as files
(``workers``); the dispatcher and the sweeper run here, as beat would run them.
"""

import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from mentoring.notifications.dispatch import dispatch_due
from mentoring.notifications.models import Kind, OutboxMessage, Status
from mentoring.notifications.sending import send_pending
from mentoring.notifications.tasks import send_outbox, sweep_outbox
from mentoring.tenancy import activate, all_organizations
from mentoring.tenancy.models import Organization

from .workers import delivered, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# What the dispatcher writes for the pairs: the world's own event emails (applications
# approved, pairs published) were sent while it was built and are left out.
DISPATCHED = (Kind.SESSION_REMINDER, Kind.MANAGER_DIGEST, Kind.CHECKIN_NUDGE, Kind.GOAL_REVIEW)


def dispatched(organization=None) -> list[OutboxMessage]:
    with all_organizations():
        rows = OutboxMessage.unscoped.filter(kind__in=DISPATCHED).order_by("pk")
        if organization is not None:
            rows = rows.filter(organization=organization)
        return list(rows)


def all_sent() -> bool:
    rows = dispatched()
    return bool(rows) and all(row.status == Status.SENT for row in rows)


def emails(workers) -> Counter:
    """How many times each (recipient, subject) arrived."""
    return Counter((str(m["To"]), str(m["Subject"])) for m in delivered(workers.mail_dir))


def assert_every_row_arrived_exactly_once(workers) -> None:
    rows = dispatched()
    assert {row.status for row in rows} == {Status.SENT}
    expected = Counter((row.to_email, row.subject) for row in rows)
    assert emails(workers) == expected, workers.output()


def assert_one_reminder_per_person(pairs, workers) -> None:
    reminders = Counter(
        str(m["To"]) for m in delivered(workers.mail_dir) if m["Subject"].startswith("Tomorrow")
    )
    people = [user.email for pair in pairs for user in (pair.mentee, pair.mentor)]
    assert reminders == Counter(people), workers.output()


def test_a_session_tomorrow_reaches_each_person_once_through_a_real_worker(pairs, broker, workers):
    workers.start()
    queued = dispatch_due()
    assert queued[("acme", Kind.SESSION_REMINDER)] == 2
    assert queued[("globex", Kind.SESSION_REMINDER)] == 2
    wait_until(all_sent, "the worker to send every row", workers=workers)
    assert_one_reminder_per_person(pairs, workers)
    assert_every_row_arrived_exactly_once(workers)
    reminder = next(
        m for m in delivered(workers.mail_dir) if str(m["To"]) == pairs.acme.mentee.email
    )
    parts = {part.get_content_type() for part in reminder.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= parts
    assert reminder["List-Unsubscribe"].strip().startswith("<http://acme.localhost/notifications/")


def test_running_the_dispatcher_twice_sends_nothing_twice(pairs, broker, workers):
    workers.start()
    first, second = dispatch_due(), dispatch_due()
    assert sum(first.values()) == len(dispatched()) and second == {}
    wait_until(all_sent, "the worker to send every row", workers=workers)
    assert dispatch_due() == {}
    assert_one_reminder_per_person(pairs, workers)
    assert_every_row_arrived_exactly_once(workers)


def test_two_dispatchers_at_once_write_and_send_each_message_once(pairs, broker, workers):
    workers.start()
    barrier = threading.Barrier(2)
    errors = []

    def beat():
        try:
            barrier.wait(timeout=10)
            dispatch_due()
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    keys = Counter((row.organization_id, row.dedupe_key) for row in dispatched())
    assert keys and set(keys.values()) == {1}
    wait_until(all_sent, "the worker to send every row", workers=workers)
    assert_one_reminder_per_person(pairs, workers)
    assert_every_row_arrived_exactly_once(workers)


def test_a_worker_killed_while_sending_loses_nothing_and_sends_nothing_twice(
    pairs, broker, workers
):
    lease = 3
    crashing = workers.start(slow_mail_seconds=4, lease_seconds=lease)
    dispatch_due()
    in_hand = wait_until(
        lambda: [row for row in dispatched() if row.status == Status.SENDING],
        "the worker to claim rows",
        workers=workers,
    )
    crashing.kill()
    assert delivered(workers.mail_dir) == []
    assert len(broker.unacknowledged()) == 1  # the task in hand, never acknowledged
    assert {row.status for row in dispatched(in_hand[0].organization_id)} == {Status.SENDING}

    workers.start(lease_seconds=lease)  # it sends the other organization's rows
    # The killed task is never acknowledged, and Redis would hand it out again only after
    # the broker's visibility timeout (an hour). The lease runs out much sooner:
    lease_ends = max(row.lease_until for row in in_hand)
    time.sleep(max(0.0, (lease_ends - timezone.now()).total_seconds()) + 0.2)
    assert {row.status for row in dispatched(in_hand[0].organization_id)} == {Status.SENDING}
    assert sweep_outbox() >= 1
    wait_until(all_sent, "the new worker to send every row", workers=workers)
    assert_one_reminder_per_person(pairs, workers)
    assert_every_row_arrived_exactly_once(workers)
    retried = dispatched(in_hand[0].organization_id)
    assert {row.attempts for row in retried} == {2}  # claimed by the dead worker, then again


def test_a_message_claimed_again_after_its_lease_ran_out_is_not_sent_by_the_slow_worker_too(
    pairs, broker, workers, settings
):
    """A worker claims a batch under one lease; when sending is slow, the lease of the last
    rows runs out before their turn, and another sender takes them over."""
    acme = pairs.acme.org.organization
    slow = workers.start(slow_mail_seconds=3, lease_seconds=4)
    dispatch_due()
    claimed = wait_until(
        lambda: [row for row in dispatched(acme) if row.status == Status.SENDING],
        "the slow worker to claim acme's rows",
        workers=workers,
    )
    assert len(claimed) == 3  # two reminders and the manager's digest, 3 s each
    broker.lose_queued_tasks()  # globex's task: this test is about acme's batch
    lease_ends = min(row.lease_until for row in claimed)
    time.sleep(max(0.0, (lease_ends - timezone.now()).total_seconds()) + 0.1)
    # Another sender (this process, running what a second worker runs) takes over.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(workers.mail_dir)
    with activate(acme):
        taken_over = send_pending()["sent"]
    assert taken_over >= 1
    slow.stop()  # a warm shutdown: the slow worker finishes its batch first
    rows = dispatched(acme)
    assert {row.status for row in rows} == {Status.SENT}
    expected = Counter((row.to_email, row.subject) for row in rows)
    assert emails(workers) == expected, workers.output()
    assert sorted(row.attempts for row in rows) == [1] * (3 - taken_over) + [2] * taken_over


def test_tasks_lost_by_redis_are_queued_again_by_the_sweeper(pairs, broker, workers):
    dispatch_due()  # no worker yet: the rows wait, and their send tasks are queued
    assert broker.queued() == 2  # one per organization
    broker.lose_queued_tasks()
    workers.start()
    assert {row.status for row in dispatched()} == {Status.PENDING}
    assert sweep_outbox() == 2
    wait_until(all_sent, "the worker to send every row", workers=workers)
    assert_one_reminder_per_person(pairs, workers)
    assert_every_row_arrived_exactly_once(workers)


def test_a_send_task_for_one_organization_sends_nothing_of_another(pairs, broker, workers):
    acme, globex = pairs.acme.org.organization, pairs.globex.org.organization
    dispatch_due()
    broker.lose_queued_tasks()  # the rows wait, with no task queued for either organization
    worker = workers.start()

    send_outbox.delay(globex.pk)
    wait_until(
        lambda: {row.status for row in dispatched(globex)} == {Status.SENT},
        "the worker to send globex's rows",
        workers=workers,
    )
    assert {row.status for row in dispatched(acme)} == {Status.PENDING}
    recipients = {to for to, _subject in emails(workers)}
    assert recipients == {row.to_email for row in dispatched(globex)}
    assert not any(to.endswith("@acme.example") for to in recipients)

    unknown = Organization.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    send_outbox.delay(unknown)
    wait_until(
        lambda: f"organization {unknown} is unknown or inactive" in worker.output(),
        "the worker to log the task for an unknown organization",
        workers=workers,
    )
    assert {row.status for row in dispatched(acme)} == {Status.PENDING}
    assert {to for to, _subject in emails(workers)} == recipients


@pytest.mark.worker  # the broker's queue is shared: never beside other worker tests
def test_a_transaction_writing_mail_in_many_batches_queues_one_send_task(pairs, broker):
    from django.db import transaction

    from mentoring.notifications.outbox import send_after_commit

    organization = pairs.acme.org.organization
    with activate(organization), transaction.atomic():
        for _batch in range(10):  # an import of 10,000 people writes ten batches of mail
            send_after_commit(organization)
    assert broker.queued() == 1
    send_after_commit(pairs.globex.org.organization)  # another organization: its own task
    assert broker.queued() == 2

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.models import Mentorship
from mentoring.notifications.dispatch import dispatch_due
from mentoring.notifications.models import Kind, NotificationSetting, OutboxMessage, Status
from mentoring.notifications.outbox import preferences_token
from mentoring.notifications.sending import send_pending
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Enrollment, Program
from programs.schedule import review_due_on, reviews_due_by
from sessions.models import Session, SessionStatus
from tests.builders.pair import make_pair


@pytest.fixture
def pair(world):
    return make_pair(world.acme)


def rows(pair, kind=None):
    with activate(pair.org.organization):
        queryset = OutboxMessage.objects.order_by("pk")
        return list(queryset.filter(kind=kind) if kind else queryset)


def plan(pair, starts_at, **fields):
    with activate(pair.org.organization):
        return Session.objects.create(
            organization=pair.org.organization,
            mentorship=pair.mentorship,
            starts_at=starts_at,
            duration_minutes=60,
            **fields,
        )


def set_start(pair, started_on):
    """The pair started on ``started_on``, in a program that started then too, so check-ins
    and goal reviews (counted from the mentee's enrolment: programs.schedule) both run from
    that day."""
    with activate(pair.org.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(started_on=started_on)
        Program.objects.filter(pk=pair.mentorship.program_id).update(starts_on=started_on)
        Enrollment.objects.filter(pk=pair.mentorship.mentee_id).update(
            decided_at=datetime.combine(started_on, time(9), tzinfo=UTC)
        )


def test_a_session_tomorrow_writes_one_reminder_per_person_however_often_it_runs(pair, sent):
    now = timezone.now()
    plan(pair, now + timedelta(hours=20))
    with sent:
        first = dispatch_due(now=now)
        dispatch_due(now=now + timedelta(minutes=1))
        dispatch_due(now=now + timedelta(minutes=2))
    assert first[("acme", Kind.SESSION_REMINDER)] == 2
    reminders = rows(pair, Kind.SESSION_REMINDER)
    assert len(reminders) == 2
    assert {r.to_email for r in reminders} == {pair.mentee.email, pair.mentor.email}
    reminders_sent = [m for m in mail.outbox if "Tomorrow" in m.subject]
    assert len(reminders_sent) == 2
    message = reminders_sent[0]
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<http://acme.localhost/notifications/"
    )
    assert message.alternatives[0][1] == "text/html"
    assert (
        message.attachments[0][0] == "session.ics" and "BEGIN:VEVENT" in message.attachments[0][1]
    )
    assert all(r.status == Status.SENT for r in rows(pair))


def test_a_session_further_away_or_already_logged_gets_no_reminder(pair):
    now = timezone.now()
    plan(pair, now + timedelta(hours=30))
    plan(pair, now + timedelta(hours=5), status=SessionStatus.CANCELLED)
    dispatch_due(now=now)
    assert rows(pair, Kind.SESSION_REMINDER) == []


def test_rescheduling_after_a_reminder_sends_a_new_one(pair):
    now = timezone.now()
    session = plan(pair, now + timedelta(hours=20))
    dispatch_due(now=now)
    with activate(pair.org.organization):
        Session.objects.filter(pk=session.pk).update(starts_at=now + timedelta(hours=22))
    dispatch_due(now=now)
    assert len(rows(pair, Kind.SESSION_REMINDER)) == 4


def test_the_reminder_shows_each_persons_own_time_across_a_daylight_saving_change(pair, sent):
    with activate(pair.org.organization):
        Profile.objects.filter(pk=pair.mentorship.mentee.person_id).update(
            time_zone="Europe/Berlin"
        )
        Profile.objects.filter(pk=pair.mentorship.mentor.person_id).update(
            time_zone="America/New_York"
        )
    # Berlin moves to summer time at 02:00 on 29 March 2026; New York did on 8 March.
    starts = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 10:00 in Berlin, 04:00 in New York
    plan(pair, starts)
    with sent:
        dispatch_due(now=datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[pair.mentee.email].endswith("at 10:00")
    assert subjects[pair.mentor.email].endswith("at 04:00")


def test_a_pair_without_a_session_for_its_cadence_is_nudged_once_then_the_manager_is_told(pair):
    today = timezone.now()
    set_start(pair, (today - timedelta(days=35)).date())
    dispatch_due(now=today)
    dispatch_due(now=today + timedelta(days=1))
    assert len(rows(pair, Kind.CHECKIN_NUDGE)) == 2
    assert rows(pair, Kind.PAIR_AT_RISK) == []
    dispatch_due(now=today + timedelta(days=30))
    at_risk = rows(pair, Kind.PAIR_AT_RISK)
    assert [r.to_email for r in at_risk] == [pair.org.manager.email]
    dispatch_due(now=today + timedelta(days=31))
    assert len(rows(pair, Kind.PAIR_AT_RISK)) == 1


def test_a_held_session_resets_the_check_in_clock(pair):
    today = timezone.now()
    set_start(pair, (today - timedelta(days=35)).date())
    plan(pair, today - timedelta(days=3), status=SessionStatus.HELD)
    dispatch_due(now=today)
    assert rows(pair, Kind.CHECKIN_NUDGE) == []


def test_each_goal_review_period_nudges_each_person_exactly_once(pair):
    start = date(2026, 1, 15)
    set_start(pair, start)
    for day in range(0, 200, 3):
        now = datetime(2026, 1, 15, 9, tzinfo=UTC) + timedelta(days=day)
        dispatch_due(now=now)
    keys = sorted(r.dedupe_key.rsplit(":", 1)[0] for r in rows(pair, Kind.GOAL_REVIEW))
    mentorship = pair.mentorship.pk
    assert keys == [f"goal-review:{mentorship}:1"] * 2 + [f"goal-review:{mentorship}:2"] * 2


def test_a_paused_pair_is_not_nudged_until_it_resumes(pair):
    start = date(2026, 1, 15)
    set_start(pair, start)
    with activate(pair.org.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(status="paused")
    dispatch_due(now=datetime(2026, 4, 20, tzinfo=UTC))
    assert rows(pair, Kind.GOAL_REVIEW) == []
    with activate(pair.org.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(status="active")
    dispatch_due(now=datetime(2026, 4, 21, tzinfo=UTC))
    dispatch_due(now=datetime(2026, 4, 22, tzinfo=UTC))
    assert len(rows(pair, Kind.GOAL_REVIEW)) == 2


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    interval=st.integers(1, 12),
    days=st.lists(st.integers(0, 1500), min_size=1, max_size=40),
)
def test_every_day_falls_in_exactly_one_review_period(start, interval, days):
    """The period the dispatcher sees on a day is the number of due dates passed: it never
    goes back, and it moves by one at each due date."""

    seen = [reviews_due_by(start, interval, start + timedelta(days=d)) for d in sorted(days)]
    assert seen == sorted(seen)
    for offset, period in zip(sorted(days), seen, strict=True):
        day = start + timedelta(days=offset)
        assert period == 0 or review_due_on(start, interval, period) <= day
        assert day < review_due_on(start, interval, period + 1)


def test_a_kind_turned_off_is_not_written(pair):
    with activate(pair.org.organization):
        NotificationSetting.objects.create(
            organization=pair.org.organization,
            person=pair.mentorship.mentee.person,
            kind=Kind.SESSION_REMINDER,
            is_enabled=False,
        )
    plan(pair, timezone.now() + timedelta(hours=2))
    dispatch_due()
    assert [r.to_email for r in rows(pair, Kind.SESSION_REMINDER)] == [pair.mentor.email]


def test_the_signed_link_manages_preferences_without_signing_in(client, pair):
    with activate(pair.org.organization):
        token = preferences_token(pair.mentorship.mentee.person)
    client.defaults["HTTP_HOST"] = "acme.localhost"
    page = client.get(f"/notifications/{token}/")
    assert page.status_code == 200 and b"Session reminders" in page.content
    client.post(f"/notifications/{token}/", {"kinds": [Kind.GOAL_REVIEW]})
    with activate(pair.org.organization):
        off = set(
            NotificationSetting.objects.filter(is_enabled=False).values_list("kind", flat=True)
        )
    assert Kind.SESSION_REMINDER in off and Kind.GOAL_REVIEW not in off
    assert Kind.APPLICATION_DECIDED not in off


def test_one_click_unsubscribe_turns_everything_off_but_what_cannot_be_turned_off(client, pair):
    with activate(pair.org.organization):
        token = preferences_token(pair.mentorship.mentee.person)
    client.defaults["HTTP_HOST"] = "acme.localhost"
    assert client.post(f"/notifications/{token}/unsubscribe/").status_code == 200
    with activate(pair.org.organization):
        off = set(
            NotificationSetting.objects.filter(is_enabled=False).values_list("kind", flat=True)
        )
    assert off == set(Kind.values) - {Kind.APPLICATION_DECIDED, Kind.PROFILE_CORRECTION}


def test_a_preferences_link_does_not_work_on_another_organization_host(client, pair):
    with activate(pair.org.organization):
        token = preferences_token(pair.mentorship.mentee.person)
    assert client.get(f"/notifications/{token}/", HTTP_HOST="globex.localhost").status_code == 404
    assert client.get("/notifications/forged/", HTTP_HOST="acme.localhost").status_code == 404


def test_the_send_task_for_another_organization_sends_nothing_of_this_one(pair, world):
    from mentoring.notifications.tasks import send_outbox

    plan(pair, timezone.now() + timedelta(hours=2))
    with activate(pair.org.organization):
        from mentoring.notifications.dispatch import dispatch_organization

        dispatch_organization(pair.org.organization, timezone.now())
    send_outbox.delay(world.globex.organization.pk)
    assert mail.outbox == []
    assert {r.status for r in rows(pair)} == {Status.PENDING}


def test_transient_mail_errors_retry_later_and_give_up_after_the_limit(pair, settings):
    import smtplib

    from mentoring.notifications import sending

    plan(pair, timezone.now() + timedelta(hours=2))
    with activate(pair.org.organization):
        from mentoring.notifications.dispatch import dispatch_organization

        dispatch_organization(pair.org.organization, timezone.now())
        settings.EMAIL_BACKEND = "tests.notifications.failing_backend.DisconnectingBackend"
        written = OutboxMessage.objects.count()
        assert written >= 2 and send_pending()["retry"] == written
        row = OutboxMessage.objects.first()
        assert row.status == Status.PENDING and row.lease_until > timezone.now()
        assert "SMTPServerDisconnected" in row.last_error
        OutboxMessage.objects.update(attempts=sending.MAX_ATTEMPTS - 1, lease_until=None)
        assert send_pending()["failed"] == written
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.FAILED}
    assert smtplib.SMTPServerDisconnected


def test_both_people_of_a_new_pair_hear_who_they_work_with_and_why(world, sent):
    with sent:
        pair = make_pair(world.acme)
    with activate(pair.org.organization):
        published = OutboxMessage.objects.filter(kind=Kind.MATCH_PUBLISHED)
        assert {m.to_email for m in published} >= {pair.mentee.email, pair.mentor.email}
    to_mentee = next(
        m for m in mail.outbox if m.to == [pair.mentee.email] and "Meet your" in m.subject
    )
    # Plain reasons for people (tests/matching/test_meet_email.py): no points, no penalties.
    assert "Why we think you will work well together" in to_mentee.body
    assert "You both work on" in to_mentee.body and "+" not in to_mentee.body.split("Plan")[0]


def test_an_application_decision_is_emailed_even_to_someone_who_turned_emails_off(world, sent):
    from programs import services as programs
    from tests.builders.world import make_program

    program = make_program(world.acme)
    org = world.acme.organization
    with activate(org):
        programs.enrollment_apply_mentor(
            organization=org,
            actor=world.acme.mentors[0],
            program=program,
            skills=[program.focus_links.first().skill],
            capacity=1,
            growth_story="Learned it late.",
        )
        person = Profile.objects.get(user=world.acme.mentors[0])
        for kind in Kind.values:
            NotificationSetting.objects.create(
                organization=org, person=person, kind=kind, is_enabled=False
            )
        from programs.models import Enrollment

        with sent:
            programs.enrollments_decline(
                organization=org,
                actor=world.acme.manager,
                enrollments=list(Enrollment.objects.all()),
                reason="The cohort is full <b>sorry</b>",
            )
    message = next(m for m in mail.outbox if m.to == [world.acme.mentors[0].email])
    assert "was not accepted" in message.body and "The cohort is full <b>sorry</b>" in message.body
    assert "&lt;b&gt;sorry&lt;/b&gt;" in message.alternatives[0][0]


def test_a_long_mailing_is_sent_in_short_passes_so_a_job_queued_meanwhile_starts_soon(
    pair, monkeypatch
):
    from mentoring.notifications import sending, tasks

    plan(pair, timezone.now() + timedelta(hours=2))
    organization = pair.org.organization
    with activate(organization):
        from mentoring.notifications.dispatch import dispatch_organization

        dispatch_organization(organization, timezone.now())
        template = OutboxMessage.objects.first()
        OutboxMessage.objects.exclude(pk=template.pk).delete()
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                **{
                    field.attname: getattr(template, field.attname)
                    for field in OutboxMessage._meta.concrete_fields
                    if field.attname not in ("id", "dedupe_key")
                },
                dedupe_key=f"mailing-{number}",
            )
            for number in range(2 * sending.BATCH)
        )
        waiting = OutboxMessage.objects.count()
        # A pass whose time is up ends after one batch and says rows are left.
        first = send_pending(seconds=0)
        assert (first["sent"], first["more"]) == (sending.BATCH, 1)
    # The task then queues itself again (run at once here, eager), pass after pass.
    monkeypatch.setattr(tasks, "SEND_PASS_SECONDS", 0)
    tasks.send_outbox.delay(organization.pk)
    with activate(organization):
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
    assert len(mail.outbox) == waiting

"""The mentee's and the mentor's first weeks together, end to end in Chromium, each in their
own browser context on fresh data: the mentee plans a session and the mentor's page, never
reloaded, shows the unread count; both co-create the agenda live; the session is logged
with notes and an experiment; the mentor gives behaviour-based feedback; a goal review gets
the mentor's observation. Each partner is told by email of what the other did, never of
their own action, and the other organization hears and sees nothing."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.notifications.models import Kind, Notice, OutboxMessage
from mentoring.tenancy import activate
from sessions.models import ActionItem, Session, SessionStatus
from tests.builders.browser import (
    add_agenda_point,
    add_observation,
    agenda_texts,
    assert_accessible,
    assert_no_horizontal_scroll,
    edit_agenda_point,
    give_feedback,
    log_session,
    mark_window,
    on_the_clock_of,
    org_url,
    plan_session,
    record_goal_review,
    remove_agenda_point,
    screenshot,
    sign_in,
    window_was_not_reloaded,
)
from tests.builders.cohort import GOAL
from tests.builders.pair import GOOD, focus_skill, make_pair
from tests.builders.world import build_world

pytestmark = pytest.mark.django_db(transaction=True)

AGENDA_SEEN_WITHIN = 10_000  # ms: the agenda asks every 3 s
NEWS_SEEN_WITHIN = 15_000  # ms: the unread count asks every 10 s

FIRST = "The planning meeting where I stayed silent about the deadline"
FIRST_EDITED = "The planning meeting: what I could have said, and when"
SECOND = "How to turn down the extra project without sounding unwilling"
NOTES = "We replayed the planning meeting and found the sentence to open with."
EXPERIMENT = "In Thursday's stand-up, name one risk out loud before anyone else does"
# Behaviour-based feedback: all four parts (the coach scores it 4 of 4).
FEEDBACK = {
    "Situation": GOOD["situation"],
    "Behaviour": GOOD["behaviour"],
    "Impact": GOOD["impact"],
    "Suggestion for next time": GOOD["suggestion"],
}
WHAT_CHANGED = "In two planning meetings I asked the quietest person first."
NEXT_STEPS = "Try the same in the quarterly review with the director."
OBSERVATION = "At the retro you waited for Sam to finish, then summed up his point first."

SUBJECTS = {
    "planned": "planned a mentoring session",
    "agenda": "agenda",
    "feedback": "sent you feedback",
    "review": "shared a goal review with you",
    "observation": "added an observation to your goal review",
}


def emails_to(user, what: str) -> list:
    return [m for m in mail.outbox if m.to == [user.email] and SUBJECTS[what] in m.subject]


def check(page, other_sentinel: str) -> None:
    """What every visited page must pass: axe-core, and nothing of the other organization."""
    assert_accessible(page)
    assert other_sentinel not in page.content()


def test_a_mentee_and_a_mentor_go_through_their_first_weeks_together(
    page, other_page, phone, live_server
):
    world = build_world()
    pair = make_pair(world.acme)
    acme, globex = world.acme.organization, world.globex.organization
    sentinel = world.globex.sentinel
    mentee, mentor = page, other_page
    for browser_page in (mentee, mentor):
        browser_page.set_viewport_size({"width": 1280, "height": 900})
    mentee_name = pair.mentorship.mentee.person.display_name
    mentor_name = pair.mentorship.mentor.person.display_name
    skill = focus_skill(pair)
    mail.outbox.clear()  # the pair's announcements are not part of this journey

    # The mentor reads what is new so far, then waits on their home page.
    sign_in(mentor, live_server, "acme", pair.mentor.email)
    mentor.get_by_role("link", name=re.compile("^What's new")).click()
    expect(mentor.get_by_role("heading", name="What's new")).to_be_visible()
    check(mentor, sentinel)
    mentor.goto(org_url(live_server, "acme", "/"))
    count = mentor.locator("#news-count")
    expect(count).to_have_text("")
    check(mentor, sentinel)
    mark_window(mentor)

    # 1. The mentee signs in and plans a session with the mentor.
    sign_in(mentee, live_server, "acme", pair.mentee.email)
    check(mentee, sentinel)
    mentee.goto(org_url(live_server, "acme", f"/mentorships/{pair.mentorship.pk}/"))
    expect(mentee.get_by_role("link", name="Plan a session")).to_be_visible()
    check(mentee, sentinel)
    session_id = plan_session(
        mentee,
        live_server,
        "acme",
        pair.mentorship,
        on_the_clock_of(pair.mentorship.mentee.person, days=2),
        place="https://meet.example/acme-pair",
    )
    expect(mentee.get_by_text("Session planned.")).to_be_visible()
    check(mentee, sentinel)
    screenshot(mentee, "journey-pair-1-session-planned")
    session_path = f"/sessions/{session_id}/"
    with activate(acme):
        # no follow-up points from earlier experiments: the agenda starts empty
        Session.objects.get(pk=session_id).agenda.all().delete()

    # 2. Within one poll the mentor's navigation counts it, without a reload; the news
    # links to the session.
    expect(count).to_have_text("1 unread", timeout=NEWS_SEEN_WITHIN)
    assert window_was_not_reloaded(mentor), "the count came with a full page load"
    screenshot(mentor, "journey-pair-2-mentor-unread")
    mentor.get_by_role("link", name=re.compile("^What's new")).click()
    news = mentor.locator(".news-item").first
    expect(news).to_contain_text(f"{mentee_name} planned a mentoring session")
    link = news.get_by_role("link")
    expect(link).to_have_attribute("href", re.compile(re.escape(session_path) + "$"))
    check(mentor, sentinel)
    screenshot(mentor, "journey-pair-3-whats-new")
    # the link is the email's, on the organization's public address: open its page here
    mentor.goto(org_url(live_server, "acme", session_path))
    expect(mentor.get_by_role("heading", level=1)).to_be_visible()
    check(mentor, sentinel)

    # 3. Both on the session page: the agenda is live for the one who does not act.
    mentee.goto(org_url(live_server, "acme", session_path))
    mark_window(mentee)
    mark_window(mentor)
    add_agenda_point(mentee, FIRST)
    expect(agenda_texts(mentee)).to_have_text([FIRST])
    expect(agenda_texts(mentor)).to_have_text([FIRST], timeout=AGENDA_SEEN_WITHIN)
    edit_agenda_point(mentor, 1, FIRST_EDITED)
    expect(agenda_texts(mentor)).to_have_text([FIRST_EDITED])
    expect(agenda_texts(mentee)).to_have_text([FIRST_EDITED], timeout=AGENDA_SEEN_WITHIN)
    add_agenda_point(mentee, SECOND)
    expect(agenda_texts(mentor)).to_have_text([FIRST_EDITED, SECOND], timeout=AGENDA_SEEN_WITHIN)
    remove_agenda_point(mentor, 2)
    expect(agenda_texts(mentor)).to_have_text([FIRST_EDITED])
    expect(agenda_texts(mentee)).to_have_text([FIRST_EDITED], timeout=AGENDA_SEEN_WITHIN)
    assert window_was_not_reloaded(mentee) and window_was_not_reloaded(mentor)
    check(mentee, sentinel)
    check(mentor, sentinel)
    screenshot(mentee, "journey-pair-4-live-agenda")

    # The session page on a phone: no sideways scroll.
    sign_in(phone, live_server, "acme", pair.mentee.email)
    phone.goto(org_url(live_server, "acme", session_path))
    expect(phone.locator("#agenda-list .agenda__text")).to_have_text([FIRST_EDITED])
    assert_no_horizontal_scroll(phone, 375)
    check(phone, sentinel)

    # 4. The session took place two hours ago: the mentor logs it, notes and an experiment.
    with activate(acme):
        Session.objects.filter(pk=session_id).update(starts_at=timezone.now() - timedelta(hours=2))
    mentor.goto(org_url(live_server, "acme", session_path))
    log_session(
        mentor,
        minutes=50,
        notes=NOTES,
        covered=[FIRST_EDITED],
        experiment=EXPERIMENT,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    mentor.wait_for_url(org_url(live_server, "acme", session_path))
    expect(mentor.get_by_text("Session logged.")).to_be_visible()
    expect(mentor.get_by_text("1 of 1 point covered")).to_be_visible()
    check(mentor, sentinel)
    with activate(acme):
        session = Session.objects.get(pk=session_id)
        assert (session.status, session.actual_minutes) == (SessionStatus.HELD, 50)
        assert ActionItem.objects.get(session=session).owner.user == pair.mentee
    mentee.goto(org_url(live_server, "acme", session_path))
    # the shared notes as read (their edit form holds the same text)
    expect(mentee.get_by_role("paragraph").filter(has_text=NOTES)).to_be_visible()
    expect(mentee.get_by_text(EXPERIMENT).first).to_be_visible()
    check(mentee, sentinel)
    screenshot(mentee, "journey-pair-5-session-logged")
    phone.goto(org_url(live_server, "acme", session_path))
    expect(phone.get_by_role("paragraph").filter(has_text=NOTES)).to_be_visible()
    assert_no_horizontal_scroll(phone, 375)
    check(phone, sentinel)

    # 5. The mentor gives behaviour-based feedback; the mentee reads it on their page.
    base = f"/mentorships/{pair.mentorship.pk}"
    mentor.goto(org_url(live_server, "acme", f"{base}/"))
    mentor.get_by_role("link", name=f"Give feedback to {mentee_name}").click()
    mentor.wait_for_url(org_url(live_server, "acme", f"{base}/feedback/new/"))
    check(mentor, sentinel)
    give_feedback(mentor, skill=skill.name, parts=FEEDBACK, kind="Try differently")
    mentor.wait_for_url(re.compile(r"/feedback/#feedback-\d+$"))
    expect(mentor.get_by_text("The coach scored it 4 of 4")).to_be_visible()
    check(mentor, sentinel)
    mentee.goto(org_url(live_server, "acme", f"{base}/feedback/"))
    received = mentee.locator("#received")
    expect(received.get_by_role("heading", name=re.compile(f"^{skill.name}"))).to_be_visible()
    expect(received).to_contain_text(FEEDBACK["Behaviour"])
    check(mentee, sentinel)
    screenshot(mentee, "journey-pair-6-feedback-received")

    # 6. The mentee records a goal review; the mentor opens the mentee's goals from their
    # home page and adds an observation; the mentee reads it.
    enrolment = f"/enrolments/{pair.mentorship.mentee_id}/"
    mentee.goto(org_url(live_server, "acme", enrolment))
    check(mentee, sentinel)
    record_goal_review(mentee, level=3, what_changed=WHAT_CHANGED, next_steps=NEXT_STEPS)
    expect(mentee.get_by_text("Your review is saved.")).to_be_visible()
    expect(mentee.get_by_text("Your mentor has not added an observation")).to_be_visible()
    check(mentee, sentinel)
    mentor.goto(org_url(live_server, "acme", "/"))
    mentor.get_by_role("link", name=f"Goals and reviews of {mentee_name}").click()
    mentor.wait_for_url(org_url(live_server, "acme", enrolment))
    expect(mentor.get_by_text(GOAL)).to_be_visible()
    expect(mentor.get_by_text(WHAT_CHANGED)).to_be_visible()
    check(mentor, sentinel)
    add_observation(mentor, OBSERVATION)
    expect(mentor.get_by_text("Your observation is saved")).to_be_visible()
    check(mentor, sentinel)
    screenshot(mentor, "journey-pair-7-observation")
    mentee.reload()
    expect(mentee.get_by_text("Your mentor's observation")).to_be_visible()
    expect(mentee.locator(".observation__text")).to_have_text(OBSERVATION)
    check(mentee, sentinel)

    # 7. Each partner got an email of what the other did, once; none of their own action
    # (nor of agenda points added while they were on the page).
    assert len(emails_to(pair.mentor, "planned")) == 1
    assert len(emails_to(pair.mentor, "review")) == 1
    assert len(emails_to(pair.mentee, "feedback")) == 1
    assert len(emails_to(pair.mentee, "observation")) == 1
    assert emails_to(pair.mentee, "planned") == []
    assert emails_to(pair.mentee, "review") == []
    assert emails_to(pair.mentor, "feedback") == []
    assert emails_to(pair.mentor, "observation") == []
    assert emails_to(pair.mentor, "agenda") == [] and emails_to(pair.mentee, "agenda") == []
    [planned] = emails_to(pair.mentor, "planned")
    assert planned.subject.startswith(f"{mentee_name} planned a mentoring session")
    assert session_path in planned.body
    [observed] = emails_to(pair.mentee, "observation")
    assert observed.subject.startswith(mentor_name)
    # The other organization: no email, no outbox row, no news.
    globex_addresses = {user.email for user in world.globex.people}
    assert [m.to for m in mail.outbox if set(m.to) & globex_addresses] == []
    assert all(sentinel not in m.subject + m.body for m in mail.outbox)
    with activate(globex):
        assert OutboxMessage.objects.count() == 0
        assert Notice.objects.count() == 0
    with activate(acme):
        partner_kinds = {
            Kind.SESSION_PLANNED,
            Kind.FEEDBACK_RECEIVED,
            Kind.GOAL_REVIEW_SHARED,
            Kind.AGENDA_ADDED,
        }
        rows = sorted(
            OutboxMessage.objects.filter(kind__in=partner_kinds).values_list(
                "kind", "recipient__email"
            )
        )
    assert rows == sorted(
        [
            (Kind.SESSION_PLANNED, pair.mentor.email),
            (Kind.FEEDBACK_RECEIVED, pair.mentee.email),
            (Kind.GOAL_REVIEW_SHARED, pair.mentor.email),
            (Kind.GOAL_REVIEW_SHARED, pair.mentee.email),
        ]
    )

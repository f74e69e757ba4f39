"""Demo history for `seed_demo`: months of sessions for the pairs of the programs that began
months ago (the listening circle, the peer exchange, the trained mentors' program), with
agendas, shared and private notes, experiments (some done, with reflections), an agreed
way of working, and one session tomorrow so reminders have something to say; months of
meetings for each circle of the circle program (agendas built by several members, one
shared log, who came, private notes and each member's own experiments); and everyone's
weekly availability, so the scheduling page proposes times that suit both."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from matching.access import circle_members
from matching.models import Mentorship
from mentoring.people.models import Profile
from programs.demo_formats import CIRCLES, STARTED_PROGRAMS
from programs.models import EnrollmentRole

from . import services
from .models import ActionItem, AvailabilityWindow, Prompt, Session
from .services.log import shared_notes_version

AGREEMENT = {
    "goals": "Work on the goal in the mentee's application, one real situation at a time.",
    "cadence": "Every two weeks, an hour, on video unless we are in the same office.",
    "confidentiality": "What we say stays between us; we decide together what to share.",
    "mentee_feedback_style": "Straight after the fact, with one example.",
    "mentor_feedback_style": "In writing first, then we talk it through.",
}
NOTES = [
    "Walked through the Tuesday planning meeting minute by minute.",
    "Role-played the conversation with the product lead twice, swapping roles.",
    "Debriefed the client call: the silence after the price question felt long but worked.",
]
EXPERIMENTS = [
    ("Summarize the other person's point before answering, in two meetings this week", True),
    ("Ask one open question before proposing a solution in the next client call", True),
    ("Write the request in the first two lines of the next three status emails", False),
]
# A circle's meetings, every three weeks: (the shared log, the real situations discussed).
CIRCLE_LOGS = [
    (
        "Everyone said which meeting they go quiet in, and what they would say if it felt safe.",
        "Month-end review; sprint planning; a call with a hiring manager.",
    ),
    (
        "Practised opening with the point, then the reason: each of us had two tries.",
        "Asking a warehouse lead for numbers; a pricing call.",
    ),
    (
        "Two people spoke up since last time; we unpicked what made it easier for them.",
        "A campaign idea said out loud; a deadline pushed back.",
    ),
    (
        "Role-played disagreeing with a senior person; the mentor played the hard listener.",
        "A tense planning meeting; feedback on a draft from the director.",
    ),
    (
        "Halfway look back: each person named one change a colleague has noticed.",
        "A team meeting where someone asked for our view first.",
    ),
    (
        "Talked about the days it still goes wrong, and how to recover in the same meeting.",
        "Being talked over in a stand-up; a question left unasked.",
    ),
]
# What a mentee adds to the shared log of a meeting afterwards.
ADDED_TO_LOG = "What helped me most was hearing how the others start their sentences."
# What the mentees put on the agenda, in turn.
CIRCLE_POINTS = [
    "I stayed quiet when the numbers looked wrong: how do I raise it next time?",
    "My estimate was cut in planning and I said nothing",
    "I pitched an idea and it was ignored: what now?",
    "How to ask for help without apologizing three times",
    "Saying no to a hiring manager who outranks me",
    "I was asked for my view first and froze",
    "Speaking up on a video call when nobody pauses",
    "Practise: the first sentence of my point for Monday",
]
# The experiments each member takes away from a meeting, in turn.
CIRCLE_EXPERIMENTS = [
    "Say my point in the first ten minutes of one meeting this week",
    "Open with what I need, then why, in two requests",
    "Ask one question in a meeting where I would usually stay quiet",
    "Disagree once this week, politely and with a reason",
    "Send my update without the words 'sorry' or 'just'",
    "Volunteer to present one slide at the team meeting",
]
CIRCLE_REFLECTIONS = [
    "My voice shook a little, but people answered the question and nobody minded.",
    "It worked twice out of three; the third time I waited too long and the topic moved on.",
    "Harder than I thought. I managed it once, at the end of the meeting.",
]
# Weekday mornings and afternoons, on each person's own clock.
WEEKLY_WINDOWS = [(time(9), time(12)), (time(14), time(17))]


def seed_availability(organization) -> None:
    """Weekly windows for everyone who has none yet (so a second run adds nothing)."""
    has_windows = AvailabilityWindow.objects.values("person_id")
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            organization=organization, person=person, weekday=day, starts=starts, ends=ends
        )
        for person in Profile.objects.exclude(pk__in=has_windows).order_by("pk")
        for day in range(5)
        for starts, ends in WEEKLY_WINDOWS
    )


def seed_sessions(organization) -> None:
    seed_availability(organization)
    for number, name in enumerate(STARTED_PROGRAMS):
        pairs = list(
            Mentorship.objects.filter(program__name=name).select_related(
                "program", "mentee__person__user", "mentor__person__user"
            )
        )
        if pairs and not Session.objects.filter(mentorship__in=pairs).exists():
            _seed_history(organization, pairs, upcoming=timedelta(days=2 * number, hours=20))
    circles = list(Mentorship.objects.filter(program__name=CIRCLES).select_related("program"))
    if circles and not Session.objects.filter(mentorship__in=circles).exists():
        for index, circle in enumerate(sorted(circles, key=lambda circle: circle.pk)):
            _seed_circle_history(organization, circle, index)


def _seed_history(organization, pairs, *, upcoming: timedelta) -> None:
    """Three months of held sessions per pair (one for the last pair, which has gone quiet)
    and one session ``upcoming`` from now (plus an hour per pair)."""
    now = timezone.now()
    prompts = list(Prompt.objects.filter(phase="check_in", skill__isnull=True)[:3])
    for index, pair in enumerate(pairs):
        start = pair.program.starts_on + timedelta(days=10)
        Mentorship.objects.filter(pk=pair.pk).update(started_on=start)
        mentee, mentor = pair.mentee.person.user, pair.mentor.person.user
        services.agreement_save(
            organization=organization, actor=mentee, mentorship=pair, **AGREEMENT
        )
        agreement = pair.agreements.get()
        services.agreement_confirm(organization=organization, actor=mentee, agreement=agreement)
        services.agreement_confirm(organization=organization, actor=mentor, agreement=agreement)
        held = 3 if index != len(pairs) - 1 else 1  # the last pair has gone quiet: at risk
        for month in range(held):
            when = now + timedelta(days=1, hours=month)
            session = services.session_schedule(
                organization=organization,
                actor=mentee,
                mentorship=pair,
                starts_at=when,
                location="https://meet.example/mentoring",
                # moved into the past straight away: a clash with another pair's session
                # planned for tomorrow is only on paper
                allow_overlap=True,
            )
            services.agenda_item_add(
                organization=organization,
                actor=mentee,
                session=session,
                prompt=prompts[month % len(prompts)],
            )
            services.agenda_item_add(
                organization=organization,
                actor=mentor,
                session=session,
                text="A real situation from the last two weeks",
            )
            past = timezone.make_aware(datetime.combine(start, time(14))) + timedelta(
                days=30 * month + 5
            )
            Session.objects.filter(pk=session.pk).update(starts_at=past)
            session.refresh_from_db()
            description, done = EXPERIMENTS[month]
            services.session_log(
                organization=organization,
                actor=mentor,
                session=session,
                status="held",
                actual_minutes=55,
                covered_item_ids=list(session.agenda.values_list("pk", flat=True)),
                shared_notes=NOTES[month],
                private_note="Ask next time how the team reacted.",
                real_situations=NOTES[month],
                action_items=[
                    {"description": description, "due_on": timezone.localdate() + timedelta(days=7)}
                ],
            )
            if done:
                item = ActionItem.objects.get(session=session)
                services.action_item_complete(
                    organization=organization,
                    actor=mentee,
                    item=item,
                    reflection="It slowed me down at first; two people thanked me for listening.",
                )
        services.session_schedule(
            organization=organization,
            actor=mentor,
            mentorship=pair,
            starts_at=now + upcoming + timedelta(hours=index),
            location="Room 4.2",
        )


def _seed_circle_history(organization, circle, index: int) -> None:
    """Six meetings of the circle, every three weeks from ten days after the program began
    (one mentee missed every other one), and the next one in a few days, its agenda
    started by two mentees."""
    now = timezone.now()
    members = circle_members(circle)  # its mentor first
    mentor = members[0]
    mentees = [member for member in members if member.role == EnrollmentRole.MENTEE]
    start = circle.program.starts_on + timedelta(days=10 + 2 * index)
    Mentorship.objects.filter(pk=circle.pk).update(started_on=start)
    prompts = list(Prompt.objects.filter(phase="check_in", skill__isnull=True)[:3])
    for number, (shared_notes, situations) in enumerate(CIRCLE_LOGS):
        host = mentees[number % len(mentees)] if number else mentor
        session = services.session_schedule(
            organization=organization,
            actor=host.person.user,
            mentorship=circle,
            starts_at=now + timedelta(days=1, hours=number),
            duration_minutes=90,
            location="https://meet.example/circle",
            allow_overlap=True,  # moved into the past straight away, as the pairs' are
        )
        # everyone builds the agenda: the mentor picks a prompt, two mentees add a moment
        services.agenda_item_add(
            organization=organization,
            actor=mentor.person.user,
            session=session,
            prompt=prompts[number % len(prompts)],
        )
        for turn in (2 * number, 2 * number + 1):
            services.agenda_item_add(
                organization=organization,
                actor=mentees[turn % len(mentees)].person.user,
                session=session,
                text=CIRCLE_POINTS[turn % len(CIRCLE_POINTS)],
            )
        past = timezone.make_aware(datetime.combine(start, time(15))) + timedelta(days=21 * number)
        Session.objects.filter(pk=session.pk).update(starts_at=past)
        session.refresh_from_db()
        absent = mentees[(number + index) % len(mentees)] if number % 2 else None
        came = [member for member in members if member != absent]
        logger = mentor if number % 3 != 2 else next(m for m in mentees if m != absent)
        services.session_log(
            organization=organization,
            actor=logger.person.user,
            session=session,
            status="held",
            actual_minutes=85,
            covered_item_ids=list(session.agenda.values_list("pk", flat=True)),
            absent_ids=[absent.person_id] if absent else [],
            shared_notes=shared_notes,
            private_note="Check in one to one with whoever was quietest today.",
            real_situations=situations,
        )
        Session.objects.filter(pk=session.pk).update(logged_at=past + timedelta(hours=2))
        # another mentee adds to the shared log, and keeps a note nobody else sees
        writer = next(m for m in reversed(mentees) if m != absent and m != logger)
        if number % 2 == 0:
            session.refresh_from_db()
            services.shared_notes_save(
                organization=organization,
                actor=writer.person.user,
                session=session,
                text=f"{session.shared_notes}\n\n{writer.person.display_name}: {ADDED_TO_LOG}",
                version=shared_notes_version(session.shared_notes),
            )
        services.private_note_save(
            organization=organization,
            actor=writer.person.user,
            session=session,
            text="Next time I will say it before the mentor asks me.",
        )
        _circle_experiments(organization, circle, session, came, mentor, number)
    upcoming = services.session_schedule(
        organization=organization,
        actor=mentees[1].person.user,
        mentorship=circle,
        starts_at=now + timedelta(days=3 + index, hours=2),
        duration_minutes=90,
        location="https://meet.example/circle",
    )
    for turn, mentee in enumerate(mentees[2:4]):
        services.agenda_item_add(
            organization=organization,
            actor=mentee.person.user,
            session=upcoming,
            text=CIRCLE_POINTS[-1 - turn],
        )


def _circle_experiments(organization, circle, session, came, mentor, number: int) -> None:
    """Every mentee who came takes an experiment of their own; those of the earlier
    meetings are done by now (one dropped at every third meeting); after the last one the
    mentor takes one too."""
    last = number == len(CIRCLE_LOGS) - 1
    mentees = [member for member in came if member.role == EnrollmentRole.MENTEE]
    for turn, member in enumerate(mentees):
        item = services.action_item_add(
            organization=organization,
            actor=member.person.user,
            mentorship=circle,
            session=session,
            owner=member.person,
            description=CIRCLE_EXPERIMENTS[(turn + number) % len(CIRCLE_EXPERIMENTS)],
            due_on=timezone.localdate() + timedelta(days=7),
        )
        if last:
            continue
        if turn == 0 and number % 3 == 2:
            services.action_item_drop(
                organization=organization, actor=member.person.user, item=item
            )
        else:
            services.action_item_complete(
                organization=organization,
                actor=member.person.user,
                item=item,
                reflection=CIRCLE_REFLECTIONS[(turn + number) % len(CIRCLE_REFLECTIONS)],
            )
    if last:
        services.action_item_add(
            organization=organization,
            actor=mentor.person.user,
            mentorship=circle,
            session=session,
            owner=mentor.person,
            description="Wait for two people to speak before I give my own view",
            due_on=timezone.localdate() + timedelta(days=7),
        )

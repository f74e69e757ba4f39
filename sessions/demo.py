"""Demo history for `seed_demo`: months of sessions for the pairs of the programs that began
months ago (the listening circle, the peer exchange, the trained mentors' program), with
agendas, shared and private notes, experiments (some done, with reflections), an agreed
way of working, and one session tomorrow so reminders have something to say; and
everyone's weekly availability, so the scheduling page proposes times that suit both."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from matching.models import Mentorship
from mentoring.people.models import Profile
from programs.demo_formats import STARTED_PROGRAMS

from . import services
from .models import ActionItem, AvailabilityWindow, Prompt, Session

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

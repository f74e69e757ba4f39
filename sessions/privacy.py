"""How sessions' models are exported, erased and expired (``hooks.PRIVACY_RULES``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matching.access import person_filter
from matching.models import Mentorship
from mentoring.privacy.registry import Subject, of_person, organization, person
from mentoring.privacy.rules import REMOVED, Erasure, PrivacyRules, holding_text
from mentoring.tenancy.models import Organization
from programs.models import ProgramFormat

from .models import (
    ActionItem,
    AgendaItem,
    Agreement,
    AvailabilityWindow,
    AwayPeriod,
    CalendarFeed,
    MeetingPlace,
    Observation,
    PreparedQuestion,
    PrivateNote,
    Session,
)

SESSION_TEXTS = ("shared_notes", "real_situations")
OBSERVATION_TEXTS = ("observed", "situation", "action", "effect", "adaptation")


CIRCLE = Q(program__format=ProgramFormat.CIRCLE)


def _in_their_mentorships(prefix: str = "") -> Callable[[Subject], Q]:
    return lambda s: person_filter(s.profile, f"{prefix}mentorship__")


def _in_their_pairs(s: Subject) -> Q:
    """Their pairs, not circles: in a circle each member's experiments are their own."""
    return _in_their_mentorships()(s) & ~Q(mentorship__program__format=ProgramFormat.CIRCLE)


ENTRIES = (
    organization("mentoring_sessions.Prompt", _("Check-in prompt library")),
    person(
        "mentoring_sessions.Session",
        _("Sessions you took part in (with shared notes)"),
        _in_their_mentorships(),
    ),
    person(
        "mentoring_sessions.PrivateNote",
        _("Your private notes"),
        lambda s: Q(author=s.profile),
    ),
    person(
        "mentoring_sessions.Observation",
        _("Your observation log, and the observations shared with you"),
        lambda s: Q(author=s.profile) | (Q(shared_at__isnull=False) & _in_their_mentorships()(s)),
    ),
    person(
        "mentoring_sessions.PreparedQuestion",
        _("Questions you prepared for your sessions"),
        lambda s: Q(author=s.profile),
    ),
    person(
        "mentoring_sessions.ActionItem",
        _("Action items of your pairs, and your own in circles"),
        lambda s: Q(owner=s.profile) | _in_their_pairs(s),
    ),
    person(
        "mentoring_sessions.AgendaItem",
        _("Agenda points of your sessions"),
        _in_their_mentorships("session__"),
    ),
    person(
        "mentoring_sessions.SessionAttendance",
        _("Whether you were at each session of your circles"),
        of_person,
    ),
    person(
        "mentoring_sessions.SessionVisit",
        _("When you last looked at each of your sessions"),
        lambda s: Q(person=s.profile),
    ),
    person(
        "mentoring_sessions.Agreement",
        _("Agreements of your mentorships"),
        _in_their_mentorships(),
    ),
    person(
        "mentoring_sessions.SessionSeries",
        _("Series of sessions planned in your mentorships"),
        _in_their_mentorships(),
    ),
    person(
        "mentoring_sessions.MeetingPlace",
        _("Where your mentorships usually meet"),
        _in_their_mentorships(),
    ),
    person(
        "mentoring_sessions.CalendarFeed",
        _("Your calendar feed (without its secret address)"),
        of_person,
        omit=("token",),
    ),
    person(
        "mentoring_sessions.AvailabilityWindow",
        _("The weekly times you said you are free (on your own clock)"),
        of_person,
    ),
    person(
        "mentoring_sessions.AwayPeriod",
        _("The days you said you are away"),
        of_person,
    ),
)


def erase(erasure: Erasure) -> dict[str, int]:
    """The texts of the person's pairs go (they are about them as much as about the
    partner: the observations shared in them too), and so does the pair's usual meeting
    place. A circle goes on for the others: of it, only what the person wrote goes (their
    agenda points and experiments); its shared log, agreement, meeting place and the
    others' observations stay. Everywhere, their own private notes, observation log,
    prepared questions, calendar feed, weekly free times and away days are deleted, the
    others' stay (an observation the partner never shared was never the person's)."""
    profile = erasure.profile
    mentorships = Mentorship.objects.filter(person_filter(profile)).exclude(CIRCLE)
    sessions = Session.objects.filter(mentorship__in=mentorships)
    changed = {
        "sessions": sessions.update(
            shared_notes="", real_situations="", location="", change_note=""
        ),
        "agenda_items": AgendaItem.objects.filter(
            Q(session__in=sessions) | Q(added_by=profile)
        ).update(text=REMOVED),
        "action_items": ActionItem.objects.filter(
            Q(owner=profile) | Q(mentorship__in=mentorships)
        ).update(description=REMOVED, reflection=""),
        "agreements": Agreement.objects.filter(mentorship__in=mentorships).update(
            goals=REMOVED,
            cadence=REMOVED,
            confidentiality=REMOVED,
            mentee_feedback_style=REMOVED,
            mentor_feedback_style=REMOVED,
        ),
    }
    changed["shared_observations"] = (
        Observation.objects.filter(mentorship__in=mentorships, shared_at__isnull=False)
        .exclude(author=profile)
        .update(**dict.fromkeys(OBSERVATION_TEXTS, REMOVED))
    )
    changed["observations"], _ = Observation.objects.filter(author=profile).delete()
    changed["prepared_questions"], _ = PreparedQuestion.objects.filter(author=profile).delete()
    changed["meeting_places"], _ = MeetingPlace.objects.filter(mentorship__in=mentorships).delete()
    changed["private_notes"], _ = PrivateNote.objects.filter(author=profile).delete()
    changed["calendar_feeds"], _ = CalendarFeed.objects.filter(person=profile).delete()
    changed["availability_windows"], _ = AvailabilityWindow.objects.filter(person=profile).delete()
    changed["away_periods"], _ = AwayPeriod.objects.filter(person=profile).delete()
    return changed


def expire(organization: Organization, now: datetime) -> dict[str, int]:
    """Session notes (and the private notes and prepared questions about those sessions)
    follow the note retention, counted from the session's start; so do observations,
    counted from when they were written. Empty notes stay; questions and observations,
    nothing without their text, are deleted."""
    if organization.note_retention_days is None:
        return {}
    cutoff = now - timedelta(days=organization.note_retention_days)
    old_sessions = Session.objects.filter(starts_at__lt=cutoff)
    return {
        "session_notes": old_sessions.filter(holding_text(SESSION_TEXTS)).update(
            **dict.fromkeys(SESSION_TEXTS, "")
        ),
        "private_notes": PrivateNote.objects.filter(session__in=old_sessions)
        .exclude(text="")
        .update(text=""),
        "prepared_questions": PreparedQuestion.objects.filter(session__in=old_sessions).delete()[0],
        "observations": Observation.objects.filter(created_at__lt=cutoff).delete()[0],
    }


RULES = PrivacyRules(entries=ENTRIES, erase=erase, expire=expire)

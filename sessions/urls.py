"""Participant pages of sessions (mounted at the organization host's root)."""

from django.urls import path

from .views import (
    agenda,
    agreement,
    availability,
    experiments,
    feed,
    log,
    observations,
    questions,
    schedule,
    series,
    slots,
)

app_name = "sessions"

urlpatterns = [
    path("me/availability/", availability.availability, name="availability"),
    path("me/availability/away/", availability.away_add, name="availability_away_add"),
    path(
        "me/availability/away/<int:period_id>/remove/",
        availability.away_remove,
        name="availability_away_remove",
    ),
    path("calendar/<str:token>.ics", feed.calendar_feed, name="calendar_feed"),
    path("me/calendar/", feed.calendar_section, name="calendar"),
    path("me/calendar/new-address/", feed.calendar_renew, name="calendar_renew"),
    path("mentorships/<int:mentorship_id>/sessions/", schedule.pair_sessions, name="pair"),
    path(
        "mentorships/<int:mentorship_id>/sessions/new/",
        schedule.session_schedule,
        name="schedule",
    ),
    path(
        "mentorships/<int:mentorship_id>/sessions/place/",
        schedule.meeting_place,
        name="meeting_place",
    ),
    path(
        "mentorships/<int:mentorship_id>/sessions/log-past/",
        log.session_log_past,
        name="log_past",
    ),
    path("mentorships/<int:mentorship_id>/agreement/", agreement.agreement, name="agreement"),
    path(
        "mentorships/<int:mentorship_id>/agreement/confirm/",
        agreement.agreement_confirm,
        name="agreement_confirm",
    ),
    path(
        "mentorships/<int:mentorship_id>/experiments/", experiments.experiments, name="experiments"
    ),
    path(
        "mentorships/<int:mentorship_id>/experiments/new/",
        experiments.experiment_add,
        name="experiment_add",
    ),
    path(
        "mentorships/<int:mentorship_id>/experiments/<int:item_id>/done/",
        experiments.experiment_done,
        name="experiment_done",
    ),
    path(
        "mentorships/<int:mentorship_id>/experiments/<int:item_id>/drop/",
        experiments.experiment_drop,
        name="experiment_drop",
    ),
    path(
        "mentorships/<int:mentorship_id>/sessions/series/",
        series.series_plan,
        name="series",
    ),
    path(
        "mentorships/<int:mentorship_id>/sessions/slot/",
        slots.slot_pick,
        name="slot_pick",
    ),
    path(
        "mentorships/<int:mentorship_id>/observations/",
        observations.observations,
        name="observations",
    ),
    path(
        "mentorships/<int:mentorship_id>/observations/new/",
        observations.observation_add,
        name="observation_add",
    ),
    path(
        "mentorships/<int:mentorship_id>/observations/<int:observation_id>/edit/",
        observations.observation_edit,
        name="observation_edit",
    ),
    path(
        "mentorships/<int:mentorship_id>/observations/<int:observation_id>/share/",
        observations.observation_share,
        name="observation_share",
    ),
    path(
        "mentorships/<int:mentorship_id>/observations/<int:observation_id>/experiment/",
        observations.observation_experiment,
        name="observation_experiment",
    ),
    path(
        "mentorships/<int:mentorship_id>/observations/<int:observation_id>/remove/",
        observations.observation_remove,
        name="observation_remove",
    ),
    path("questions/coach/", questions.question_coach, name="question_coach"),
    path(
        "sessions/<int:session_id>/questions/",
        questions.prepared_questions,
        name="prepared_questions",
    ),
    path(
        "sessions/<int:session_id>/questions/<int:question_id>/remove/",
        questions.prepared_question_remove,
        name="prepared_question_remove",
    ),
    path("sessions/<int:session_id>/", schedule.session_detail, name="session"),
    path("sessions/<int:session_id>/invite.ics", schedule.session_invite, name="invite"),
    path("sessions/<int:session_id>/reschedule/", schedule.session_reschedule, name="reschedule"),
    path("sessions/<int:session_id>/cancel/", schedule.session_cancel, name="cancel"),
    path("sessions/<int:session_id>/log/", log.session_log, name="log"),
    path(
        "sessions/<int:session_id>/shared-notes/",
        log.shared_notes_save,
        name="shared_notes",
    ),
    path(
        "sessions/<int:session_id>/private-note/",
        log.private_note_save,
        name="private_note",
    ),
    path("sessions/<int:session_id>/agenda/", agenda.agenda, name="agenda"),
    path("sessions/<int:session_id>/agenda/live/", agenda.agenda_live, name="agenda_live"),
    path("sessions/<int:session_id>/agenda/add/", agenda.agenda_item_add, name="agenda_add"),
    path(
        "sessions/<int:session_id>/agenda/<int:item_id>/edit/",
        agenda.agenda_item_edit,
        name="agenda_edit",
    ),
    path(
        "sessions/<int:session_id>/agenda/<int:item_id>/move/",
        agenda.agenda_item_move,
        name="agenda_move",
    ),
    path(
        "sessions/<int:session_id>/agenda/<int:item_id>/remove/",
        agenda.agenda_item_remove,
        name="agenda_remove",
    ),
]

"""Every write of the session loop, by noun: the prompt library (``prompts``),
``schedule``, the ``agreement``, the ``agenda``, the ``log`` with private notes, and the
``experiments``. The actor must be a member of the mentorship (``rules``).

Re-exported here: the names other code (the views, feedback, the demo, tests, benchmarks)
imports from ``sessions.services``."""

from .agenda import agenda_item_add, agenda_item_edit, agenda_item_move, agenda_item_remove
from .agreement import agreement_confirm, agreement_save
from .experiments import action_item_add, action_item_complete, action_item_drop
from .log import (
    SameMeeting,
    SharedNotesConflict,
    private_note_save,
    session_log,
    session_log_past,
    shared_notes_save,
)
from .prompts import organization_sessions_defaults_install
from .schedule import session_cancel, session_reschedule, session_schedule

__all__ = [
    "SameMeeting",
    "SharedNotesConflict",
    "action_item_add",
    "action_item_complete",
    "action_item_drop",
    "agenda_item_add",
    "agenda_item_edit",
    "agenda_item_move",
    "agenda_item_remove",
    "agreement_confirm",
    "agreement_save",
    "organization_sessions_defaults_install",
    "private_note_save",
    "session_cancel",
    "session_log",
    "session_log_past",
    "session_reschedule",
    "session_schedule",
    "shared_notes_save",
]

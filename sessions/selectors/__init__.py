"""Reads for the session pages of a mentorship, by noun: the rows a page starts from
(``access``), a pair's sessions (``schedule``), one session (``detail``) with its
``agenda``, the ``agreement`` and the ``experiments``; times and places in ``times``.

Every selector takes the organization and the signed-in user. A page is for the two people
of the mentorship only (``matching.access``): a row that is missing, of another
organization or of another pair is the same 404, for program managers and HR too
(STYLE.md: ``access_*``). Each page costs a fixed number of queries, whatever the number
of sessions, agenda points or experiments.

Re-exported here: the names the views import from ``sessions.selectors``."""

from .access import access_action_item, access_agenda_item, access_session
from .agenda import agenda_panel, invite_agenda
from .agreement import agreement_page
from .detail import log_page, session_page
from .experiments import experiments_page
from .schedule import pair_sessions
from .times import ends_at

__all__ = [
    "access_action_item",
    "access_agenda_item",
    "access_session",
    "agenda_panel",
    "agreement_page",
    "ends_at",
    "experiments_page",
    "invite_agenda",
    "log_page",
    "pair_sessions",
    "session_page",
]

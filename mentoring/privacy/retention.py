"""Text retention: an organization may keep session notes and feedback texts for a
limited time. Past it, the texts are emptied; the rows, with their dates, scores,
counts and statuses, stay, so statistics do not change.

- ``note_retention_days``: the shared notes and real situations of sessions, and the
  private notes about them, counted from the session's start.
- ``feedback_retention_days``: feedback texts (situation, behaviour, impact, suggestion,
  the receiver's reflection) counted from when it was given, survey comments and
  fit-check comments counted from when they were written.

Only rows that still hold text are touched, so a second run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from feedback.models import Feedback, SurveyResponse
from matching.models import FitCheck
from sessions.models import PrivateNote, Session

SESSION_TEXTS = ("shared_notes", "real_situations")
FEEDBACK_TEXTS = ("situation", "behaviour", "impact", "suggestion", "reflection")


def _holding_text(fields) -> Q:
    condition = Q()
    for name in fields:
        condition |= ~Q(**{name: ""})
    return condition


def expire_texts(*, organization, now=None) -> dict[str, int]:
    """Empty the texts of the active ``organization`` older than its retention settings.
    Returns {what: rows emptied}; an organization without settings changes nothing."""
    now = now or timezone.now()
    emptied: dict[str, int] = {}
    if organization.note_retention_days is not None:
        cutoff = now - timedelta(days=organization.note_retention_days)
        old_sessions = Session.objects.filter(starts_at__lt=cutoff)
        emptied["session_notes"] = old_sessions.filter(_holding_text(SESSION_TEXTS)).update(
            **dict.fromkeys(SESSION_TEXTS, "")
        )
        emptied["private_notes"] = (
            PrivateNote.objects.filter(session__in=old_sessions).exclude(text="").update(text="")
        )
    if organization.feedback_retention_days is not None:
        cutoff = now - timedelta(days=organization.feedback_retention_days)
        emptied["feedback"] = (
            Feedback.objects.filter(created_at__lt=cutoff)
            .filter(_holding_text(FEEDBACK_TEXTS))
            .update(**dict.fromkeys(FEEDBACK_TEXTS, ""))
        )
        emptied["survey_comments"] = (
            SurveyResponse.objects.filter(created_at__lt=cutoff)
            .exclude(comment="")
            .update(comment="")
        )
        emptied["fit_check_comments"] = (
            FitCheck.objects.filter(created_at__lt=cutoff).exclude(comment="").update(comment="")
        )
    return emptied

"""How feedback's models are exported, erased and expired (``hooks.PRIVACY_RULES``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.privacy.registry import person
from mentoring.privacy.rules import REMOVED, Erasure, PrivacyRules, holding_text
from mentoring.tenancy.models import Organization

from .models import Feedback, SurveyResponse

FEEDBACK_TEXTS = ("situation", "behaviour", "impact", "suggestion", "reflection")

ENTRIES = (
    person(
        "feedback.Feedback",
        _("Feedback you gave and received"),
        lambda s: Q(giver=s.profile) | Q(receiver=s.profile),
    ),
    person(
        "feedback.SkillRating",
        _("Skill ratings of you, and ratings you gave"),
        lambda s: Q(enrollment__person=s.profile) | Q(rater=s.profile),
    ),
    person("feedback.SurveyResponse", _("Your survey answers"), lambda s: Q(respondent=s.profile)),
)


def erase(erasure: Erasure) -> dict[str, int]:
    profile = erasure.profile
    return {
        "feedback": Feedback.objects.filter(Q(giver=profile) | Q(receiver=profile)).update(
            situation=REMOVED, behaviour=REMOVED, impact="", suggestion="", reflection=""
        ),
        "survey_answers": SurveyResponse.objects.filter(respondent=profile).update(comment=""),
    }


def expire(organization: Organization, now: datetime) -> dict[str, int]:
    """Feedback texts and survey comments follow the feedback retention, counted from
    when they were written."""
    if organization.feedback_retention_days is None:
        return {}
    cutoff = now - timedelta(days=organization.feedback_retention_days)
    return {
        "feedback": Feedback.objects.filter(created_at__lt=cutoff)
        .filter(holding_text(FEEDBACK_TEXTS))
        .update(**dict.fromkeys(FEEDBACK_TEXTS, "")),
        "survey_comments": SurveyResponse.objects.filter(created_at__lt=cutoff)
        .exclude(comment="")
        .update(comment=""),
    }


RULES = PrivacyRules(entries=ENTRIES, erase=erase, expire=expire)

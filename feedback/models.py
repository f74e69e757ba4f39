"""Behaviour-based feedback, skill ratings over time and pulse surveys.

Feedback text, reflections and survey comments belong to the two people of a pair;
managers and HR only ever see counts, scores, ratings and trends.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Mentorship
from mentoring.people.models import Profile
from mentoring.tenancy.models import TenantModel
from programs.models import Enrollment, Program, Skill
from sessions.models import ActionItem, Session


class FeedbackKind(models.TextChoices):
    KEEP_DOING = "keep", _("Keep doing")
    TRY_DIFFERENTLY = "change", _("Try differently")


class Feedback(TenantModel):
    """Situation, behaviour, impact and a suggestion, about one skill."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    giver = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    receiver = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=FeedbackKind.choices)
    situation = models.TextField(max_length=2000)
    behaviour = models.TextField(max_length=2000)
    impact = models.TextField(max_length=2000, blank=True)
    suggestion = models.TextField(max_length=2000, blank=True)
    specificity = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(4)], help_text=_("0 to 4: how specific and usable it is.")
    )
    missing = models.JSONField(default=list, blank=True)
    reflection = models.TextField(max_length=4000, blank=True)
    reflected_at = models.DateTimeField(null=True, blank=True)
    experiment = models.ForeignKey(
        ActionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(specificity__lte=4), name="feedback_specificity_0_to_4"
            ),
            models.CheckConstraint(
                condition=~Q(giver=models.F("receiver")), name="feedback_not_to_oneself"
            ),
        ]


class RatingMoment(models.TextChoices):
    START = "start", _("At the start")
    REVIEW = "review", _("At a goal review")
    END = "end", _("At the end")


class RaterRole(models.TextChoices):
    SELF = "self", _("Self view")
    MENTOR = "mentor", _("Observed by the mentor")


RATING_LEVELS = {
    1: _("Rarely: the behaviour does not show yet, even in easy situations."),
    2: _("Starting: it shows now and then, with visible effort."),
    3: _("Often: it shows in everyday situations."),
    4: _("Reliably: it holds up in hard situations too."),
    5: _("Naturally: others notice it and learn from it."),
}


class SkillRating(TenantModel):
    """One person's rating of a mentee's focus skill at one moment (history is kept)."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("enrolment")
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    rater = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    rater_role = models.CharField(max_length=8, choices=RaterRole.choices)
    moment = models.CharField(max_length=8, choices=RatingMoment.choices)
    period = models.PositiveSmallIntegerField(default=0, help_text=_("Review number; 0 at start."))
    level = models.PositiveSmallIntegerField(
        choices=sorted(RATING_LEVELS.items()),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_1_to_5")
        ]


class SurveyKind(models.TextChoices):
    PULSE = "pulse", _("Relationship pulse")
    PROGRAM = "program", _("Program usefulness")


class SurveyResponse(TenantModel):
    """An answer to a pulse or program survey. A second answer for the same survey
    replaces the first as current; the first stays as history."""

    # The audit log records that an answer was stored, never by whom, from where or at
    # what time of day (mentoring.audit.capture): managers read the log.
    audit_anonymously = True

    kind = models.CharField(max_length=8, choices=SurveyKind.choices)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    respondent = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    respondent_role = models.CharField(max_length=8)
    period = models.PositiveSmallIntegerField(default=0)
    answers = models.JSONField()
    comment = models.TextField(max_length=2000, blank=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "program", "mentorship", "respondent", "period"],
                condition=Q(is_current=True),
                nulls_distinct=False,
                name="survey_one_current_answer",
            )
        ]

    def __str__(self) -> str:
        # What it is and when, never who: answers are anonymous to managers.
        answered_on = timezone.localdate(self.created_at) if self.created_at else None
        when = f", {dateformat.format(answered_on, 'j F Y')}" if answered_on else ""
        return f"{self.get_kind_display()} survey answer{when}"

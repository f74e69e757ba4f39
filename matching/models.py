"""Match runs (drafts a manager reviews), their proposals, mentorships (the pairs),
mentor requests of self-match programs and fit checks."""

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.people.models import Profile
from mentoring.tenancy.models import TenantModel
from programs.models import Enrollment, EnrollmentRole, Program, Skill

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MatchRunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    DISCARDED = "discarded", _("Discarded")


class MatchRun(TenantModel):
    """One computation of pairs for a program; a draft until a manager approves it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(
        max_length=10, choices=MatchRunStatus.choices, default=MatchRunStatus.DRAFT
    )
    weights = models.JSONField()
    fingerprint = models.CharField(
        max_length=64, help_text=_("The enrolments the run saw; approval needs them unchanged.")
    )
    total_score = models.FloatField(default=0)
    seconds = models.FloatField(default=0)
    created_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.program} · {self.get_status_display()} · {self.created_at:%Y-%m-%d %H:%M}"


class DraftCircle(TenantModel):
    """A circle of a draft (circle programs): its mentors and shared focus skill; its
    mentees are the proposals that name it, each scored with the circle's first mentor."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="circles")
    number = models.PositiveIntegerField()
    skill = models.ForeignKey(Skill, null=True, on_delete=models.SET_NULL, related_name="+")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    co_mentor = models.ForeignKey(
        Enrollment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "run", "number"], name="draft_circle_number_once"
            )
        ]

    def __str__(self) -> str:
        return _("Circle %(number)s") % {"number": self.number}


class MatchProposal(TenantModel):
    """A proposed pair with its score and the points of each criterion; in a circle
    program, one mentee's place in a circle of the draft (``circle``)."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    circle = models.ForeignKey(
        DraftCircle, null=True, blank=True, on_delete=models.CASCADE, related_name="proposals"
    )
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    breakdown = models.JSONField(help_text=_("[{criterion, points, label}] summing to the score"))
    is_manual = models.BooleanField(default=False)
    broken_rules = models.JSONField(default=list, blank=True)
    override_reason = models.CharField(max_length=500, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "run", "mentee"], name="proposal_one_per_mentee"
            )
        ]


class UnmatchedReason(models.TextChoices):
    NO_ELIGIBLE_MENTOR = "no_eligible_mentor", _("No eligible mentor under the program's rules")
    CAPACITY_EXHAUSTED = "capacity_exhausted", _("Eligible mentors were all full")
    REMOVED = "removed", _("Removed from the draft by a manager")
    NO_FOCUS_SKILL = "no_focus_skill", _("Chose no focus skill, so no circle shares one")
    GROUP_TOO_SMALL = (
        "group_too_small",
        _("Too few mentees share a focus skill and hours with them to start a circle"),
    )


class UnmatchedMentee(TenantModel):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="unmatched")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=24, choices=UnmatchedReason.choices)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "run", "mentee"], name="unmatched_once_per_run"
            )
        ]


class LeftOutReason(models.TextChoices):
    UNTRAINED = "untrained", _("Has not finished the program's mentor training")


class LeftOutMentor(TenantModel):
    """A mentor the run did not consider, and why (the draft shows them)."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="left_out_mentors")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=LeftOutReason.choices)
    detail = models.CharField(
        max_length=200, blank=True, help_text=_("For example: 2 of 4 modules finished.")
    )

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "run", "mentor"], name="left_out_once_per_run"
            )
        ]


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


# A mentorship's status inside a sentence ("2 mentorships now paused.").
MENTORSHIP_STATUS_IN_A_SENTENCE: "dict[str, StrOrPromise]" = {
    MentorshipStatus.ACTIVE: pgettext_lazy("mentorship status in a sentence", "active"),
    MentorshipStatus.PAUSED: pgettext_lazy("mentorship status in a sentence", "paused"),
    MentorshipStatus.COMPLETED: pgettext_lazy("mentorship status in a sentence", "completed"),
    MentorshipStatus.ENDED_EARLY: pgettext_lazy("mentorship status in a sentence", "ended early"),
}


OPEN_STATUSES = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)
OPEN_MENTORSHIP = Q(status__in=OPEN_STATUSES)


class Mentorship(TenantModel):
    """A mentor and a mentee working together within a program; or a circle, one or two
    mentors with three to eight mentees. Who belongs to it is ``members`` (the one rule of
    ``matching.access``); a circle's ``mentor`` and ``mentee`` name its first mentor and
    first mentee, so that every rule of the table holds for circles as for pairs."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="as_mentee")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="as_mentor")
    status = models.CharField(
        max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE
    )
    started_on = models.DateField()
    ends_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    needs_rematch = models.BooleanField(
        default=False, help_text=_("Someone answered the fit check with “not a good fit”.")
    )
    score = models.FloatField(null=True, blank=True)
    breakdown = models.JSONField(default=list, blank=True)
    override_reason = models.CharField(
        max_length=500,
        blank=True,
        help_text=_("Why a manager paired them although the pair breaks a rule of the program."),
    )
    match_run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    focus_skill = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A circle's shared focus skill."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta(TenantModel.Meta):
        ordering = ["-started_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentee"],
                condition=OPEN_MENTORSHIP,
                name="mentorship_one_open_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("started_on")), name="mentorship_ends_after_start"
            ),
        ]
        indexes = [
            # the admin's list, latest start first (``ordering``)
            models.Index(
                fields=["organization", "-started_on", "id"], name="mentorship_list_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.person} → {self.mentee.person}"

    @property
    def is_circle(self) -> bool:
        return self.program.is_circle

    @property
    def is_open(self) -> bool:
        return self.status in {MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED}


class MentorshipMember(TenantModel):
    """A person of a mentorship, on the side they enrolled: the one table that says who
    belongs to a mentorship, whether two people or eight (``matching.access``).

    A pair's two rows are kept by the database from ``mentor`` and ``mentee`` (the trigger
    of migration 0006), whatever code path writes the pair."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="members")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=8, choices=EnrollmentRole.choices)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentorship", "enrollment"], name="member_once"
            )
        ]
        indexes = [
            # "the mentorships of this person": the access rule's join
            models.Index(fields=["person", "mentorship"], name="member_by_person"),
        ]


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the mentor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MentorRequest(TenantModel):
    """Self-match: a mentee asks a suggested mentor, who accepts or declines."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="requests_sent")
    mentor = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(max_length=1000)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    response_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentee", "mentor"],
                condition=Q(status="pending"),
                name="request_one_pending_per_pair",
            )
        ]


class FitCheck(TenantModel):
    """After the first session each person says whether the pair fits."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="fit_checks")
    respondent = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    is_good_fit = models.BooleanField()
    comment = models.CharField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentorship", "respondent"], name="fit_check_once"
            )
        ]

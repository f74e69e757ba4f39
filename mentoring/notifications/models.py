"""The notification outbox and people's notification settings.

A message is written here in the same transaction as the decision to send it, with a
dedupe key unique per organization: deciding twice (a second dispatcher run, two beats,
a retried task) cannot write it twice. A worker sends each row and marks it sent.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mentoring.people.models import Profile
from mentoring.tenancy.models import TenantModel


class Kind(models.TextChoices):
    SESSION_REMINDER = "session_reminder", _("Session reminders (24 hours before)")
    CHECKIN_NUDGE = "checkin_nudge", _("Nudges when a pair has not met for a while")
    GOAL_REVIEW = "goal_review", _("Goal-review reminders")
    MANAGER_DIGEST = "manager_digest", _("Weekly digest for program managers")
    PAIR_AT_RISK = "pair_at_risk", _("Alerts about pairs at risk (program managers)")
    APPLICATION_DECIDED = "application_decided", _("Decisions on my applications")
    MATCH_PUBLISHED = "match_published", _("New mentoring pairs")
    MENTOR_REQUEST = "mentor_request", _("Mentor requests and answers")
    PROFILE_CORRECTION = "profile_correction", _("Profile correction requests (program managers)")
    SESSION_PLANNED = "session_planned", _("Sessions my partner plans")
    SESSION_MOVED = "session_moved", _("Sessions my partner moves to another time")
    SESSION_CANCELLED = "session_cancelled", _("Sessions my partner cancels")
    SESSION_INVITATION = (
        "session_invitation",
        _("Calendar invitations for sessions I plan, move or cancel myself"),
    )
    AGENDA_ADDED = "agenda_added", _("Agenda points my partner adds after I last looked")
    FEEDBACK_RECEIVED = "feedback_received", _("Feedback I receive")
    GOAL_REVIEW_SHARED = "goal_review_shared", _("Goal reviews shared with me")
    FIT_CHECK_CONCERN = (
        "fit_check_concern",
        _("Fit checks that say a pair is not a good fit (program managers)"),
    )
    PAIR_NUDGE = "pair_nudge", _("Nudges from my program manager")
    ENROLLED = "enrolled", _("Being enrolled in a program")
    TRAINING_REMINDER = "training_reminder", _("A reminder to finish a program's mentor training")
    OBSERVATION_SHARED = "observation_shared", _("Observations my mentee shares with me")
    MEMBER_LEFT = (
        "member_left",
        _("Members who leave, and what of their mentoring ended (program managers)"),
    )


# People cannot turn these off, and why (shown on the preferences page).
ALWAYS_SENT = {
    Kind.APPLICATION_DECIDED: _("they are about your own applications"),
    # Turned off by every program manager, a member's request would reach nobody.
    Kind.PROFILE_CORRECTION: _("only program managers can make the correction asked for"),
}


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboxMessage(TenantModel):
    kind = models.CharField(max_length=24, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=200)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to_email = models.EmailField()
    subject = models.CharField(max_length=250)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(
        default=list, blank=True, help_text=_("[{filename, content, mimetype}] (text only)")
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "dedupe_key"], name="outbox_dedupe_key_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "lease_until"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_email}"


class NotificationSetting(TenantModel):
    """A kind of notification a person turned off (absence means on)."""

    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    is_enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person", "kind"], name="notification_setting_unique"
            )
        ]


# Kinds that are news to the person, as opposed to reminders of what they know already:
# each of them also appears in the in-app list of what is new, whether or not the person
# receives the email ("nothing depends on email alone").
NEWS_KINDS = frozenset(
    {
        Kind.APPLICATION_DECIDED,
        Kind.MATCH_PUBLISHED,
        Kind.MENTOR_REQUEST,
        Kind.PROFILE_CORRECTION,
        Kind.SESSION_PLANNED,
        Kind.SESSION_MOVED,
        Kind.SESSION_CANCELLED,
        Kind.AGENDA_ADDED,
        Kind.FEEDBACK_RECEIVED,
        Kind.GOAL_REVIEW_SHARED,
        Kind.OBSERVATION_SHARED,
        Kind.FIT_CHECK_CONCERN,
        Kind.PAIR_NUDGE,
        Kind.ENROLLED,
    }
)

# Read notices older than this are deleted by the privacy retention run.
READ_NOTICE_RETENTION_DAYS = 90


class Notice(TenantModel):
    """One line of a person's "what's new" list: the subject of a news message and the
    link to what it is about. Written with the outbox row, under the same dedupe key."""

    recipient = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(max_length=250)
    url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "dedupe_key"], name="notice_dedupe_key_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at"],
                name="notice_unread",
                condition=models.Q(read_at__isnull=True),
            ),
            models.Index(fields=["recipient", "-created_at"], name="notice_newest"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def link(self) -> str:
        """The url, if it is a web address: never a ``javascript:`` or other scheme."""
        return self.url if self.url.startswith(("https://", "http://")) else ""

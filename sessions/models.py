"""Mentoring sessions (meetings of a pair), their co-created agendas, the guided check-in
prompt library, action items (small experiments between sessions), private notes and the
pair's first-session agreement."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.models import Mentorship
from mentoring.crypto import EncryptedTextField
from mentoring.people.models import Profile, validate_time_zone
from mentoring.tenancy.models import TenantModel
from programs.models import SessionPlanStep, Skill

NOTES_MAX_CHARS = 20_000
SERIES_MAX_COUNT = 26
SERIES_MAX_INTERVAL_WEEKS = 8


class SessionKind(models.TextChoices):
    CHECK_IN = "check_in", _("Regular check-in")
    ROLE_PLAY = "role_play", _("Role-play")
    DEBRIEF = "debrief", _("Debrief of a real event")
    GOAL_REVIEW = "goal_review", _("Goal review")
    CLOSING = "closing", _("Closing")


class PromptPhase(models.TextChoices):
    FIRST_SESSION = "first_session", _("First session")
    CHECK_IN = "check_in", _("Regular check-in")
    ROLE_PLAY = "role_play", _("Role-play script")
    DEBRIEF = "debrief", _("Debrief script")
    GOAL_REVIEW = "goal_review", _("Goal review")
    CLOSING = "closing", _("Closing")


class Prompt(TenantModel):
    """A guided check-in prompt of the organization's library."""

    text = models.CharField(max_length=600)
    phase = models.CharField(max_length=16, choices=PromptPhase.choices)
    skill = models.ForeignKey(
        Skill,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Empty: useful whatever the focus skill."),
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["phase", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
    NO_SHOW = "no_show", _("No-show")


class SessionSeries(TenantModel):
    """Sessions planned together, "every 2 weeks on Tuesday at 09:00, 6 times": one event
    that repeats in calendars (an RRULE on the planner's clock, so the wall time stays
    across daylight-saving changes). Each occurrence is a Session of its own, moved or
    cancelled alone."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField(help_text=_("The first occurrence."))
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    interval_weeks = models.PositiveSmallIntegerField(default=1)
    count = models.PositiveSmallIntegerField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    # Raised when the series' invitation announces a change of the whole series.
    sequence = models.PositiveIntegerField(default=0, db_default=0)
    created_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_weeks__gte=1, interval_weeks__lte=SERIES_MAX_INTERVAL_WEEKS),
                name="session_series_interval_sensible",
            ),
            models.CheckConstraint(
                condition=Q(count__gte=2, count__lte=SERIES_MAX_COUNT),
                name="session_series_count_sensible",
            ),
        ]


class Session(TenantModel):
    """A meeting of a mentorship's two people."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(
        max_length=12, choices=SessionKind.choices, default=SessionKind.CHECK_IN
    )
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    location = models.CharField(
        max_length=500, blank=True, help_text=_("A room, or a video-call link.")
    )
    change_note = models.CharField(max_length=500, blank=True)
    # The invitation's SEQUENCE (RFC 5545 3.8.7.4): raised by every move and the cancel,
    # so a calendar replaces the event it holds instead of ignoring the update.
    sequence = models.PositiveIntegerField(default=0, db_default=0)
    series = models.ForeignKey(
        SessionSeries, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )
    # The occurrence's start as the series planned it: its RECURRENCE-ID, which names it
    # in the series' invitation even after it moved.
    series_start = models.DateTimeField(null=True, blank=True)
    plan_step = models.ForeignKey(
        SessionPlanStep,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The step of the program's session plan that filled the agenda."),
    )
    actual_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    shared_notes = models.TextField(blank=True)
    real_situations = models.TextField(blank=True)
    logged_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    logged_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta(TenantModel.Meta):
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["organization", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480),
                name="session_duration_sensible",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_logged(self) -> bool:
        return self.status != SessionStatus.PLANNED


class PrivateNote(TenantModel):
    """What one person wrote for themself about a session: nobody else ever sees it."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "session", "author"], name="private_note_one_per_author"
            )
        ]


class SessionAttendance(TenantModel):
    """Whether one member of a circle came to a held session (a pair's session is held by
    both, or it is a no-show)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    attended = models.BooleanField()

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "session", "person"], name="attendance_once_per_person"
            )
        ]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("To try")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class ActionItem(TenantModel):
    """A small experiment to try before the next session."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="action_items"
    )
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    owner = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    description = models.CharField(max_length=500)
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    reflection = models.TextField(blank=True, help_text=_("What happened when you tried it?"))
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description


class AgendaItem(TenantModel):
    """A point of a session's agenda, added by either person."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="agenda")
    text = models.CharField(max_length=600)
    position = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(Profile, null=True, on_delete=models.SET_NULL, related_name="+")
    prompt = models.ForeignKey(Prompt, null=True, blank=True, on_delete=models.SET_NULL)
    follow_up_of = models.ForeignKey(
        ActionItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_covered = models.BooleanField(default=False)
    # Raised by every edit of the text: an edit typed against an older version is refused
    # with both texts shown (sessions.services.agenda.agenda_item_edit).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "session", "follow_up_of"],
                condition=Q(follow_up_of__isnull=False),
                name="agenda_follow_up_once",
            )
        ]

    def __str__(self) -> str:
        return self.text


class SessionVisit(TenantModel):
    """When one person of the pair last looked at a session's page: agenda points added
    after it are news to them (Kind.AGENDA_ADDED)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "session", "person"], name="session_visit_one_per_person"
            )
        ]


class Agreement(TenantModel):
    """How a pair agrees to work, recorded at the first session and confirmed by both."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="agreements")
    goals = models.TextField(max_length=3000)
    cadence = models.CharField(max_length=200)
    confidentiality = models.TextField(max_length=2000)
    mentee_feedback_style = models.CharField(max_length=500)
    mentor_feedback_style = models.CharField(max_length=500)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentorship"], name="agreement_one_per_mentorship"
            )
        ]

    @property
    def is_confirmed(self) -> bool:
        return bool(self.mentee_confirmed_at and self.mentor_confirmed_at)


class MeetingPlace(TenantModel):
    """Where a pair usually meets: a video-call link or a room. A new session starts with
    it; a session can give its own."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    location = models.CharField(max_length=500)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "mentorship"], name="meeting_place_one_per_pair"
            )
        ]


class CalendarFeed(TenantModel):
    """A person's secret calendar address: their sessions as a feed calendars subscribe
    to. Revoking gives a new token, so the old address stops working."""

    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    token = EncryptedTextField()  # shown again on the profile
    token_hash = models.CharField(max_length=64)  # looked up (the token column cannot be)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person"], name="calendar_feed_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["organization", "token_hash"], name="calendar_feed_token_unique"
            ),
        ]


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityWindow(TenantModel):
    """A weekly time a person can meet, on their own clock (their profile's time zone)."""

    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta(TenantModel.Meta):
        ordering = ["weekday", "starts", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="availability_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="availability_weekday_valid"
            ),
        ]


class AwayPeriod(TenantModel):
    """Days a person cannot meet (holidays, leave), on their own calendar, both included."""

    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    first_day = models.DateField()
    last_day = models.DateField()
    note = models.CharField(max_length=200, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["first_day", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=models.F("first_day")), name="away_ends_after_start"
            )
        ]


class Observation(TenantModel):
    """What a mentee saw someone (often their mentor) do in a real situation, and what they
    will adapt to their own style. Private to its author until shared with the mentorship."""

    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="+")
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL)
    observed = models.CharField(
        max_length=120, blank=True, help_text=_("Whom you watched; empty: your mentor.")
    )
    situation = models.TextField(max_length=2000)
    action = models.TextField(max_length=2000, help_text=_("What they did or said."))
    effect = models.TextField(max_length=2000, help_text=_("What it changed."))
    adaptation = models.TextField(
        max_length=2000, help_text=_("What you will adapt to your own style.")
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    experiment = models.ForeignKey(
        ActionItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.situation[:60]


class PreparedQuestion(TenantModel):
    """A question someone prepared to ask in a session (the mentor, mostly): private to its
    author, who reads it from the session page during the meeting."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(max_length=600)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text

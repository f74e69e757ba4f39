"""Programs (cohorts), the skill catalogue, enrolments, goals, goal reviews, the resource
bank, prep checklists and mentor recognition. Invariants live here as constraints;
workflows live in ``programs.services``."""

from typing import TYPE_CHECKING

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mentoring.people.models import Profile
from mentoring.tenancy.models import TenantModel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Skill(TenantModel):
    """A soft skill of the organization's catalogue, with observable behaviours."""

    name = models.CharField(max_length=80)
    description = models.TextField(max_length=600)
    behaviours = ArrayField(
        models.CharField(max_length=200),
        size=5,
        help_text=_("3 to 5 things a person does, visibly, when they have this skill."),
    )
    is_archived = models.BooleanField(
        default=False, help_text=_("Archived skills stay on old records but cannot be chosen.")
    )

    class Meta(TenantModel.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="skill_name_unique"),
            models.CheckConstraint(
                condition=Q(behaviours__len__gte=3) & Q(behaviours__len__lte=5),
                name="skill_has_3_to_5_behaviours",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ENROLLING = "enrolling", _("Enrolling")
    MATCHING = "matching", _("Matching")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


# A program's status inside a sentence ("“Mentoring 2027” is already running.").
STATUS_IN_A_SENTENCE: "dict[str, StrOrPromise]" = {
    ProgramStatus.DRAFT: pgettext_lazy("program status in a sentence", "draft"),
    ProgramStatus.ENROLLING: pgettext_lazy("program status in a sentence", "enrolling"),
    ProgramStatus.MATCHING: pgettext_lazy("program status in a sentence", "matching"),
    ProgramStatus.RUNNING: pgettext_lazy("program status in a sentence", "running"),
    ProgramStatus.CLOSED: pgettext_lazy("program status in a sentence", "closed"),
}


class EnrollmentMode(models.TextChoices):
    OPEN = "open", _("Open: anyone may join")
    INVITATION = "invitation", _("Invitation only: managers enrol people")
    APPLICATION = "application", _("Application: managers approve each one")


class CrossFunctional(models.TextChoices):
    REQUIRED = "required", _("Required: never the same department")
    PREFERRED = "preferred", _("Preferred")
    OFF = "off", _("Off")


class MatchingMode(models.TextChoices):
    MANAGER = "manager", _("Managers run matching and approve the pairs")
    SELF = "self", _("Mentees choose from suggested mentors")


class ProgramFormat(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("One-to-one: a more senior mentor and one mentee")
    CIRCLE = "circle", _("Circle: one or two mentors with a small group of mentees")
    PEER = "peer", _("Peer: two people of similar seniority who learn from each other")
    REVERSE = "reverse", _("Reverse: a less senior person mentors a more senior one")


CIRCLE_MIN, CIRCLE_MAX = 3, 8  # mentees a circle may hold


class Program(TenantModel):
    """A cohort: who mentors whom, on which skills, for how long, at what rhythm."""

    name = models.CharField(max_length=120)
    purpose = models.TextField(
        max_length=5000, help_text=_("Why this program exists. Markdown: **bold**, lists, links.")
    )
    guidelines = models.TextField(
        max_length=20000, blank=True, help_text=_("How pairs work together. Markdown.")
    )
    time_commitment = models.CharField(
        max_length=120, blank=True, help_text=_("For example: one hour every two weeks.")
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(
        max_length=16, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT, editable=False
    )
    enrollment_mode = models.CharField(
        _("enrolment mode"),
        max_length=16,
        choices=EnrollmentMode.choices,
        default=EnrollmentMode.APPLICATION,
    )
    checkin_cadence_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(7), MaxValueValidator(180)],
        help_text=_("A pair with no session for this many days is at risk."),
    )
    goal_review_interval_months = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    cross_functional = models.CharField(
        max_length=16, choices=CrossFunctional.choices, default=CrossFunctional.PREFERRED
    )
    min_seniority_gap = models.PositiveSmallIntegerField(
        default=1,
        validators=[MaxValueValidator(10)],
        help_text=_("How many levels more senior a mentor must be than their mentee."),
    )
    default_mentees_per_mentor = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    max_mentees_per_mentor = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    is_onboarding = models.BooleanField(
        default=False,
        verbose_name=_("onboarding program"),
        help_text=_("New members of the organization are enrolled as mentees automatically."),
    )
    matching_mode = models.CharField(
        max_length=8, choices=MatchingMode.choices, default=MatchingMode.MANAGER
    )
    match_weights = models.JSONField(
        default=dict,
        blank=True,
        help_text=_("Weight of each matching criterion; empty: defaults from the settings above."),
    )
    format = models.CharField(
        max_length=12,
        choices=ProgramFormat.choices,
        default=ProgramFormat.ONE_TO_ONE,
        help_text=_("Who works with whom; each format has its own matching defaults."),
    )
    requires_training = models.BooleanField(
        default=False,
        help_text=_(
            "Mentors finish the program's training path before matching gives them anyone."
        ),
    )
    circle_min_mentees = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(CIRCLE_MIN), MaxValueValidator(CIRCLE_MAX)],
        help_text=_("Circles: the fewest mentees a circle starts with."),
    )
    circle_max_mentees = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(CIRCLE_MIN), MaxValueValidator(CIRCLE_MAX)],
        help_text=_("Circles: the most mentees a circle holds."),
    )
    circle_mentors = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
        help_text=_("Circles: how many mentors guide each circle, one or two."),
    )
    onboarding_pairs_directly = models.BooleanField(
        default=False,
        help_text=_(
            "Onboarding: pair a new member with the best mentor at once, "
            "instead of proposing the pair to a manager."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="program_name_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="program_ends_after_it_starts"
            ),
            models.CheckConstraint(
                condition=Q(default_mentees_per_mentor__lte=F("max_mentees_per_mentor")),
                name="program_default_capacity_within_maximum",
            ),
            models.CheckConstraint(
                condition=Q(
                    circle_min_mentees__gte=CIRCLE_MIN,
                    circle_min_mentees__lte=F("circle_max_mentees"),
                    circle_max_mentees__lte=CIRCLE_MAX,
                    circle_mentors__gte=1,
                    circle_mentors__lte=2,
                ),
                name="program_circle_sizes_sensible",
            ),
        ]

    @property
    def is_circle(self) -> bool:
        """One mentorship for a group of mentees with one or two mentors."""
        return self.format == ProgramFormat.CIRCLE

    def __str__(self) -> str:
        return self.name

    @property
    def is_open_for_applications(self) -> bool:
        return self.status in {ProgramStatus.ENROLLING, ProgramStatus.RUNNING} and (
            self.enrollment_mode != EnrollmentMode.INVITATION
        )


class ProgramSkill(TenantModel):
    """A focus skill of a program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="focus_links")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program", "skill"], name="program_skill_unique"
            )
        ]


class EnrollmentRole(models.TextChoices):
    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")


class EnrollmentStatus(models.TextChoices):
    APPLIED = "applied", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrollment(TenantModel):
    """A person's place in a program, as mentee or mentor."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(max_length=8, choices=EnrollmentRole.choices)
    status = models.CharField(
        max_length=12, choices=EnrollmentStatus.choices, default=EnrollmentStatus.APPLIED
    )
    situations = ArrayField(
        models.TextField(max_length=2000),
        default=list,
        blank=True,
        help_text=_("Mentee: real, recent situations where the focus skills mattered."),
    )
    capacity = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Mentor: how many mentees they can take.")
    )
    growth_story = models.TextField(max_length=3000, blank=True)
    preferred_mentors = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        size=3,
        help_text=_("Mentee: up to three people (profile ids) they would like as mentor."),
    )
    decision_reason = models.CharField(max_length=500, blank=True)
    decided_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta(TenantModel.Meta):
        # The product writes "enrolment" (the code keeps Django's spelling of its names).
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program", "person"], name="enrollment_once_per_program"
            ),
            models.CheckConstraint(
                condition=Q(role="mentee", capacity__isnull=True)
                | Q(role="mentor", capacity__gte=1),
                name="enrollment_capacity_for_mentors_only",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "program", "role", "status"]),
            # the admin's list, newest first (``ordering`` and the admin's "-pk" tiebreak)
            models.Index(
                fields=["organization", "-created_at", "-id"], name="enrollment_list_newest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()} · {self.program}"

    @property
    def is_active(self) -> bool:
        return self.status in {EnrollmentStatus.APPLIED, EnrollmentStatus.APPROVED}


class EnrollmentSkill(TenantModel):
    """A mentee's focus skill (one or two), or a skill a mentor can help with."""

    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.CASCADE,
        related_name="skill_links",
        verbose_name=_("enrolment"),
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")

    class Meta(TenantModel.Meta):
        verbose_name = _("enrolment skill")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "enrollment", "skill"], name="enrollment_skill_unique"
            )
        ]


class GoalStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Set aside")
    # closed with its enrolment (an application declined or withdrawn), not by the mentee
    CLOSED = "closed", _("Not pursued")


class Goal(TenantModel):
    """A mentee's concrete, observable goal within an enrolment."""

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="goals", verbose_name=_("enrolment")
    )
    statement = models.CharField(max_length=300)
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    target_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=GoalStatus.choices, default=GoalStatus.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.statement


PROGRESS_ANCHORS = {
    1: _("Not started: the situations still go the way they did before."),
    2: _("Trying: I (or they) tried the new behaviour once or twice, with effort."),
    3: _("Sometimes: the new behaviour shows up in easier situations."),
    4: _("Usually: it shows up in most situations, including some hard ones."),
    5: _("Habit: it shows up without thinking, and others have noticed."),
}


class GoalReview(TenantModel):
    """One person's view of a goal at one review period. The view is never edited: a new
    view is a new row, so the history of every review stays. The mentor adds their
    observation to the mentee's view: the one part that changes, guarded by
    ``observation_version`` so that two edits never overwrite each other silently."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="reviews")
    period = models.PositiveSmallIntegerField(help_text=_("1 for the first review, then 2, 3…"))
    author = models.ForeignKey(Profile, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=8, choices=EnrollmentRole.choices)
    progress = models.PositiveSmallIntegerField(
        choices=sorted(PROGRESS_ANCHORS.items()),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    what_changed = models.TextField(max_length=4000)
    next_steps = models.TextField(max_length=4000)
    adjusted_focus = models.CharField(max_length=300, blank=True)
    mentor_observation = models.TextField(max_length=4000, blank=True)
    observed_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    observed_at = models.DateTimeField(null=True, blank=True)
    observation_version = models.PositiveIntegerField(
        default=0, help_text=_("How many times the observation was saved (0: never).")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["period", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=1, progress__lte=5), name="goal_review_progress_1_to_5"
            )
        ]


class ResourceKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    VIDEO = "video", _("Video")
    EXERCISE = "exercise", _("Exercise")
    LESSON = "lesson", _("Lesson (text written here)")


class Resource(TenantModel):
    """An item of the resource bank, for one skill, one program or the whole organization."""

    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500, blank=True)
    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    description = models.CharField(max_length=500, blank=True)
    body = models.TextField(
        max_length=20000,
        blank=True,
        help_text=_("A lesson's text, written here (Markdown); other kinds link to a page."),
    )
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL)
    program = models.ForeignKey(
        Program,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty: the resource is for every program."),
    )

    class Meta(TenantModel.Meta):
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(body=""), name="resource_has_a_link_or_a_text"
            )
        ]

    def __str__(self) -> str:
        return self.title


class TrainingModule(TenantModel):
    """A step of a program's mentor training: a resource of the bank, then a reflection."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="training_modules")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    reflection_prompt = models.CharField(
        max_length=300, help_text=_("The question the mentor answers to finish the module.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program", "resource"],
                name="training_module_resource_once",
            )
        ]

    def __str__(self) -> str:
        return str(self.resource)


class TrainingCompletion(TenantModel):
    """A mentor finished a module by writing their reflection."""

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    reflection = models.TextField(max_length=4000)
    completed_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "module", "person"], name="training_completed_once"
            )
        ]


class PlanStepKind(models.TextChoices):
    AGREEMENT = "agreement", _("First session: agreement and goals")
    PRACTICE = "practice", _("Focus-skill practice with a role-play")
    GOAL_REVIEW = "goal_review", _("Goal review")
    CLOSING = "closing", _("Closing session")


class SessionPlanStep(TenantModel):
    """A step of a program's session plan: what a session of this kind is for, and the
    agenda points it starts with."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="plan_steps")
    kind = models.CharField(max_length=12, choices=PlanStepKind.choices)
    title = models.CharField(max_length=120)
    points = ArrayField(
        models.CharField(max_length=600),
        default=list,
        blank=True,
        size=8,
        help_text=_("Agenda points the session starts with; {skill} is replaced by a focus skill."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class ChecklistAudience(models.TextChoices):
    MENTEE_FIRST_SESSION = "mentee_first_session", _("Mentee: before the first session")
    MENTOR_PREPARATION = "mentor_preparation", _("Mentor: preparing to guide")
    MANAGER_LAUNCH = "manager_launch", _("Program manager: launching a program")


class ChecklistItem(TenantModel):
    """One step of a prep checklist; ``program`` empty means the organization's default."""

    audience = models.CharField(max_length=24, choices=ChecklistAudience.choices)
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.CASCADE, related_name="checklist_items"
    )
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["audience", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class ChecklistCompletion(TenantModel):
    """A person ticked an item (for one program, or in general when the item has none)."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="completions")
    person = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "item", "person"], name="checklist_completed_once"
            )
        ]


class Badge(models.TextChoices):
    GENEROUS_LISTENER = "listener", _("Generous listener")
    FEEDBACK_CHAMPION = "feedback", _("Feedback champion")
    STEADY_GUIDE = "steady", _("Steady guide")
    BRIDGE_BUILDER = "bridge", _("Bridge builder")


class Recognition(TenantModel):
    """A program manager's thanks to a mentor, shown on the mentor's profile."""

    mentor = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="recognitions")
    program = models.ForeignKey(
        Program, null=True, blank=True, on_delete=models.SET_NULL, related_name="recognitions"
    )
    badge = models.CharField(max_length=12, choices=Badge.choices)
    note = models.CharField(max_length=500)
    awarded_by = models.ForeignKey(
        Profile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    awarded_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        ordering = ["-awarded_at"]

    def __str__(self) -> str:
        return f"{self.get_badge_display()} · {self.mentor}"


class InvitationEnrolment(TenantModel):
    """A manager's "enrol this person when they accept the invitation": programs keeps it,
    so the core's invitations know nothing of programs (hooks INVITATION_CREATED and
    INVITATION_ACCEPTED). ``enrollment`` is set once the person joined and was enrolled."""

    invitation = models.ForeignKey(
        "mentoring.Invitation", on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=8, choices=EnrollmentRole.choices)
    enrollment = models.ForeignKey(
        Enrollment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("enrolment"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "invitation"], name="invitation_enrolment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation} → {self.program} ({self.get_role_display().lower()})"

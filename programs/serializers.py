"""The documented shapes of the programs endpoints of the HR API (rows are built from
``.values()`` in programs.api; these describe them for OpenAPI). Never an application's
situations, growth story or decision reason, never a goal review's texts."""

from rest_framework import serializers

from mentoring.api.schema import Choice

from .models import (
    EnrollmentMode,
    EnrollmentRole,
    EnrollmentStatus,
    GoalStatus,
    MatchingMode,
    ProgramStatus,
)


class ProgramFigures(serializers.Serializer):
    people_enrolled_mentees = serializers.IntegerField(help_text="Approved mentee enrolments.")
    people_enrolled_mentors = serializers.IntegerField(help_text="Approved mentor enrolments.")
    matched_mentees = serializers.IntegerField(
        help_text="Approved mentees with an open (active or paused) mentorship."
    )
    match_rate = serializers.FloatField(
        allow_null=True, help_text="matched_mentees / people_enrolled_mentees (0 to 1)."
    )
    active_mentorships = serializers.IntegerField()
    sessions_held_30d = serializers.IntegerField()
    sessions_held_90d = serializers.IntegerField()
    goal_reviews_done = serializers.IntegerField(
        help_text="Review periods the mentees reviewed, at most the number due."
    )
    goal_reviews_due = serializers.IntegerField()
    goal_review_completion = serializers.FloatField(
        allow_null=True, help_text="goal_reviews_done / goal_reviews_due (0 to 1)."
    )
    program_score = serializers.FloatField(
        allow_null=True,
        help_text="Mean 'useful' answer (1 to 5) of the program survey, released once the "
        "program has ended; null until then and when hidden.",
    )
    program_score_respondents = serializers.IntegerField()
    program_score_is_suppressed = serializers.BooleanField(
        help_text="Hidden: fewer than 5 respondents, or a hidden group could be worked out."
    )


class ProgramRow(ProgramFigures):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = Choice(choices=ProgramStatus.values, name="ProgramStatus")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    enrollment_mode = Choice(choices=EnrollmentMode.values, name="EnrolmentMode")
    matching_mode = Choice(choices=MatchingMode.values, name="MatchingMode")
    checkin_cadence_days = serializers.IntegerField()
    goal_review_interval_months = serializers.IntegerField()
    focus_skill_ids = serializers.ListField(child=serializers.IntegerField())
    updated_at = serializers.DateTimeField()

    def get_fields(self):
        # The program's own fields first, then its figures, then updated_at (CSV order).
        fields = super().get_fields()
        figures = list(ProgramFigures._declared_fields)
        own = [name for name in fields if name not in figures and name != "updated_at"]
        return {name: fields[name] for name in [*own, *figures, "updated_at"]}


class EnrolmentRow(serializers.Serializer):
    id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    person_name = serializers.CharField()
    person_email = serializers.CharField()
    department_id = serializers.IntegerField(allow_null=True)
    department = serializers.CharField(allow_null=True)
    role = Choice(choices=EnrollmentRole.values, name="EnrolmentRole")
    status = Choice(choices=EnrollmentStatus.values, name="EnrolmentStatus")
    focus_skill_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Mentee: their focus skills; mentor: the skills they can help with.",
    )
    capacity = serializers.IntegerField(allow_null=True, help_text="Mentors only.")
    decided_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class GoalRow(serializers.Serializer):
    id = serializers.IntegerField()
    enrolment_id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    statement = serializers.CharField()
    skill_id = serializers.IntegerField()
    skill = serializers.CharField()
    status = Choice(choices=GoalStatus.values, name="GoalStatus")
    target_on = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class GoalReviewRow(serializers.Serializer):
    id = serializers.IntegerField()
    goal_id = serializers.IntegerField()
    enrolment_id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    period = serializers.IntegerField(help_text="1 for the first review, then 2, 3…")
    author_role = Choice(choices=EnrollmentRole.values, name="EnrolmentRole")
    progress = serializers.IntegerField(min_value=1, max_value=5)
    created_at = serializers.DateTimeField()

"""The documented shapes of the feedback endpoints of the HR API (rows are built from
``.values()`` and grouped queries in feedback.api; these describe them for OpenAPI).
Counts, levels, averages and scores only: never feedback text, reflections or comments."""

from rest_framework import serializers

from mentoring.api.schema import Choice

from .models import FeedbackKind, RaterRole, RatingMoment, SurveyKind

SUPPRESSION_HELP = (
    "True when the group's figures are hidden: fewer than 5 people, or a hidden group "
    "could be worked out from this one. Its averages are then null."
)


class RatingPoint(serializers.Serializer):
    moment = Choice(choices=RatingMoment.values, name="RatingMoment")
    period = serializers.IntegerField(help_text="Goal-review number; 0 at the start and end.")
    level = serializers.IntegerField(min_value=1, max_value=5)
    role = Choice(
        choices=RaterRole.values,
        name="RaterRole",
        help_text="self: the mentee; mentor: observed by the mentor.",
    )
    at = serializers.DateTimeField()


class SkillProgressRow(serializers.Serializer):
    id = serializers.IntegerField(help_text="The mentee's focus skill (enrolment and skill).")
    enrolment_id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    person_id = serializers.IntegerField()
    department_id = serializers.IntegerField(allow_null=True)
    enrolment_status = serializers.CharField()
    skill_id = serializers.IntegerField()
    skill = serializers.CharField()
    ratings = RatingPoint(many=True, help_text="Every rating, oldest first.")
    self_start = serializers.IntegerField(allow_null=True)
    self_latest = serializers.IntegerField(allow_null=True)
    self_change = serializers.IntegerField(allow_null=True)
    observed_start = serializers.IntegerField(allow_null=True)
    observed_latest = serializers.IntegerField(allow_null=True)
    observed_change = serializers.IntegerField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True, help_text="The latest rating.")


class SkillProgressAggregateRow(serializers.Serializer):
    dimension = Choice(choices=["program", "department"], name="AggregateDimension")
    group_id = serializers.IntegerField(
        allow_null=True, help_text="The program or department; null: people without one."
    )
    group_name = serializers.CharField()
    skill_id = serializers.IntegerField()
    skill = serializers.CharField()
    mentees = serializers.IntegerField(help_text="Mentees with a rating of this skill.")
    average_latest_self = serializers.FloatField(allow_null=True)
    average_latest_observed = serializers.FloatField(allow_null=True)
    average_self_change = serializers.FloatField(allow_null=True)
    average_observed_change = serializers.FloatField(allow_null=True)
    is_suppressed = serializers.BooleanField(help_text=SUPPRESSION_HELP)
    suppression_reason = serializers.CharField(allow_null=True)


class SkillProgressAggregates(serializers.Serializer):
    results = SkillProgressAggregateRow(many=True)


class FeedbackStatisticsRow(serializers.Serializer):
    program_id = serializers.IntegerField()
    skill_id = serializers.IntegerField()
    skill = serializers.CharField()
    kind = Choice(choices=FeedbackKind.values, name="FeedbackKind")
    count = serializers.IntegerField(
        allow_null=True, help_text="Pieces of feedback; null when the group is hidden."
    )
    average_specificity = serializers.FloatField(
        allow_null=True, help_text="0 to 4: how specific and usable the feedback was."
    )
    is_suppressed = serializers.BooleanField(
        help_text="True when the group's figures are hidden: fewer than 5 givers or fewer "
        "than 5 receivers. Its count and average are then null."
    )
    suppression_reason = serializers.CharField(allow_null=True)


class FeedbackStatistics(serializers.Serializer):
    results = FeedbackStatisticsRow(many=True)


class SurveyRow(serializers.Serializer):
    program_id = serializers.IntegerField()
    kind = Choice(choices=SurveyKind.values, name="SurveyKind")
    period = serializers.IntegerField(
        help_text="Pulse: the period of the program's check-in cadence (1 is the first, "
        "counted from the program's start). Program survey: 0."
    )
    opens_on = serializers.DateField(help_text="The period's first day.")
    closes_on = serializers.DateField(
        help_text="The period's last day: answers stored after it are not counted here."
    )
    group = Choice(choices=["mentees", "mentors", "everyone"], name="SurveyGroup")
    respondents = serializers.IntegerField()
    answers = serializers.IntegerField()
    is_suppressed = serializers.BooleanField(help_text=SUPPRESSION_HELP)
    suppression_reason = serializers.CharField(allow_null=True)
    useful_average = serializers.FloatField(allow_null=True, help_text="1 to 5.")
    candid_average = serializers.FloatField(allow_null=True, help_text="Pulse only; 1 to 5.")
    recommend_average = serializers.FloatField(
        allow_null=True, help_text="Program survey only; 0 to 10."
    )
    nps = serializers.IntegerField(
        allow_null=True, help_text="Program survey only: net promoter score, -100 to 100."
    )


class Surveys(serializers.Serializer):
    results = SurveyRow(many=True)

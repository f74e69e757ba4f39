"""The documented shapes of the matching endpoints of the HR API (rows are built from
``.values()`` in mentoring.overview.mentorships_api; these describe them for OpenAPI)."""

from rest_framework import serializers

from mentoring.api.schema import Choice


class MentorshipRow(serializers.Serializer):
    id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    mentee_enrolment_id = serializers.IntegerField()
    mentor_enrolment_id = serializers.IntegerField()
    status = Choice(
        choices=["active", "paused", "completed", "ended_early"], name="MentorshipStatus"
    )
    started_on = serializers.DateField()
    ends_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    sessions_held = serializers.IntegerField()
    last_session_on = serializers.DateField(allow_null=True)
    next_session_at = serializers.DateTimeField(allow_null=True)
    is_at_risk = serializers.BooleanField(
        help_text="Active, with no held session within the program's cadence and none planned."
    )
    goal_reviews_done = serializers.IntegerField()
    goal_reviews_due = serializers.IntegerField()
    updated_at = serializers.DateTimeField()

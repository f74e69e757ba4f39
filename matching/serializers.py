"""The documented shapes of the matching endpoints of the HR API (rows are built from
``.values()`` in mentoring.overview.mentorships_api; these describe them for OpenAPI)."""

from rest_framework import serializers

from mentoring.api.schema import Choice
from programs.models import ProgramFormat


class MentorshipRow(serializers.Serializer):
    id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    format = Choice(
        choices=ProgramFormat.values,
        name="ProgramFormat",
        help_text="The program's format: a pair of one of the one-to-one formats, or a "
        "circle (one or two mentors with three to eight mentees).",
    )
    focus_skill_id = serializers.IntegerField(
        allow_null=True, help_text="A circle's shared focus skill (null for a pair)."
    )
    mentee_enrolment_id = serializers.IntegerField(
        help_text="The mentee's enrolment; for a circle, its first mentee's (see "
        "mentee_enrolment_ids)."
    )
    mentor_enrolment_id = serializers.IntegerField(
        help_text="The mentor's enrolment; for a circle, its first mentor's (see "
        "mentor_enrolment_ids)."
    )
    mentee_enrolment_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Every mentee's enrolment: one for a pair, all of a circle's.",
    )
    mentor_enrolment_ids = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Every mentor's enrolment: one for a pair, one or two for a circle.",
    )
    people = serializers.IntegerField(help_text="Its members: 2 for a pair, more for a circle.")
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
    goal_reviews_done = serializers.IntegerField(
        help_text="Review periods done, summed over the members who keep goals (the mentee "
        "of a pair, each mentee of a circle, both peer partners)."
    )
    goal_reviews_due = serializers.IntegerField(
        help_text="Review periods due so far, summed over the same members."
    )
    updated_at = serializers.DateTimeField()

"""Progress figures of the HR API: per program (``program_figures``) and for the whole
organization (``organization_summary``). A fixed number of grouped queries whatever the
number of programs, mentorships or sessions; counts, rates and scores only.

Definitions (docs/api.md repeats them for HR):

- people enrolled: approved enrolments by role (for the organization: distinct people);
- match rate: approved mentee enrolments with an open (active or paused) mentorship (a
  pair, or any seat of a circle: its members), over approved mentee enrolments;
- active mentorships: mentorships whose status is active, a circle counting once (of
  them, active circles); people in active mentorships: their distinct members;
- sessions held in the last 30 / 90 days: held sessions that started in that window;
- goal-review completion: per mentorship and member who keeps goals (the mentee of a
  pair, each mentee of a circle, both peer partners), review periods they reviewed (at
  most the number due) over review periods due so far, one every goal-review interval
  from their review start (``programs.schedule``: the program's start, or approval if
  later) until today or the mentorship's end (the rule of the mentorships endpoint, the
  reminders, the stored reviews and the dashboards);
- program score: the mean "useful" answer (1-5) of the released program survey (once the
  program has ended: the answers stored until its last day, ``feedback.selectors.
  releases``), hidden under ``MIN_GROUP`` respondents (see
  ``feedback.api.surveys.survey_groups``); the organization's score covers only programs
  whose own score is shown, so that no hidden program can be worked out from the
  difference.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone
from rest_framework import serializers

from feedback.api import program_survey_groups
from matching.models import OPEN_STATUSES, Mentorship, MentorshipMember, MentorshipStatus
from mentoring.api.base import HrObjectView
from mentoring.tenancy.context import active_organization_id, current_organization_id
from programs.models import (
    Enrollment,
    EnrollmentRole,
    EnrollmentStatus,
    Goal,
    GoalReview,
    Program,
    ProgramFormat,
    ProgramStatus,
)
from programs.schedule import review_start_sql, reviews_due_sql
from programs.services.goals import MUTUAL_FORMATS
from sessions.models import Session, SessionStatus

REVIEW_COMPLETION = """
SELECT {key}, COALESCE(SUM(m.due), 0), COALESCE(SUM(LEAST(COALESCE(r.periods, 0), m.due)), 0)
  FROM (SELECT a.program_id, a.mentee_id, {due} AS due
          FROM (SELECT m.program_id, mm.enrollment_id AS mentee_id, {start} AS start,
                       p.goal_review_interval_months AS interval,
                       LEAST(%(today)s::date, COALESCE(m.ended_on, m.ends_on)) AS until
                  FROM "{mentorship}" m
                  JOIN "{program}" p
                    ON p.id = m.program_id AND p.organization_id = %(organization)s
                  JOIN "{member}" mm
                    ON mm.mentorship_id = m.id AND mm.organization_id = %(organization)s
                   AND (mm.role = 'mentee' OR p.format = ANY(%(mutual)s))
                  JOIN "{enrollment}" e
                    ON e.id = mm.enrollment_id AND e.organization_id = %(organization)s
                 WHERE m.organization_id = %(organization)s {programs}) a
         OFFSET 0) m
  LEFT JOIN (SELECT g.enrollment_id, count(DISTINCT r.period) AS periods
               FROM "{review}" r
               JOIN "{goal}" g ON g.id = r.goal_id AND g.organization_id = %(organization)s
              WHERE r.organization_id = %(organization)s AND r.author_role = 'mentee'
              GROUP BY g.enrollment_id) r ON r.enrollment_id = m.mentee_id
 {group}
"""


def review_completion(program_ids=None, by_program=True) -> dict:
    """Per program (or, not by program, under the key None): (reviews due, reviews done)
    summed over the mentorships and their members who keep goals, each one's done capped
    at their due. One query,
    written as SQL because the ORM cannot join the per-mentee review counts before
    summing. Every table in it is pinned to the active organization (a parameter, never
    text), and row-level security applies all the same.
    ``OFFSET 0`` keeps the planner from inlining ``due`` into both sums (computed twice)."""
    sql = REVIEW_COMPLETION.format(
        due=reviews_due_sql("a.start", "a.interval", "a.until"),
        start=review_start_sql("p.starts_on", "e.decided_at"),
        mentorship=Mentorship._meta.db_table,
        member=MentorshipMember._meta.db_table,
        enrollment=Enrollment._meta.db_table,
        program=Program._meta.db_table,
        review=GoalReview._meta.db_table,
        goal=Goal._meta.db_table,
        programs="" if program_ids is None else "AND m.program_id = ANY(%(programs)s)",
        key="m.program_id" if by_program else "NULL",
        group="GROUP BY m.program_id" if by_program else "",
    )
    params: dict[str, Any] = {
        "organization": active_organization_id(),
        "today": timezone.localdate(),
        "programs": list(program_ids or []),
        "mutual": MUTUAL_FORMATS,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {program_id: (int(due), int(done)) for program_id, due, done in cursor.fetchall()}


def _ratio(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


FIGURE_FIELDS = (
    "people_enrolled_mentees",
    "people_enrolled_mentors",
    "matched_mentees",
    "match_rate",
    "active_mentorships",
    "sessions_held_30d",
    "sessions_held_90d",
    "goal_reviews_done",
    "goal_reviews_due",
    "goal_review_completion",
    "program_score",
    "program_score_respondents",
    "program_score_is_suppressed",
)


# Figures of the HR pages that the API's program rows do not carry (yet): of the active
# mentorships, the circles, and the distinct people in them.
MEMBER_FIELDS = ("active_circles", "people_in_active_mentorships")


def _empty() -> dict:
    return {
        "people_enrolled_mentees": 0,
        "people_enrolled_mentors": 0,
        "matched_mentees": 0,
        "active_mentorships": 0,
        "active_circles": 0,
        "people_in_active_mentorships": 0,
        "sessions_held_30d": 0,
        "sessions_held_90d": 0,
        "goal_reviews_done": 0,
        "goal_reviews_due": 0,
        "_score_sum": 0.0,
        "_score_answers": 0,
        "program_score": None,
        "program_score_respondents": 0,
        "program_score_is_suppressed": False,
    }


def _finish(figures: dict) -> dict:
    figures["match_rate"] = _ratio(figures["matched_mentees"], figures["people_enrolled_mentees"])
    figures["goal_review_completion"] = _ratio(
        figures["goal_reviews_done"], figures["goal_reviews_due"]
    )
    return {key: figures[key] for key in (*FIGURE_FIELDS, *MEMBER_FIELDS)}


def program_figures(program_ids) -> dict[int, dict]:
    """Figures of each program: program id -> {FIGURE_FIELDS}. Seven queries whatever the
    number of programs, mentorships and sessions."""
    raw = _raw_figures(list(program_ids), by_program=True)
    return {program_id: _finish(figures) for program_id, figures in raw.items()}


def _grouped(queryset, key: str | None, **aggregates) -> dict:
    """``aggregates`` per value of ``key``, or over every row under the key None."""
    if key is None:
        return {None: queryset.aggregate(**aggregates)}
    rows = queryset.values(key).annotate(**aggregates).order_by()
    return {row.pop(key): row for row in rows}


def _raw_figures(program_ids, by_program: bool) -> dict:
    """Counts and score sums per program (``by_program``) or for the whole organization
    under the key None; ``program_ids`` None means every program."""
    now = timezone.now()
    in_programs = Q() if program_ids is None else Q(program_id__in=program_ids)
    key = "program_id" if by_program else None
    raw: dict = {program_id: _empty() for program_id in program_ids or ()}

    def of(group):
        figures = raw.get(group)
        if figures is None:
            figures = raw[group] = _empty()
        return figures

    approved = Enrollment.objects.filter(in_programs, status=EnrollmentStatus.APPROVED)
    for group, row in _grouped(
        approved,
        key,
        mentees=Count("id", filter=Q(role=EnrollmentRole.MENTEE)),
        mentors=Count("id", filter=Q(role=EnrollmentRole.MENTOR)),
    ).items():
        of(group).update(
            people_enrolled_mentees=row["mentees"], people_enrolled_mentors=row["mentors"]
        )

    # Through the members (``MentorshipMember``): every seat of a circle, not only the
    # first mentee and mentor its row names.
    open_members = MentorshipMember.objects.filter(
        Q() if program_ids is None else Q(mentorship__program_id__in=program_ids),
        mentorship__status__in=OPEN_STATUSES,
    )
    active = Q(mentorship__status=MentorshipStatus.ACTIVE)
    for group, row in _grouped(
        open_members,
        "mentorship__program_id" if by_program else None,
        matched=Count(
            "enrollment_id",
            distinct=True,
            filter=Q(role=EnrollmentRole.MENTEE, enrollment__status=EnrollmentStatus.APPROVED),
        ),
        active=Count("mentorship_id", distinct=True, filter=active),
        circles=Count(
            "mentorship_id",
            distinct=True,
            filter=active & Q(mentorship__program__format=ProgramFormat.CIRCLE),
        ),
        people=Count("person_id", distinct=True, filter=active),
    ).items():
        of(group).update(
            matched_mentees=row["matched"],
            active_mentorships=row["active"],
            active_circles=row["circles"],
            people_in_active_mentorships=row["people"],
        )

    held = Session.objects.filter(
        Q() if program_ids is None else Q(mentorship__program_id__in=program_ids),
        status=SessionStatus.HELD,
        starts_at__gte=now - timedelta(days=90),
        starts_at__lte=now,
    )
    for group, row in _grouped(
        held,
        "mentorship__program_id" if by_program else None,
        d90=Count("id"),
        d30=Count("id", filter=Q(starts_at__gte=now - timedelta(days=30))),
    ).items():
        of(group).update(sessions_held_30d=row["d30"], sessions_held_90d=row["d90"])

    for group, (due, done) in review_completion(program_ids, by_program).items():
        of(group).update(goal_reviews_due=due, goal_reviews_done=done)

    # Scores are hidden per program, so they are always computed per program.
    for program_id, groups in program_survey_groups(program_ids).items():
        everyone = groups[-1]
        figures = of(program_id if by_program else None)
        if by_program:
            figures["program_score_respondents"] = everyone["respondents"]
            figures["program_score_is_suppressed"] = everyone["is_suppressed"]
            figures["program_score"] = everyone["useful_average"]
        if not everyone["is_suppressed"]:
            figures["_score_sum"] += everyone["_useful_sum"]
            figures["_score_answers"] += everyone["answers"]
            if not by_program:
                figures["program_score_respondents"] += everyone["respondents"]
    return raw


def organization_summary() -> dict:
    """The active organization's figures, computed at most once every
    ``HR_API_SUMMARY_CACHE_SECONDS`` (they read every mentorship, session, review and
    survey answer of the organization; HR polls them). The key carries the organization,
    so no organization is ever served another's figures."""
    seconds = settings.HR_API_SUMMARY_CACHE_SECONDS
    if not seconds:
        return _organization_summary()
    # django-stubs: get_or_set returns Any | None whatever the default; with a callable
    # default it returns that default's value (a dict here), never None.
    return cache.get_or_set(  # type: ignore[return-value]
        f"hr-summary:{current_organization_id()}", _organization_summary, seconds
    )


def _organization_summary() -> dict:
    """The organization's figures: programs by status, people enrolled by role (distinct
    people), and the figures of ``program_figures`` over the whole organization (the
    score over the programs whose score is shown)."""
    by_status = dict.fromkeys(ProgramStatus.values, 0)
    for row in Program.objects.values("status").annotate(count=Count("id")).order_by():
        by_status[row["status"]] = row["count"]
    people = Enrollment.objects.filter(status=EnrollmentStatus.APPROVED).aggregate(
        mentees=Count("person_id", distinct=True, filter=Q(role=EnrollmentRole.MENTEE)),
        mentors=Count("person_id", distinct=True, filter=Q(role=EnrollmentRole.MENTOR)),
    )
    total = _raw_figures(None, by_program=False).get(None) or _empty()
    answers = total["_score_answers"]
    approved = total["people_enrolled_mentees"]
    return {
        "as_of": timezone.localdate(),
        "programs": sum(by_status.values()),
        "programs_by_status": by_status,
        "people_enrolled": people,
        "approved_mentee_enrolments": approved,
        "matched_mentees": total["matched_mentees"],
        "match_rate": _ratio(total["matched_mentees"], approved),
        "active_mentorships": total["active_mentorships"],
        "active_circles": total["active_circles"],
        "people_in_active_mentorships": total["people_in_active_mentorships"],
        "sessions_held_30d": total["sessions_held_30d"],
        "sessions_held_90d": total["sessions_held_90d"],
        "goal_reviews_done": total["goal_reviews_done"],
        "goal_reviews_due": total["goal_reviews_due"],
        "goal_review_completion": _ratio(total["goal_reviews_done"], total["goal_reviews_due"]),
        "program_score": round(total["_score_sum"] / answers, 2) if answers else None,
        "program_score_respondents": total["program_score_respondents"],
    }


# ---------------------------------------------------------------- the endpoint


class PeopleEnrolled(serializers.Serializer):
    mentees = serializers.IntegerField()
    mentors = serializers.IntegerField()


class OrganizationSummaryRow(serializers.Serializer):
    as_of = serializers.DateField(
        help_text="The day the figures were computed for. They are computed at most once a "
        "minute: a change shows within a minute."
    )
    programs = serializers.IntegerField()
    programs_by_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Programs per status: " + ", ".join(ProgramStatus.values) + ".",
    )
    people_enrolled = PeopleEnrolled(
        help_text="Distinct people with an approved enrolment, by role."
    )
    approved_mentee_enrolments = serializers.IntegerField()
    matched_mentees = serializers.IntegerField(
        help_text="Approved mentee enrolments with an open (active or paused) mentorship."
    )
    match_rate = serializers.FloatField(
        allow_null=True, help_text="matched_mentees / approved_mentee_enrolments (0 to 1)."
    )
    active_mentorships = serializers.IntegerField(
        help_text="Active pairs and circles (a circle counts once)."
    )
    active_circles = serializers.IntegerField(help_text="Of active_mentorships, the circles.")
    people_in_active_mentorships = serializers.IntegerField(
        help_text="Distinct people in an active pair or circle: every member of a circle."
    )
    sessions_held_30d = serializers.IntegerField()
    sessions_held_90d = serializers.IntegerField()
    goal_reviews_done = serializers.IntegerField(
        help_text="Review periods done by the people who keep goals (mentees; both peer "
        "partners), at most the number due each."
    )
    goal_reviews_due = serializers.IntegerField()
    goal_review_completion = serializers.FloatField(allow_null=True)
    program_score = serializers.FloatField(
        allow_null=True,
        help_text="Mean 'useful' answer (1 to 5) of the released program surveys (programs "
        "that have ended) of the programs whose own score is shown (5 respondents or more).",
    )
    program_score_respondents = serializers.IntegerField()


class OrganizationSummary(HrObjectView):
    """The organization at a glance: programs by status, people enrolled by role, match
    rate, active mentorships (pairs and circles) and the people in them, sessions held in
    the last 30 and 90 days, goal-review completion and the average program score."""

    serializer_class = OrganizationSummaryRow

    def get_object_data(self) -> dict:
        return organization_summary()

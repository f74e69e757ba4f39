"""HR API: mentorships with their rhythm (never notes or feedback text), read across
matching, sessions and the goal-review schedule. A row is a pair or a circle (``format``);
its people are its members (``MentorshipMember``), every one of them for a circle."""

from __future__ import annotations

from datetime import date

from django.contrib.postgres.fields import ArrayField
from django.db.models import DateTimeField, F, IntegerField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django_filters import rest_framework as filters

from matching.models import Mentorship, MentorshipMember, MentorshipStatus
from matching.serializers import MentorshipRow
from mentoring.api.base import HrListView, IdFilter, UpdatedSinceFilter
from programs.models import Enrollment, EnrollmentRole, Goal, GoalReview, Program, ProgramFormat
from programs.schedule import review_start_on, reviews_due_by
from programs.services.goals import MUTUAL_FORMATS
from sessions.models import Session, SessionStatus
from sessions.selectors.at_risk import Activity

# The per-row figures of the list, as constant SQL: table names come from the models and
# every value is a parameter (hence the noqa: S608/S611 below).
MENTORSHIP = f'"{Mentorship._meta.db_table}"'
SESSIONS = f'SELECT {{}} FROM "{Session._meta.db_table}" s WHERE s.mentorship_id = {MENTORSHIP}.id'  # noqa: S608
HELD = SESSIONS.format("count(*)") + " AND s.status = %s"
LAST_HELD = SESSIONS.format("max(s.starts_at)") + " AND s.status = %s"
NEXT_AT = SESSIONS.format("min(s.starts_at)") + " AND s.status = %s AND s.starts_at > %s"
MEMBERS = f'FROM "{MentorshipMember._meta.db_table}" mm WHERE mm.mentorship_id = {MENTORSHIP}.id'
# The members who keep goals: the mentees, and both partners of a peer pair.
PROGRAM = f'"{Program._meta.db_table}"'
PROGRAM_FORMAT = f"SELECT p.format FROM {PROGRAM} p WHERE p.id = {MENTORSHIP}.program_id"  # noqa: S608
GOAL_HOLDERS = MEMBERS + f" AND (mm.role = %s OR ({PROGRAM_FORMAT}) = ANY(%s))"
MEMBER_IDS = "ARRAY(SELECT mm.enrollment_id " + MEMBERS + " AND mm.role = %s ORDER BY mm.id)"
REVIEWS_DONE = (
    "SELECT count(DISTINCT (g.enrollment_id, r.period)) "  # noqa: S608
    f'FROM "{GoalReview._meta.db_table}" r '
    f'JOIN "{Goal._meta.db_table}" g ON g.id = r.goal_id '
    f"WHERE g.enrollment_id IN (SELECT mm.enrollment_id {GOAL_HOLDERS}) AND r.author_role = %s"
)
# When each goal keeper was approved (their reviews count from then: programs.schedule).
HOLDERS_APPROVED_AT = (
    "ARRAY(SELECT e.decided_at "  # noqa: S608
    f'FROM "{Enrollment._meta.db_table}" e '
    f"WHERE e.id IN (SELECT mm.enrollment_id {GOAL_HOLDERS}) ORDER BY e.id)"
)
HOLDER_PARAMS = (EnrollmentRole.MENTEE, MUTUAL_FORMATS)


def _sql(sql: str, params: tuple, output_field) -> RawSQL:
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611 (constant SQL above)


class MentorshipFilter(UpdatedSinceFilter):
    program = IdFilter(field_name="program_id", label="A program's id")
    status = filters.ChoiceFilter(field_name="status", choices=MentorshipStatus.choices)
    program_format = filters.ChoiceFilter(
        field_name="program__format", choices=ProgramFormat.choices, label="The program's format"
    )
    mentee_enrolment = IdFilter(
        method="with_mentee", label="A mentee's enrolment id (any mentee of a circle)"
    )
    mentor_enrolment = IdFilter(
        method="with_mentor", label="A mentor's enrolment id (any mentor of a circle)"
    )
    started_after = filters.DateFilter(
        field_name="started_on", lookup_expr="gte", label="Started on or after"
    )
    started_before = filters.DateFilter(
        field_name="started_on", lookup_expr="lt", label="Started before"
    )

    class Meta:
        model = Mentorship
        fields = [
            "program",
            "status",
            "program_format",
            "mentee_enrolment",
            "mentor_enrolment",
            "started_after",
            "started_before",
            "updated_since",
        ]

    def with_mentee(self, queryset, name, value):
        return self._with_member(queryset, value, EnrollmentRole.MENTEE)

    def with_mentor(self, queryset, name, value):
        return self._with_member(queryset, value, EnrollmentRole.MENTOR)

    @staticmethod
    def _with_member(queryset, enrollment_id, role):
        members = MentorshipMember.objects.filter(enrollment_id=enrollment_id, role=role)
        return queryset.filter(pk__in=members.values("mentorship_id"))


class MentorshipList(HrListView):
    """Mentorships (pairs and circles): format, members, status, dates, sessions held, last
    and next session, at-risk flag and goal-review status."""

    serializer_class = MentorshipRow
    filterset_class = MentorshipFilter
    ordering_fields = ("started_on", "updated_at")
    fields = (
        "id",
        "program_id",
        "format",
        "focus_skill_id",
        "mentee_id",
        "mentor_id",
        "mentee_ids",
        "mentor_ids",
        "status",
        "started_on",
        "ends_on",
        "ended_on",
        "updated_at",
        "held",
        "last_held",
        "next_at",
        "cadence",
        "reviews_done",
        "interval",
        "program_starts_on",
        "holders_approved_at",
    )

    def get_queryset(self):
        return Mentorship.objects.all()

    def annotate(self, queryset):
        # The hot list: each figure is one correlated subquery, which PostgreSQL runs for
        # the rows of the page only (a join with GROUP BY would aggregate every session of
        # the organization first). Written as SQL because building the same subqueries
        # with the ORM cost more than running them.
        now = timezone.now()
        return queryset.annotate(
            held=_sql(HELD, (SessionStatus.HELD,), IntegerField()),
            last_held=_sql(LAST_HELD, (SessionStatus.HELD,), DateTimeField()),
            next_at=_sql(NEXT_AT, (SessionStatus.PLANNED, now), DateTimeField()),
            cadence=F("program__checkin_cadence_days"),
            reviews_done=_sql(
                REVIEWS_DONE, (*HOLDER_PARAMS, EnrollmentRole.MENTEE), IntegerField()
            ),
            # Reviews due come from the one schedule (programs.schedule), in Python: the
            # page's rows carry what it needs (a join on a primary key, and when each goal
            # keeper was approved).
            interval=F("program__goal_review_interval_months"),
            program_starts_on=F("program__starts_on"),
            holders_approved_at=_sql(
                HOLDERS_APPROVED_AT, HOLDER_PARAMS, ArrayField(DateTimeField())
            ),
            format=F("program__format"),
            mentee_ids=_sql(MEMBER_IDS, (EnrollmentRole.MENTEE,), ArrayField(IntegerField())),
            mentor_ids=_sql(MEMBER_IDS, (EnrollmentRole.MENTOR,), ArrayField(IntegerField())),
        )

    def shape_rows(self, rows: list[dict]) -> list[dict]:
        today = timezone.localdate()
        return [self.shape_on(row, today) for row in rows]

    def shape_on(self, row: dict, today: date) -> dict:
        """``shape`` with the page's one ``today`` (at risk is counted to it)."""
        last = row["last_held"].date() if row["last_held"] else None
        return {
            "id": row["id"],
            "program_id": row["program_id"],
            "format": row["format"],
            "focus_skill_id": row["focus_skill_id"],
            "mentee_enrolment_id": row["mentee_id"],
            "mentor_enrolment_id": row["mentor_id"],
            "mentee_enrolment_ids": row["mentee_ids"],
            "mentor_enrolment_ids": row["mentor_ids"],
            "people": len(row["mentee_ids"]) + len(row["mentor_ids"]),
            "status": row["status"],
            "started_on": row["started_on"],
            "ends_on": row["ends_on"],
            "ended_on": row["ended_on"],
            "sessions_held": row["held"],
            "last_session_on": last,
            "next_session_at": row["next_at"],
            # the one rule (sessions.selectors.at_risk), from the row's own figures
            "is_at_risk": Activity(
                row["status"], row["started_on"], row["cadence"], row["last_held"], row["next_at"]
            ).is_at_risk(today),
            "goal_reviews_done": row["reviews_done"],
            "goal_reviews_due": reviews_due(row, today),
            "updated_at": row["updated_at"],
        }


def reviews_due(row: dict, today: date) -> int:
    """Goal reviews due until today or the mentorship's end, summed over the members who
    keep goals (the mentee of a pair, every mentee of a circle, both peer partners), each
    from their own review start."""
    end = row["ended_on"] or row["ends_on"]
    until = min(today, end) if end else today
    return sum(
        reviews_due_by(
            review_start_on(row["program_starts_on"], approved.date() if approved else None),
            row["interval"],
            until,
        )
        for approved in row["holders_approved_at"]
    )

"""HR API: mentorships with their rhythm (never notes or feedback text), read across
matching, sessions and the goal-review schedule."""

from __future__ import annotations

from datetime import date

from django.db.models import DateTimeField, F, IntegerField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django_filters import rest_framework as filters

from matching.models import Mentorship, MentorshipStatus
from matching.serializers import MentorshipRow
from mentoring.api.base import HrListView, IdFilter, UpdatedSinceFilter
from programs.models import Goal, GoalReview
from programs.schedule import review_start_on, reviews_due_by
from sessions.models import Session, SessionStatus
from sessions.selectors.at_risk import Activity

# The per-row figures of the list, as constant SQL: table names come from the models and
# every value is a parameter (hence the noqa: S608/S611 below).
MENTORSHIP = f'"{Mentorship._meta.db_table}"'
SESSIONS = f'SELECT {{}} FROM "{Session._meta.db_table}" s WHERE s.mentorship_id = {MENTORSHIP}.id'  # noqa: S608
HELD = SESSIONS.format("count(*)") + " AND s.status = %s"
LAST_HELD = SESSIONS.format("max(s.starts_at)") + " AND s.status = %s"
NEXT_AT = SESSIONS.format("min(s.starts_at)") + " AND s.status = %s AND s.starts_at > %s"
REVIEWS_DONE = (
    f'SELECT count(DISTINCT r.period) FROM "{GoalReview._meta.db_table}" r '  # noqa: S608
    f'JOIN "{Goal._meta.db_table}" g ON g.id = r.goal_id '
    f"WHERE g.enrollment_id = {MENTORSHIP}.mentee_id AND r.author_role = %s"
)


def _sql(sql: str, params: tuple, output_field) -> RawSQL:
    return RawSQL(sql, params, output_field=output_field)  # noqa: S611 (constant SQL above)


class MentorshipFilter(UpdatedSinceFilter):
    program = IdFilter(field_name="program_id", label="A program's id")
    status = filters.ChoiceFilter(field_name="status", choices=MentorshipStatus.choices)
    mentee_enrolment = IdFilter(field_name="mentee_id", label="The mentee's enrolment id")
    mentor_enrolment = IdFilter(field_name="mentor_id", label="The mentor's enrolment id")
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
            "mentee_enrolment",
            "mentor_enrolment",
            "started_after",
            "started_before",
            "updated_since",
        ]


class MentorshipList(HrListView):
    """Mentorships: status, dates, sessions held, last and next session, at-risk flag and
    goal-review status."""

    serializer_class = MentorshipRow
    filterset_class = MentorshipFilter
    ordering_fields = ("started_on", "updated_at")
    fields = (
        "id",
        "program_id",
        "mentee_id",
        "mentor_id",
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
        "approved_at",
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
            reviews_done=_sql(REVIEWS_DONE, ("mentee",), IntegerField()),
            # Reviews due come from the one schedule (programs.schedule), in Python: the
            # page's rows carry what it needs through two joins on primary keys.
            interval=F("program__goal_review_interval_months"),
            program_starts_on=F("program__starts_on"),
            approved_at=F("mentee__decided_at"),
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
            "mentee_enrolment_id": row["mentee_id"],
            "mentor_enrolment_id": row["mentor_id"],
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
    """Goal reviews due from the mentee's review start until today or the pair's end."""
    approved = row["approved_at"]
    start = review_start_on(row["program_starts_on"], approved.date() if approved else None)
    end = row["ended_on"] or row["ends_on"]
    return reviews_due_by(start, row["interval"], min(today, end) if end else today)

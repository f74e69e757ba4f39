"""The floor of the HR API benchmark: a minimal WSGI application without Django that runs
the same figures as hand-written SQL with psycopg2 and returns the same JSON and CSV.

Served by gunicorn with the web's worker settings (``python -m bench.api`` starts it):

    FLOOR_DATABASE_URL=<owner url> FLOOR_ORGANIZATION_ID=<id> \\
        gunicorn bench.floor:application

Routes: ``/api/v1/mentorships/?page_size=N`` (the first cursor page),
``/api/v1/summary/`` and ``/api/v1/mentorships/?format=csv`` (every mentorship, streamed).
It filters by the organization id explicitly (the owner bypasses row-level security);
there is no key check, throttling or ETag: only the data work."""

from __future__ import annotations

import base64
import csv
import io
import json
import os
from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qs, urlencode

import psycopg2

ORGANIZATION_ID = int(os.environ.get("FLOOR_ORGANIZATION_ID", "0"))
_connection = None

# The mentee's review start (programs.schedule.review_start_on): the program's start, or
# the day the enrolment was approved if later.
START = "GREATEST(p.starts_on, (e.decided_at AT TIME ZONE 'UTC')::date)"
REVIEWS_DUE = """GREATEST(
    (GREATEST(((EXTRACT(YEAR FROM {end}) - EXTRACT(YEAR FROM {start})) * 12
      + EXTRACT(MONTH FROM {end}) - EXTRACT(MONTH FROM {start}))::int, 0)
      / p.goal_review_interval_months)
    - (({start} + make_interval(months =>
        (GREATEST(((EXTRACT(YEAR FROM {end}) - EXTRACT(YEAR FROM {start})) * 12
          + EXTRACT(MONTH FROM {end}) - EXTRACT(MONTH FROM {start}))::int, 0)
          / p.goal_review_interval_months) * p.goal_review_interval_months))::date > {end})::int,
    0)"""
END = "LEAST(%(today)s::date, COALESCE(m.ended_on, m.ends_on))"

MENTORSHIPS = f"""
SELECT m.id, m.program_id, m.mentee_id, m.mentor_id, m.status, m.started_on, m.ends_on,
       m.ended_on, m.updated_at,
       (SELECT count(*) FROM mentoring_sessions_session s
         WHERE s.mentorship_id = m.id AND s.status = 'held') AS held,
       (SELECT max(s.starts_at) FROM mentoring_sessions_session s
         WHERE s.mentorship_id = m.id AND s.status = 'held') AS last_held,
       (SELECT min(s.starts_at) FROM mentoring_sessions_session s
         WHERE s.mentorship_id = m.id AND s.status = 'planned'
           AND s.starts_at > %(now)s) AS next_at,
       p.checkin_cadence_days AS cadence,
       (SELECT count(DISTINCT r.period) FROM programs_goalreview r
          JOIN programs_goal g ON g.id = r.goal_id
         WHERE g.enrollment_id = m.mentee_id AND r.author_role = 'mentee') AS reviews_done,
       {REVIEWS_DUE.format(end=END, start=START)} AS reviews_due
  FROM matching_mentorship m JOIN programs_program p ON p.id = m.program_id
  JOIN programs_enrollment e ON e.id = m.mentee_id
 WHERE m.organization_id = %(organization)s
"""


def connection():
    global _connection
    if _connection is None or _connection.closed:
        _connection = connect()
        _connection.autocommit = True
    return _connection


def connect():
    return psycopg2.connect(os.environ["FLOOR_DATABASE_URL"], options="-c timezone=UTC")


def encode(value):
    if isinstance(value, datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(repr(value))


def shape(row: dict, today: date) -> dict:
    last = row["last_held"].date() if row["last_held"] else None
    since = last or row["started_on"]
    is_open = row["status"] in ("active", "paused")
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
        "is_at_risk": is_open and (today - since).days > row["cadence"],
        "goal_reviews_done": row["reviews_done"],
        "goal_reviews_due": row["reviews_due"],
        "updated_at": row["updated_at"],
    }


def params() -> dict:
    now = datetime.now(UTC)
    return {"organization": ORGANIZATION_ID, "now": now, "today": now.date()}


def rows(cursor) -> list[dict]:
    names = [column.name for column in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def mentorship_page(environ) -> bytes:
    query = parse_qs(environ.get("QUERY_STRING", ""))
    size = min(int(query.get("page_size", ["100"])[0]), 500)
    values = params()
    with connection().cursor() as cursor:
        cursor.execute(
            MENTORSHIPS + " ORDER BY m.updated_at DESC, m.id DESC LIMIT %(limit)s",
            {**values, "limit": size + 1},
        )
        found = rows(cursor)
    page, more = found[:size], len(found) > size
    next_link = None
    if more:
        position = str(page[-1]["updated_at"])
        cursor_text = base64.b64encode(urlencode({"p": position}).encode()).decode()
        host = environ.get("HTTP_HOST", "localhost")
        next_link = f"http://{host}/api/v1/mentorships/?" + urlencode(
            {"cursor": cursor_text, "page_size": size}
        )
    body = {
        "next": next_link,
        "previous": None,
        "results": [shape(row, values["today"]) for row in page],
    }
    return json.dumps(body, default=encode, ensure_ascii=False, separators=(",", ":")).encode()


def csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return encode(value)
    return str(value)


CSV_HEADER = [
    "id", "program_id", "mentee_enrolment_id", "mentor_enrolment_id", "status", "started_on",
    "ends_on", "ended_on", "sessions_held", "last_session_on", "next_session_at", "is_at_risk",
    "goal_reviews_done", "goal_reviews_due", "updated_at",
]  # fmt: skip


def mentorship_csv():
    values = params()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    yield buffer.getvalue().encode()
    conn = connect()  # a server-side cursor, for constant memory, needs a transaction
    try:
        with conn, conn.cursor(name="export") as cursor:
            cursor.itersize = 2000
            cursor.execute(MENTORSHIPS + " ORDER BY m.id", values)
            names = None
            while True:
                chunk = cursor.fetchmany(2000)
                if not chunk:
                    break
                names = names or [column.name for column in cursor.description]
                buffer.seek(0)
                buffer.truncate()
                for values_row in chunk:
                    row = shape(dict(zip(names, values_row, strict=True)), values["today"])
                    writer.writerow([csv_cell(row[key]) for key in CSV_HEADER])
                yield buffer.getvalue().encode()
    finally:
        conn.close()


SUMMARY_QUERIES = {
    "programs": "SELECT status, count(*) FROM programs_program "
    "WHERE organization_id = %(organization)s GROUP BY status",
    "people": "SELECT role, count(DISTINCT person_id) FROM programs_enrollment "
    "WHERE organization_id = %(organization)s AND status = 'approved' GROUP BY role",
    "enrolments": "SELECT program_id, count(*) FROM programs_enrollment "
    "WHERE organization_id = %(organization)s AND status = 'approved' AND role = 'mentee' "
    "GROUP BY program_id",
    "pairs": "SELECT count(DISTINCT m.mentee_id) FILTER (WHERE e.status = 'approved'), "
    "count(*) FILTER (WHERE m.status = 'active') FROM matching_mentorship m "
    "JOIN programs_enrollment e ON e.id = m.mentee_id "
    "WHERE m.organization_id = %(organization)s AND m.status IN ('active', 'paused')",
    "sessions": "SELECT count(*) FILTER (WHERE starts_at >= %(d30)s), count(*) "
    "FROM mentoring_sessions_session WHERE organization_id = %(organization)s "
    "AND status = 'held' AND starts_at >= %(d90)s AND starts_at <= %(now)s",
    "reviews": "SELECT g.enrollment_id, count(DISTINCT r.period) FROM programs_goalreview r "
    "JOIN programs_goal g ON g.id = r.goal_id WHERE r.organization_id = %(organization)s "
    "AND r.author_role = 'mentee' GROUP BY g.enrollment_id",
    "due": f"SELECT m.mentee_id, {REVIEWS_DUE.format(end=END, start=START)} "
    "FROM matching_mentorship m "
    "JOIN programs_program p ON p.id = m.program_id JOIN programs_enrollment e "
    "ON e.id = m.mentee_id WHERE m.organization_id = %(organization)s",
    "survey": "SELECT program_id, respondent_role, count(DISTINCT respondent_id), count(*), "
    "sum((answers->>'useful')::float) FROM feedback_surveyresponse "
    "WHERE organization_id = %(organization)s AND kind = 'program' AND is_current "
    "GROUP BY program_id, respondent_role",
}
STATUSES = ["draft", "enrolling", "matching", "running", "closed"]


def summary() -> bytes:
    values = params()
    now = values["now"]
    values.update(d30=now - timedelta(days=30), d90=now - timedelta(days=90))
    results = {}
    with connection().cursor() as cursor:
        for name, sql in SUMMARY_QUERIES.items():
            cursor.execute(sql, values)
            results[name] = cursor.fetchall()
    by_status = dict.fromkeys(STATUSES, 0) | dict(results["programs"])
    people = dict(results["people"])
    approved = sum(count for _program, count in results["enrolments"])
    matched, active = results["pairs"][0]
    d30, d90 = results["sessions"][0]
    reviewed = dict(results["reviews"])
    due = done = 0
    for mentee_id, row_due in results["due"]:
        due += row_due
        done += min(reviewed.get(mentee_id, 0), row_due)
    programs: dict[int, dict] = {}
    for program_id, role, respondents, answers, useful in results["survey"]:
        group = programs.setdefault(program_id, {"roles": {}, "people": 0, "answers": 0, "sum": 0})
        group["roles"][role] = respondents
        group["people"] += respondents
        group["answers"] += answers
        group["sum"] += useful or 0
    score_sum = score_answers = respondents_shown = 0
    for group in programs.values():
        shown = sum(
            n for role, n in group["roles"].items() if role in ("mentee", "mentor") and n >= 5
        )
        if group["people"] >= 5 and not 0 < group["people"] - shown < 5:
            score_sum += group["sum"]
            score_answers += group["answers"]
            respondents_shown += group["people"]
    body = {
        "as_of": values["today"],
        "programs": sum(by_status.values()),
        "programs_by_status": by_status,
        "people_enrolled": {"mentees": people.get("mentee", 0), "mentors": people.get("mentor", 0)},
        "approved_mentee_enrolments": approved,
        "matched_mentees": matched,
        "match_rate": round(matched / approved, 4) if approved else None,
        "active_mentorships": active,
        "sessions_held_30d": d30,
        "sessions_held_90d": d90,
        "goal_reviews_done": done,
        "goal_reviews_due": due,
        "goal_review_completion": round(done / due, 4) if due else None,
        "program_score": round(score_sum / score_answers, 2) if score_answers else None,
        "program_score_respondents": respondents_shown,
    }
    return json.dumps(body, default=encode, ensure_ascii=False, separators=(",", ":")).encode()


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/api/v1/mentorships/" and query.get("format") == ["csv"]:
        start_response("200 OK", [("Content-Type", "text/csv; charset=utf-8")])
        return mentorship_csv()
    if path == "/api/v1/mentorships/":
        body = mentorship_page(environ)
    elif path == "/api/v1/summary/":
        body = summary()
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]

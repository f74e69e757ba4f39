"""Goal reviews due, counted in SQL (summary, programs, mentorships), agree with the
schedule's Python rule on every start, interval and end, month ends included."""

from datetime import UTC, date, datetime, timedelta

from django.db import connection

from programs.schedule import (
    review_start_on,
    review_start_sql,
    reviews_due_by,
    reviews_due_sql,
)

reviews_due = reviews_due_by


def in_sql(cases) -> list[int]:
    values = ", ".join(["(%s::date, %s::int, %s::date)"] * len(cases))
    sql = (
        f"SELECT {reviews_due_sql('v.start', 'v.interval', 'v.until')} "  # noqa: S608
        f"FROM (VALUES {values}) AS v(start, interval, until)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for case in cases for value in case])
        return [row[0] for row in cursor.fetchall()]


def test_reviews_due_in_sql_match_the_schedule(db):
    starts = [date(2023, 12, 20) + timedelta(days=n) for n in range(75)]  # Jan 29-31, Feb 29
    ends = [date(2024, 1, 1) + timedelta(days=n) for n in range(0, 800, 7)]
    ends += [date(2024, 2, 28), date(2024, 2, 29), date(2024, 4, 30), date(2025, 2, 28)]
    cases = [(s, i, e) for s in starts for i in (1, 3, 12) for e in ends]
    assert len(cases) > 20_000
    for offset in range(0, len(cases), 5000):
        batch = cases[offset : offset + 5000]
        assert in_sql(batch) == [reviews_due(*case) for case in batch]


def test_an_end_before_the_start_has_no_review_due(db):
    assert in_sql([(date(2024, 5, 1), 3, date(2024, 1, 1))]) == [0]


def test_the_review_start_in_sql_is_the_later_of_program_start_and_approval_day(db):
    cases = [
        (date(2026, 1, 15), datetime(2026, 1, 10, 23, 30, tzinfo=UTC)),
        (date(2026, 1, 15), datetime(2026, 2, 3, 23, 30, tzinfo=UTC)),
        (date(2026, 1, 15), None),
    ]
    sql = ", ".join([f"({review_start_sql('%s::date', '%s::timestamptz')})"] * len(cases))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", [v for case in cases for v in case])
        in_sql = list(cursor.fetchone())
    assert in_sql == [
        review_start_on(starts, decided.date() if decided else None) for starts, decided in cases
    ]
    assert in_sql == [date(2026, 1, 15), date(2026, 2, 3), date(2026, 1, 15)]

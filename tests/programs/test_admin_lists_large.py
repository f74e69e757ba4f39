"""The admin's enrolment and mentorship lists at many rows: newest (or latest started)
first, one page at a time, read off an index in the list's own order (no sort of the
whole table), and the same queries on every page at any size."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.models import Mentorship
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Enrollment, EnrollmentRole, EnrollmentStatus
from tests.builders.clients import client_for
from tests.builders.world import make_program

ENROLMENTS, MENTORSHIPS = "/admin/programs/enrollment/", "/admin/matching/mentorship/"
PAGE = 100  # the admin's list_per_page


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def add_pairs(org, program, count: int, start: int) -> None:
    """``count`` approved mentees and mentors of ``program``, paired, in bulk; each pair
    started a day before the one after it."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"l{start + i}@bulk.example", email=f"l{start + i}@bulk.example")
        for i in range(2 * count)
    )
    with activate(org.organization):
        people = Profile.objects.bulk_create(
            Profile(organization=org.organization, user=user, display_name=f"Person {start + i}")
            for i, user in enumerate(users)
        )
        enrolments = Enrollment.objects.bulk_create(
            Enrollment(
                organization=org.organization,
                program=program,
                person=person,
                role=EnrollmentRole.MENTOR if i % 2 else EnrollmentRole.MENTEE,
                capacity=1 if i % 2 else None,
                status=EnrollmentStatus.APPROVED,
            )
            for i, person in enumerate(people)
        )
        Mentorship.objects.bulk_create(
            Mentorship(
                organization=org.organization,
                program=program,
                mentee=enrolments[2 * i],
                mentor=enrolments[2 * i + 1],
                started_on=date(2025, 1, 1) + timedelta(days=start + i),
                ends_on=date(2026, 1, 1) + timedelta(days=start + i),
            )
            for i in range(count)
        )


def listed(client, url: str, **query) -> tuple[list[int], int, str]:
    """The ids on one page of an admin list, the queries it took and its page-query SQL."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query)
    assert response.status_code == 200
    ids = [
        int(pk)
        for pk in re.findall(r'name="_selected_action" value="(\d+)"', response.content.decode())
    ]
    table = (Enrollment if url == ENROLMENTS else Mentorship)._meta.db_table
    pages = [q["sql"] for q in captured if f'ORDER BY "{table}".' in q["sql"]]
    assert len(pages) == 1
    (page_sql,) = pages
    return ids, len(captured), page_sql


def plan(sql: str) -> str:
    """PostgreSQL's plan for ``sql`` with scans and sorts of the whole table ruled out where
    anything else can answer, as at a size where they would cost most (the test tables
    are too small for the planner to care)."""
    if sql.startswith("SELECT set_config("):  # the organization's row-level security setting
        sql = sql[sql.index("; SELECT ") + 2 :]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")  # a sort only where no index serves
        cursor.execute(f"EXPLAIN {sql}")
        text = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
        cursor.execute("SET LOCAL enable_sort = on")
    return text


@pytest.mark.parametrize(
    ("url", "ordering", "index"),
    [
        (ENROLMENTS, ("-created_at", "-pk"), "enrollment_list_newest"),
        (MENTORSHIPS, ("-started_on", "pk"), "mentorship_list_latest"),
    ],
    ids=["enrolments", "mentorships"],
)
def test_each_list_shows_its_newest_rows_a_page_at_a_time_for_the_same_queries(
    manager, world, url, ordering, index
):
    acme = world.acme
    program = make_program(acme)
    model = Enrollment if url == ENROLMENTS else Mentorship
    add_pairs(acme, program, 30, start=0)
    _ids, small, _sql = listed(manager, url)
    add_pairs(acme, program, 100, start=1000)
    add_pairs(world.globex, make_program(world.globex), 20, start=5000)
    with activate(acme.organization):
        expected = list(model.objects.order_by(*ordering).values_list("pk", flat=True))
    first, large, page_sql = listed(manager, url)
    second, second_queries, _sql = listed(manager, url, p=2)
    assert first == expected[:PAGE] and first + second == expected[: 2 * PAGE]
    assert small == large == second_queries
    assert index in plan(page_sql)
    assert "Sort" not in plan(page_sql)  # read in order off the index, never sorted whole

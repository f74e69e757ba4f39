"""Pages that read aggregates, not rows, at the large organization's size.

``python -m bench.aggregates [--quick]`` seeds ``bench.large_seed``'s organization in a
scratch database of its own, then prints, for the manager's home (program health), a
program's at-risk page, the survey and feedback statistics and the admin's enrolment and
mentorship lists: the median and slowest of 10 calls after 2 warm-ups and the queries of
one call (pages through Django's test client, in process), then the plans PostgreSQL
chose for the two lists (EXPLAIN ANALYZE). One JSON line at the end with every figure.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable

ROUNDS, WARMUPS = 10, 2


def log(message: str) -> None:
    print(f"[bench.aggregates] {message}", file=sys.stderr, flush=True)


def measure(name: str, call: Callable[[], object]) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARMUPS):
        call()
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    row = {
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "queries": len(queries),
    }
    log(f"{name}: median {row['median_ms']} ms, max {row['max_ms']} ms, {row['queries']} queries")
    return row


def explain(client, path: str, table: str) -> str:
    """EXPLAIN ANALYZE of the page query of an admin list (the one ordered by its table)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    (sql,) = [q["sql"] for q in captured if f'ORDER BY "{table}".' in q["sql"]]
    with transaction.atomic(), connection.cursor() as cursor:
        if sql.startswith("SELECT set_config("):  # the row-level security setting first
            prefix, sql = sql.split("; SELECT ", 1)
            cursor.execute(prefix)
            sql = "SELECT " + sql
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


NAME = "mentoring_bench_aggregates"


def reuse_database(name: str):
    """Django on the bench database a former run seeded (not dropped, not migrated)."""
    import os

    from mentoring.devstack import Services, installation_secrets

    from . import large_seed
    from .database import _with_database

    services = Services()
    services.start()
    for variable, value in installation_secrets().items():
        os.environ.setdefault(variable, value)
    os.environ.update(
        DATABASE_URL=_with_database(services.database_url, name),
        DATABASE_OWNER_URL=_with_database(services.owner_url, name),
        REDIS_URL=services.redis_url,
        DJANGO_SETTINGS_MODULE="mentoring.settings.development",
        DEBUG="false",
    )
    import django

    django.setup()
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from programs.models import Program, ProgramStatus

    organization = Organization.objects.get(slug=large_seed.SLUG)
    with activate(organization):
        running = list(
            Program.objects.filter(status=ProgramStatus.RUNNING)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    class Reused:
        organization_id = organization.pk
        slug = large_seed.SLUG
        manager_email = large_seed.MANAGER_EMAIL
        running_program_ids = running

    return Reused()


def release_answers(organization) -> int:
    """The seeded answers are all of today, in periods still open: move them (and nothing
    else) back by two cadences, so the periods they fall in are released and the survey
    figures have answers to sum. Returns the days moved."""
    from datetime import timedelta

    from django.db.models import F

    from feedback.models import SurveyResponse
    from mentoring.tenancy import activate

    days = 60
    with activate(organization):
        SurveyResponse.objects.update(created_at=F("created_at") - timedelta(days=days))
    return days


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the organization seeded by the last run"
    )
    options = parser.parse_args(argv)

    from . import large_seed

    if options.reuse:
        large = reuse_database(NAME)
    else:
        from .database import fresh_database

        fresh_database(NAME)
        sizes = large_seed.Sizes.quick() if options.quick else large_seed.Sizes()
        large = large_seed.seed(sizes)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from feedback.models import SurveyKind
    from feedback.selectors.statistics import (
        overview_programs,
        program_overviews,
        survey_results,
    )
    from mentoring.common.time_zones import time_zone_of
    from mentoring.overview.clock import Clock
    from mentoring.overview.managers import manager_dashboard, program_at_risk_page
    from mentoring.people.models import Profile
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from programs.models import Program
    from tests.feedback.test_statistics_sql import reference_results

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    organization = Organization.objects.get(pk=large.organization_id)
    manager = get_user_model().objects.get(email=large.manager_email)
    client = Client(HTTP_HOST=f"{large.slug}.localhost")
    signed_in = client.post(
        "/accounts/login/", {"login": large.manager_email, "password": large_seed.PASSWORD}
    )
    assert signed_in.status_code == 302, "the manager could not sign in"
    figures: dict[str, object] = {"size": "quick" if options.quick else "full"}
    with activate(organization):
        profile = Profile.objects.get(user=manager)
        clock = Clock(now=timezone.now(), zone=time_zone_of(profile.time_zone))
        program = Program.objects.get(pk=large.running_program_ids[0])
        dashboard = manager_dashboard(clock)
        figures["program_health"] = [
            {
                "program": entry.program.pk,
                "matched": entry.matched,
                "at_risk": entry.at_risk_count,
                "reviews_due": entry.reviews_due_count,
                "reviews_overdue": entry.reviews_overdue_count,
            }
            for entry in dashboard.programs
        ]
        log(f"program health: {figures['program_health']}")
        figures["manager_dashboard"] = measure(
            "manager home (selector)", lambda: manager_dashboard(clock)
        )
        figures["at_risk_page"] = measure(
            "at-risk page 1 (selector)", lambda: program_at_risk_page(program, clock, 1)
        )
        figures["statistics"] = measure(
            "survey and feedback statistics (selector)",
            lambda: program_overviews(overview_programs()),
        )
        figures["survey_answers_moved_back_days"] = release_answers(organization)
        figures["survey_results"] = measure(
            "survey results, released periods of both programs (selector)",
            lambda: [
                survey_results(program, kind)
                for program in Program.objects.filter(pk__in=large.running_program_ids)
                for kind in SurveyKind.values
            ],
        )
        figures["survey_results_python_reference"] = measure(
            "the same, read answer by answer in Python (the former way, for comparison)",
            lambda: [
                reference_results(program, kind, timezone.localdate())
                for program in Program.objects.filter(pk__in=large.running_program_ids)
                for kind in SurveyKind.values
            ],
        )
        figures["survey_results_equal"] = all(
            [(p.release.number, p.results) for p in survey_results(program, kind)]
            == reference_results(program, kind, timezone.localdate())
            for program in Program.objects.filter(pk__in=large.running_program_ids)
            for kind in SurveyKind.values
        )
        log(f"survey figures equal to the Python reading: {figures['survey_results_equal']}")
    pages = {
        "home": "/",
        "at_risk": f"/admin/programs/program/{program.pk}/at-risk/",
        "statistics": "/admin/feedback/surveyresponse/",
        "enrolments": "/admin/programs/enrollment/",
        "mentorships": "/admin/matching/mentorship/",
    }
    for name, path in pages.items():
        status = client.get(path).status_code
        if status != 200:
            log(f"page {name} ({path}) answered {status}: left out")
            continue
        figures[f"page_{name}"] = measure(
            f"page {name} ({path})", lambda path=path: client.get(path)
        )
    plans = {
        "enrolments": explain(client, pages["enrolments"], "programs_enrollment"),
        "mentorships": explain(client, pages["mentorships"], "matching_mentorship"),
    }
    for name, text in plans.items():
        print(f"--- EXPLAIN ANALYZE, admin {name} list, page 1\n{text}\n", flush=True)
    figures["plans"] = plans
    print(json.dumps(figures), flush=True)
    return figures


if __name__ == "__main__":
    main()

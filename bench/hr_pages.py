"""HR pages benchmark: how long the HR home and a program's HR page take to compute.

    python -m bench.hr_pages [--rounds 5]

Seeds the HR API benchmark's organization (``bench.api.seed``: 5,000 mentorships, 50,000
sessions, 20,000 feedback entries, goals, reviews, ratings and survey answers) into a
database of its own, then computes the read models of ``/hr/`` and ``/hr/programs/<id>/``
in this process (summary cache off, so every round computes everything), and reports the
median and worst time and the number of queries of each. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from .database import fresh_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ["HR_API_SUMMARY_CACHE_SECONDS"] = "0"
    fresh_database("mentoring_bench_hr")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mentoring.overview.clock import Clock
    from mentoring.overview.hr import csv_rows, hr_home, hr_program
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from programs.models import Program

    from .api import seed

    started = time.monotonic()
    organization_id, _key = seed()
    print(f"seeded in {time.monotonic() - started:.0f} s", flush=True)
    organization = Organization.objects.get(pk=organization_id)
    results = {}
    with activate(organization):
        program_id = Program.objects.order_by("pk").values_list("pk", flat=True).first()
        pages = {
            "hr_home": lambda clock: hr_home(clock=clock, program_url=str),
            "hr_program": lambda clock: hr_program(clock=clock, program_id=program_id),
        }
        for name, build in pages.items():
            timings = []
            for _round in range(args.rounds):
                clock = Clock(now=timezone.now(), zone=timezone.get_default_timezone())
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    page = build(clock)
                    lines = len(csv_rows(page))
                    timings.append((time.perf_counter() - began) * 1000)
            results[name] = {
                "p50_ms": round(statistics.median(timings)),
                "max_ms": round(max(timings)),
                "queries": len(queries),
                "csv_lines": lines,
            }
            print(name, results[name], flush=True)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""A match run as a manager starts it from the admin, database included.

    python -m bench.match_run --mentees 2000 --mentors 1000

Seeds one organization into a scratch PostgreSQL database of its own (bulk inserts), then
times ``matching.services.match_run_start`` (the median of ``--repeat`` runs) and each phase
it reports through ``progress``: loading people, scoring pairs, choosing pairs, writing the
draft. Memory: the resident growth of the process over the runs, and the peak of Python's
traced allocations (numpy's included) during one more run. Prints the figures; the last
line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import time
import tracemalloc
from datetime import date

from .database import fresh_database

LANGUAGES = ["en", "de", "fr", "es", "ja", "pt-br", "zh-hans"]
ZONES = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "Asia/Singapore",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "Asia/Kolkata",
]


def seed(n_mentees: int, n_mentors: int):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from mentoring.people.models import Department, Profile, SeniorityLevel
    from mentoring.people.services import organization_people_defaults_install
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization
    from programs.models import Enrollment, EnrollmentSkill, Goal, Program, ProgramSkill, Skill
    from programs.services import organization_programs_defaults_install

    rng = random.Random(3)
    organization = Organization.objects.create(slug="bench", name="Bench Inc")
    with activate(organization):
        organization_people_defaults_install(organization=organization)
        organization_programs_defaults_install(organization=organization)
        departments = Department.objects.bulk_create(
            Department(organization=organization, name=f"Department {i}") for i in range(20)
        )
        levels = list(SeniorityLevel.objects.order_by("rank"))
        skills = list(Skill.objects.all())
        total = n_mentees + n_mentors
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"person{i}@bench.example", email=f"person{i}@bench.example", password="!"
            )
            for i in range(total)
        )
        Membership.objects.bulk_create(Membership(organization=organization, user=u) for u in users)
        profiles = Profile.objects.bulk_create(
            Profile(
                organization=organization,
                user=user,
                display_name=f"Person {i}",
                department=rng.choice(departments),
                seniority=levels[rng.randrange(0, 3)]
                if i < n_mentees
                else levels[rng.randrange(2, 6)],
                time_zone=rng.choice(ZONES),
                languages=["en", *rng.sample(LANGUAGES[1:], rng.randrange(0, 2))],
            )
            for i, user in enumerate(users)
        )
        for i in range(n_mentees):  # reporting lines: a mentee reports to some mentor
            profiles[i].manager = profiles[n_mentees + rng.randrange(n_mentors)]
        Profile.objects.bulk_update(profiles[:n_mentees], ["manager"])
        program = Program.objects.create(
            organization=organization,
            name="Bench cohort",
            purpose="Benchmark",
            starts_on=date(2026, 1, 5),
            ends_on=date(2027, 12, 20),
            status="matching",
            cross_functional="required",
        )
        focus = skills[:6]
        ProgramSkill.objects.bulk_create(
            ProgramSkill(organization=organization, program=program, skill=s) for s in focus
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(
                organization=organization,
                program=program,
                person=profile,
                role="mentee" if i < n_mentees else "mentor",
                status="approved",
                capacity=None if i < n_mentees else rng.randrange(1, 4),
            )
            for i, profile in enumerate(profiles)
        )
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=organization, enrollment=e, skill=s)
            for i, e in enumerate(enrollments)
            for s in rng.sample(focus, 1 if i < n_mentees else rng.randrange(2, 5))
        )
        Goal.objects.bulk_create(
            Goal(
                organization=organization,
                enrollment=e,
                skill=focus[0],
                statement="Speak first in the weekly planning and ask one open question",
            )
            for e in enrollments[:n_mentees]
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return organization, program, users[0]


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PhaseClock:
    """The progress callback of the run: the time spent in each phase it reports."""

    def __init__(self):
        self.started = self.mark = time.perf_counter()
        self.phase = ""
        self.seconds: dict[str, float] = {}
        self.calls = 0

    def __call__(self, done: int, total: int, phase: str) -> None:
        self.calls += 1
        if phase != self.phase:
            self.close()
            self.phase = phase

    def close(self) -> None:
        now = time.perf_counter()
        if self.phase:
            self.seconds[self.phase] = round(self.seconds.get(self.phase, 0) + now - self.mark, 3)
        self.mark = now


def _start(organization, actor, program, progress):
    from matching.services import match_run_start

    try:
        return match_run_start(
            organization=organization, actor=actor, program=program, progress=progress
        )
    except TypeError:  # a version without progress reports (the figures before)
        return match_run_start(organization=organization, actor=actor, program=program)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=2000)
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the median is kept)")
    options = parser.parse_args(argv)
    services = fresh_database("mentoring_bench_match")
    try:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from matching.models import MatchProposal, UnmatchedMentee
        from mentoring.tenancy import activate

        started = time.perf_counter()
        organization, program, actor = seed(options.mentees, options.mentors)
        seeded = time.perf_counter() - started
        with activate(organization):
            rss_before = _rss_mib()
            timings, clocks = [], []
            for _ in range(options.repeat):
                clock = PhaseClock()
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    run = _start(organization, actor, program, clock)
                    timings.append(time.perf_counter() - started)
                clock.close()
                clocks.append(clock)
            rss_after, peak_rss = _rss_mib(), _peak_rss_mib()
            median = sorted(range(len(timings)), key=timings.__getitem__)[len(timings) // 2]
            # Python-level allocations (numpy's included) of one more run, traced apart:
            # tracing slows the run down, so its time is not reported.
            tracemalloc.start()
            _start(organization, actor, program, None)
            _current, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            figures = {
                "mentees": options.mentees,
                "mentors": options.mentors,
                "seed_seconds": round(seeded, 2),
                "seconds": round(timings[median], 2),
                "seconds_all": [round(t, 2) for t in timings],
                "phases": clocks[median].seconds,
                "progress_calls": clocks[median].calls,
                "queries": len(queries),
                "proposals": MatchProposal.objects.filter(run=run).count(),
                "unmatched": UnmatchedMentee.objects.filter(run=run).count(),
                "total_score": run.total_score,
                "traced_peak_mib": round(traced_peak / 2**20, 1),
                "rss_growth_mib": round(rss_after - rss_before, 1),
                "peak_rss_mib": round(peak_rss, 1),
            }
        phases = ", ".join(f"{name} {s} s" for name, s in figures["phases"].items())
        print(
            f"match run from the service: {figures['seconds']} s (median of {options.repeat}), "
            f"{figures['queries']} queries, {figures['proposals']} pairs, "
            f"{figures['unmatched']} unmatched (seeding took {figures['seed_seconds']} s)"
        )
        print(f"phases: {phases or 'not reported'}")
        print(
            f"memory: peak of traced allocations {figures['traced_peak_mib']} MiB, "
            f"resident growth over the runs {figures['rss_growth_mib']} MiB"
        )
        print(json.dumps(figures))
        return figures
    finally:
        services.stop()


if __name__ == "__main__":
    main()

"""HR API benchmark: the production server under load, beside a floor without Django.

    python -m bench.api [--seconds 10] [--clients 8] [--workers 2]

Seeds one organization ("bench") with 5,000 mentorships, 50,000 sessions and 20,000
feedback entries (plus goals, reviews, ratings and survey answers) into a fresh database
(bench/database.py), starts the production server (gunicorn ``mentoring.wsgi:application``,
production settings, sync workers) on a free loopback port, and measures with a
keep-alive HTTP client of N threads, for a bounded time per endpoint: requests per
second and p50/p95/p99 latency of the mentorships list (a page of 100), the organization
summary and the full CSV export of mentorships. Beside each, in the same run and under
the same gunicorn settings, the floor: ``bench/floor.py``, the same figures as
hand-written SQL through psycopg2 without Django. It also reports the peak memory of the
gunicorn workers around the CSV export. The last line is one JSON object with every
figure (per endpoint: rps, p50_ms, p95_ms, p99_ms, floor_rps, ratio_to_floor =
floor_rps / rps).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .database import fresh_database

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench"
MENTORSHIPS = 5_000
SESSIONS_PER_PAIR = 10  # 50,000 sessions
FEEDBACK_PER_PAIR = 4  # 20,000 feedback entries
ENDPOINTS = {
    "mentorships_page": "/api/v1/mentorships/?page_size=100",
    "summary": "/api/v1/summary/",
    # the same figures with the one-minute cache off: what each recomputation costs
    "summary_uncached": "/api/v1/summary/",
    "mentorships_csv": "/api/v1/mentorships/?format=csv",
}


def log(message: str) -> None:
    print(f"[bench.api] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- seeding


def seed(seed_value: int = 7) -> tuple[int, str]:
    """The bench organization and its rows; returns (organization id, API key)."""
    from django.contrib.auth import get_user_model

    from feedback.models import Feedback, SkillRating, SurveyResponse
    from matching.models import Mentorship
    from mentoring.api.keys import api_key_create
    from mentoring.people.models import Department, Profile, SeniorityLevel
    from mentoring.people.services import organization_people_defaults_install
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization, Role
    from programs.models import (
        Enrollment,
        EnrollmentSkill,
        Goal,
        GoalReview,
        Program,
        ProgramSkill,
        Skill,
    )
    from programs.services import organization_programs_defaults_install
    from sessions.models import Session
    from sessions.services import organization_sessions_defaults_install

    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    today = now.date()
    organization = Organization.objects.create(slug=SLUG, name="Bench Corporation")
    User = get_user_model()
    n_mentors = MENTORSHIPS // 3 + 1
    with activate(organization):
        organization_people_defaults_install(organization=organization)
        organization_programs_defaults_install(organization=organization)
        organization_sessions_defaults_install(organization=organization)
        departments = Department.objects.bulk_create(
            [Department(organization=organization, name=f"Department {i}") for i in range(24)]
        )
        levels = list(SeniorityLevel.objects.order_by("rank"))
        skills = list(Skill.objects.order_by("name"))
        total = MENTORSHIPS + n_mentors
        users = User.objects.bulk_create(
            [
                User(username=f"p{i}@bench.example", email=f"p{i}@bench.example", password="!")
                for i in range(total)
            ],
            batch_size=2000,
        )
        Membership.objects.bulk_create(
            [Membership(organization=organization, user=u, role=Role.MEMBER) for u in users],
            batch_size=2000,
        )
        people = Profile.objects.bulk_create(
            [
                Profile(
                    organization=organization,
                    user=user,
                    display_name=f"Person {i}",
                    department=departments[i % len(departments)],
                    seniority=levels[0 if i < MENTORSHIPS else -1],
                )
                for i, user in enumerate(users)
            ],
            batch_size=2000,
        )
        mentees, mentors = people[:MENTORSHIPS], people[MENTORSHIPS:]
        programs = Program.objects.bulk_create(
            [
                Program(
                    organization=organization,
                    name=f"Cohort {i}",
                    purpose="Grow listening and feedback skills.",
                    starts_on=today - timedelta(days=120 + 30 * i),
                    ends_on=today + timedelta(days=240 - 10 * i),
                    status="running" if i < 8 else "closed",
                )
                for i in range(10)
            ]
        )
        ProgramSkill.objects.bulk_create(
            [
                ProgramSkill(organization=organization, program=p, skill=s)
                for p in programs
                for s in skills[:3]
            ]
        )
        mentor_enrolments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    organization=organization,
                    program=programs[i % len(programs)],
                    person=person,
                    role="mentor",
                    status="approved",
                    capacity=3,
                )
                for i, person in enumerate(mentors)
            ],
            batch_size=2000,
        )
        by_program: dict[int, list] = {}
        for enrolment in mentor_enrolments:
            by_program.setdefault(enrolment.program_id, []).append(enrolment)
        mentee_enrolments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    organization=organization,
                    program=programs[i % len(programs)],
                    person=person,
                    role="mentee",
                    status="approved",
                    situations=["A meeting where I stayed quiet."],
                )
                for i, person in enumerate(mentees)
            ],
            batch_size=2000,
        )
        EnrollmentSkill.objects.bulk_create(
            [
                EnrollmentSkill(organization=organization, enrollment=e, skill=skills[i % 3])
                for i, e in enumerate(mentee_enrolments)
            ],
            batch_size=5000,
        )
        statuses = ["active"] * 80 + ["paused"] * 8 + ["completed"] * 8 + ["ended_early"] * 4
        pairs = []
        for i, enrolment in enumerate(mentee_enrolments):
            program = programs[i % len(programs)]
            started = program.starts_on + timedelta(days=rng.randint(0, 30))
            status = rng.choice(statuses)
            pairs.append(
                Mentorship(
                    organization=organization,
                    program=program,
                    mentee=enrolment,
                    mentor=rng.choice(by_program[program.pk]),
                    status=status,
                    started_on=started,
                    ends_on=started + timedelta(days=330),
                    ended_on=today - timedelta(days=5)
                    if status in ("completed", "ended_early")
                    else None,
                )
            )
        pairs = Mentorship.objects.bulk_create(pairs, batch_size=2000)
        log(f"{len(people)} people, {len(programs)} programs, {len(pairs)} mentorships")

        sessions = []
        for pair in pairs:
            start = datetime.combine(pair.started_on, datetime.min.time(), UTC)
            for k in range(SESSIONS_PER_PAIR):
                at = start + timedelta(days=14 * k, hours=rng.randint(8, 17))
                if at > now:
                    status = "planned"
                else:
                    status = rng.choice(["held"] * 8 + ["cancelled", "no_show"])
                sessions.append(
                    Session(
                        organization=organization,
                        mentorship=pair,
                        status=status,
                        starts_at=at,
                        actual_minutes=rng.choice([30, 45, 60]) if status == "held" else None,
                        shared_notes="Talked through a hard meeting." if status == "held" else "",
                    )
                )
        sessions = Session.objects.bulk_create(sessions, batch_size=5000)
        feedback = []
        for pair in pairs:
            for _ in range(FEEDBACK_PER_PAIR):
                giver, receiver = (pair.mentor, pair.mentee)
                if rng.random() < 0.3:
                    giver, receiver = receiver, giver
                feedback.append(
                    Feedback(
                        organization=organization,
                        mentorship=pair,
                        giver_id=giver.person_id,
                        receiver_id=receiver.person_id,
                        skill=skills[rng.randint(0, 2)],
                        kind=rng.choice(["keep", "change"]),
                        situation="In Monday's planning meeting",
                        behaviour="you asked two quiet colleagues for their view",
                        impact="we heard a risk nobody had raised",
                        specificity=rng.randint(1, 4),
                    )
                )
        Feedback.objects.bulk_create(feedback, batch_size=5000)
        goals = Goal.objects.bulk_create(
            [
                Goal(
                    organization=organization,
                    enrollment=e,
                    statement="Speak up once in every planning meeting",
                    skill=skills[i % 3],
                )
                for i, e in enumerate(mentee_enrolments)
            ],
            batch_size=5000,
        )
        reviews, ratings, answers = [], [], []
        for pair, goal in zip(pairs, goals, strict=True):
            mentee, mentor = pair.mentee.person_id, pair.mentor.person_id
            for period in (1, 2)[: rng.randint(0, 2)]:
                for author, role in ((mentee, "mentee"), (mentor, "mentor")):
                    reviews.append(
                        GoalReview(
                            organization=organization,
                            goal=goal,
                            period=period,
                            author_id=author,
                            author_role=role,
                            progress=rng.randint(1, 5),
                            what_changed="More often than before.",
                            next_steps="Try it in the larger meeting.",
                        )
                    )
            for moment, period in (("start", 0), ("review", 1)):
                for rater, role in ((mentee, "self"), (mentor, "mentor")):
                    ratings.append(
                        SkillRating(
                            organization=organization,
                            enrollment_id=pair.mentee_id,
                            skill=goal.skill,
                            rater_id=rater,
                            rater_role=role,
                            moment=moment,
                            period=period,
                            level=rng.randint(1, 5),
                        )
                    )
            if rng.random() < 0.8:
                answers.append(
                    SurveyResponse(
                        organization=organization,
                        kind="program",
                        program_id=pair.program_id,
                        respondent_id=mentee,
                        respondent_role="mentee",
                        answers={"useful": rng.randint(2, 5), "recommend": rng.randint(5, 10)},
                    )
                )
        GoalReview.objects.bulk_create(reviews, batch_size=5000)
        SkillRating.objects.bulk_create(ratings, batch_size=5000)
        SurveyResponse.objects.bulk_create(answers, batch_size=5000)
        log(
            f"{len(sessions)} sessions, {len(feedback)} feedback, {len(goals)} goals, "
            f"{len(reviews)} reviews, {len(ratings)} ratings, {len(answers)} survey answers"
        )
        key = api_key_create(organization=organization, name="Bench")[1]
    from django.db import connections

    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE")
    return organization.pk, key


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(app: str, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", app,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", "sync",
        "--access-logfile", "-",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        text=True,
    )
    threading.Thread(target=_drain, args=(process.stderr,), daemon=True).start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{app} stopped at start (exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(1.0)  # the master listens before its workers have imported the app
            return process, port
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{app} did not answer on port {port}")


_errors: list[str] = []


def _drain(stream) -> None:
    for line in iter(stream.readline, ""):
        if "Traceback" in line or "ERROR" in line or "Error" in line:
            _errors.append(line.rstrip())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def peak_rss_mib(pid: int) -> float | None:
    """The process's peak resident memory so far (VmHWM: what ru_maxrss reports)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ---------------------------------------------------------------- load


def fetch(connection, path: str, headers: dict) -> tuple[int, bytes]:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def load(port: int, path: str, headers: dict, seconds: float, clients: int) -> dict:
    """``clients`` threads, each with its own keep-alive connection, for ``seconds``."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        start.wait()
        while True:
            began = time.perf_counter()
            if began >= deadline[0]:
                break
            try:
                status, _body = fetch(connection, path, headers)
            except (http.client.HTTPException, OSError):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                bad.append(0)
                continue
            mine.append(time.perf_counter() - began)
            if status != 200:
                bad.append(status)
        connection.close()
        with lock:
            latencies.extend(mine)
            failures.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    deadline[0] = began + seconds
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()

    def percentile(p: float) -> float:
        if not latencies:
            return float("nan")
        return 1000 * latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]

    return {
        "requests": len(latencies),
        "errors": len(failures),
        "error_statuses": sorted(set(failures))[:5],
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(50), 1),
        "p95_ms": round(percentile(95), 1),
        "p99_ms": round(percentile(99), 1),
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
    }


def same_json(django: bytes, floor: bytes, name: str) -> bool:
    """The floor must return what the API returns (links aside: their host and port)."""
    a, b = json.loads(django), json.loads(floor)
    for data in (a, b):
        if isinstance(data, dict):
            for link in ("next", "previous"):
                if data.get(link):
                    data[link] = data[link].split("?", 1)[1]
    if a != b:
        log(f"WARNING: {name}: the floor's JSON differs from the API's")
        if isinstance(a, dict) and "results" in a:
            for row_a, row_b in zip(a["results"], b["results"], strict=False):
                if row_a != row_b:
                    log(f"  api   {row_a}\n  floor {row_b}")
                    break
        else:
            log(f"  api   {a}\n  floor {b}")
        return False
    return True


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint and server")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    started = time.monotonic()
    services = fresh_database()
    servers: list[subprocess.Popen] = []
    try:
        organization_id, key = seed()
        log(f"seeded in {time.monotonic() - started:.0f} s")
        base_env = {
            key_: value
            for key_, value in os.environ.items()
            if key_ not in ("DJANGO_SETTINGS_MODULE", "DEBUG")
        }
        web_env = {
            **base_env,
            "DJANGO_SETTINGS_MODULE": "mentoring.settings.production",
            "SECRET_KEY": "bench-only-" + os.urandom(16).hex(),
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "DATABASE_OWNER_URL": os.environ["DATABASE_OWNER_URL"],
            "REDIS_URL": services.redis_url,
            "ROOT_DOMAIN": "localhost",
            "ALLOWED_HOSTS": ".localhost,localhost,127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            # The per-key throttle still runs (a Redis round trip per request); its budget
            # is raised so that the load generator measures the endpoints, not 429s.
            "HR_API_RATE": "100000000/min",
            "LOG_LEVEL": "WARNING",
        }
        floor_env = {
            **base_env,
            "FLOOR_DATABASE_URL": os.environ["DATABASE_OWNER_URL"],
            "FLOOR_ORGANIZATION_ID": str(organization_id),
        }
        web, web_port = start_gunicorn("mentoring.wsgi:application", web_env, args.workers)
        servers.append(web)
        floor, floor_port = start_gunicorn("bench.floor:application", floor_env, args.workers)
        servers.append(floor)
        uncached, uncached_port = start_gunicorn(
            "mentoring.wsgi:application",
            # its own key prefix too: the other server's cached summary must not serve it
            {**web_env, "HR_API_SUMMARY_CACHE_SECONDS": "0", "CACHE_KEY_PREFIX": "uncached"},
            args.workers,
        )
        servers.append(uncached)
        api_port = {name: web_port for name in ENDPOINTS} | {"summary_uncached": uncached_port}
        log(
            f"web on :{web_port} (summary cache off: :{uncached_port}), floor on :{floor_port}, "
            f"{args.workers} sync workers each"
        )

        def headers(port):
            return {"Host": f"{SLUG}.localhost:{port}", "Authorization": f"Bearer {key}"}

        # Both serve the same rows: check it once, then warm both up.
        equal = {}
        for name, path in ENDPOINTS.items():
            status_api, body_api = fetch(
                http.client.HTTPConnection("127.0.0.1", api_port[name], timeout=60),
                path,
                headers(api_port[name]),
            )
            status_floor, body_floor = fetch(
                http.client.HTTPConnection("127.0.0.1", floor_port, timeout=60),
                path,
                headers(floor_port),
            )
            if status_api != 200 or status_floor != 200:
                raise RuntimeError(f"{name}: {status_api} / {status_floor}: {body_api[:300]}")
            if name.endswith("csv"):
                equal[name] = body_api == body_floor
                if not equal[name]:
                    log(f"WARNING: {name}: the floor's CSV differs from the API's")
            else:
                equal[name] = same_json(body_api, body_floor, name)
            load(api_port[name], path, headers(api_port[name]), 1.0, args.clients)
            load(floor_port, path, headers(floor_port), 1.0, args.clients)

        results: dict[str, dict] = {}
        memory: dict[str, float | None] = {}
        for name, path in ENDPOINTS.items():
            if name == "mentorships_csv":
                pids = worker_pids(web.pid)
                memory["worker_peak_before_csv_mib"] = max(
                    (peak_rss_mib(pid) or 0 for pid in pids), default=None
                )
            api = load(api_port[name], path, headers(api_port[name]), args.seconds, args.clients)
            if name == "mentorships_csv":
                memory["worker_peak_after_csv_mib"] = max(
                    (peak_rss_mib(pid) or 0 for pid in worker_pids(web.pid)), default=None
                )
            base = load(floor_port, path, headers(floor_port), args.seconds, args.clients)
            results[name] = {
                "rps": api["rps"],
                "p50_ms": api["p50_ms"],
                "p95_ms": api["p95_ms"],
                "p99_ms": api["p99_ms"],
                "errors": api["errors"],
                "floor_rps": base["rps"],
                "floor_p95_ms": base["p95_ms"],
                "ratio_to_floor": round(base["rps"] / api["rps"], 2) if api["rps"] else None,
                "same_output_as_floor": equal[name],
            }
            log(f"{name}: api {api} | floor {base}")
        csv_bytes = len(fetch(http.client.HTTPConnection("127.0.0.1", web_port, timeout=60),
                              ENDPOINTS["mentorships_csv"], headers(web_port))[1])  # fmt: skip
    finally:
        for server in servers:
            stop(server)
        services.stop()

    print()
    print(
        f"HR API, production gunicorn ({args.workers} sync workers), {args.clients} clients, "
        f"{args.seconds:g} s per endpoint; {MENTORSHIPS} mentorships, "
        f"{MENTORSHIPS * SESSIONS_PER_PAIR} sessions, {MENTORSHIPS * FEEDBACK_PER_PAIR} feedback"
    )
    header = f"{'endpoint':<18}{'rps':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    header += f"{'floor rps':>11}{'floor/api':>11}  p95<100  rps>=floor/3"
    print(header)
    for name, row in results.items():
        print(
            f"{name:<18}{row['rps']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
            f"{row['floor_rps']:>11}{row['ratio_to_floor']:>11}"
            f"  {'yes' if row['p95_ms'] < 100 else 'NO':>7}"
            f"  {'yes' if row['ratio_to_floor'] and row['ratio_to_floor'] <= 3 else 'NO':>12}"
        )
    print(
        f"CSV export: {csv_bytes / 1024:.0f} KiB; gunicorn worker peak memory "
        f"{memory.get('worker_peak_before_csv_mib') or 0:.1f} MiB before the CSV load, "
        f"{memory.get('worker_peak_after_csv_mib') or 0:.1f} MiB after"
    )
    if _errors:
        print(f"server errors logged: {len(_errors)}; first: {_errors[0]}")
    summary = {
        **results,
        "csv_bytes": csv_bytes,
        **{key_: round(value, 1) if value else value for key_, value in memory.items()},
        "clients": args.clients,
        "workers": args.workers,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Resilience under load: the production stack on loopback, a realistic mix, and faults.

    python -m bench.load [--duration 60] [--faults] [--organizations 3] [--pairs 4]

Starts the production stack on loopback: gunicorn (``mentoring.wsgi``, production settings,
sync workers as deployed), a Celery worker, beat, PostgreSQL (the devstack's embedded one,
a scratch database ``mentoring_bench_load``) and a private Redis. Seeds a few
organizations, each with mentoring pairs whose people sign in through the real sign-in
form, and an HR API key. Then, for ``--duration`` seconds, every mentee and mentor is a
client thread on their organization's host (``Host: <slug>.localhost``, session and CSRF
cookies): it browses the home page, programs, the pair, its sessions and feedback, and
writes through the real forms (CSRF token from the page): logs a session (shared notes),
gives feedback (situation) and plans a session for tomorrow (place). Every write carries a
unique marker; a write that gets a 503 or no answer is sent again with the same marker, as
a person would after "try again in a minute". One HR client per organization pulls the
API with its key.

Afterwards it checks that no write was lost (each marker the client saw succeed is in the
database) or duplicated (no marker twice), then runs the dispatcher once more and waits
for the worker to empty the outbox: no unsent row, no email sent twice.

``--faults`` breaks the stack during the run: Redis is killed and started again (empty),
the worker is SIGKILLed (the dispatcher runs while it is down) and replaced, and
PostgreSQL becomes unreachable for a few seconds (a TCP proxy between the application and
PostgreSQL drops every connection and refuses new ones). Every failed answer must be a
friendly 503 (never a 500, never a traceback); nothing written may be lost or doubled;
the reminders must catch up. The worker's outbox lease is shortened
(NOTIFICATION_LEASE_SECONDS) so that a row held by the killed worker is claimed again
within the run. The proxy is only there with ``--faults``, so its hop does not weigh on
the plain run's figures.

The last line is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import http.client
import json
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg2

from . import api as api_bench
from .api import ROOT, start_gunicorn
from .database import fresh_database
from .mailsink import SEPARATOR
from .stack import (
    PostgresProxy,
    Process,
    RedisServer,
    production_env,
    server_of,
    via_tcp,
)

DATABASE = "mentoring_bench_load"
PASSWORD = "load-bench-password-2024"  # the scratch database's people
RUN = uuid.uuid4().hex[:6]
MARKER = re.compile(r"LM-[0-9a-f]{6}-\d+-\d+")
FRIENDLY_503 = b"We can't reach our records just now"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
WRITE_ATTEMPTS = 4
RETRY_PAUSES = (1.0, 2.0, 3.0)
LEASE_SECONDS = 15
ACTIONS = {"browse": 0.70, "feedback": 0.12, "log": 0.10, "schedule": 0.08}
HR_PATHS = (
    "/api/v1/summary/",
    "/api/v1/mentorships/?page_size=100",
    "/api/v1/sessions/?page_size=100",
    "/api/v1/programs/",
)


def log(message: str) -> None:
    print(f"[bench.load] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- seeding


@dataclass
class Person:
    email: str
    slug: str
    role: str  # mentee / mentor
    mentorship_id: int
    program_id: int
    skill_ids: list[int]
    to_log: list[int]  # planned sessions in the past that this person logs
    held: list[int]  # held sessions of the pair, to look at


@dataclass
class Org:
    slug: str
    key: str
    people: list[Person] = field(default_factory=list)


def seed(n_organizations: int, n_pairs: int, to_log_per_pair: int) -> list[Org]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from feedback.models import Feedback
    from matching.models import Mentorship
    from mentoring.api.keys import api_key_create
    from mentoring.people.models import Department, Profile, SeniorityLevel
    from mentoring.people.services import organization_people_defaults_install
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization, Role
    from programs.models import Enrollment, EnrollmentSkill, Goal, Program, ProgramSkill, Skill
    from programs.services import organization_programs_defaults_install
    from sessions.models import Session
    from sessions.services import organization_sessions_defaults_install

    User = get_user_model()
    password = make_password(PASSWORD)  # hashed once (the production hasher), shared
    now = datetime.now(UTC)
    today = now.date()
    orgs = []
    for o in range(n_organizations):
        slug = f"load{o}"
        organization = Organization.objects.create(slug=slug, name=f"Load Test {o}")
        with activate(organization):
            organization_people_defaults_install(organization=organization)
            organization_programs_defaults_install(organization=organization)
            organization_sessions_defaults_install(organization=organization)
            departments = Department.objects.bulk_create(
                [Department(organization=organization, name=f"Team {i}") for i in range(4)]
            )
            levels = list(SeniorityLevel.objects.order_by("rank"))
            skills = list(Skill.objects.order_by("name")[:3])
            program = Program.objects.create(
                organization=organization,
                name="Spring cohort",
                purpose="Practise listening and giving feedback at work.",
                starts_on=today - timedelta(days=90),
                ends_on=today + timedelta(days=270),
                status="running",
            )
            ProgramSkill.objects.bulk_create(
                [ProgramSkill(organization=organization, program=program, skill=s) for s in skills]
            )
            emails = [
                f"{role}{i}@{slug}.example" for i in range(n_pairs) for role in ("mentee", "mentor")
            ]
            users = User.objects.bulk_create(
                [User(username=e, email=e, password=password) for e in emails]
            )
            EmailAddress.objects.bulk_create(
                [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
            )
            Membership.objects.bulk_create(
                [Membership(organization=organization, user=u, role=Role.MEMBER) for u in users]
            )
            profiles = Profile.objects.bulk_create(
                [
                    Profile(
                        organization=organization,
                        user=u,
                        display_name=u.email.split("@")[0].title(),
                        department=departments[i % 4],
                        seniority=levels[0 if i % 2 == 0 else -1],
                        time_zone="UTC",
                    )
                    for i, u in enumerate(users)
                ]
            )
            enrolments = Enrollment.objects.bulk_create(
                [
                    Enrollment(
                        organization=organization,
                        program=program,
                        person=p,
                        role="mentee" if i % 2 == 0 else "mentor",
                        status="approved",
                        capacity=None if i % 2 == 0 else 2,
                        situations=[] if i % 2 else ["A meeting where I stayed quiet."],
                    )
                    for i, p in enumerate(profiles)
                ]
            )
            mentee_enrolments = enrolments[0::2]
            EnrollmentSkill.objects.bulk_create(
                [
                    EnrollmentSkill(organization=organization, enrollment=e, skill=skills[i % 3])
                    for i, e in enumerate(mentee_enrolments)
                ]
            )
            Goal.objects.bulk_create(
                [
                    Goal(
                        organization=organization,
                        enrollment=e,
                        statement="Speak up once in every planning meeting",
                        skill=skills[i % 3],
                    )
                    for i, e in enumerate(mentee_enrolments)
                ]
            )
            pairs = Mentorship.objects.bulk_create(
                [
                    Mentorship(
                        organization=organization,
                        program=program,
                        mentee=enrolments[2 * i],
                        mentor=enrolments[2 * i + 1],
                        status="active",
                        started_on=today - timedelta(days=60),
                        ends_on=today + timedelta(days=300),
                    )
                    for i in range(n_pairs)
                ]
            )
            sessions, plans = [], []
            for pair in pairs:
                for k in range(6):  # the pair's history
                    sessions.append(
                        Session(
                            organization=organization,
                            mentorship=pair,
                            status="held",
                            starts_at=now - timedelta(days=56 - 9 * k),
                            actual_minutes=45,
                            shared_notes="Went through a tense planning meeting together.",
                        )
                    )
                for k in range(to_log_per_pair):  # met, not logged yet
                    plans.append(
                        Session(
                            organization=organization,
                            mentorship=pair,
                            starts_at=now - timedelta(hours=2 + to_log_per_pair - k),
                        )
                    )
            sessions = Session.objects.bulk_create(sessions)
            plans = Session.objects.bulk_create(plans)
            Feedback.objects.bulk_create(
                [
                    Feedback(
                        organization=organization,
                        mentorship=pair,
                        giver_id=pair.mentor.person_id if k % 2 else pair.mentee.person_id,
                        receiver_id=pair.mentee.person_id if k % 2 else pair.mentor.person_id,
                        skill=skills[k % 3],
                        kind="keep",
                        situation="In Monday's planning meeting",
                        behaviour="you asked two quiet colleagues for their view",
                        impact="we heard a risk nobody had raised",
                        specificity=3,
                    )
                    for pair in pairs
                    for k in range(4)
                ]
            )
            key = api_key_create(organization=organization, name="HR warehouse")[1]
        org = Org(slug=slug, key=key)
        for i, pair in enumerate(pairs):
            own_plans = [s.pk for s in plans if s.mentorship_id == pair.pk]
            held = [s.pk for s in sessions if s.mentorship_id == pair.pk]
            for role, offset in (("mentee", 0), ("mentor", 1)):
                org.people.append(
                    Person(
                        email=emails[2 * i + offset],
                        slug=slug,
                        role=role,
                        mentorship_id=pair.pk,
                        program_id=program.pk,
                        skill_ids=[s.pk for s in skills],
                        to_log=own_plans[offset::2],  # each session is logged by one side
                        held=held,
                    )
                )
        orgs.append(org)
    from django.db import connections

    with connections["owner"].cursor() as cursor:
        cursor.execute("ANALYZE")
    return orgs


# ---------------------------------------------------------------- the clients


@dataclass
class Answer:
    status: int  # 0: no answer (refused, reset, timed out)
    headers: dict
    body: bytes
    seconds: float


@dataclass
class Record:
    at: float  # seconds since the load started
    kind: str  # page, form, write, api, login
    status: int
    ms: float
    outcome: str  # ok, friendly_503, bad_503, 500, traceback, no_answer, http_<status>


def classify(answer: Answer, expected: tuple[int, ...]) -> str:
    if answer.status == 0:
        return "no_answer"
    if b"Traceback" in answer.body or b'File "/' in answer.body:
        return "traceback"
    if answer.status in expected:
        return "ok"
    if answer.status == 503:
        if not answer.headers.get("retry-after"):
            return "bad_503"
        if FRIENDLY_503 in answer.body:
            return "friendly_503"
        try:
            error = json.loads(answer.body)["error"]
        except (ValueError, KeyError, TypeError):
            return "bad_503"
        return "friendly_503" if error.get("status") == 503 else "bad_503"
    if answer.status == 500:
        return "500"
    return f"http_{answer.status}"


class Browser:
    """One person's browser on their organization's host: cookies, CSRF, no keep-alive
    (gunicorn's sync workers close every connection)."""

    def __init__(self, port: int, slug: str, clock: Clock, records: list, headers=None):
        self.port = port
        self.host = f"{slug}.localhost:{port}"
        self.cookies: dict[str, str] = {}
        self.clock = clock
        self.records = records
        self.extra = headers or {}

    def request(self, method: str, path: str, *, kind: str, expected=(200,), form=None):
        headers = {"Host": self.host, "User-Agent": "bench.load", **self.extra}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host}"
        began = time.perf_counter()
        at = self.clock.now()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            answer = Answer(
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
                time.perf_counter() - began,
            )
            for raw in response.headers.get_all("Set-Cookie") or []:
                self._keep(raw)
        except (OSError, http.client.HTTPException):
            answer = Answer(0, {}, b"", time.perf_counter() - began)
        finally:
            connection.close()
        self.records.append(
            Record(at, kind, answer.status, 1000 * answer.seconds, classify(answer, expected))
        )
        return answer

    def _keep(self, raw: str) -> None:
        cookie = SimpleCookie()
        cookie.load(raw)
        for name, morsel in cookie.items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value


class Clock:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.started


@dataclass
class Write:
    kind: str
    marker: str
    ok: bool
    posts: int  # how many times it was sent


class Participant:
    def __init__(self, person: Person, index: int, port: int, clock: Clock, seed: int):
        self.person = person
        self.index = index
        self.records: list[Record] = []
        self.writes: list[Write] = []
        self.browser = Browser(port, person.slug, clock, self.records)
        self.rng = random.Random(seed)
        self.count = 0
        self.signed_in = False

    def marker(self) -> str:
        self.count += 1
        return f"LM-{RUN}-{self.index}-{self.count}"

    def sign_in(self) -> None:
        """The sign-in form, as a person fills it in; ``signed_in`` says how it went."""
        for attempt in range(10):
            page = self.browser.request("GET", "/accounts/login/", kind="login")
            token = CSRF.search(page.body)
            if page.status == 200 and token:
                answer = self.browser.request(
                    "POST",
                    "/accounts/login/",
                    kind="login",
                    expected=(302,),
                    form={
                        "login": self.person.email,
                        "password": PASSWORD,
                        "csrfmiddlewaretoken": token.group(1).decode(),
                    },
                )
                if answer.status == 302:
                    self.signed_in = True
                    return
            time.sleep(1 + attempt)

    def browse(self) -> None:
        p = self.person
        path = self.rng.choice(
            [
                "/",
                "/programs/",
                f"/programs/{p.program_id}/",
                f"/mentorships/{p.mentorship_id}/",
                f"/mentorships/{p.mentorship_id}/sessions/",
                f"/mentorships/{p.mentorship_id}/feedback/",
                f"/sessions/{self.rng.choice(p.held)}/",
            ]
        )
        self.browser.request("GET", path, kind="page")

    def write(self, kind: str, path: str, fields: dict, *, marker: str) -> None:
        posts, ok = 0, False
        for attempt in range(WRITE_ATTEMPTS):
            if attempt:
                time.sleep(RETRY_PAUSES[min(attempt - 1, len(RETRY_PAUSES) - 1)])
            page = self.browser.request("GET", path, kind="form", expected=(200, 302))
            if page.status == 302 and kind == "log" and posts:
                ok = True  # our earlier post was saved: the log form now says "already logged"
                break
            token = CSRF.search(page.body) if page.status == 200 else None
            if token is None:
                if page.status in (0, 503):
                    continue
                break
            posts += 1
            answer = self.browser.request(
                "POST",
                path,
                kind="write",
                expected=(302,),
                form={**fields, "csrfmiddlewaretoken": token.group(1).decode()},
            )
            if answer.status == 302:
                ok = True
                location = urlsplit(answer.headers.get("location", "/"))
                self.browser.request("GET", location.path or "/", kind="page")
                break
            if answer.status not in (0, 503):
                break  # refused for good (a form error, CSRF): sending again would not help
        self.writes.append(Write(kind, marker, ok, posts))

    def give_feedback(self) -> None:
        marker = self.marker()
        self.write(
            "feedback",
            f"/mentorships/{self.person.mentorship_id}/feedback/new/",
            {
                "skill": self.rng.choice(self.person.skill_ids),
                "session": "",
                "kind": self.rng.choice(["keep", "change"]),
                "situation": f"{marker} In this morning's stand-up",
                "behaviour": "You stopped and asked the new colleague what she thought",
                "impact": "She raised the deadline problem we had missed",
                "suggestion": "Keep doing it in the larger review meetings",
            },
            marker=marker,
        )

    def log_session(self) -> None:
        if not self.person.to_log:
            return self.give_feedback()
        session_id = self.person.to_log.pop(0)
        marker = self.marker()
        self.write(
            "log",
            f"/sessions/{session_id}/log/",
            {
                "status": "held",
                "actual_minutes": "45",
                "shared_notes": f"{marker} We rehearsed the difficult conversation.",
                "real_situations": "Tuesday's one-to-one",
            },
            marker=marker,
        )

    def schedule(self) -> None:
        marker = self.marker()
        when = datetime.now(UTC) + timedelta(hours=self.rng.randint(2, 20))
        self.write(
            "schedule",
            f"/mentorships/{self.person.mentorship_id}/sessions/new/",
            {
                "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "45",
                "kind": "check_in",
                "location": f"Room 4 ({marker})",
            },
            marker=marker,
        )

    def run(self, until: float, think: float) -> None:
        actions = list(ACTIONS)
        weights = list(ACTIONS.values())
        do = {
            "browse": self.browse,
            "feedback": self.give_feedback,
            "log": self.log_session,
            "schedule": self.schedule,
        }
        while self.browser.clock.now() < until:
            do[self.rng.choices(actions, weights)[0]]()
            if think:
                time.sleep(self.rng.uniform(0, 2 * think))


def run_hr(org: Org, port: int, clock: Clock, until: float, think: float, records: list):
    browser = Browser(port, org.slug, clock, records, {"Authorization": f"Bearer {org.key}"})
    rng = random.Random(org.slug)
    while clock.now() < until:
        browser.request("GET", rng.choice(HR_PATHS), kind="api")
        time.sleep(rng.uniform(0, 2 * think))


# ---------------------------------------------------------------- faults


@dataclass
class Fault:
    name: str
    start: float
    end: float = 0.0
    detail: dict = field(default_factory=dict)


def dispatch_now() -> int:
    """One dispatcher pass from here, as ``send_due_notifications`` (or a second beat)
    would run it: idempotent, it writes what is due and queues the send tasks."""
    from django.db import connection

    from mentoring.notifications.dispatch import dispatch_due

    try:
        return sum(dispatch_due().values())
    finally:
        connection.close()


def restart_redis(stack: Stack, down: float = 3.0) -> None:
    stack.redis.kill()
    time.sleep(down)
    stack.redis.start()


def watch_catch_up(fault: Fault, clock: Clock, since: float, limit: float = 120.0) -> None:
    """How long after the worker came back the outbox had nothing waiting any more."""
    check = owner_connection()
    try:
        while outbox_waiting(check) and clock.now() - since < limit:
            time.sleep(0.25)
        fault.detail["outbox_waiting_after_catch_up"] = outbox_waiting(check)
        fault.detail["outbox_caught_up_s"] = round(clock.now() - since, 1)
    finally:
        check.close()


def run_faults(
    stack: Stack, clock: Clock, duration: float, grace: float, faults: list[Fault]
) -> None:
    """One fault after the other, each after the previous one's grace period:

    - ``redis_restart``: Redis killed and started again, empty, while the worker and
      beat run (they must reconnect, not die);
    - ``worker_killed``: the worker SIGKILLed; the dispatcher writes messages and queues
      their send tasks while no worker runs; then Redis restarts again, which loses those
      queued tasks; a new worker starts. The messages must still go out (the sweeper);
    - ``database_unreachable``: the proxy to PostgreSQL drops every connection and
      refuses new ones for 3 seconds.
    """
    plan = [(0.15, "redis_restart"), (0.35, "worker_killed"), (0.70, "database_unreachable")]
    watchers = []
    for share, name in plan:
        not_before = max(share * duration, faults[-1].end + grace + 1 if faults else 0)
        while clock.now() < not_before:
            time.sleep(0.05)
        fault = Fault(name, clock.now())
        faults.append(fault)
        log(f"fault at {fault.start:.1f} s: {name}")
        if name == "redis_restart":
            restart_redis(stack)
        elif name == "worker_killed":
            stack.worker.kill()
            fault.detail["written_while_down"] = dispatch_now()
            check = owner_connection()
            fault.detail["outbox_waiting_while_down"] = outbox_waiting(check)
            check.close()
            restart_redis(stack)  # the send tasks queued meanwhile are gone
            fault.detail["queued_tasks_lost"] = True
            time.sleep(1)
            stack.worker.start(ready_line=" ready.")
            watcher = threading.Thread(target=watch_catch_up, args=(fault, clock, clock.now()))
            watcher.start()
            watchers.append(watcher)
        elif name == "database_unreachable":
            stack.proxy.cut()
            time.sleep(3)
            stack.proxy.restore()
        fault.end = clock.now()
        fault.detail["down_s"] = round(fault.end - fault.start, 1)
        fault.detail["worker_alive"] = stack.worker.is_running()
        fault.detail["beat_alive"] = stack.beat.is_running()
    for watcher in watchers:
        watcher.join()


# ---------------------------------------------------------------- the stack


@dataclass
class Stack:
    redis: RedisServer
    worker: Process
    beat: Process
    proxy: PostgresProxy | None
    web: object
    port: int
    mail_dir: Path
    run_dir: Path


def collect_static(env: dict) -> None:
    import subprocess

    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_stack(args, run_dir: Path, redis: RedisServer) -> Stack:
    database_url = os.environ["DATABASE_URL"]
    owner_url = os.environ["DATABASE_OWNER_URL"]
    proxy = None
    if args.faults:
        proxy = PostgresProxy(server_of(database_url), run_dir / "proxy.log")
        proxy.start()
        database_url = via_tcp(database_url, proxy.port)
        log(f"PostgreSQL proxy on 127.0.0.1:{proxy.port}")
    mail_dir = run_dir / "mail"
    mail_dir.mkdir()
    env = production_env(database_url=database_url, owner_url=owner_url, redis_url=redis.url)
    collect_static(env)
    web_env = {**env, "LOG_LEVEL": "WARNING"}
    web, port = start_gunicorn("mentoring.wsgi:application", web_env, args.web_workers)
    celery = [sys.executable, "-m", "celery", "-A", "mentoring"]
    worker_env = {
        **env,
        "EMAIL_BACKEND": "bench.mailsink.EmailBackend",
        "BENCH_MAIL_DIR": str(mail_dir),
        "NOTIFICATION_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    worker = Process(
        "worker", [*celery, "worker", "-l", "INFO"], worker_env, run_dir / "worker.log"
    )
    worker.start(ready_line=" ready.")
    beat = Process(
        "beat",
        [*celery, "beat", "-l", "INFO", "-s", str(run_dir / "celerybeat-schedule")],
        worker_env,
        run_dir / "beat.log",
    )
    beat.start(ready_line="beat: Starting")
    return Stack(redis, worker, beat, proxy, web, port, mail_dir, run_dir)


def stop_stack(stack: Stack | None) -> None:
    if stack is None:
        return
    for process in (stack.beat, stack.worker):
        process.stop()
    api_bench.stop(stack.web)
    if stack.proxy:
        stack.proxy.stop()


# ---------------------------------------------------------------- checks


def owner_connection():
    connection = psycopg2.connect(os.environ["DATABASE_OWNER_URL"])
    connection.autocommit = True
    with connection.cursor() as cursor:  # every organization's rows, whoever the owner is
        cursor.execute("SELECT set_config('app.all_organizations', 'on', false)")
    return connection


def markers_saved(connection) -> Counter:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT situation FROM feedback_feedback WHERE situation LIKE 'LM-%%'
            UNION ALL SELECT shared_notes FROM mentoring_sessions_session
             WHERE shared_notes LIKE 'LM-%%'
            UNION ALL SELECT location FROM mentoring_sessions_session
             WHERE location LIKE '%%(LM-%%'
            """
        )
        return Counter(m for (text,) in cursor.fetchall() for m in MARKER.findall(text))


def outbox_state(connection) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, count(*) FROM mentoring_outboxmessage GROUP BY status")
        by_status = dict(cursor.fetchall())
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM mentoring_outboxmessage "
            "GROUP BY organization_id, dedupe_key HAVING count(*) > 1) AS twice"
        )
        duplicates = cursor.fetchone()[0]
    return {"by_status": by_status, "duplicate_keys": duplicates}


def sent_messages(connection) -> Counter:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_email, subject FROM mentoring_outboxmessage WHERE status = 'sent'"
        )
        return Counter(cursor.fetchall())


def delivered(mail_dir: Path) -> Counter:
    found = Counter()
    for path in mail_dir.glob("*.log"):
        for chunk in path.read_bytes().split(SEPARATOR):
            if chunk.strip():
                message = email.message_from_bytes(chunk, policy=email.policy.default)
                found[(str(message["To"]), " ".join(str(message["Subject"]).split()))] += 1
    return found


def outbox_waiting(connection) -> int:
    by_status = outbox_state(connection)["by_status"]
    return sum(by_status.get(status, 0) for status in ("pending", "sending"))


def wait_for_outbox(connection, timeout: float) -> tuple[dict, float]:
    """Until nothing is pending or being sent (the worker, and beat's sweeper every
    minute for rows whose task was lost or whose worker died), or ``timeout``."""
    began = time.monotonic()
    while True:
        state = outbox_state(connection)
        waiting = sum(state["by_status"].get(status, 0) for status in ("pending", "sending"))
        if waiting == 0 or time.monotonic() - began > timeout:
            return state, time.monotonic() - began
        time.sleep(1)


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def in_fault(record: Record, faults: list[Fault], grace: float) -> Fault | None:
    """The fault during which (or within ``grace`` seconds after which) the request was
    answered: a request sent before the fault but still queued when it struck counts."""
    done = record.at + record.ms / 1000
    for fault in reversed(faults):
        if fault.start <= done <= fault.end + grace:
            return fault
    return None


# ---------------------------------------------------------------- main


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--faults", action="store_true", help="break the stack during the run")
    parser.add_argument("--organizations", type=int, default=3)
    parser.add_argument(
        "--pairs",
        type=int,
        default=4,
        help="per organization; every mentee and mentor is a client (sign-in is limited "
        "to 30 a minute per address: keep organizations x pairs x 2 under 30)",
    )
    parser.add_argument("--web-workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between actions")
    parser.add_argument("--hr-think", type=float, default=0.25, help="mean pause of HR clients")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds after a fault")
    parser.add_argument("--drain-timeout", type=float, default=150.0)
    parser.add_argument("--keep", action="store_true", help="keep the logs directory")
    args = parser.parse_args(argv)
    if args.faults and args.duration < 30:
        parser.error("--faults needs --duration 30 or more")

    run_dir = Path(tempfile.mkdtemp(prefix="bench-load-"))
    redis = RedisServer(run_dir / "redis")
    redis.start()
    os.environ["REDIS_URL"] = redis.url  # the devstack services use it instead of their own
    stack = None
    services = None
    started = time.monotonic()
    try:
        services = fresh_database(DATABASE)
        to_log = max(40, int(args.duration))  # per pair: more than the clients get through
        orgs = seed(args.organizations, args.pairs, to_log)
        log(f"seeded {len(orgs)} organizations in {time.monotonic() - started:.0f} s")
        stack = start_stack(args, run_dir, redis)
        log(f"stack up in {time.monotonic() - started:.0f} s (web :{stack.port}, logs {run_dir})")

        clock = Clock()
        people = [person for org in orgs for person in org.people]
        participants = [
            Participant(person, i, stack.port, clock, seed=i) for i, person in enumerate(people)
        ]
        for batch in range(0, len(participants), 4):  # a few at a time, as people arrive
            signing_in = [threading.Thread(target=p.sign_in) for p in participants[batch:][:4]]
            for thread in signing_in:
                thread.start()
            for thread in signing_in:
                thread.join()
        refused = [p.person.email for p in participants if not p.signed_in]
        if refused:
            raise RuntimeError(f"could not sign in: {', '.join(refused)}")
        log(f"{len(participants)} people signed in; load for {args.duration:g} s")

        clock.started = time.monotonic()
        until = args.duration
        hr_records: list[Record] = []
        faults: list[Fault] = []
        threads = [
            threading.Thread(target=p.run, args=(until, args.think)) for p in participants
        ] + [
            threading.Thread(
                target=run_hr, args=(org, stack.port, clock, until, args.hr_think, hr_records)
            )
            for org in orgs
        ]
        breaker = threading.Thread(
            target=run_faults, args=(stack, clock, args.duration, args.grace, faults)
        )
        for thread in threads:
            thread.start()
        if args.faults:
            breaker.start()
        for thread in threads:
            thread.join()
        elapsed = clock.now()
        log(f"load done in {elapsed:.1f} s")
        if args.faults:
            breaker.join()  # it waits until the messages of the killed worker's time are out

        # The reminders of every session planned during the run, then the outbox empties.
        written_at_end = dispatch_now()
        check = owner_connection()
        outbox, drain_seconds = wait_for_outbox(check, args.drain_timeout)
        saved = markers_saved(check)
        sent = sent_messages(check)
        check.close()
        mail = delivered(stack.mail_dir)
        alive = {"worker": stack.worker.is_running(), "beat": stack.beat.is_running()}
    finally:
        stop_stack(stack)
        redis.stop()
        if services is not None:
            services.stop()

    # ------------------------------------------------------------ figures
    records = [r for p in participants for r in p.records if r.kind != "login"] + hr_records
    writes = [w for p in participants for w in p.writes]
    ok_markers = {w.marker for w in writes if w.ok}
    failed_markers = {w.marker for w in writes if not w.ok}
    lost = sorted(m for m in ok_markers if saved[m] == 0)
    duplicates = sum(n - 1 for n in saved.values() if n > 1)
    unknown = sorted(m for m in saved if m not in ok_markers | failed_markers)
    failed_but_saved = sorted(m for m in failed_markers if saved[m])
    answered = [r for r in records if r.status]
    by_kind = defaultdict(list)
    for r in answered:
        by_kind[r.kind].append(r.ms)
    outcomes = Counter(r.outcome for r in records)
    errors = [r for r in records if r.outcome != "ok"]
    during = [(r, in_fault(r, faults, args.grace)) for r in errors]
    fault_errors = [r for r, fault in during if fault is not None]
    outside_errors = [r for r, fault in during if fault is None]
    per_fault = {}
    for fault in faults:
        mine = [r for r, f in during if f is fault]
        window = [r for r in records if in_fault(r, [fault], args.grace)]
        per_fault[fault.name] = {
            "at_s": round(fault.start, 1),
            **fault.detail,
            "requests": len(window),
            "errors": len(mine),
            "friendly_503": sum(r.outcome == "friendly_503" for r in mine),
            "outcomes": dict(Counter(r.outcome for r in mine)),
            "last_error_after_recovery_s": round(max(r.at for r in mine) - fault.end, 1)
            if mine
            else None,
        }
    expected_mail = sent
    emails_duplicated = sum(max(0, n - expected_mail[k]) for k, n in mail.items())
    emails_missing = sum(max(0, n - mail[k]) for k, n in expected_mail.items())
    by_status = outbox["by_status"]
    server_tracebacks = sum(line.startswith("Traceback") for line in api_bench._errors)

    figures = {
        "requests": len(records),
        "rps": round(len(records) / elapsed, 1),
        "p50_ms": percentile([r.ms for r in answered], 50),
        "p95_ms": percentile([r.ms for r in answered], 95),
        "p99_ms": percentile([r.ms for r in answered], 99),
        "errors": len(errors),
        "lost_writes": len(lost),
        "duplicate_writes": duplicates,
        "p95_ms_by_kind": {kind: percentile(v, 95) for kind, v in sorted(by_kind.items())},
        "requests_by_kind": {kind: len(v) for kind, v in sorted(by_kind.items())},
        "outcomes": dict(outcomes),
        "writes": len(writes),
        "writes_ok": len(ok_markers),
        "writes_failed": len(failed_markers),
        "writes_sent_again": sum(w.posts > 1 for w in writes),
        "writes_by_kind": dict(Counter(w.kind for w in writes)),
        "failed_but_saved": len(failed_but_saved),
        "unknown_markers": len(unknown),
        "outbox_rows": sum(by_status.values()),
        "outbox_sent": by_status.get("sent", 0),
        "outbox_unsent": by_status.get("pending", 0) + by_status.get("sending", 0),
        "outbox_failed": by_status.get("failed", 0),
        "outbox_duplicates": outbox["duplicate_keys"],
        "outbox_written_at_end": written_at_end,
        "outbox_drain_s": round(drain_seconds, 1),
        "emails_delivered": sum(mail.values()),
        "emails_duplicated": emails_duplicated,
        "emails_missing": emails_missing,
        "worker_alive_at_end": alive["worker"],
        "beat_alive_at_end": alive["beat"],
        "web_log_tracebacks": server_tracebacks,
        "participants": len(participants),
        "hr_clients": len(orgs),
        "web_workers": args.web_workers,
        "duration_s": round(elapsed, 1),
        "think_s": args.think,
        "faults": args.faults,
        "cpus": os.cpu_count(),
    }
    if args.faults:
        figures.update(
            {
                "fault_errors": len(fault_errors),
                "fault_503s": sum(r.outcome == "friendly_503" for r in fault_errors),
                "fault_bad_503s": sum(r.outcome == "bad_503" for r in fault_errors),
                "fault_500s": sum(r.outcome == "500" for r in fault_errors),
                "fault_tracebacks": sum(r.outcome == "traceback" for r in fault_errors),
                "fault_no_answer": sum(r.outcome == "no_answer" for r in fault_errors),
                "errors_outside_faults": len(outside_errors),
                "per_fault": per_fault,
            }
        )

    print()
    mode = "with faults" if args.faults else "no faults"
    print(
        f"Load ({mode}): production gunicorn ({args.web_workers} sync workers), worker, beat; "
        f"{len(participants)} people in {len(orgs)} organizations + {len(orgs)} HR API "
        f"clients, {elapsed:.0f} s, think {args.think:g} s"
    )
    print(
        f"  {len(records)} requests, {figures['rps']} req/s, p50 {figures['p50_ms']} ms, "
        f"p95 {figures['p95_ms']} ms, p99 {figures['p99_ms']} ms, errors {len(errors)}"
    )
    print(
        "  p95 by kind: " + ", ".join(f"{k} {v} ms" for k, v in figures["p95_ms_by_kind"].items())
    )
    print(f"  outcomes: {dict(outcomes)}")
    print(
        f"  writes: {len(writes)} ({figures['writes_by_kind']}), ok {len(ok_markers)}, "
        f"failed {len(failed_markers)}, sent again {figures['writes_sent_again']}; "
        f"lost {len(lost)}, duplicated {duplicates}, failed but saved {len(failed_but_saved)}"
    )
    print(
        f"  outbox: {figures['outbox_rows']} rows, sent {figures['outbox_sent']}, unsent "
        f"{figures['outbox_unsent']}, failed {figures['outbox_failed']}, duplicate keys "
        f"{figures['outbox_duplicates']}; emails delivered {figures['emails_delivered']}, "
        f"duplicated {emails_duplicated}, missing {emails_missing}; drained in "
        f"{figures['outbox_drain_s']} s"
    )
    if args.faults:
        print(
            f"  faults: errors {figures['fault_errors']} (friendly 503 {figures['fault_503s']}, "
            f"bad 503 {figures['fault_bad_503s']}, 500 {figures['fault_500s']}, tracebacks "
            f"{figures['fault_tracebacks']}, no answer {figures['fault_no_answer']}); errors "
            f"outside the fault windows {figures['errors_outside_faults']}"
        )
        for name, row in per_fault.items():
            print(f"    {name}: {row}")
    if lost:
        print(f"  LOST: {lost[:10]}")
    if outside_errors:
        print(f"  errors outside faults: {Counter(r.outcome for r in outside_errors)}")
    if args.keep:
        with (run_dir / "requests.jsonl").open("w") as out:
            for r in sorted(records, key=lambda r: r.at):
                out.write(json.dumps(r.__dict__) + "\n")
        (run_dir / "web-errors.log").write_text("\n".join(api_bench._errors))
        print(f"  logs: {run_dir} (requests.jsonl, web-errors.log, worker.log, beat.log)")
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main()

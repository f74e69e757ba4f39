"""Large organizations: every page and background job, large company beside the demo one.

    python -m bench.large_org [--quick] [--rounds 10] [--warmups 2] [--keep]

Seeds, into a scratch database (``mentoring_bench_large``), the demo organizations
(``mentoring.demo``: "acme" is the small one) and one large organization
(``bench.large_seed``: 5,002 members, two running programs of 2,087 enrolments, a
2,000 x 1,000 program in matching with a draft match run, 2,500 mentorships, 50,000
sessions with 150,000 agenda points, 20,000 feedback entries, 12,000 survey answers,
100,000 audit events; ``--quick`` seeds a tenth of it). Then it starts the production
stack on loopback: gunicorn (production settings, 2 sync workers, the application wrapped
by ``bench.counted_web`` so that each answer says how many queries it ran), a Celery
worker as ``make run`` starts it (``--concurrency 2``, each task's statements counted by
``bench.counted_web``) and a private Redis. It signs in through the real sign-in form as
each organization's program manager, a mentee and its HR analyst, and requests every page
of issue 16's table plus the participant pages: 2 warm-ups, then 10 timed requests each,
the two organizations in the same run. Last, it runs the background jobs as people do, in
the issue's order: the manager POSTs the CSV enrolment import (2,000, then 10,000 rows)
and the match run (2,000 x 1,000) in the admin, the platform operator (root host) POSTs
the organization export; each is followed until done (``status.json``; the export's
Job row). Reported: wall time from the POST, the Job row's waiting and running times,
and the statements the worker ran for the job.

It prints a table and, last, one JSON line with every figure, the large / small ratio per
page and whether each target is met: page median <= 250 ms and <= 2x the small
organization's, no request over 1 s, CSV import of 10,000 rows <= 30 s, match run <= 5 s
(both from the POST; the match run also on its own running time).
Times are from a shared 2-core machine: read them as rough figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from . import large_seed
from .api import ROOT, free_port
from .api import stop as stop_gunicorn
from .counted_web import HEADER
from .database import fresh_database
from .large_seed import Sizes, log
from .load import collect_static
from .stack import Process, RedisServer, production_env, wait_for_port

DATABASE = "mentoring_bench_large"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
PAGE_MEDIAN_MS = 250
PAGE_RATIO = 2.0
REQUEST_MAX_MS = 1000
CSV_10000_SECONDS = 30
MATCH_RUN_SECONDS = 5
# (name, who visits it, path template): the table first, then participant pages.
PAGES = (
    ("manager_home", "manager", "/"),
    ("draft_review", "manager", "/admin/matching/matchrun/{draft_run_id}/change/"),
    ("profile", "manager", "/me/profile/"),
    ("survey_statistics", "manager", "/admin/feedback/surveyresponse/"),
    ("enrolments_admin", "manager", "/admin/programs/enrollment/"),
    ("mentorships_admin", "manager", "/admin/matching/mentorship/"),
    ("member_home", "mentee", "/"),
    ("pair_page", "mentee", "/mentorships/{mentorship_id}/"),
    ("hr_home", "hr", "/hr/"),
)


# ---------------------------------------------------------------- a browser


@dataclass
class Answer:
    status: int
    ms: float
    size: int
    queries: int | None
    location: str
    body: bytes


class Browser:
    """One person's browser on their organization's host: cookies and CSRF tokens."""

    def __init__(self, port: int, slug: str) -> None:
        """``slug`` "" is the platform's root host (the operator's admin)."""
        self.port = port
        self.host = f"{slug}.localhost:{port}" if slug else f"localhost:{port}"
        self.cookies: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> Answer:
        """``files``: field -> (file name, content), sent as multipart with ``form``."""
        headers = {"Host": self.host, "User-Agent": "bench.large_org"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body: bytes | str | None = None
        if files is not None:
            body, headers["Content-Type"] = multipart(form or {}, files)
            headers["Origin"] = f"http://{self.host}"
        elif form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{self.host}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            ms = 1000 * (time.perf_counter() - began)
            for raw in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(raw)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            queries = response.getheader(HEADER)
            return Answer(
                response.status,
                ms,
                len(content),
                int(queries) if queries else None,
                response.getheader("Location") or "",
                content,
            )
        finally:
            connection.close()

    def sign_in(self, email: str, password: str) -> None:
        page = self.request("GET", "/accounts/login/")
        token = CSRF.search(page.body)
        if page.status != 200 or not token:
            raise RuntimeError(f"no sign-in form on {self.host} ({page.status})")
        answer = self.request(
            "POST",
            "/accounts/login/",
            {"login": email, "password": password, "csrfmiddlewaretoken": token.group(1).decode()},
        )
        if answer.status != 302:
            raise RuntimeError(f"{email} could not sign in on {self.host} ({answer.status})")

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on ``path`` (a GET, as the page is opened first)."""
        page = self.request("GET", path)
        token = CSRF.search(page.body)
        if page.status != 200 or not token:
            raise RuntimeError(f"no form on {self.host}{path} ({page.status})")
        return token.group(1).decode()


def multipart(form: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = f"bench-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in form.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------- pages


@dataclass
class Target:
    """One organization as the bench visits it."""

    slug: str
    organization_id: int
    emails: dict[str, str]  # who -> address
    password: str
    ids: dict[str, int]  # draft_run_id, mentorship_id, matching_program_id
    browsers: dict[str, Browser] = field(default_factory=dict)


def measure_page(browser: Browser, path: str, rounds: int, warmups: int) -> dict:
    warm = [browser.request("GET", path) for _ in range(warmups)]
    answers = [browser.request("GET", path) for _ in range(rounds)]
    times = sorted(a.ms for a in answers)
    statuses = sorted({a.status for a in warm + answers})
    counts = sorted({a.queries for a in answers if a.queries is not None})
    return {
        "path": path,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 1),
        "max_ms": round(times[-1], 1),
        "warmup_max_ms": round(max((a.ms for a in warm), default=0), 1),
        "queries": counts[-1] if counts else None,
        "queries_vary": len(counts) > 1,
        "kib": round(answers[-1].size / 1024, 1),
        "statuses": statuses,
    }


def measure_pages(target: Target, rounds: int, warmups: int) -> dict[str, dict]:
    figures = {}
    for name, who, template in PAGES:
        path = template.format(**target.ids)
        figures[name] = measure_page(target.browsers[who], path, rounds, warmups)
        row = figures[name]
        log(
            f"{target.slug} {name}: median {row['median_ms']} ms, p95 {row['p95_ms']} ms, "
            f"{row['queries']} queries, {row['kib']} KiB, status {row['statuses']}"
        )
    return figures


# ---------------------------------------------------------------- background jobs

JOB_PAGE = re.compile(r"/admin/mentoring/job/(\d+)/change/")
EXPORT_PAGE = re.compile(r"/admin/mentoring/organization/\d+/export/(\d+)/")
POLL_SECONDS = 0.25
JOB_TIMEOUT = 900.0


def post_job(
    browser: Browser,
    form_path: str,
    post_path: str,
    form: dict,
    page: re.Pattern,
    files: dict[str, tuple[str, bytes]] | None = None,
) -> tuple[int | None, float, Answer]:
    """Open the form (its CSRF token), POST it as the person would; the job's id from the
    redirect to its page (None when the form came back), and when the POST was sent."""
    token = browser.csrf_token(form_path)
    began = time.perf_counter()
    answer = browser.request("POST", post_path, {**form, "csrfmiddlewaretoken": token}, files)
    found = page.search(answer.location) if answer.status == 302 else None
    return (int(found.group(1)) if found else None), began, answer


def poll_job(browser: Browser, job_id: int, began: float, phases: set) -> dict:
    """GET ``/admin/mentoring/job/<id>/status.json`` until the job is done or failed."""
    while time.perf_counter() - began < JOB_TIMEOUT:
        answer = browser.request("GET", f"/admin/mentoring/job/{job_id}/status.json")
        status = json.loads(answer.body) if answer.status == 200 else {"status": "unknown"}
        if status.get("phase"):
            phases.add(status["phase"])
        if status.get("status") in ("done", "failed"):
            return status
        time.sleep(POLL_SECONDS)
    return {"status": "timeout"}


def poll_job_row(organization_id: int, job_id: int, began: float, phases: set) -> dict:
    """The same state read from the Job row and Redis in this process (the export's pages
    are HTML only: it has no status.json)."""
    from mentoring.jobs.models import Job
    from mentoring.jobs.pages import job_state
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization

    organization = Organization.objects.get(pk=organization_id)
    while time.perf_counter() - began < JOB_TIMEOUT:
        with activate(organization):
            job = Job.objects.defer("payload", "result_file").get(pk=job_id)
            state = job_state(job)
        if state.get("phase"):
            phases.add(state["phase"])
        if state["status"] in ("done", "failed"):
            return {**state, "summary": job.summary, "errors": job.errors}
        time.sleep(POLL_SECONDS)
    return {"status": "timeout"}


def job_row(organization_id: int, job_id: int) -> dict:
    """The Job row's own times: waiting for a worker (created -> started) and running."""
    from django.db.models.functions import Length

    from mentoring.jobs.models import Job
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization

    with activate(Organization.objects.get(pk=organization_id)):
        job = (
            Job.objects.defer("payload", "result_file")
            .annotate(file_bytes=Length("result_file"))
            .get(pk=job_id)
        )

    def between(start, end) -> float | None:
        return round((end - start).total_seconds(), 2) if start and end else None

    return {
        "waited_seconds": between(job.created_at, job.started_at),
        "running_seconds": between(job.started_at, job.finished_at),
        "attempts": job.attempts,
        "summary": job.summary,
        "file_mib": round(job.file_bytes / 2**20, 1) if job.file_bytes else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def worker_tasks(task_log: Path) -> list[dict]:
    if not task_log.exists():
        return []
    return [json.loads(line) for line in task_log.read_text().splitlines() if line.strip()]


def job_task_queries(task_log: Path, job_id: int, wait: float = 10.0) -> tuple[int | None, int]:
    """Statements the worker ran for the job (every attempt), and how many other tasks
    (enrolment emails and the like) the worker ran meanwhile. The worker writes its line
    just after the task returns, a moment after the job's row says done."""
    deadline = time.perf_counter() + wait
    while True:
        tasks = worker_tasks(task_log)
        mine = [t for t in tasks if t["task"].endswith("run_job") and t["args"][1:2] == [job_id]]
        if mine or time.perf_counter() > deadline:
            break
        time.sleep(0.2)
    if not mine:
        return None, len(tasks)
    return sum(t["queries"] for t in mine), len(tasks)


def measure_job(
    name: str,
    target: Target,
    task_log: Path,
    start: Callable[[], tuple[int | None, float, Answer]],
    poll: Callable[[int, float, set], dict],
) -> dict:
    """One background job as a person runs it: POST its admin form (real session, CSRF,
    through gunicorn), then follow it until done or failed. Its wall time from the POST,
    the Job row's own waiting and running times, and the statements the worker ran."""
    tasks_before = len(worker_tasks(task_log))
    job_id, began, answer = start()
    if job_id is None:
        error = f"the form did not start a job (status {answer.status}, {answer.location!r})"
        log(f"job {name}: {error}")
        return {"seconds": None, "queries": None, "error": error, "job_id": None}
    phases: set = set()
    state = poll(job_id, began, phases)
    seconds = round(time.perf_counter() - began, 2)
    queries, tasks_after = job_task_queries(task_log, job_id)
    figures = {
        "job_id": job_id,
        "seconds": seconds,
        "how": "admin form POST through gunicorn, polled until done; queries: worker task",
        "status": state.get("status"),
        "post_ms": round(answer.ms, 1),
        "post_queries": answer.queries,
        "queries": queries,
        "other_tasks_meanwhile": tasks_after - tasks_before - 1,
        "phases_seen": sorted(phases),
        **job_row(target.organization_id, job_id),
        "error": None,
    }
    if state.get("status") != "done":
        errors = state.get("errors") or []
        figures["error"] = f"{state.get('status')}: {str(errors)[:300]}"
    log(
        f"job {name}: {seconds} s from the POST ({figures['waited_seconds']} s waiting, "
        f"{figures['running_seconds']} s running), {queries} worker queries, "
        f"status {figures['status']}"
    )
    return figures


def run_jobs(
    target: Target, operator: Browser, sizes: Sizes | None, task_log: Path
) -> dict[str, dict]:
    """The background jobs of one organization, in the issue's order: CSV imports, a
    match run, the export (by the platform operator). ``sizes`` None: the small
    organization (10 rows, its own draft's program)."""
    from matching.models import MatchProposal, MatchRun
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from programs.models import Enrollment, Program

    organization = Organization.objects.get(pk=target.organization_id)
    manager = target.browsers["manager"]
    jobs: dict[str, dict] = {}
    counts = sizes.csv_rows if sizes else (10,)
    with activate(organization):
        members = list(
            organization_members_emails(exclude={target.emails["manager"], target.emails["hr"]})
        )
    for rows in counts:
        missing = rows - len(members)
        if missing > 0:  # a 10,000-row file needs 10,000 people: newcomers join first
            members += large_seed.add_members(target.organization_id, missing, "newcomer")
            log(f"{target.slug}: {missing:,} more members for the {rows:,}-row import")
        program_id = large_seed.import_program(target.organization_id, f"Import of {rows}")
        data = large_seed.enrolment_csv(target.organization_id, program_id, members[:rows])
        figures = measure_job(
            f"csv_{rows}",
            target,
            task_log,
            lambda program_id=program_id, data=data, rows=rows: post_job(
                manager,
                f"/admin/programs/enrollment/import/?program={program_id}",
                "/admin/programs/enrollment/import/",
                {"program": program_id},
                JOB_PAGE,
                files={"file": (f"enrolments-{rows}.csv", data)},
            ),
            lambda job_id, began, phases: poll_job(manager, job_id, began, phases),
        )
        figures.update(rows=rows, kib=round(len(data) / 1024, 1))
        with activate(organization):
            figures["enrolled"] = Enrollment.objects.filter(program_id=program_id).count()
        jobs[f"csv_{rows}"] = figures

    program_id = target.ids["matching_program_id"]
    figures = measure_job(
        "match_run",
        target,
        task_log,
        lambda: post_job(
            manager,
            f"/admin/matching/matchrun/start/?program={program_id}",
            f"/admin/matching/matchrun/start/?program={program_id}",
            {"program": program_id},  # weights left blank: the program's own
            JOB_PAGE,
        ),
        lambda job_id, began, phases: poll_job(manager, job_id, began, phases),
    )
    with activate(organization):
        program = Program.objects.get(pk=program_id)
        pool = program.enrollments.filter(status="approved")
        figures["mentees"] = pool.filter(role="mentee").count()
        figures["mentors"] = pool.filter(role="mentor").count()
        run = MatchRun.objects.filter(program=program).order_by("-pk").first()
        figures["pairs"] = MatchProposal.objects.filter(run=run).count() if run else 0
    jobs["match_run"] = figures

    org_page = f"/admin/mentoring/organization/{target.organization_id}"
    figures = measure_job(
        "organization_export",
        target,
        task_log,
        lambda: post_job(operator, f"{org_page}/change/", f"{org_page}/export/", {}, EXPORT_PAGE),
        lambda job_id, began, phases: poll_job_row(target.organization_id, job_id, began, phases),
    )
    figures["mib"] = figures.get("file_mib")
    jobs["organization_export"] = figures
    return jobs


def organization_members_emails(exclude: set[str]) -> list[str]:
    """The active organization's members' addresses, in a stable order."""
    from mentoring.people.models import Profile

    return [
        email
        for email in Profile.objects.order_by("pk").values_list("user__email", flat=True)
        if email not in exclude
    ]


# ---------------------------------------------------------------- the two organizations


def small_target() -> Target:
    """The demo's "acme": its manager, HR analyst and a mentee with a pair."""
    from matching.models import MatchRun, Mentorship
    from mentoring import demo
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization

    organization = Organization.objects.get(slug="acme")
    with activate(organization):
        draft = MatchRun.objects.filter(status="draft").order_by("-pk").first()
        pair = (
            Mentorship.objects.filter(status="active")
            .select_related("mentee__person__user")
            .order_by("pk")
            .first()
        )
    if draft is None or pair is None:
        raise RuntimeError("the demo organization has no draft run or no active pair")
    return Target(
        slug="acme",
        organization_id=organization.pk,
        emails={
            "manager": demo.email_for("morgan.lee", "acme"),
            "hr": demo.email_for("harper.quinn", "acme"),
            "mentee": pair.mentee.person.user.email,
        },
        password=demo.DEMO_PASSWORD,
        ids={
            "draft_run_id": draft.pk,
            "mentorship_id": pair.pk,
            "matching_program_id": draft.program_id,
        },
    )


def large_target(large: large_seed.LargeOrg) -> Target:
    return Target(
        slug=large.slug,
        organization_id=large.organization_id,
        emails={"manager": large.manager_email, "hr": large.hr_email, "mentee": large.mentee_email},
        password=large_seed.PASSWORD,
        ids={
            "draft_run_id": large.draft_run_id,
            "mentorship_id": large.mentorship_id,
            "matching_program_id": large.matching_program_id,
        },
    )


def data_sizes(organization_id: int) -> dict[str, int]:
    """What the organization holds, counted (the seeding is checked, not assumed)."""
    from feedback.models import Feedback, SurveyResponse
    from matching.models import MatchProposal, Mentorship
    from mentoring.audit.models import AuditEvent
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization
    from programs.models import Enrollment
    from sessions.models import AgendaItem, Session

    with activate(Organization.objects.get(pk=organization_id)):
        return {
            "members": Membership.objects.count(),
            "enrolments": Enrollment.objects.count(),
            "mentorships": Mentorship.objects.count(),
            "sessions": Session.objects.count(),
            "agenda_points": AgendaItem.objects.count(),
            "feedback": Feedback.objects.count(),
            "survey_answers": SurveyResponse.objects.count(),
            "audit_events": AuditEvent.objects.count(),
            "draft_pairs": MatchProposal.objects.filter(run__status="draft").count(),
        }


# ---------------------------------------------------------------- report


def verdicts(pages: dict, jobs: dict, sizes: Sizes) -> dict:
    small, large = pages["small"], pages["large"]
    per_page = {}
    for name, _who, _path in PAGES:
        s, big = small[name], large[name]
        ratio = round(big["median_ms"] / s["median_ms"], 2) if s["median_ms"] else None
        big["ratio"] = ratio
        per_page[name] = {
            "median_ok": big["median_ms"] <= PAGE_MEDIAN_MS,
            "ratio_ok": ratio is not None and ratio <= PAGE_RATIO,
            "status_ok": big["statuses"] == [200] and s["statuses"] == [200],
        }
    slowest = max(row["max_ms"] for organization in (small, large) for row in organization.values())
    big_csv = jobs["large"].get(f"csv_{sizes.csv_rows[-1]}", {})
    match = jobs["large"].get("match_run", {})
    return {
        "pages": per_page,
        "every_page_median_le_250ms": all(v["median_ok"] for v in per_page.values()),
        "every_page_le_2x_small": all(v["ratio_ok"] for v in per_page.values()),
        "every_page_200": all(v["status_ok"] for v in per_page.values()),
        "no_request_over_1s": slowest <= REQUEST_MAX_MS,
        "slowest_request_ms": slowest,
        # Wall time from the POST to done: what the manager waits.
        f"csv_{sizes.csv_rows[-1]}_le_30s": within(big_csv, "seconds", CSV_10000_SECONDS),
        "match_run_le_5s": within(match, "seconds", MATCH_RUN_SECONDS),
        # The match run's own running time (Job.started_at -> finished_at), no queue wait.
        "match_run_running_le_5s": within(match, "running_seconds", MATCH_RUN_SECONDS),
    }


def within(job: dict, key: str, limit: float) -> bool:
    value = job.get(key)
    return bool(job and not job.get("error") and value is not None and value <= limit)


def dash(value) -> str:
    return "-" if value is None else str(value)


def yes(flag: bool) -> str:
    return "yes" if flag else "NO"


def print_report(summary: dict) -> None:
    pages, jobs, targets = summary["pages"], summary["jobs"], summary["targets"]
    print()
    print(
        f"Large organization ({summary['sizes']['large']['members']:,} members) beside the "
        f"demo's acme, production gunicorn (2 sync workers), {summary['rounds']} requests "
        f"after {summary['warmups']} warm-ups; shared {os.cpu_count()}-core machine"
    )
    header = (
        f"{'page':<19}{'small ms':>9}{'p95':>7}{'q':>5}{'large ms':>10}{'p95':>8}{'max':>8}"
        f"{'q':>6}{'KiB':>8}{'ratio':>7}  <=250  <=2x"
    )
    print(header)
    for name, _who, _path in PAGES:
        s, big = pages["small"][name], pages["large"][name]
        verdict = targets["pages"][name]
        print(
            f"{name:<19}{s['median_ms']:>9}{s['p95_ms']:>7}{s['queries'] or '-':>5}"
            f"{big['median_ms']:>10}{big['p95_ms']:>8}{big['max_ms']:>8}"
            f"{big['queries'] or '-':>6}{big['kib']:>8}{big['ratio'] or '-':>7}"
            f"  {yes(verdict['median_ok']):>5}  {yes(verdict['ratio_ok']):>4}"
            + ("" if verdict["status_ok"] else f"  status {s['statuses']}/{big['statuses']}")
        )
    print()
    print(
        "background jobs, POSTed through the admin and polled until done (small: acme, its "
        "CSV has 10 rows); wall = from the POST, wait/run = the Job row's created -> started "
        "-> finished; q = statements the worker's task ran"
    )
    print(
        f"{'background job':<21}{'small s':>8}{'q':>6}{'large s':>9}{'wait':>7}{'run':>7}"
        f"{'q':>7}  notes"
    )
    for name in jobs["large"]:
        big = jobs["large"][name]
        s = jobs["small"].get("csv_10" if name.startswith("csv") else name) or {}
        notes = []
        if "rows" in big and name.startswith("csv"):
            notes.append(f"{big['rows']:,} rows, {big['kib']} KiB, {big['enrolled']:,} enrolled")
        if name == "match_run" and "pairs" in big:
            notes.append(f"{big['mentees']:,} x {big['mentors']:,}, {big['pairs']:,} pairs")
        if big.get("mib"):
            notes.append(f"{big['mib']} MiB")
        if big.get("summary"):
            notes.append(big["summary"][:80])
        if big.get("other_tasks_meanwhile"):
            notes.append(f"{big['other_tasks_meanwhile']} other tasks meanwhile")
        if big["error"]:
            notes.append(f"FAILED: {big['error']}")
        print(
            f"{name:<21}{dash(s.get('seconds')):>8}{dash(s.get('queries')):>6}"
            f"{dash(big['seconds']):>9}{dash(big.get('waited_seconds')):>7}"
            f"{dash(big.get('running_seconds')):>7}{dash(big['queries']):>7}  {'; '.join(notes)}"
        )
    print()
    print(
        "targets: every page median <= 250 ms "
        f"{yes(targets['every_page_median_le_250ms'])}; every page <= 2x small "
        f"{yes(targets['every_page_le_2x_small'])}; no request over 1 s "
        f"{yes(targets['no_request_over_1s'])} (slowest {targets['slowest_request_ms']} ms); "
        + "; ".join(
            f"{key} {yes(value)}"
            for key, value in targets.items()
            if key.startswith("csv_") or key.startswith("match_run")
        )
    )
    if summary.get("server_errors"):
        print(f"server errors logged: {summary['server_errors']}")


# ---------------------------------------------------------------- main


def start_web(
    env: dict, workers: int, log_path: Path, app: str = "bench.counted_web:application"
) -> tuple[subprocess.Popen, int]:
    """Gunicorn as deployed (sync workers) on the counting application, its log kept."""
    port = free_port()
    with log_path.open("ab") as output:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", app),
                *("--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
                *("--worker-class", "sync", "--timeout", "30"),
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    wait_for_port(port, timeout=30)
    time.sleep(2.0)  # the master listens before its workers have imported the application
    return process, port


def server_errors(log_path: Path) -> list[str]:
    if not log_path.exists():
        return []
    lines = log_path.read_text(errors="replace").splitlines()
    return [line for line in lines if "Traceback" in line or "ERROR" in line]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the data, fewer rows")
    parser.add_argument("--rounds", type=int, default=10, help="timed requests per page")
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the logs directory")
    args = parser.parse_args(argv)
    sizes = Sizes.quick() if args.quick else Sizes()
    from django.conf import settings

    if settings.configured:  # it would point at DATABASE_URL's database, not the scratch one
        raise RuntimeError("Django was configured before the bench database was made")

    run_dir = Path(tempfile.mkdtemp(prefix="bench-large-"))
    mail_dir = run_dir / "mail"
    mail_dir.mkdir()
    # Mail goes to files, in this process and in the worker; a private Redis keeps the
    # worker off everybody else's queues.
    os.environ["EMAIL_BACKEND"] = "bench.mailsink.EmailBackend"
    os.environ["BENCH_MAIL_DIR"] = str(mail_dir)
    redis = RedisServer(run_dir / "redis")
    redis.start()
    os.environ["REDIS_URL"] = redis.url
    services = web = worker = None
    web_log = run_dir / "web.log"
    began = time.perf_counter()
    try:
        services = fresh_database(DATABASE)
        from mentoring import demo
        from mentoring.audit.context import acting_as

        with acting_as("seed"):
            demo.seed()
        log(f"demo organizations in {time.perf_counter() - began:.0f} s")
        large = large_seed.seed(sizes)
        seed_seconds = round(time.perf_counter() - began, 1)
        log(f"seeded in {seed_seconds} s")
        small, big = small_target(), large_target(large)
        data = {
            "small": data_sizes(small.organization_id),
            "large": data_sizes(big.organization_id),
        }
        log(f"data: {data}")

        env = production_env(
            database_url=os.environ["DATABASE_URL"],
            owner_url=os.environ["DATABASE_OWNER_URL"],
            redis_url=redis.url,
            EMAIL_BACKEND="bench.mailsink.EmailBackend",
            BENCH_MAIL_DIR=str(mail_dir),
        )
        collect_static(env)
        web, port = start_web({**env, "LOG_LEVEL": "WARNING"}, args.workers, web_log)
        # The worker as `make run` starts it (2 processes), each task's statements counted.
        task_log = run_dir / "tasks.jsonl"
        worker = Process(
            "worker",
            [sys.executable, "-m", "bench.counted_web", "worker", "-l", "INFO", "-c", "2"],
            {**env, "BENCH_TASK_LOG": str(task_log)},
            run_dir / "worker.log",
        )
        worker.start(ready_line=" ready.")
        log(f"web on :{port} ({args.workers} sync workers), worker up, logs in {run_dir}")

        for target in (small, big):
            for who, email in target.emails.items():
                browser = Browser(port, target.slug)
                browser.sign_in(email, target.password)
                target.browsers[who] = browser
        operator = Browser(port, "")  # the platform operator, on the root host
        operator.sign_in(demo.OPERATOR_EMAIL, demo.DEMO_PASSWORD)
        pages = {
            "small": measure_pages(small, args.rounds, args.warmups),
            "large": measure_pages(big, args.rounds, args.warmups),
        }
        jobs = {
            "small": run_jobs(small, operator, None, task_log),
            "large": run_jobs(big, operator, sizes, task_log),
        }
    finally:
        errors = server_errors(web_log)
        if errors:
            log(f"{len(errors)} errors in the server's log: {web_log} (kept)")
            args.keep = True
        if worker is not None:
            worker.stop()
        if web is not None:
            stop_gunicorn(web)
        if services is not None:
            services.stop()
        redis.stop()
        if not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)

    summary = {
        "quick": args.quick,
        "rounds": args.rounds,
        "warmups": args.warmups,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "seed_seconds": seed_seconds,
        "seed_steps": large.seconds,
        "sizes": data,
        "pages": pages,
        "jobs": jobs,
    }
    summary["targets"] = verdicts(pages, jobs, sizes)
    summary["server_errors"] = len(errors)
    print_report(summary)
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()

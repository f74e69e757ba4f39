"""Calendar benchmark: the slot finder and the personal calendar feed, on busy people.

    python -m bench.calendar [--rounds 40] [--warmups 3] [--workers 2] [--keep]

Seeds, into a scratch database of its own (``mentoring_bench_calendar``), one organization
with a cross-time-zone pair (the mentee in Chicago, the mentor in Berlin), each keeping a
dozen weekly windows on their own clock, and each busy with 300 planned sessions over the
next four weeks in ten other mentorships of theirs (the mentee mentors ten people in a
second program; the mentor has ten other mentees). The mentor also held 200 sessions in
the last three months, so their calendar feed lists 500 sessions.

Then it measures, each in this process and through the real server (gunicorn with the
production settings on loopback, 2 sync workers, the application wrapped by
``bench.counted_web`` so that each answer says how many queries it ran, a private Redis):

- slots: ``sessions.selectors.slots.mutual_slots`` over four weeks (the default horizon)
  in process; the scheduling page ``/mentorships/<id>/sessions/new/``, which shows the
  slots, through the server, signed in as the mentee through the real sign-in form;
- feed: ``/calendar/<token>.ics`` (Django's test client in process, plain HTTP through the
  server), three ways: "fresh" after a change to one of the sessions (a new version: the
  text is rendered again), "cached" (the same version: the text comes from the cache) and
  "not_modified" (``If-None-Match`` with the ETag: a 304).

Printed: a line per figure, then one JSON line with the median and p95 of each and the
issue's targets beside them (slots <= 20 ms, feed <= 50 ms). Nothing is asserted. Times
are from a shared machine: read them as rough figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path

from .api import stop as stop_gunicorn
from .database import fresh_database
from .large_org import Browser, server_errors, start_web
from .load import collect_static
from .stack import RedisServer, production_env

DATABASE = "mentoring_bench_calendar"
SLUG = "calendar"
PASSWORD = "calendar-bench-password"  # the scratch database only
SLOTS_TARGET_MS = 20
FEED_TARGET_MS = 50
OTHER_MENTORSHIPS = 10  # per person of the pair
PLANNED_EACH = 300  # planned sessions of each person of the pair, in the four weeks
HELD_BY_MENTOR = 200  # in the last three months: the mentor's feed lists 500
HORIZON_DAYS = 28
MENTEE_ZONE = "America/Chicago"
MENTOR_ZONE = "Europe/Berlin"
# A dozen windows each, Monday to Saturday, on each person's own clock.
MENTEE_WINDOWS = ((wall_time(7), wall_time(11)), (wall_time(13), wall_time(17)))
MENTOR_WINDOWS = ((wall_time(9), wall_time(12, 30)), (wall_time(13, 30), wall_time(18)))


def log(message: str) -> None:
    print(f"[bench.calendar] {message}", flush=True)


@dataclass
class Seeded:
    organization_id: int
    mentorship_id: int
    mentee_email: str
    mentor_user_id: int
    feed_token: str
    touch_session_ids: list[int]  # the mentor's planned sessions, touched to change the feed


def seed(seed_value: int = 17) -> Seeded:
    """The organization, the pair, their other mentorships and sessions, their windows."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from matching.models import Mentorship
    from mentoring.audit.context import acting_as
    from mentoring.people.models import Profile
    from mentoring.people.services import organization_people_defaults_install
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Membership, Organization, Role
    from programs.models import Enrollment, Program
    from programs.services import organization_programs_defaults_install
    from sessions.models import AvailabilityWindow, Session
    from sessions.services import organization_sessions_defaults_install
    from sessions.services.feed import calendar_feed_issue

    rng = random.Random(seed_value)
    now = datetime.now(UTC)
    today = now.date()
    User = get_user_model()
    password = make_password(PASSWORD)
    organization = Organization.objects.create(slug=SLUG, name="Calendar Bench")
    with activate(organization), acting_as("bench.calendar"):
        organization_people_defaults_install(organization=organization)
        organization_programs_defaults_install(organization=organization)
        organization_sessions_defaults_install(organization=organization)

        count = 2 + 2 * OTHER_MENTORSHIPS
        emails = [f"person{i}@{SLUG}.example" for i in range(count)]
        users = User.objects.bulk_create(
            [User(username=e, email=e, password=password) for e in emails]
        )
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users]
        )
        Membership.objects.bulk_create(
            [Membership(organization=organization, user=u, role=Role.MEMBER) for u in users]
        )
        zones = [MENTEE_ZONE, MENTOR_ZONE, "Asia/Kolkata", "America/New_York", "Europe/London"]
        people = Profile.objects.bulk_create(
            [
                Profile(
                    organization=organization,
                    user=user,
                    display_name=("Casey Mentee", "Robin Mentor")[i] if i < 2 else f"Person {i}",
                    time_zone=zones[i] if i < 2 else rng.choice(zones[2:]),
                    languages=["en"],
                )
                for i, user in enumerate(users)
            ]
        )
        mentee, mentor = people[0], people[1]
        mentees_of_mentor = people[2 : 2 + OTHER_MENTORSHIPS]
        mentees_of_mentee = people[2 + OTHER_MENTORSHIPS :]

        def program(name: str) -> Program:
            return Program.objects.create(
                organization=organization,
                name=name,
                purpose="Practise listening and giving feedback.",
                starts_on=today - timedelta(days=120),
                ends_on=today + timedelta(days=240),
                status="running",
            )

        main, peers = program("Main cohort"), program("Peer mentoring")

        def enrol(cohort: Program, person: Profile, role: str) -> Enrollment:
            return Enrollment(
                organization=organization,
                program=cohort,
                person=person,
                role=role,
                status="approved",
                capacity=OTHER_MENTORSHIPS + 1 if role == "mentor" else None,
                situations=["A meeting where I stayed quiet."] if role == "mentee" else [],
            )

        enrolments = Enrollment.objects.bulk_create(
            [enrol(main, mentee, "mentee"), enrol(main, mentor, "mentor")]
            + [enrol(main, person, "mentee") for person in mentees_of_mentor]
            + [enrol(peers, mentee, "mentor")]
            + [enrol(peers, person, "mentee") for person in mentees_of_mentee]
        )
        mentee_in_main, mentor_in_main = enrolments[0], enrolments[1]
        others_of_mentor = enrolments[2 : 2 + OTHER_MENTORSHIPS]
        mentee_as_mentor = enrolments[2 + OTHER_MENTORSHIPS]
        others_of_mentee = enrolments[3 + OTHER_MENTORSHIPS :]

        def pair(cohort: Program, of_mentee: Enrollment, of_mentor: Enrollment) -> Mentorship:
            return Mentorship(
                organization=organization,
                program=cohort,
                mentee=of_mentee,
                mentor=of_mentor,
                status="active",
                started_on=today - timedelta(days=100),
                ends_on=today + timedelta(days=200),
            )

        pairs = Mentorship.objects.bulk_create(
            [pair(main, mentee_in_main, mentor_in_main)]
            + [pair(main, enrolment, mentor_in_main) for enrolment in others_of_mentor]
            + [pair(peers, enrolment, mentee_as_mentor) for enrolment in others_of_mentee]
        )
        the_pair, mentor_pairs, mentee_pairs = (
            pairs[0],
            pairs[1 : 1 + OTHER_MENTORSHIPS],
            pairs[1 + OTHER_MENTORSHIPS :],
        )

        def planned(mentorship: Mentorship) -> Session:
            # anywhere in the next four weeks, on the quarter hour, 30 to 90 minutes
            minutes = rng.randrange(60, HORIZON_DAYS * 24 * 60) // 15 * 15
            return Session(
                organization=organization,
                mentorship=mentorship,
                status="planned",
                starts_at=now.replace(second=0, microsecond=0) + timedelta(minutes=minutes),
                duration_minutes=rng.choice([30, 45, 60, 90]),
                location="https://meet.example/room",
            )

        def held(mentorship: Mentorship) -> Session:
            at = now - timedelta(minutes=rng.randrange(24 * 60, 90 * 24 * 60) // 15 * 15)
            return Session(
                organization=organization,
                mentorship=mentorship,
                status="held",
                starts_at=at,
                actual_minutes=55,
                shared_notes="We talked through a hard meeting.",
                logged_at=at + timedelta(hours=2),
            )

        sessions = [planned(mentee_pairs[k % OTHER_MENTORSHIPS]) for k in range(PLANNED_EACH)]
        mentor_planned = [planned(mentor_pairs[k % OTHER_MENTORSHIPS]) for k in range(PLANNED_EACH)]
        sessions += mentor_planned
        sessions += [held(mentor_pairs[k % OTHER_MENTORSHIPS]) for k in range(HELD_BY_MENTOR)]
        Session.objects.bulk_create(sessions)

        windows = []
        for person, spans in ((mentee, MENTEE_WINDOWS), (mentor, MENTOR_WINDOWS)):
            for weekday in range(6):
                for starts, ends in spans:
                    windows.append(
                        AvailabilityWindow(
                            organization=organization,
                            person=person,
                            weekday=weekday,
                            starts=starts,
                            ends=ends,
                        )
                    )
        AvailabilityWindow.objects.bulk_create(windows)
        feed = calendar_feed_issue(organization=organization, actor=users[1])
    return Seeded(
        organization_id=organization.pk,
        mentorship_id=the_pair.pk,
        mentee_email=emails[0],
        mentor_user_id=users[1].pk,
        feed_token=feed.token,
        touch_session_ids=[session.pk for session in mentor_planned],
    )


# ---------------------------------------------------------------- timing


def figures(times_ms: list[float]) -> dict:
    ordered = sorted(times_ms)
    return {
        "median_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
        "max_ms": round(ordered[-1], 2),
        "rounds": len(ordered),
    }


def timed(call: Callable[[], object], rounds: int, warmups: int, before=None) -> list[float]:
    """``call`` timed ``rounds`` times after ``warmups``; ``before`` runs untimed first."""
    times = []
    for round_number in range(warmups + rounds):
        if before is not None:
            before()
        began = time.perf_counter()
        call()
        elapsed = 1000 * (time.perf_counter() - began)
        if round_number >= warmups:
            times.append(elapsed)
    return times


def toucher(seeded: Seeded) -> Callable[[], None]:
    """A change to one of the mentor's sessions (its place, back and forth), so the feed
    has a new version and its text is rendered again at the next fetch."""
    from django.db.models import Case, Value, When

    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from sessions.models import Session

    organization = Organization.objects.get(pk=seeded.organization_id)
    turn = [0]

    def touch() -> None:
        turn[0] += 1
        session_id = seeded.touch_session_ids[turn[0] % len(seeded.touch_session_ids)]
        with activate(organization):
            Session.objects.filter(pk=session_id).update(
                location=Case(
                    When(location="https://meet.example/room", then=Value("Room 4")),
                    default=Value("https://meet.example/room"),
                )
            )

    return touch


def in_process(seeded: Seeded, rounds: int, warmups: int) -> dict:
    """The slot finder called directly; the feed through Django's test client (middleware,
    host, view: everything but the HTTP server)."""
    from django.test import Client

    from matching.models import Mentorship
    from mentoring.tenancy import activate
    from mentoring.tenancy.models import Organization
    from sessions.selectors.feed import access_feed, feed_sessions, feed_window_start
    from sessions.selectors.slots import mutual_slots

    from .counted_web import count_queries

    organization = Organization.objects.get(pk=seeded.organization_id)
    results: dict = {}
    with activate(organization):
        mentorship = Mentorship.objects.select_related("mentee__person", "mentor__person").get(
            pk=seeded.mentorship_id
        )
        found: list = []

        def find() -> None:
            found[:] = mutual_slots(
                organization=organization, mentorship=mentorship, length_minutes=60
            )

        times = timed(find, rounds, warmups)
        with count_queries() as counter:
            find()
        results["slots"] = {
            **figures(times),
            "queries": counter.queries,
            "slots_found": len(found),
            "first_slot": found[0].starts_at.isoformat() if found else None,
        }
        feed = access_feed(organization=organization, token=seeded.feed_token)
        listed = len(
            feed_sessions(organization=organization, person=feed.person, since=feed_window_start())
        )
    log(f"in process: slots {results['slots']}")

    client = Client(HTTP_HOST=f"{SLUG}.localhost")
    path = f"/calendar/{seeded.feed_token}.ics"
    answer = client.get(path)
    if answer.status_code != 200:
        raise RuntimeError(f"the feed answered {answer.status_code} in process")
    results["feed_sessions"] = listed
    results["feed_kib"] = round(len(answer.content) / 1024, 1)
    results["feed_events"] = answer.content.count(b"BEGIN:VEVENT")
    touch = toucher(seeded)
    results["feed"] = {}
    for name, before in (("fresh", touch), ("cached", None), ("not_modified", None)):
        headers = {"If-None-Match": client.get(path)["ETag"]} if name == "not_modified" else {}

        def fetch(headers=headers):
            return client.get(path, headers=headers)

        times = timed(fetch, rounds, warmups, before)
        if before is not None:
            before()
        with count_queries() as counter:
            last = fetch()
        results["feed"][name] = {
            **figures(times),
            "queries": counter.queries,
            "status": last.status_code,
        }
        log(f"in process: feed {name} {results['feed'][name]}")
    return results


def through_server(seeded: Seeded, port: int, rounds: int, warmups: int) -> dict:
    """The scheduling page (signed in as the mentee) and the feed (no sign-in), over HTTP."""
    mentee = Browser(port, SLUG)
    mentee.sign_in(seeded.mentee_email, PASSWORD)
    path = f"/mentorships/{seeded.mentorship_id}/sessions/new/"
    answers = []

    def page() -> None:
        answers.append(mentee.request("GET", path))

    times = timed(page, rounds, warmups)
    last = answers[-1]
    results = {
        "schedule_page": {
            **figures(times),
            "queries": last.queries,
            "statuses": sorted({a.status for a in answers}),
            "shows_slots": b'id="free-slots"' in last.body,
            "slot_buttons": last.body.count(b'class="slot"'),
            "kib": round(last.size / 1024, 1),
        }
    }
    log(f"server: schedule page {results['schedule_page']}")

    anonymous = Browser(port, SLUG)
    feed_path = f"/calendar/{seeded.feed_token}.ics"
    first = anonymous.request("GET", feed_path)
    if first.status != 200:
        raise RuntimeError(f"the feed answered {first.status} through the server")
    touch = toucher(seeded)
    results["feed"] = {}
    for name, before in (("fresh", touch), ("cached", None), ("not_modified", None)):
        seen: list[tuple[int, int | None]] = []
        headers: dict[str, str] = {}
        if name == "not_modified":
            headers = {"If-None-Match": etag_of(anonymous, feed_path)}

        def fetch(headers=headers, seen=seen) -> None:
            seen.append(conditional(anonymous, feed_path, headers))

        times = timed(fetch, rounds, warmups, before)
        results["feed"][name] = {
            **figures(times),
            "queries": seen[-1][1],
            "statuses": sorted({status for status, _queries in seen}),
        }
        log(f"server: feed {name} {results['feed'][name]}")
    return results


def etag_of(browser: Browser, path: str) -> str:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": browser.host})
        response = connection.getresponse()
        response.read()
        return response.getheader("ETag") or ""
    finally:
        connection.close()


def conditional(browser: Browser, path: str, headers: dict[str, str]) -> tuple[int, int | None]:
    """A GET with extra headers (``Browser.request`` sends none); status and query count."""
    import http.client

    from .counted_web import HEADER

    connection = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=60)
    try:
        connection.request("GET", path, headers={"Host": browser.host, **headers})
        response = connection.getresponse()
        response.read()
        queries = response.getheader(HEADER)
        return response.status, int(queries) if queries else None
    finally:
        connection.close()


# ---------------------------------------------------------------- main


def summary_line(local: dict, server: dict, meta: dict) -> dict:
    slots_ms = local["slots"]["median_ms"]
    feed_ms = local["feed"]["fresh"]["median_ms"]
    return {
        "bench": "calendar",
        **meta,
        "targets": {"slots_ms": SLOTS_TARGET_MS, "feed_ms": FEED_TARGET_MS},
        "slots": {
            "in_process": local["slots"],
            "schedule_page": server["schedule_page"],
            "in_process_median_within_target": slots_ms <= SLOTS_TARGET_MS,
        },
        "feed": {
            "sessions": local["feed_sessions"],
            "events": local["feed_events"],
            "kib": local["feed_kib"],
            "in_process": local["feed"],
            "server": server["feed"],
            "fresh_in_process_median_within_target": feed_ms <= FEED_TARGET_MS,
            "fresh_server_median_within_target": (
                server["feed"]["fresh"]["median_ms"] <= FEED_TARGET_MS
            ),
        },
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40, help="timed calls of each figure")
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--keep", action="store_true", help="keep the logs directory")
    args = parser.parse_args(argv)
    from django.conf import settings

    if settings.configured:  # it would point at DATABASE_URL's database, not the scratch one
        raise RuntimeError("Django was configured before the bench database was made")

    run_dir = Path(tempfile.mkdtemp(prefix="bench-calendar-"))
    mail_dir = run_dir / "mail"
    mail_dir.mkdir()
    os.environ["EMAIL_BACKEND"] = "bench.mailsink.EmailBackend"
    os.environ["BENCH_MAIL_DIR"] = str(mail_dir)
    redis = RedisServer(run_dir / "redis")
    redis.start()
    os.environ["REDIS_URL"] = redis.url
    services = web = None
    web_log = run_dir / "web.log"
    errors: list[str] = []
    try:
        services = fresh_database(DATABASE)
        began = time.perf_counter()
        seeded = seed()
        log(f"seeded in {time.perf_counter() - began:.1f} s")
        local = in_process(seeded, args.rounds, args.warmups)
        env = production_env(
            database_url=os.environ["DATABASE_URL"],
            owner_url=os.environ["DATABASE_OWNER_URL"],
            redis_url=redis.url,
            EMAIL_BACKEND="bench.mailsink.EmailBackend",
            BENCH_MAIL_DIR=str(mail_dir),
        )
        collect_static(env)
        web, port = start_web({**env, "LOG_LEVEL": "WARNING"}, args.workers, web_log)
        log(f"web on :{port} ({args.workers} sync workers), logs in {run_dir}")
        # each sync worker's first answer imports and connects: warm every worker up
        server = through_server(seeded, port, args.rounds, args.warmups + args.workers)
    finally:
        errors = server_errors(web_log)
        if errors:
            log(f"{len(errors)} errors in the server's log: {web_log} (kept)")
            args.keep = True
        if web is not None:
            stop_gunicorn(web)
        if services is not None:
            services.stop()
        redis.stop()
        if not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    meta = {
        "rounds": args.rounds,
        "warmups": args.warmups,
        "workers": args.workers,
        "cpus": os.cpu_count(),
        "planned_sessions_each": PLANNED_EACH,
        "windows_each": 2 * 6,
        "horizon_days": HORIZON_DAYS,
        "server_errors": len(errors),
    }
    summary = summary_line(local, server, meta)
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main()

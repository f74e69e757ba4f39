"""The home dashboards: the mentee's, the mentor's and the program manager's parts of "/",
their date logic (at risk, goal reviews due and overdue), their charts, what they never
show (notes, another organization) and what they cost in queries."""

import re
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching import services as matching
from matching.models import Mentorship, MentorshipStatus
from mentoring.overview.dashboards import home_dashboard
from mentoring.people.models import Profile, SeniorityLevel
from mentoring.tenancy import activate
from programs import services as programs
from programs.models import (
    ChecklistAudience,
    ChecklistItem,
    CrossFunctional,
    Enrollment,
    Goal,
    Program,
    ProgramStatus,
)
from sessions import services
from sessions.models import ActionItem, Session, SessionStatus
from tests.builders.clients import signed_in
from tests.builders.cohort import GOAL, add_review, enrol
from tests.builders.pair import Pair, make_pair, schedule
from tests.builders.world import add_member, make_program, make_user

NOTES_SENTINEL = "NOTES-SENTINEL-never-for-managers"


# ---------------------------------------------------------------- helpers


def home(org, user) -> str:
    response = signed_in(org, user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def profile_of(org, user) -> Profile:
    with activate(org.organization):
        return Profile.objects.get(user=user)


def hold(pair: Pair, at: datetime, **log) -> Session:
    """A session that took place at ``at``, logged as held by the mentor."""
    session = schedule(pair, at=at)
    organization = pair.org.organization
    with activate(organization):
        return services.session_log(
            organization=organization,
            actor=pair.mentor,
            session=session,
            status=SessionStatus.HELD,
            actual_minutes=50,
            **log,
        )


def experiment(pair: Pair, description: str, due_on: date, owner=None) -> ActionItem:
    """An experiment added through the service; a past ``due_on`` is then set in the DB."""
    organization = pair.org.organization
    with activate(organization):
        item = services.action_item_add(
            organization=organization,
            actor=pair.mentor,
            mentorship=pair.mentorship,
            description=description,
            due_on=max(due_on, timezone.localdate()),
            owner=owner,
        )
        ActionItem.objects.filter(pk=item.pk).update(due_on=due_on)
    return item


def more_people(org, count: int, *, kind: str) -> list:
    """``count`` more members of ``org``: mentees (junior) or mentors (senior)."""
    with activate(org.organization):
        levels = list(SeniorityLevel.objects.order_by("rank"))
    users = []
    for index in range(count):
        local = f"extra-{kind}{index}"
        user = make_user(f"{local}@{org.organization.slug}.example")
        add_member(
            org.organization,
            user,
            name=f"{local.title()} {org.sentinel}",
            department=org.departments[index % 2],
            level=levels[0 if kind == "mentee" else 4],
        )
        users.append(user)
    return users


def make_pairs(org, mentors: list, mentees: list, **program_fields) -> list[Pair]:
    """A program of ``org`` whose mentors take the mentees, paired through a match run."""
    capacity = -(-len(mentees) // len(mentors))
    program = make_program(
        org,
        cross_functional=CrossFunctional.OFF,
        max_mentees_per_mentor=max(capacity, 3),
        **program_fields,
    )
    enrol(org, program, mentees, mentors, capacity=capacity)
    with activate(org.organization):
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.MATCHING)
        program.refresh_from_db()
        run = matching.match_run_start(
            organization=org.organization, actor=org.manager, program=program
        )
        matching.match_run_approve(organization=org.organization, actor=org.manager, run=run)
        Program.objects.filter(pk=program.pk).update(status=ProgramStatus.RUNNING)
        pairs = Mentorship.objects.filter(program=program).select_related(
            "mentee__person__user", "mentor__person__user"
        )
        return [
            Pair(org, pair, pair.mentee.person.user, pair.mentor.person.user)
            for pair in pairs.order_by("pk")
        ]


def dashboard_of(org, user, now: datetime, *, is_manager: bool = False):
    with activate(org.organization):
        return home_dashboard(
            organization=org.organization,
            user=user,
            profile=Profile.objects.get(user=user),
            is_manager=is_manager,
            now=now,
        )


def health_of(pair: Pair, now: datetime):
    """The manager's view of the pair's program at ``now``."""
    manager = dashboard_of(pair.org, pair.org.manager, now, is_manager=True).manager
    return {entry.program.pk: entry for entry in manager.programs}[pair.mentorship.program_id]


def program_name(pair: Pair) -> str:
    with activate(pair.org.organization):
        return Program.objects.get(pk=pair.mentorship.program_id).name


def chart_description(page: str, key: str) -> str:
    match = re.search(rf'<desc id="chart-[^"]*-{key}-d">([^<]*)</desc>', page)
    assert match, f"no chart {key} on the page"
    return match.group(1)


def month_label(day: date) -> str:
    return day.strftime("%b %Y")


# ---------------------------------------------------------------- the mentee


def test_a_mentee_sees_their_mentor_next_session_and_agenda_experiments_goals_and_checklist(
    pair,
):
    org = pair.org
    session = schedule(pair)
    with activate(org.organization):
        services.agenda_item_add(
            organization=org.organization,
            actor=pair.mentee,
            session=session,
            text="Rehearse how I open the planning meeting",
        )
        ChecklistItem.objects.create(
            audience=ChecklistAudience.MENTEE_FIRST_SESSION, text="Write down one recent situation"
        )
    today = timezone.localdate()
    experiment(pair, "Summarize before answering in two meetings", today + timedelta(days=5))
    experiment(pair, "Ask the quietest person first", today - timedelta(days=2))
    page = home(org, pair.mentee)

    assert "As a mentee" in page and "As a mentor" not in page and "Program health" not in page
    mentor_name = pair.mentorship.mentor.person.display_name
    assert f'<a href="/mentorships/{pair.mentorship.pk}/">{mentor_name}</a>' in page
    assert f'href="/sessions/{session.pk}/"' in page
    assert "Rehearse how I open the planning meeting" in page
    assert "Summarize before answering in two meetings" in page
    overdue = page.index("Ask the quietest person first")
    assert "Overdue" in page[overdue : overdue + 400]
    assert (today - timedelta(days=2)).strftime("%a %-d %b %Y") in page
    assert GOAL in page and "Next goal review" in page
    assert "0 of " in page and 'href="/checklist/"' in page
    assert "Sessions held per month" in page


def test_the_next_session_shows_in_the_mentees_own_time_zone(pair):
    org = pair.org
    with activate(org.organization):
        Profile.objects.filter(user=pair.mentee).update(time_zone="Asia/Tokyo")
    day = timezone.now().date() + timedelta(days=3)
    at = datetime(day.year, day.month, day.day, 23, 30, tzinfo=UTC)
    schedule(pair, at=at)
    page = home(org, pair.mentee)
    in_tokyo = at + timedelta(hours=9)  # Tokyo keeps no daylight saving time
    assert in_tokyo.strftime("%a %-d %b %Y, 08:30") in page
    assert "your time zone, Asia/Tokyo" in page


def test_a_mentee_still_waiting_for_a_mentor_sees_goals_and_no_mentor_yet(world):
    acme = world.acme
    program = make_program(acme)
    with activate(acme.organization):
        skill = program.focus_links.select_related("skill").first().skill
        programs.enrollment_apply_mentee(
            organization=acme.organization,
            actor=acme.mentees[0],
            program=program,
            focus_skills=[skill],
            goal_statement="Say no to a senior colleague without apologizing twice",
            situations=["A late request on a Friday", "A budget meeting last week"],
        )
    page = home(acme, acme.mentees[0])
    assert "As a mentee" in page
    assert "You have no mentor yet" in page
    assert "Say no to a senior colleague without apologizing twice" in page


# ---------------------------------------------------------------- the mentor


def test_a_mentor_sees_mentees_upcoming_sessions_sessions_to_log_and_late_experiments(pair):
    org = pair.org
    now = timezone.now()
    hold(pair, now - timedelta(days=20))
    upcoming = schedule(pair, kind="role_play")
    to_log = schedule(pair, at=now - timedelta(hours=3))
    today = timezone.localdate()
    experiment(pair, "Name the feeling before the fix", today - timedelta(days=1))
    experiment(pair, "Not due yet: pause three seconds", today + timedelta(days=4))
    page = home(org, pair.mentor)

    assert "As a mentor" in page and "As a mentee" not in page
    mentee_name = pair.mentorship.mentee.person.display_name
    assert f'<a href="/mentorships/{pair.mentorship.pk}/">{mentee_name}</a>' in page
    assert "Last met" in page
    assert f'href="/sessions/{upcoming.pk}/"' in page and "Role-play" in page
    assert f'href="/sessions/{to_log.pk}/log/"' in page
    assert "Name the feeling before the fix" in page
    assert "Not due yet: pause three seconds" not in page
    assert "My prep checklist" in page


def test_a_logged_session_leaves_the_sessions_to_log(pair):
    session = schedule(pair, at=timezone.now() - timedelta(hours=2))
    assert f"/sessions/{session.pk}/log/" in home(pair.org, pair.mentor)
    with activate(pair.org.organization):
        services.session_log(
            organization=pair.org.organization,
            actor=pair.mentee,
            session=session,
            status=SessionStatus.HELD,
            actual_minutes=45,
        )
    page = home(pair.org, pair.mentor)
    assert f"/sessions/{session.pk}/log/" not in page
    assert "Nothing to log" in page


# ---------------------------------------------------------------- the program manager


def test_a_manager_sees_each_programs_health_with_links_into_the_admin(pair):
    org = pair.org
    hold(pair, timezone.now() - timedelta(days=2))
    page = home(org, org.manager)
    with activate(org.organization):
        program = Program.objects.get(pk=pair.mentorship.program_id)
    assert "Program health" in page and program.name in page
    assert re.search(r"<dt>Matched pairs</dt><dd>2</dd>", page)
    assert f"/admin/matching/mentorship/?program__id__exact={program.pk}" in page
    assert f"/admin/programs/program/{program.pk}/change/" in page
    assert "As a mentee" not in page and "As a mentor" not in page


def test_a_manager_with_no_program_under_way_is_told_so(world):
    page = home(world.acme, world.acme.manager)
    assert "No program is matching or running right now." in page


def test_a_pair_is_at_risk_after_its_cadence_without_a_held_session(pair):
    now = datetime(2025, 6, 30, 12, tzinfo=UTC)
    with activate(pair.org.organization):
        Program.objects.filter(pk=pair.mentorship.program_id).update(checkin_cadence_days=30)
        Mentorship.objects.filter(program=pair.mentorship.program_id).update(
            started_on=date(2025, 5, 1)
        )

    def at_risk():
        return [row.mentorship.pk for row in health_of(pair, now).at_risk]

    # 60 days since the start and no session: at risk, with no "last session" date
    assert pair.mentorship.pk in at_risk()
    assert health_of(pair, now).at_risk[0].on is None
    # a planned session is no check-in, nor a cancelled one: only held sessions count
    planned = schedule(pair, at=now - timedelta(days=3))
    with activate(pair.org.organization):
        services.session_cancel(
            organization=pair.org.organization, actor=pair.mentor, session=planned, note="Ill"
        )
    schedule(pair, at=now - timedelta(days=2))
    assert pair.mentorship.pk in at_risk()
    # a session held 30 days ago does not help (the cadence has passed), one 29 days ago does
    hold(pair, now - timedelta(days=30, hours=-6))
    assert pair.mentorship.pk in at_risk()
    row = next(r for r in health_of(pair, now).at_risk if r.mentorship.pk == pair.mentorship.pk)
    assert row.on == date(2025, 5, 31)
    hold(pair, now - timedelta(days=29, hours=11))
    assert pair.mentorship.pk not in at_risk()
    # two days later that session too is older than the cadence
    assert pair.mentorship.pk in [
        row.mentorship.pk for row in health_of(pair, now + timedelta(days=2)).at_risk
    ]


def test_a_new_or_paused_pair_is_not_at_risk(pair):
    now = datetime(2025, 6, 30, 12, tzinfo=UTC)
    with activate(pair.org.organization):
        Program.objects.filter(pk=pair.mentorship.program_id).update(checkin_cadence_days=30)
        Mentorship.objects.filter(program=pair.mentorship.program_id).update(
            started_on=date(2025, 6, 1)
        )
    assert health_of(pair, now).at_risk == []  # 29 days in
    with activate(pair.org.organization):
        Mentorship.objects.filter(program=pair.mentorship.program_id).update(
            started_on=date(2025, 5, 31)
        )
    assert len(health_of(pair, now).at_risk) == 2  # 30 days in: the cadence has passed
    with activate(pair.org.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(status=MentorshipStatus.PAUSED)
    health = health_of(pair, now)
    assert pair.mentorship.pk not in [row.mentorship.pk for row in health.at_risk]
    assert len(health.at_risk) == 1 and health.matched == 2


def _review_world(pair):
    """The pair's program started on 1 January 2025 with quarterly goal reviews."""
    with activate(pair.org.organization):
        Program.objects.filter(pk=pair.mentorship.program_id).update(
            starts_on=date(2025, 1, 1), goal_review_interval_months=3
        )
        Enrollment.objects.filter(program=pair.mentorship.program_id).update(
            decided_at=datetime(2024, 12, 15, tzinfo=UTC)
        )
        return Goal.objects.filter(enrollment=pair.mentorship.mentee_id).first()


def reviews(pair, now):
    health = health_of(pair, now)
    due = {row.mentorship.pk: row.on for row in health.reviews_due}
    overdue = {row.mentorship.pk: row.on for row in health.reviews_overdue}
    return due.get(pair.mentorship.pk), overdue.get(pair.mentorship.pk)


def test_a_goal_review_is_due_within_14_days_and_overdue_once_its_date_passed(pair):
    _review_world(pair)
    # review 1 is due on 1 April 2025
    assert reviews(pair, datetime(2025, 3, 10, tzinfo=UTC)) == (None, None)
    assert reviews(pair, datetime(2025, 3, 20, tzinfo=UTC)) == (date(2025, 4, 1), None)
    assert reviews(pair, datetime(2025, 4, 10, tzinfo=UTC)) == (None, date(2025, 4, 1))


def test_the_mentees_own_review_settles_the_period_and_the_mentors_does_not(pair):
    goal = _review_world(pair)
    now = datetime(2025, 4, 10, tzinfo=UTC)
    add_review(pair.org, pair.mentor, goal, on=date(2025, 4, 8))
    assert reviews(pair, now) == (None, date(2025, 4, 1))
    add_review(pair.org, pair.mentee, goal, on=date(2025, 4, 9))
    assert reviews(pair, now) == (None, None)
    # the next review (1 July) comes due in its turn
    assert reviews(pair, datetime(2025, 6, 20, tzinfo=UTC)) == (date(2025, 7, 1), None)


def test_the_mentee_sees_the_next_goal_review_date(pair):
    goal = _review_world(pair)
    entry = dashboard_of(pair.org, pair.mentee, datetime(2025, 4, 10, tzinfo=UTC)).mentee
    assert entry.next_review.due_on == date(2025, 4, 1) and entry.next_review.is_overdue
    add_review(pair.org, pair.mentee, goal, on=date(2025, 4, 9))
    entry = dashboard_of(pair.org, pair.mentee, datetime(2025, 4, 10, tzinfo=UTC)).mentee
    assert entry.next_review.due_on == date(2025, 7, 1) and not entry.next_review.is_overdue


# ---------------------------------------------------------------- privacy and tenancy


def test_the_manager_view_never_shows_what_the_pair_wrote(pair):
    session = schedule(pair, at=timezone.now() - timedelta(days=3))
    org = pair.org.organization
    with activate(org):
        services.agenda_item_add(
            organization=org, actor=pair.mentee, session=session, text=f"Agenda {NOTES_SENTINEL}"
        )
        services.session_log(
            organization=org,
            actor=pair.mentor,
            session=session,
            status=SessionStatus.HELD,
            actual_minutes=55,
            shared_notes=f"Shared {NOTES_SENTINEL}",
            private_note=f"Private {NOTES_SENTINEL}",
            real_situations=f"Situation {NOTES_SENTINEL}",
            action_items=[
                {
                    "description": f"Experiment {NOTES_SENTINEL}",
                    "due_on": timezone.localdate(),
                }
            ],
        )
        services.private_note_save(
            organization=org, actor=pair.mentee, session=session, text=f"Mine {NOTES_SENTINEL}"
        )
    page = home(pair.org, pair.org.manager)
    assert "Program health" in page and program_name(pair) in page
    assert NOTES_SENTINEL not in page
    # the mentor's own home never shows private notes either (theirs or the mentee's)
    mentor_page = home(pair.org, pair.mentor)
    assert f"Private {NOTES_SENTINEL}" not in mentor_page
    assert f"Mine {NOTES_SENTINEL}" not in mentor_page


def test_no_dashboard_shows_anything_of_another_organization(world):
    pairs = {}
    for org in (world.acme, world.globex):
        pairs[org.sentinel] = pair = make_pair(org)
        hold(pair, timezone.now() - timedelta(days=10))
        schedule(pair)
        experiment(pair, f"Try it at {org.sentinel}", timezone.localdate() - timedelta(days=1))
    acme = pairs[world.acme.sentinel]
    for user in (acme.mentee, acme.mentor, world.acme.manager):
        page = home(world.acme, user)
        assert world.acme.sentinel in page
        assert world.globex.sentinel not in page
    chart = chart_description(
        home(world.acme, world.acme.manager), f"program-{acme.mentorship.program_id}"
    )
    assert sum(int(part.rsplit(": ", 1)[1]) for part in chart.split(", ")) == 1


# ---------------------------------------------------------------- several roles, or none


def test_a_manager_who_also_mentors_sees_both_parts(world):
    acme = world.acme
    (mine,) = make_pairs(acme, [acme.manager], acme.mentees[:1])
    page = home(acme, acme.manager)
    assert "As a mentor" in page and "Program health" in page and "As a mentee" not in page
    assert mine.mentorship.mentee.person.display_name in page


def test_someone_with_no_role_is_welcomed_and_pointed_to_the_programs(world):
    newcomer = make_user("newcomer@acme.example")
    add_member(world.acme.organization, newcomer)
    page = home(world.acme, newcomer)
    assert "Glad you are here" in page
    assert 'class="button" href="/programs/"' in page
    assert "As a mentee" not in page and "Program health" not in page


# ---------------------------------------------------------------- charts


def test_the_chart_counts_sessions_held_per_month_in_the_persons_time_zone(pair):
    with activate(pair.org.organization):
        Profile.objects.filter(user=pair.mentee).update(time_zone="Asia/Tokyo")
    # 28 February 23:30 UTC is already 1 March in Tokyo
    hold(pair, datetime(2025, 2, 28, 23, 30, tzinfo=UTC))
    hold(pair, datetime(2025, 4, 2, 10, tzinfo=UTC))
    hold(pair, datetime(2025, 4, 20, 10, tzinfo=UTC))
    hold(pair, datetime(2024, 12, 20, 10, tzinfo=UTC))  # older than six months
    cancelled = schedule(pair, at=datetime(2025, 4, 25, 10, tzinfo=UTC))
    with activate(pair.org.organization):
        services.session_cancel(
            organization=pair.org.organization, actor=pair.mentor, session=cancelled, note="Ill"
        )
    chart = dashboard_of(pair.org, pair.mentee, datetime(2025, 6, 15, tzinfo=UTC)).mentee.chart
    expected = "Jan 2025: 0, Feb 2025: 0, Mar 2025: 1, Apr 2025: 2, May 2025: 0, Jun 2025: 0"
    assert "<desc" in chart.svg and expected in chart.svg
    assert chart.total == 3


def test_the_home_page_charts_name_their_values(pair):
    now = timezone.now()
    hold(pair, now - timedelta(minutes=90))
    page = home(pair.org, pair.mentee)
    assert chart_description(page, "mine").endswith(f"{month_label(now)}: 1")
    manager_page = home(pair.org, pair.org.manager)
    program_chart = chart_description(manager_page, f"program-{pair.mentorship.program_id}")
    assert program_chart.endswith(f"{month_label(now)}: 1")
    assert program_chart.count(": ") == 6


# ---------------------------------------------------------------- query counts


def _count(client, url="/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# session, user, membership and profile, then the dashboard's reads and "My programs"
MENTEE_QUERIES = 19  # pairs, upcoming, to log, agenda, enrolments, goals, reviews, experiments,
# checklist (3), chart
MENTOR_QUERIES = 16  # pairs, upcoming, to log, enrolments, waiting as mentor, experiments,
# checklist (3), mentees' reviewed periods (next goal review)
MANAGER_QUERIES = 12  # pairs, enrolments, waiting as mentor, programs, health, chart (and one
# more naming the pairs listed, when a pair is at risk or has a goal review due)


def _busy(pair: Pair, sessions: int = 3):
    """Held sessions over the last months, one planned and one to log, two experiments."""
    now = timezone.now()
    for back in range(sessions):
        hold(pair, now - timedelta(days=20 * back + 1))
    schedule(pair, at=now - timedelta(hours=5))
    schedule(pair)
    today = timezone.localdate()
    # named by the call: the same open experiment twice is refused
    experiment(pair, f"Late experiment ({sessions})", today - timedelta(days=3))
    experiment(pair, f"Next experiment ({sessions})", today + timedelta(days=3))


def test_the_mentees_home_costs_the_same_for_one_or_many_sessions(pair, django_assert_num_queries):
    client = signed_in(pair.org, pair.mentee)
    _busy(pair, sessions=1)
    with django_assert_num_queries(MENTEE_QUERIES):
        client.get("/")
    small = _count(client)
    _busy(pair, sessions=8)
    with django_assert_num_queries(MENTEE_QUERIES):
        client.get("/")
    assert _count(client) == small


def test_the_mentors_home_costs_the_same_for_one_or_six_mentees(world, django_assert_num_queries):
    acme = world.acme
    (one,) = make_pairs(acme, acme.mentors[:1], acme.mentees[:1])
    _busy(one)
    client = signed_in(acme, acme.mentors[0])
    with django_assert_num_queries(MENTOR_QUERIES):
        client.get("/")
    small = _count(client)
    for pair in make_pairs(acme, acme.mentors[:1], more_people(acme, 5, kind="mentee")):
        _busy(pair)
    with django_assert_num_queries(MENTOR_QUERIES):
        page = client.get("/").content.decode()
    assert page.count("Log it<span") == 6
    assert _count(client) == small


def test_the_managers_home_costs_the_same_for_one_or_six_mentorships(
    world, django_assert_num_queries
):
    acme = world.acme
    (one,) = make_pairs(acme, acme.mentors[:1], acme.mentees[:1])
    _busy(one)
    client = signed_in(acme, acme.manager)
    with django_assert_num_queries(MANAGER_QUERIES):
        client.get("/")
    small = _count(client)
    mentors = more_people(acme, 5, kind="mentor")
    for pair in make_pairs(acme, mentors, more_people(acme, 5, kind="mentee")):
        _busy(pair)
    with django_assert_num_queries(MANAGER_QUERIES):
        page = client.get("/").content.decode()
    assert page.count('class="card program-health"') == 2
    ids = re.findall(r' id="([^"]+)"', page)  # two charts of one title, still unique ids
    assert len(ids) == len(set(ids)) and page.count("<svg") == 2
    assert _count(client) == small

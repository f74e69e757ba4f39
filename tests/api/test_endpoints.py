"""What each HR API endpoint returns: the figures, the filters and the suppression rules."""

from datetime import timedelta
from itertools import count

import pytest
from django.utils import timezone

from feedback.models import Feedback, SkillRating, SurveyResponse
from matching.models import Mentorship
from mentoring.tenancy import activate
from programs.models import Enrollment, EnrollmentSkill, Goal, GoalReview, Program, Skill
from sessions.models import Session
from tests.builders.history import approved
from tests.builders.hr import fill
from tests.builders.pair import running_pairs
from tests.builders.surveys import close_periods
from tests.builders.world import add_member, make_user

from .endpoints import ENDPOINTS, endpoint_id, path_for, rows_of

_people = count(1)


def bare_program(org, name: str) -> Program:
    """A running program of ``org`` starting today, with no one in it yet."""
    with activate(org.organization):
        return Program.objects.create(
            name=name,
            purpose="x",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=90),
            status="running",
        )


def extra_mentees(org, program, skill, how_many, *, answers=None, levels=(2, 4), department=None):
    """``how_many`` new people (of ``department``, if given) enrolled as approved mentees
    of ``program`` with ``skill``, each rated (self and mentor) at the start and at a
    review, and answering the program survey with ``answers`` when given."""
    organization = org.organization
    enrolments = []
    for _ in range(how_many):
        number = next(_people)
        user = make_user(f"extra{number}@{organization.slug}.example")
        person = add_member(organization, user, name=f"Extra {number}", department=department)
        with activate(organization):
            enrolment = approved(program, person)
            EnrollmentSkill.objects.create(
                organization=organization, enrollment=enrolment, skill=skill
            )
            for moment, level in zip(("start", "review"), levels, strict=True):
                for role in ("self", "mentor"):
                    SkillRating.objects.create(
                        organization=organization,
                        enrollment=enrolment,
                        skill=skill,
                        rater=person,
                        rater_role=role,
                        moment=moment,
                        period=1 if moment == "review" else 0,
                        level=level,
                    )
            if answers is not None:
                SurveyResponse.objects.create(
                    organization=organization,
                    kind="program",
                    program=program,
                    respondent=person,
                    respondent_role="mentee",
                    answers=answers,
                )
        enrolments.append(enrolment)
    return enrolments


# ---------------------------------------------------------------- shapes


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_every_row_has_exactly_the_documented_fields(api, keys, filled, endpoint):
    from django.urls import resolve

    view = resolve(path_for(endpoint, filled.acme), urlconf="mentoring.urls").func.view_class
    serializer = getattr(view, "row_serializer_class", None) or view.serializer_class
    documented = set(serializer().fields)
    data = api.json(path_for(endpoint, filled.acme), keys.acme)
    rows = rows_of(data) if endpoint.has_rows else [data]
    assert rows
    for row in rows:
        assert set(row) == documented


# ---------------------------------------------------------------- summary and programs


def test_the_summary_has_every_figure_of_the_organization(api, world, keys, filled):
    summary = api.json("/api/v1/summary/", keys.acme)
    assert summary["programs"] == 1
    assert summary["programs_by_status"]["running"] == 1
    assert summary["people_enrolled"] == {"mentees": 4, "mentors": 2}
    assert summary["approved_mentee_enrolments"] == 4
    assert summary["matched_mentees"] == 4 and summary["match_rate"] == 1.0
    assert summary["active_mentorships"] == 4
    assert summary["sessions_held_30d"] == summary["sessions_held_90d"] == 4
    # started 190 days ago, a review every 3 months: 2 due each; the mentee reviewed one
    assert (summary["goal_reviews_done"], summary["goal_reviews_due"]) == (4, 8)
    assert all(type(summary[key]) is int for key in ("goal_reviews_done", "goal_reviews_due"))
    assert summary["goal_review_completion"] == 0.5
    # the program survey is shown once the program has ended, not while it runs
    assert summary["program_score"] is None and summary["program_score_respondents"] == 0


def test_sessions_held_count_by_when_they_started_and_only_when_held(api, world, keys, filled):
    mentorship = filled.acme.mentorships[0]
    now = timezone.now()
    with activate(world.acme.organization):
        for days, status in ((60, "held"), (100, "held"), (10, "cancelled"), (5, "no_show")):
            Session.objects.create(
                mentorship=mentorship, status=status, starts_at=now - timedelta(days=days)
            )
    summary = api.json("/api/v1/summary/", keys.acme)
    assert (summary["sessions_held_30d"], summary["sessions_held_90d"]) == (4, 5)


def test_the_match_rate_counts_approved_mentees_with_an_open_mentorship(api, world, keys, filled):
    with activate(world.acme.organization):
        Mentorship.objects.filter(pk=filled.acme.mentorships[0].pk).update(
            status="completed", ended_on=timezone.localdate()
        )
        Mentorship.objects.filter(pk=filled.acme.mentorships[1].pk).update(status="paused")
    program = api.json(f"/api/v1/programs/{filled.acme.programs[0].pk}/", keys.acme)
    assert program["matched_mentees"] == 3 and program["match_rate"] == 0.75
    assert program["active_mentorships"] == 2


def test_a_program_score_under_five_respondents_is_hidden_and_left_out_of_the_total(
    api, world, keys, filled
):
    small = bare_program(world.acme, "Small")
    extra_mentees(
        world.acme, small, filled.acme.skills[0], 2, answers={"useful": 1, "recommend": 0}
    )
    for program in (small, filled.acme.programs[0]):
        close_periods(world.acme, program)
    row = api.json(f"/api/v1/programs/{small.pk}/", keys.acme)
    assert row["program_score"] is None and row["program_score_is_suppressed"]
    assert row["program_score_respondents"] == 2
    summary = api.json("/api/v1/summary/", keys.acme)
    assert summary["program_score"] == 4.0 and summary["program_score_respondents"] == 6


def test_programs_list_and_detail_agree_and_filter_by_status(api, world, keys, filled):
    listed = api.json("/api/v1/programs/", keys.acme)["results"]
    detail = api.json(f"/api/v1/programs/{listed[0]['id']}/", keys.acme)
    assert listed == [detail]
    assert api.json("/api/v1/programs/?status=draft", keys.acme)["results"] == []
    assert len(api.json("/api/v1/programs/?status=running", keys.acme)["results"]) == 1


def test_goal_reviews_due_stop_when_a_mentorship_ended_early(api, world, keys, filled):
    mentorship = filled.acme.mentorships[0]
    with activate(world.acme.organization):
        Mentorship.objects.filter(pk=mentorship.pk).update(
            status="ended_early", ended_on=mentorship.started_on + timedelta(days=100)
        )
    rows = api.json(f"/api/v1/mentorships/?mentee_enrolment={mentorship.mentee_id}", keys.acme)
    assert [row["goal_reviews_due"] for row in rows["results"]] == [1]


# ---------------------------------------------------------------- lists and their filters


def ids(api, path, key):
    return {row["id"] for row in api.json(path, key)["results"]}


def test_enrolments_filter_by_program_role_status_department_and_focus_skill(
    api, world, keys, filled
):
    acme = filled.acme
    with activate(world.acme.organization):
        everything = set(Enrollment.objects.values_list("id", flat=True))
        mentees = set(Enrollment.objects.filter(role="mentee").values_list("id", flat=True))
        department = acme.enrolments[0].person.department_id
        in_department = set(
            Enrollment.objects.filter(person__department_id=department).values_list("id", flat=True)
        )
        with_skill = set(
            EnrollmentSkill.objects.filter(skill=acme.skills[0]).values_list(
                "enrollment_id", flat=True
            )
        )
        Enrollment.objects.filter(pk=acme.enrolments[0].pk).update(status="withdrawn")
    assert ids(api, "/api/v1/enrolments/", keys.acme) == everything
    assert ids(api, f"/api/v1/enrolments/?program={acme.programs[0].pk}", keys.acme) == everything
    assert ids(api, "/api/v1/enrolments/?program=999999", keys.acme) == set()
    assert ids(api, "/api/v1/enrolments/?role=mentee", keys.acme) == mentees
    assert ids(api, "/api/v1/enrolments/?status=withdrawn", keys.acme) == {acme.enrolments[0].pk}
    assert ids(api, f"/api/v1/enrolments/?department={department}", keys.acme) == in_department
    skill = acme.skills[0].pk
    assert ids(api, f"/api/v1/enrolments/?focus_skill={skill}", keys.acme) == with_skill


def test_updated_since_returns_only_rows_changed_since(api, world, keys, filled):
    before = timezone.now()
    with activate(world.acme.organization):
        enrolment = Enrollment.objects.get(pk=filled.acme.enrolments[0].pk)
        enrolment.status = "withdrawn"
        enrolment.save()
        session = Session.objects.get(pk=filled.acme.sessions[0].pk)
        session.actual_minutes = 50
        session.save()
    since = before.isoformat().replace("+00:00", "Z")
    assert ids(api, f"/api/v1/enrolments/?updated_since={since}", keys.acme) == {enrolment.pk}
    assert ids(api, f"/api/v1/sessions/?updated_since={since}", keys.acme) == {session.pk}
    assert ids(api, f"/api/v1/mentorships/?updated_since={since}", keys.acme) == set()


def test_mentorships_filter_by_program_status_people_and_start(api, world, keys, filled):
    acme = filled.acme
    first = acme.mentorships[0]
    with activate(world.acme.organization):
        Mentorship.objects.filter(pk=first.pk).update(status="paused")
    every = {m.pk for m in acme.mentorships}
    assert ids(api, f"/api/v1/mentorships/?program={first.program_id}", keys.acme) == every
    assert ids(api, "/api/v1/mentorships/?status=paused", keys.acme) == {first.pk}
    assert ids(api, f"/api/v1/mentorships/?mentee_enrolment={first.mentee_id}", keys.acme) == {
        first.pk
    }
    mentor = first.mentor_id
    assert first.pk in ids(api, f"/api/v1/mentorships/?mentor_enrolment={mentor}", keys.acme)
    start = first.started_on.isoformat()
    assert ids(api, f"/api/v1/mentorships/?started_after={start}", keys.acme) == every
    assert ids(api, f"/api/v1/mentorships/?started_before={start}", keys.acme) == set()


def test_sessions_filter_by_status_kind_mentorship_and_dates(api, world, keys, filled):
    acme = filled.acme
    held = {s.pk for s in acme.sessions if s.status == "held"}
    assert ids(api, "/api/v1/sessions/?status=held", keys.acme) == held
    assert ids(api, "/api/v1/sessions/?kind=role_play", keys.acme) == set()
    mentorship = acme.mentorships[0].pk
    assert ids(api, f"/api/v1/sessions/?mentorship={mentorship}", keys.acme) == {
        s.pk for s in acme.sessions if s.mentorship_id == mentorship
    }
    now = timezone.now().isoformat().replace("+00:00", "Z")
    assert ids(api, f"/api/v1/sessions/?starts_before={now}", keys.acme) == held
    assert ids(api, f"/api/v1/sessions/?starts_after={now}", keys.acme) == {
        s.pk for s in acme.sessions if s.status == "planned"
    }


def test_sessions_never_carry_notes_or_places(api, keys, filled):
    row = api.json("/api/v1/sessions/", keys.acme)["results"][0]
    assert not {"shared_notes", "real_situations", "location", "change_note"} & set(row)


def test_goals_filter_by_skill_status_and_enrolment(api, world, keys, filled):
    acme = filled.acme
    goal = acme.goals[0]
    with activate(world.acme.organization):
        Goal.objects.filter(pk=goal.pk).update(status="achieved")
    assert ids(api, "/api/v1/goals/?status=achieved", keys.acme) == {goal.pk}
    assert ids(api, f"/api/v1/goals/?enrolment={goal.enrollment_id}", keys.acme) == {goal.pk}
    skill = acme.skills[0].pk
    assert ids(api, f"/api/v1/goals/?skill={skill}", keys.acme) == {
        g.pk for g in acme.goals if g.skill_id == skill
    }


def test_goal_reviews_come_oldest_first_without_their_texts(api, world, keys, filled):
    rows = api.json("/api/v1/goal-reviews/", keys.acme)["results"]
    assert [row["created_at"] for row in rows] == sorted(row["created_at"] for row in rows)
    assert set(rows[0]) == {
        "id",
        "goal_id",
        "enrolment_id",
        "program_id",
        "period",
        "author_role",
        "progress",
        "created_at",
    }
    mentee_side = ids(api, "/api/v1/goal-reviews/?author_role=mentee", keys.acme)
    assert mentee_side == {r.pk for r in filled.acme.reviews if r.author_role == "mentee"}
    since = timezone.now().isoformat().replace("+00:00", "Z")
    with activate(world.acme.organization):
        review = GoalReview.objects.create(
            goal=filled.acme.goals[0],
            period=2,
            author=filled.acme.reviews[0].author,
            author_role="mentee",
            progress=4,
            what_changed="x",
            next_steps="y",
        )
    assert ids(api, f"/api/v1/goal-reviews/?updated_since={since}", keys.acme) == {review.pk}
    assert ids(api, "/api/v1/goal-reviews/?period=2", keys.acme) == {review.pk}


# ---------------------------------------------------------------- skill progress


def test_skill_progress_lists_every_rating_and_the_change_since_the_start(api, keys, filled):
    rows = api.json("/api/v1/skill-progress/", keys.acme)["results"]
    row = rows[0]
    assert [(r["moment"], r["role"], r["level"]) for r in row["ratings"]] == [
        ("start", "self", 2),
        ("start", "mentor", 1),
        ("review", "self", 4),
        ("review", "mentor", 3),
    ]
    assert (row["self_start"], row["self_latest"], row["self_change"]) == (2, 4, 2)
    assert (row["observed_start"], row["observed_latest"], row["observed_change"]) == (1, 3, 2)


def test_a_second_rating_of_the_same_moment_replaces_the_first_in_the_change(
    api, world, keys, filled
):
    enrolment = filled.acme.mentorships[0].mentee
    with activate(world.acme.organization):
        skill_id = EnrollmentSkill.objects.get(enrollment=enrolment).skill_id
        SkillRating.objects.create(
            enrollment=enrolment,
            skill_id=skill_id,
            rater=enrolment.person,
            rater_role="self",
            moment="review",
            period=1,
            level=5,
        )
    row = api.json(f"/api/v1/skill-progress/?enrolment={enrolment.pk}", keys.acme)["results"][0]
    assert len(row["ratings"]) == 5
    assert (row["self_start"], row["self_latest"], row["self_change"]) == (2, 5, 3)


def test_skill_progress_without_ratings_has_no_change(api, world, keys, filled):
    program = filled.acme.programs[0]
    [enrolment] = extra_mentees(world.acme, program, filled.acme.skills[0], 1)
    with activate(world.acme.organization):
        SkillRating.objects.filter(enrollment=enrolment).delete()
    row = api.json(f"/api/v1/skill-progress/?enrolment={enrolment.pk}", keys.acme)["results"][0]
    assert row["ratings"] == [] and row["self_change"] is None and row["updated_at"] is None


def test_skill_progress_updated_since_means_rated_since(api, world, keys, filled):
    since = timezone.now().isoformat().replace("+00:00", "Z")
    assert ids(api, f"/api/v1/skill-progress/?updated_since={since}", keys.acme) == set()
    [enrolment] = extra_mentees(world.acme, filled.acme.programs[0], filled.acme.skills[0], 1)
    rows = api.json(f"/api/v1/skill-progress/?updated_since={since}", keys.acme)["results"]
    assert [row["enrolment_id"] for row in rows] == [enrolment.pk]


def test_skill_aggregates_hide_groups_under_five_mentees_and_show_the_others(
    api, world, keys, filled
):
    program = filled.acme.programs[0]
    skill = filled.acme.skills[0]
    extra_mentees(world.acme, program, skill, 3, levels=(1, 4))  # with the filled two: five
    rows = api.json(f"/api/v1/skill-progress/aggregates/?program={program.pk}", keys.acme)
    by_group = {(r["dimension"], r["group_id"], r["skill_id"]): r for r in rows["results"]}
    shown = by_group[("program", program.pk, skill.pk)]
    assert shown["mentees"] == 5 and not shown["is_suppressed"]
    # latest self: 4 for all five; start: 2, 2, 1, 1, 1
    assert shown["average_latest_self"] == 4.0
    assert shown["average_self_change"] == round((2 + 2 + 3 + 3 + 3) / 5, 2)
    hidden = by_group[("program", program.pk, filled.acme.skills[1].pk)]
    assert hidden["is_suppressed"] and hidden["average_latest_self"] is None
    assert hidden["suppression_reason"] == "Fewer than 5 mentees."
    departments = api.json("/api/v1/skill-progress/aggregates/?dimension=department", keys.acme)
    assert {row["dimension"] for row in departments["results"]} == {"department"}


def test_a_department_hidden_per_department_cannot_be_worked_out_from_the_programs(
    api, world, keys
):
    program = bare_program(world.acme, "Split")
    with activate(world.acme.organization):
        skill = Skill.objects.order_by("name").first()
    engineering, sales = world.acme.departments
    extra_mentees(world.acme, program, skill, 5, levels=(2, 4), department=engineering)
    extra_mentees(world.acme, program, skill, 2, levels=(1, 5), department=sales)
    # the program's seven minus engineering's five would be the two people of sales
    rows = api.json("/api/v1/skill-progress/aggregates/", keys.acme)["results"]
    by_group = {(r["dimension"], r["group_id"]): r for r in rows if r["skill_id"] == skill.pk}
    assert not by_group[("program", program.pk)]["is_suppressed"]
    assert by_group[("program", program.pk)]["average_latest_self"] == round((5 * 4 + 2 * 5) / 7, 2)
    assert by_group[("department", sales.pk)]["suppression_reason"] == "Fewer than 5 mentees."
    shown_alone = by_group[("department", engineering.pk)]
    assert shown_alone["is_suppressed"] and shown_alone["average_latest_self"] is None
    assert "groups per program" in shown_alone["suppression_reason"]
    # asking for the departments alone, or for engineering, decides the same
    for query in ("dimension=department", f"department={engineering.pk}"):
        rows = api.json(f"/api/v1/skill-progress/aggregates/?{query}", keys.acme)["results"]
        assert {r["dimension"] for r in rows} == {"department"}
        assert all(r["is_suppressed"] for r in rows if r["skill_id"] == skill.pk)


# ---------------------------------------------------------------- feedback and surveys


def feedback_from_five_mentors(world, skill):
    """A program of five pairs: each mentor gave "keep" feedback of specificity 3 on
    ``skill``, and one mentee "change" feedback of specificity 1."""
    pairs = running_pairs(world.acme, 5)
    first = pairs.mentorships[0]
    given = [(m, m.mentor.person, m.mentee.person, "keep", 3) for m in pairs.mentorships]
    given.append((first, first.mentee.person, first.mentor.person, "change", 1))
    with activate(world.acme.organization):
        for mentorship, giver, receiver, kind, specificity in given:
            Feedback.objects.create(
                mentorship=mentorship,
                giver=giver,
                receiver=receiver,
                skill=skill,
                kind=kind,
                situation="s",
                behaviour="b",
                specificity=specificity,
            )
    return pairs.program


def test_feedback_statistics_count_by_skill_and_kind_with_their_specificity(
    api, world, keys, filled
):
    skill = filled.acme.skills[0]
    program = feedback_from_five_mentors(world, skill)
    rows = api.json(f"/api/v1/feedback-statistics/?program={program.pk}", keys.acme)["results"]
    assert {
        (r["kind"], r["count"], r["average_specificity"], r["is_suppressed"]) for r in rows
    } == {
        ("keep", 5, 3.0, False),
        ("change", None, None, True),  # one mentee's feedback: hidden
    }
    only = api.json("/api/v1/feedback-statistics/?kind=keep", keys.acme)["results"]
    assert (program.pk, skill.pk, 5) in {(r["program_id"], r["skill_id"], r["count"]) for r in only}


def test_feedback_statistics_never_show_a_group_of_fewer_than_five_people(api, world, keys, filled):
    rows = api.json("/api/v1/feedback-statistics/", keys.acme)["results"]
    assert rows  # two mentors gave the filled programs' feedback
    for row in rows:
        assert row["is_suppressed"] and row["suppression_reason"] == "Fewer than 5 respondents."
        assert row["count"] is None and row["average_specificity"] is None


def survey(api, key, program, kind="program"):
    rows = api.json(f"/api/v1/surveys/?program={program.pk}&kind={kind}", key)["results"]
    return {row["group"]: row for row in rows}


def test_surveys_hide_groups_under_five_respondents(api, world, keys, filled):
    program = close_periods(world.acme, filled.acme.programs[0])
    groups = survey(api, keys.acme, program)
    assert groups["mentees"]["is_suppressed"] and groups["mentees"]["useful_average"] is None
    assert groups["mentees"]["suppression_reason"] == "Fewer than 5 respondents."
    assert groups["mentors"]["is_suppressed"]
    # four mentees and two mentors: six together, and no group shown to subtract from
    everyone = groups["everyone"]
    assert not everyone["is_suppressed"] and everyone["respondents"] == 6
    assert everyone["useful_average"] == 4.0 and everyone["recommend_average"] == 9.0
    assert everyone["nps"] == 100 and everyone["candid_average"] is None


def test_surveys_hide_everyone_when_it_would_reveal_a_hidden_group(api, world, keys, filled):
    program = filled.acme.programs[0]
    extra_mentees(
        world.acme, program, filled.acme.skills[0], 1, answers={"useful": 2, "recommend": 3}
    )
    close_periods(world.acme, program)
    groups = survey(api, keys.acme, program)
    assert not groups["mentees"]["is_suppressed"] and groups["mentees"]["respondents"] == 5
    assert groups["mentors"]["is_suppressed"]
    assert groups["everyone"]["is_suppressed"] and groups["everyone"]["useful_average"] is None
    assert "fewer than 5 people" in groups["everyone"]["suppression_reason"]
    program_row = api.json(f"/api/v1/programs/{program.pk}/", keys.acme)
    assert program_row["program_score"] is None and program_row["program_score_is_suppressed"]


def test_pulse_surveys_average_their_own_questions(api, world, keys, filled):
    groups = survey(api, keys.acme, filled.acme.programs[0], kind="pulse")
    everyone = groups["everyone"]
    assert (everyone["useful_average"], everyone["candid_average"]) == (5.0, 4.0)
    assert everyone["recommend_average"] is None and everyone["nps"] is None


def test_fill_builds_more_programs_on_request(world):
    filled = fill(world.acme, 2)
    assert len(filled.programs) == 2 and len(filled.mentorships) == 8


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "query",
    ["program=abc", "program=1.5", "status=sleeping", "updated_since=yesterday", "role=boss"],
)
def test_an_invalid_filter_is_a_400_naming_the_parameter(api, keys, query):
    path = {
        "role=boss": "/api/v1/enrolments/",
        "status=sleeping": "/api/v1/mentorships/",
    }.get(query, "/api/v1/enrolments/")
    response = api.get(f"{path}?{query}", keys.acme)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400 and query.split("=")[0] in error["detail"]


@pytest.mark.parametrize(
    "path", ["/api/v1/surveys/?kind=poll", "/api/v1/feedback-statistics/?skill=x"]
)
def test_an_invalid_parameter_of_an_aggregate_is_a_400_too(api, keys, path):
    assert api.get(path, keys.acme).status_code == 400


def test_an_invalid_cursor_is_a_404(api, keys, filled):
    import base64

    for cursor in ("nonsense", base64.b64encode(b"p=not-a-date").decode()):
        response = api.get(f"/api/v1/mentorships/?cursor={cursor}", keys.acme)
        assert response.status_code == 404
        assert response.json()["error"]["detail"] == "Invalid cursor"


def test_a_huge_id_filter_matches_nothing(api, keys, filled):
    assert ids(api, f"/api/v1/sessions/?program={10**30}", keys.acme) == set()
    assert ids(api, f"/api/v1/goal-reviews/?period={10**30}", keys.acme) == set()

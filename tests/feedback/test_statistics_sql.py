"""Survey statistics summed in the database give exactly the figures the answers summed
one by one in Python gave: the same released periods, the same answer counted per person,
the same groups hidden by the one suppression rule, the same averages and scores, to the
last digit. The reference below is the former Python reading, kept small on purpose."""

import random
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from feedback import selectors
from feedback.models import SurveyKind, SurveyResponse
from feedback.selectors.releases import released_filter
from feedback.selectors.statistics import (
    EVERYONE,
    ROLE_GROUPS,
    SurveyResult,
    overview_programs,
    program_overviews,
)
from feedback.suppression import suppress
from mentoring.tenancy import activate
from programs.models import Program
from tests.builders.pair import running_pairs

CADENCE = 14


# ---------------------------------------------------------------- the former reading


def reference_results(program, kind, today) -> list[tuple[int, list[SurveyResult]]]:
    """Per released period (its number), the results as the answers read in Python gave."""
    periods: dict[int, dict[tuple, dict]] = {}
    rows = (
        SurveyResponse.objects.filter(released_filter([program], today), kind=kind)
        .order_by("created_at", "pk")
        .values(
            "mentorship_id", "respondent_id", "respondent_role", "period", "answers", "created_at"
        )
    )
    for row in rows:
        if kind == SurveyKind.PROGRAM:
            number, person = 0, (row["respondent_id"],)
        else:
            day = timezone.localtime(row["created_at"]).date()
            number = (day - program.starts_on).days // program.checkin_cadence_days + 1
            person = (row["mentorship_id"], row["respondent_id"], row["period"])
        periods.setdefault(number, {})[person] = row  # the later answer replaces
    return [
        (number, reference_groups(list(periods[number].values()), kind))
        for number in sorted(periods)
    ]


def reference_groups(rows, kind) -> list[SurveyResult]:
    members = {
        group: [r for r in rows if r["respondent_role"] == role] for group, role in ROLE_GROUPS
    }
    members[EVERYONE] = rows
    people = {group: len({r["respondent_id"] for r in of}) for group, of in members.items()}
    verdict = suppress({group: people[group] for group, _role in ROLE_GROUPS}, people[EVERYONE])
    results = []
    for group, of in members.items():
        reason = verdict.total_reason if group == EVERYONE else verdict.hidden.get(group)
        if reason is not None:
            results.append(SurveyResult(group, people[group], None, hidden_because=reason))
            continue
        keys = sorted({key for r in of for key in r["answers"]})
        averages = {key: round(sum(r["answers"][key] for r in of) / len(of), 2) for key in keys}
        nps = None
        if kind == SurveyKind.PROGRAM:
            scores = [r["answers"]["recommend"] for r in of]
            promoters = sum(score >= 9 for score in scores)
            detractors = sum(score <= 6 for score in scores)
            nps = round(100 * (promoters - detractors) / len(scores))
        results.append(SurveyResult(group, people[group], averages, nps))
    return results


# ---------------------------------------------------------------- a random dataset


def answered(org, pairs, rng: random.Random, *, today) -> Program:
    """A program that started 130 days ago and ended two days ago, with pulse answers in
    each of its periods from groups of every size (none, too few, enough), second answers
    that replace the first, answers before the start, after the end and in the period
    still open; and program-survey answers, some given twice."""
    organization = org.organization
    program = pairs.program
    starts_on = today - timedelta(days=130)
    with activate(organization):
        Program.objects.filter(pk=program.pk).update(
            starts_on=starts_on, ends_on=today - timedelta(days=2), checkin_cadence_days=CADENCE
        )
        program.refresh_from_db()
        answers, moments = [], []

        def answer(kind, mentorship, role, at, period=0):
            person = getattr(mentorship, role).person
            if kind == SurveyKind.PULSE:
                scores = {"useful": rng.randint(1, 5), "candid": rng.randint(1, 5)}
            else:
                scores = {"useful": rng.randint(1, 5), "recommend": rng.randint(0, 10)}
            answers.append(
                SurveyResponse(
                    organization=organization,
                    kind=kind,
                    program=program,
                    mentorship=mentorship if kind == SurveyKind.PULSE else None,
                    respondent=person,
                    respondent_role=role,
                    period=period,
                    answers=scores,
                    is_current=False,  # history rows: the statistics count by period
                )
            )
            moments.append(at)

        zone = timezone.get_current_timezone()
        for number in range(0, 12):  # period 0: before the start; 10 and 11: still open
            opens_on = starts_on + timedelta(days=CADENCE * (number - 1))
            for role in ("mentee", "mentor"):
                size = rng.choice([0, 1, 3, 4, 5, 6, 9, len(pairs.mentorships)])
                for mentorship in rng.sample(pairs.mentorships, min(size, len(pairs.mentorships))):
                    day = opens_on + timedelta(days=rng.randint(0, CADENCE - 1))
                    # near midnight too: the period is the answer's local day
                    at = datetime.combine(day, time(rng.choice([0, 9, 23]), 30), zone)
                    period = number if rng.random() < 0.8 else number + 1
                    answer(SurveyKind.PULSE, mentorship, role, at, period)
                    if rng.random() < 0.3:  # a second answer, later in the period
                        answer(SurveyKind.PULSE, mentorship, role, at + timedelta(hours=5), period)
        for role in ("mentee", "mentor"):
            size = min(rng.choice([3, 4, 6, 10]), len(pairs.mentorships))
            for mentorship in rng.sample(pairs.mentorships, size):
                at = datetime.combine(
                    starts_on + timedelta(days=rng.randint(60, 128)), time(12), zone
                )
                answer(SurveyKind.PROGRAM, mentorship, role, at)
                if rng.random() < 0.3:
                    answer(SurveyKind.PROGRAM, mentorship, role, at + timedelta(hours=1))
                if rng.random() < 0.1:  # after the last day: counted in no release
                    answer(SurveyKind.PROGRAM, mentorship, role, at + timedelta(days=10))
        stored = SurveyResponse.objects.bulk_create(answers)
        for row, at in zip(stored, moments, strict=True):
            row.created_at = at
        SurveyResponse.objects.bulk_update(stored, ["created_at"])
    return program


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_database_gives_every_figure_the_python_reading_gave(world, seed):
    rng = random.Random(seed)
    today = timezone.localdate()
    pairs = running_pairs(world.acme, 14)
    program = answered(world.acme, pairs, rng, today=today)
    answered(world.globex, running_pairs(world.globex, 6), rng, today=today)
    with activate(world.acme.organization):
        for kind in SurveyKind.values:
            expected = reference_results(program, kind, today)
            released = selectors.survey_results(program, kind)
            got = [(period.release.number, period.results) for period in released]
            assert got == expected, kind
            assert all(period.release.program_id == program.pk for period in released)
        hidden = [
            result
            for kind in SurveyKind.values
            for _number, results in reference_results(program, kind, today)
            for result in results
            if result.averages is None
        ]
        assert hidden, "the dataset holds groups small enough to be hidden"
        shown = [
            result
            for kind in SurveyKind.values
            for _number, results in reference_results(program, kind, today)
            for result in results
            if result.averages
        ]
        assert shown, "and groups large enough to be shown"
        (overview,) = program_overviews(overview_programs(program.pk))
        assert overview.pulse == selectors.survey_results(program, SurveyKind.PULSE)
        assert overview.program_survey == selectors.survey_results(program, SurveyKind.PROGRAM)


def test_another_organizations_answers_never_count(world):
    rng = random.Random(7)
    today = timezone.localdate()
    program = answered(world.acme, running_pairs(world.acme, 8), rng, today=today)
    with activate(world.acme.organization):
        before = selectors.survey_results(program, SurveyKind.PULSE)
    theirs = answered(world.globex, running_pairs(world.globex, 8), rng, today=today)
    with activate(world.acme.organization):
        assert selectors.survey_results(program, SurveyKind.PULSE) == before
        # asked about the other organization's program, the database finds no answer
        assert selectors.survey_results(theirs, SurveyKind.PULSE) == []


def test_the_statistics_cost_the_same_queries_for_few_or_many_answers(
    world, django_assert_num_queries
):
    rng = random.Random(11)
    today = timezone.localdate()
    few = running_pairs(world.acme, 3)
    answered(world.acme, few, rng, today=today)
    with activate(world.acme.organization):
        with django_assert_num_queries(1):
            selectors.survey_results(few.program, SurveyKind.PULSE)
        with django_assert_num_queries(3):  # programs, surveys, feedback
            program_overviews(overview_programs())
    answered(world.acme, running_pairs(world.acme, 14), rng, today=today)
    with activate(world.acme.organization):
        with django_assert_num_queries(1):
            selectors.survey_results(few.program, SurveyKind.PULSE)
        with django_assert_num_queries(3):
            program_overviews(overview_programs())


def test_the_database_readings_refuse_to_run_with_no_organization_active(world):
    from feedback.selectors.statistics import feedback_groups
    from mentoring.tenancy.context import TenantScopeError

    rng = random.Random(5)
    pairs = running_pairs(world.acme, 3)
    answered(world.acme, pairs, rng, today=timezone.localdate())
    with pytest.raises(TenantScopeError):  # never "every organization's rows", nor none
        feedback_groups([pairs.program.pk])

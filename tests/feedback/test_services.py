from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback import selectors, services
from feedback.models import Feedback, SkillRating, SurveyResponse
from mentoring.tenancy import activate
from programs.models import Skill
from tests.builders.pair import GOOD, VAGUE, focus_skill, give, rate
from tests.builders.surveys import close_periods


def test_specific_feedback_scores_four_and_goes_to_the_other_person(pair):
    feedback = give(pair)
    assert feedback.specificity == 4 and feedback.missing == []
    with activate(pair.org.organization):
        assert feedback.receiver.user == pair.mentee


def test_vague_feedback_is_kept_with_its_low_score_and_missing_parts(pair):
    feedback = give(pair, actor=pair.mentee, **VAGUE)
    assert feedback.specificity == 0
    assert feedback.missing == ["situation", "behaviour", "impact", "next_step"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"behaviour": "  "}, "behaviour"),
        ({"kind": "meh"}, "kind"),
        ({"situation": ""}, "situation"),
    ],
)
def test_feedback_without_its_essentials_is_refused(pair, overrides, field):
    with pytest.raises(ValidationError) as error:
        give(pair, **overrides)
    assert field in error.value.message_dict


def test_feedback_on_a_skill_outside_the_program_is_refused(pair):
    with activate(pair.org.organization):
        outside = Skill.objects.exclude(
            pk__in=pair.mentorship.program.focus_links.values("skill")
        ).first()
    with pytest.raises(ValidationError, match="program's focus skills"):
        give(pair, skill=outside)


def test_someone_outside_the_pair_cannot_give_feedback(pair):
    with pytest.raises(ValidationError, match="Only the two people"):
        give(pair, actor=pair.org.hr)


def test_the_receiver_reflects_and_turns_the_suggestion_into_an_experiment_once(pair):
    feedback = give(pair)
    org = pair.org.organization
    with activate(org):
        with pytest.raises(ValidationError, match="Only the person who received"):
            services.feedback_reflect(
                organization=org, actor=pair.mentor, feedback=feedback, reflection="x"
            )
        services.feedback_reflect(
            organization=org, actor=pair.mentee, feedback=feedback, reflection="Useful"
        )
        item = services.feedback_to_experiment(
            organization=org, actor=pair.mentee, feedback=feedback
        )
        assert item.owner.user == pair.mentee and item.description == GOOD["suggestion"]
        with pytest.raises(ValidationError, match="already an experiment"):
            services.feedback_to_experiment(organization=org, actor=pair.mentee, feedback=feedback)


def test_ratings_outside_one_to_five_are_refused(pair):
    for level in (0, 6):
        with pytest.raises(ValidationError, match="1 to 5"):
            rate(pair, pair.mentee, level)


def test_the_progress_chart_shows_self_view_observed_and_the_gap(pair):
    rate(pair, pair.mentee, 4)
    rate(pair, pair.mentor, 2)
    rate(pair, pair.mentee, 4, "review", 1)
    rate(pair, pair.mentor, 3, "review", 1)
    rate(pair, pair.mentee, 5, "end")
    with activate(pair.org.organization):
        points = selectors.skill_progress(pair.mentorship, focus_skill(pair))
    assert [(p.label, p.self_view, p.observed, p.gap) for p in points] == [
        ("Start", 4, 2, 2),
        ("Review 1", 4, 3, 1),
        ("End", 5, None, None),
    ]


def pulse(pair, actor, useful, candid=4):
    with activate(pair.org.organization):
        return services.survey_answer(
            organization=pair.org.organization,
            actor=actor,
            kind="pulse",
            mentorship=pair.mentorship,
            answers={"useful": useful, "candid": candid},
            period=1,
        )


def test_answering_a_survey_twice_replaces_the_answer_and_keeps_the_history(pair):
    pulse(pair, pair.mentee, 2)
    pulse(pair, pair.mentee, 5)
    with activate(pair.org.organization):
        rows = list(
            SurveyResponse.objects.order_by("created_at").values_list(
                "answers__useful", "is_current"
            )
        )
    assert rows == [(2, False), (5, True)]


def test_survey_values_out_of_range_are_refused(pair):
    with pytest.raises(ValidationError, match="from 1 to 5"):
        pulse(pair, pair.mentee, 9)


def test_small_groups_are_never_shown_four_respondents_hidden_five_shown(world):
    from tests.builders.cohort import make_cohort
    from tests.builders.world import add_member, make_user

    cohort = make_cohort(world.acme)
    org = world.acme.organization
    with activate(org):
        mentorships = []
    from matching import services as matching
    from matching.models import Mentorship
    from programs.models import Enrollment

    with activate(org):
        program = cohort.program
        for i in range(3):
            user = make_user(f"extra{i}@acme.example")
            profile = add_member(org, user)
            with activate(org):
                Enrollment.objects.create(
                    organization=org,
                    program=program,
                    person=profile,
                    role="mentee",
                    status="approved",
                )
        for mentor in Enrollment.objects.filter(program=program, role="mentor"):
            mentor.capacity = 3
            mentor.save()
        run = matching.match_run_start(organization=org, actor=world.acme.manager, program=program)
        matching.match_run_approve(organization=org, actor=world.acme.manager, run=run)
        mentorships = list(
            Mentorship.objects.select_related("mentee__person__user", "mentor__person__user")
        )
        mentees = [m for m in mentorships]
        for mentorship in mentees[:4]:
            services.survey_answer(
                organization=org,
                actor=mentorship.mentee.person.user,
                kind="program",
                mentorship=mentorship,
                answers={"useful": 4, "recommend": 9},
            )
        while_it_runs = selectors.survey_results(program, "program")
    close_periods(world.acme, program)
    with activate(org):
        [four] = selectors.survey_results(program, "program")
        services.survey_answer(  # the fifth answer, after the program ended: never counted
            organization=org,
            actor=mentees[4].mentee.person.user,
            kind="program",
            mentorship=mentees[4],
            answers={"useful": 2, "recommend": 3},
        )
        [still_four] = selectors.survey_results(program, "program")
        SurveyResponse.objects.filter(program=program).update(created_at=four_days_before(program))
        [five] = selectors.survey_results(program, "program")  # as if given in time
    assert while_it_runs == []  # nothing while the program runs
    hidden = four.results
    assert (hidden[0].group, hidden[0].respondents, hidden[0].averages) == ("Mentees", 4, None)
    assert still_four == four
    mentees_result = five.results[0]
    assert mentees_result.respondents == 5 and mentees_result.averages == {
        "recommend": 7.8,
        "useful": 3.6,
    }
    assert mentees_result.nps == 60


def four_days_before(program):
    """A moment four days before the program's last day (within its survey period)."""
    day = program.ends_on - timedelta(days=4)
    return timezone.make_aware(datetime.combine(day, time(12)))


def test_managers_never_get_feedback_text_and_one_pairs_figures_are_hidden(pair):
    give(pair)
    give(pair, actor=pair.mentee, **VAGUE)
    with activate(pair.org.organization):
        [overview] = selectors.program_overviews([pair.mentorship.program])
        stats = overview.feedback
    # two people: fewer than five givers, so neither count nor specificity is shown
    assert (stats["count"], stats["specificity"]) == (None, None)
    assert stats["hidden_because"] == "Fewer than 5 respondents."
    assert all(row["count"] is None for row in stats["by_skill_and_kind"])
    assert "summarized" not in repr(stats) and "Great job" not in repr(stats)


def test_mentors_with_consistently_specific_feedback_are_candidates_for_recognition(pair):
    for meeting in range(3):  # three different moments: the same feedback twice is refused
        give(pair, situation=f"{GOOD['situation']} ({meeting + 1})")
    with activate(pair.org.organization):
        [overview] = selectors.program_overviews([pair.mentorship.program])
        candidates = overview.recognition
        assert Feedback.objects.count() == 3 and SkillRating.objects.count() == 0
    assert [c["giver_id"] for c in candidates] == [pair.mentorship.mentor.person_id]

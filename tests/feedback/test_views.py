"""Feedback pages in the browser: giving feedback with the specificity coach (htmx while
typing, on submit without JavaScript), feedback received by skill and given, reflections
and experiments, skill ratings with their progress charts, the pulse and program surveys,
and who may see any of it: the two people of the pair, nobody else."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from feedback import selectors, services
from feedback.models import Feedback, SkillRating, SurveyResponse
from matching.models import Mentorship
from mentoring.tenancy import activate
from programs.models import Program, ProgramSkill, Skill
from sessions.models import ActionItem, Session, SessionStatus
from tests.builders.clients import client_for, signed_in
from tests.builders.pages import ESCAPED_SCRIPT, HTMX, SCRIPT, text
from tests.builders.pair import GOOD, VAGUE, feedback_url, focus_skill, give, make_pair, rate
from tests.builders.surveys import close_periods
from tests.builders.world import hold_session

# ---------------------------------------------------------------- helpers


def program_skills(pair) -> list[Skill]:
    with activate(pair.org.organization):
        return list(
            Skill.objects.filter(
                pk__in=ProgramSkill.objects.filter(program=pair.mentorship.program_id).values(
                    "skill"
                )
            ).order_by("name")
        )


def post_feedback(browser, pair, **overrides):
    data = {"skill": focus_skill(pair).pk, "kind": "change", **GOOD, **overrides}
    return browser.post(feedback_url("new", pair), data)


def feedback_count(pair) -> int:
    with activate(pair.org.organization):
        return Feedback.objects.count()


def assert_no_inline_script(page: str) -> None:
    """A content security policy will forbid inline scripts and event handlers."""
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag, tag
    assert not re.search(r"\son[a-z]+\s*=", page)


# ---------------------------------------------------------------- access


def all_urls(pair, feedback) -> list[tuple[str, str]]:
    skill = focus_skill(pair)
    return [
        ("get", feedback_url("new", pair)),
        ("post", feedback_url("new", pair)),
        ("post", feedback_url("coach", pair)),
        ("get", feedback_url("list", pair)),
        ("post", feedback_url("reflect", pair, feedback_id=feedback.pk)),
        ("post", feedback_url("experiment", pair, feedback_id=feedback.pk)),
        ("get", feedback_url("progress", pair)),
        ("post", feedback_url("rate", pair, skill_id=skill.pk)),
        ("get", feedback_url("pulse", pair)),
        ("post", feedback_url("pulse", pair)),
        ("get", reverse("feedback:program_survey", args=[pair.mentorship.program_id])),
        ("post", reverse("feedback:program_survey", args=[pair.mentorship.program_id])),
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(client, pair):
    feedback = give(pair)
    browser = client_for(client, pair.org.organization)
    for method, address in all_urls(pair, feedback):
        response = getattr(browser, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/accounts/login/"), address


def test_the_mentorship_page_links_to_feedback_and_progress(pair):
    page = text(signed_in(pair.org, pair.mentee).get(f"/mentorships/{pair.mentorship.pk}/"))
    assert 'id="feedback-and-progress"' in page
    for address in (
        feedback_url("new", pair),
        feedback_url("list", pair),
        feedback_url("progress", pair),
        feedback_url("pulse", pair),
        reverse("feedback:program_survey", args=[pair.mentorship.program_id]),
    ):
        assert f'href="{address}"' in page, address


def test_no_page_carries_an_inline_script_or_event_handler(pair):
    give(pair)
    rate(pair, pair.mentee, 3)
    browser = signed_in(pair.org, pair.mentee)
    for address in (
        feedback_url("new", pair),
        feedback_url("list", pair),
        feedback_url("progress", pair),
        feedback_url("pulse", pair),
        reverse("feedback:program_survey", args=[pair.mentorship.program_id]),
    ):
        response = browser.get(address)
        assert response.status_code == 200, address
        assert_no_inline_script(text(response))


# ---------------------------------------------------------------- the coach


def test_the_coach_endpoint_returns_the_score_and_hints_for_vague_text(pair):
    browser = signed_in(pair.org, pair.mentor)
    response = browser.post(feedback_url("coach", pair), VAGUE, **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "<strong>0 of 4</strong>" in page
    assert 'value="0"' in page and 'aria-valuetext="0 of 4"' in page
    for part, hint in (
        ("Situation", "Say when and where it happened."),
        ("Behaviour", "Describe what the person said or did, as a camera would have seen it."),
        ("Impact", "Say what it changed: for the people there, or for the result."),
        ("Next step", "Offer one concrete thing to keep or to try next time."),
    ):
        assert f"<strong>{part}:</strong> {hint}" in page
    assert "For example: “In Tuesday&#x27;s planning meeting" in page
    assert "<html" not in page  # a partial, swapped into the live region


def test_the_coach_gives_four_of_four_to_a_specific_example(pair):
    response = signed_in(pair.org, pair.mentee).post(feedback_url("coach", pair), GOOD, **HTMX)
    page = text(response)
    assert "<strong>4 of 4</strong>" in page and 'value="4"' in page
    assert "specific enough to act on" in page
    assert "For example" not in page


def test_the_coach_names_only_what_is_missing(pair):
    response = signed_in(pair.org, pair.mentor).post(
        feedback_url("coach", pair), {**GOOD, "behaviour": "be more confident"}, **HTMX
    )
    page = text(response)
    assert "<strong>3 of 4</strong>" in page
    assert "<strong>Behaviour:</strong>" in page and "<strong>Situation:</strong>" not in page


def test_the_give_page_wires_the_coach_to_the_texts_with_htmx_and_a_live_region(pair):
    page = text(signed_in(pair.org, pair.mentee).get(feedback_url("new", pair)))
    coach = feedback_url("coach", pair)
    for name in ("situation", "behaviour", "impact", "suggestion"):
        field = re.search(rf'<textarea name="{name}"[^>]*>', page).group(0)
        assert f'hx-post="{coach}"' in field
        assert 'hx-trigger="input changed delay:500ms"' in field
        assert 'hx-target="#coach"' in field
    assert '<div id="coach" aria-live="polite">' in page
    assert f"Mentor0 {pair.org.sentinel}" in page  # giving to the other person


# ---------------------------------------------------------------- giving feedback


def test_giving_feedback_end_to_end(pair):
    mentor = signed_in(pair.org, pair.mentor)
    session = hold_session(pair.mentorship)
    response = post_feedback(mentor, pair, session=session.pk)
    with activate(pair.org.organization):
        feedback = Feedback.objects.select_related("giver", "receiver").get()
    assert response.status_code == 302
    assert response["Location"] == f"{feedback_url('list', pair)}#feedback-{feedback.pk}"
    assert (feedback.giver.user_id, feedback.receiver.user_id) == (pair.mentor.pk, pair.mentee.pk)
    assert (feedback.specificity, feedback.missing, feedback.kind) == (4, [], "change")
    assert feedback.session_id == session.pk

    given = text(mentor.get(response["Location"]))
    assert "The coach scored it 4 of 4" in given
    assert "Feedback I gave" in given and escape(GOOD["behaviour"]) in given
    assert "Specificity 4 of 4" in given and "Try differently" in given

    received = text(signed_in(pair.org, pair.mentee).get(feedback_url("list", pair)))
    for part in ("situation", "behaviour", "impact", "suggestion"):
        assert escape(GOOD[part]) in received
    assert f"From Mentor0 {pair.org.sentinel}" in received
    assert "Reply with a reflection" in received
    assert "Turn this suggestion into an experiment" in received


def test_without_javascript_the_coach_runs_on_submit_and_its_hints_stay_with_the_feedback(pair):
    mentee = signed_in(pair.org, pair.mentee)
    vague = {**GOOD, "behaviour": "Great job, be more confident", "suggestion": ""}
    response = post_feedback(mentee, pair, **vague)
    assert response.status_code == 302
    with activate(pair.org.organization):
        feedback = Feedback.objects.get()
    assert (feedback.specificity, feedback.missing) == (2, ["behaviour", "next_step"])
    page = text(mentee.get(response["Location"]))
    assert "The coach scored it 2 of 4" in page and "Specificity 2 of 4" in page
    assert "To make the next one more specific:" in page
    assert "<strong>Behaviour:</strong>" in page and "<strong>Next step:</strong>" in page


def test_empty_behaviour_is_refused_on_its_field_the_typed_text_kept_and_the_coach_shown(pair):
    response = post_feedback(signed_in(pair.org, pair.mentor), pair, behaviour="   ")
    page = text(response)
    assert response.status_code == 200
    assert "Describe what the person said or did: that is the heart of feedback." in page
    assert 'href="#id_behaviour"' in page  # the error summary leads to the field
    assert GOOD["impact"] in page and GOOD["suggestion"] in page  # nothing typed is lost
    assert "<strong>3 of 4</strong>" in page  # the coach ran on submit
    assert feedback_count(pair) == 0


def test_a_skill_outside_the_program_is_refused_and_nothing_is_written(pair):
    with activate(pair.org.organization):
        outside = Skill.objects.exclude(pk__in=[s.pk for s in program_skills(pair)]).first()
    page = text(post_feedback(signed_in(pair.org, pair.mentor), pair, skill=outside.pk))
    assert "Choose one of the program&#x27;s focus skills." in page
    assert GOOD["impact"] in page
    assert feedback_count(pair) == 0


def test_another_organizations_skill_and_session_are_refused_and_nothing_is_written(world):
    pair, foreign = make_pair(world.acme), make_pair(world.globex)
    foreign_session = hold_session(foreign.mentorship)
    browser = signed_in(pair.org, pair.mentor)
    page = text(post_feedback(browser, pair, skill=focus_skill(foreign).pk))
    assert "Choose one of the program&#x27;s focus skills." in page
    page = text(post_feedback(browser, pair, session=foreign_session.pk))
    assert "Choose one of your sessions together." in page
    assert feedback_count(pair) == 0 and feedback_count(foreign) == 0


def test_another_pairs_session_is_refused(pair):
    with activate(pair.org.organization):
        other = Mentorship.objects.exclude(pk=pair.mentorship.pk).get()
    session = hold_session(other)
    page = text(post_feedback(signed_in(pair.org, pair.mentor), pair, session=session.pk))
    assert "Choose one of your sessions together." in page
    assert feedback_count(pair) == 0


def test_only_begun_sessions_that_were_not_cancelled_are_offered(pair):
    held = hold_session(pair.mentorship)
    with activate(pair.org.organization):
        cancelled = Session.objects.create(
            organization=pair.org.organization,
            mentorship=pair.mentorship,
            status=SessionStatus.CANCELLED,
            starts_at=held.starts_at - timedelta(days=3),
        )
    page = text(signed_in(pair.org, pair.mentee).get(feedback_url("new", pair)))
    assert f'<option value="{held.pk}">' in page
    assert f'<option value="{cancelled.pk}">' not in page


def test_a_missing_kind_is_refused_on_its_field(pair):
    page = text(post_feedback(signed_in(pair.org, pair.mentor), pair, kind=""))
    assert "Choose “keep doing” or “try differently”." in page
    assert feedback_count(pair) == 0


def test_markup_in_feedback_is_escaped_everywhere(pair):
    give(pair, behaviour=f"you said {SCRIPT} in the retro", suggestion=f"Next time try {SCRIPT}")
    with activate(pair.org.organization):
        feedback = Feedback.objects.get()
        services.feedback_reflect(
            organization=pair.org.organization,
            actor=pair.mentee,
            feedback=feedback,
            reflection=f"I will {SCRIPT}",
        )
    for user in (pair.mentee, pair.mentor):
        page = text(signed_in(pair.org, user).get(feedback_url("list", pair)))
        assert SCRIPT not in page
        assert ESCAPED_SCRIPT in page
    page = text(
        signed_in(pair.org, pair.mentor).post(feedback_url("new", pair), {"behaviour": SCRIPT})
    )
    assert SCRIPT not in page and ESCAPED_SCRIPT in page


# ---------------------------------------------------------------- received, reflected, tried


def test_received_feedback_is_grouped_by_skill_newest_first(pair):
    first_skill, second_skill = program_skills(pair)
    older = give(pair, skill=second_skill, behaviour="you asked Sam what he needed first")
    give(pair, skill=first_skill, behaviour="you paused before answering the client")
    newer = give(pair, skill=second_skill, behaviour="you named the risk out loud in the review")
    give(pair, actor=pair.mentee, behaviour="you nodded and waited until I had finished")
    page = text(signed_in(pair.org, pair.mentee).get(feedback_url("list", pair)))
    received = page[page.index("Feedback I received") : page.index("Feedback I gave")]
    assert received.index(first_skill.name) < received.index(second_skill.name)
    second_group = received[received.index(second_skill.name) :]
    assert second_group.index(newer.behaviour) < second_group.index(older.behaviour)
    assert "you paused before answering" in received[: received.index(second_skill.name)]
    assert "you nodded and waited" not in received  # what I gave is in the other list
    assert "Received (3)" in page and "Given (1)" in page


def test_the_receiver_replies_with_a_reflection_and_the_giver_reads_it(pair):
    feedback = give(pair)
    mentee = signed_in(pair.org, pair.mentee)
    reflection = "I did not notice I do that. I will try it in Thursday's retro."
    data = {f"reflect-{feedback.pk}-reflection": reflection}
    response = mentee.post(feedback_url("reflect", pair, feedback_id=feedback.pk), data)
    assert response.status_code == 302
    assert response["Location"] == f"{feedback_url('list', pair)}#feedback-{feedback.pk}"
    escaped = escape(reflection)
    page = text(mentee.get(feedback_url("list", pair)))
    assert "Your reflection is saved" in page and escaped in page
    assert "Change my reflection" in page
    given = text(signed_in(pair.org, pair.mentor).get(feedback_url("list", pair)))
    assert f"Mentee0 {pair.org.sentinel}'s reflection" in given and escaped in given


def test_an_empty_reflection_is_refused_on_its_item_and_nothing_is_written(pair):
    feedback = give(pair)
    response = signed_in(pair.org, pair.mentee).post(
        feedback_url("reflect", pair, feedback_id=feedback.pk),
        {f"reflect-{feedback.pk}-reflection": " "},
    )
    page = text(response)
    assert response.status_code == 200
    assert "Write a line: what do you take from it?" in page
    assert f'href="#id_reflect-{feedback.pk}-reflection"' in page
    assert '<details class="disclosure" open>' in page
    with activate(pair.org.organization):
        assert Feedback.objects.get().reflection == ""


def test_the_receiver_turns_a_suggestion_into_an_experiment_in_one_click(pair):
    feedback = give(pair)
    mentee = signed_in(pair.org, pair.mentee)
    address = feedback_url("experiment", pair, feedback_id=feedback.pk)
    response = mentee.post(address)
    assert response.status_code == 302
    with activate(pair.org.organization):
        item = ActionItem.objects.select_related("owner").get()
    assert item.description == GOOD["suggestion"] and item.owner.user_id == pair.mentee.pk
    page = text(mentee.get(response["Location"]))
    assert "The suggestion is now an experiment of yours" in page
    experiments = reverse("sessions:experiments", args=[pair.mentorship.pk])
    assert f'href="{experiments}#experiment-{item.pk}"' in page
    assert "Turn this suggestion into an experiment" not in page

    page = text(mentee.post(address, follow=True))
    assert "This suggestion is already an experiment." in page
    given = text(signed_in(pair.org, pair.mentor).get(feedback_url("list", pair)))
    assert "turned your suggestion into an experiment" in given
    with activate(pair.org.organization):
        assert ActionItem.objects.count() == 1


def test_feedback_without_a_suggestion_offers_no_experiment(pair):
    give(pair, suggestion="")
    page = text(signed_in(pair.org, pair.mentee).get(feedback_url("list", pair)))
    assert "Turn this suggestion into an experiment" not in page


def test_the_giver_can_neither_reflect_on_nor_experiment_with_their_own_feedback(pair):
    feedback = give(pair)
    mentor = signed_in(pair.org, pair.mentor)
    data = {f"reflect-{feedback.pk}-reflection": "Mine"}
    assert (
        mentor.post(feedback_url("reflect", pair, feedback_id=feedback.pk), data).status_code == 404
    )
    assert mentor.post(feedback_url("experiment", pair, feedback_id=feedback.pk)).status_code == 404
    with activate(pair.org.organization):
        assert Feedback.objects.get().reflection == "" and not ActionItem.objects.exists()


# ---------------------------------------------------------------- skill ratings


def rating_data(pair, level, moment="start", period=""):
    prefix = f"skill-{focus_skill(pair).pk}"
    return {f"{prefix}-level": level, f"{prefix}-moment": moment, f"{prefix}-period": period}


def test_both_people_rate_and_the_chart_shows_self_view_observed_and_the_gap(pair):
    skill = focus_skill(pair)
    mentee, mentor = signed_in(pair.org, pair.mentee), signed_in(pair.org, pair.mentor)
    rate_url = feedback_url("rate", pair, skill_id=skill.pk)
    for browser, level, moment, period in (
        (mentee, 4, "start", ""),
        (mentor, 2, "start", ""),
        (mentee, 4, "review", "1"),
        (mentor, 3, "review", "1"),
        (mentee, 5, "end", ""),
    ):
        response = browser.post(rate_url, rating_data(pair, level, moment, period))
        assert response.status_code == 302, text(response)[:3000]
        assert response["Location"] == f"{feedback_url('progress', pair)}#skill-{skill.pk}"
    with activate(pair.org.organization):
        roles = list(SkillRating.objects.values_list("rater_role", flat=True))
    assert roles == ["self", "mentor", "self", "mentor", "self"]

    page = text(mentee.get(feedback_url("progress", pair)))
    desc = re.search(r"<desc [^>]*>(.*?)</desc>", page).group(1)
    assert desc == (
        "Self view: Start 4, Review 1 4, End 5; Observed by the mentor: Start 2, Review 1 3"
    )
    assert f'<title id="chart-progress-in-{skill.name.lower().replace(" ", "-")}' in page
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", page, re.S)
    cells = [(label, re.sub(r"<[^>]+>", "", body).split()) for label, body in rows]
    assert cells == [
        ("Start", ["4", "2", "+2"]),
        ("Review 1", ["4", "3", "+1"]),
        ("End", ["5", "–no", "rating", "–no", "gap:", "one", "view", "is", "missing"]),
    ]
    assert "your self view" in page
    assert "observed by the mentor" in text(mentor.get(feedback_url("progress", pair)))


def test_each_level_comes_with_its_behavioural_description(pair):
    page = text(signed_in(pair.org, pair.mentee).get(feedback_url("progress", pair)))
    assert "1. Rarely: the behaviour does not show yet, even in easy situations." in page
    assert "5. Naturally: others notice it and learn from it." in page


@pytest.mark.parametrize("level", ["0", "6", "x", ""])
def test_a_rating_outside_one_to_five_is_refused_with_a_message(pair, level):
    skill = focus_skill(pair)
    response = signed_in(pair.org, pair.mentee).post(
        feedback_url("rate", pair, skill_id=skill.pk), rating_data(pair, level)
    )
    assert response.status_code == 200
    assert "A rating is a level from 1 to 5: choose one of the five." in text(response)
    with activate(pair.org.organization):
        assert not SkillRating.objects.exists()


def test_a_goal_review_rating_needs_the_number_of_the_review(pair):
    skill = focus_skill(pair)
    response = signed_in(pair.org, pair.mentor).post(
        feedback_url("rate", pair, skill_id=skill.pk), rating_data(pair, 3, "review", "")
    )
    assert "Say which goal review this is: 1 for the first." in text(response)
    with activate(pair.org.organization):
        assert not SkillRating.objects.exists()


def test_a_skill_that_is_not_the_mentees_focus_skill_cannot_be_rated(world, pair):
    foreign = make_pair(world.globex)
    others = [s for s in program_skills(pair) if s.pk != focus_skill(pair).pk]
    mentee = signed_in(pair.org, pair.mentee)
    for skill in (others[0], focus_skill(foreign)):
        response = mentee.post(feedback_url("rate", pair, skill_id=skill.pk), rating_data(pair, 3))
        assert response.status_code == 404
    with activate(pair.org.organization):
        assert not SkillRating.objects.exists()


# ---------------------------------------------------------------- surveys


def test_the_pulse_period_counts_cadence_periods_since_the_start(pair):
    with activate(pair.org.organization):
        mentorship = Mentorship.objects.select_related("program").get(pk=pair.mentorship.pk)
    cadence = mentorship.program.checkin_cadence_days
    start = mentorship.started_on
    assert selectors.pulse_period(mentorship, start) == 1
    assert selectors.pulse_period(mentorship, start + timedelta(days=cadence - 1)) == 1
    assert selectors.pulse_period(mentorship, start + timedelta(days=cadence)) == 2
    assert selectors.pulse_period(mentorship, start + timedelta(days=2 * cadence + 3)) == 3
    assert selectors.pulse_period(mentorship, start - timedelta(days=5)) == 1


def test_the_pulse_is_answered_and_answering_again_replaces_the_answer(pair):
    with activate(pair.org.organization):
        cadence = Program.objects.get(pk=pair.mentorship.program_id).checkin_cadence_days
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(
            started_on=date.today() - timedelta(days=cadence + 1)
        )
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.get(feedback_url("pulse", pair)))
    assert services.PULSE_QUESTIONS["useful"] in page and "This is period 2" in page
    assert "5 · Strongly agree" in page
    response = mentee.post(
        feedback_url("pulse", pair), {"useful": 2, "candid": 4, "comment": "Slow start"}
    )
    assert response.status_code == 302
    page = text(mentee.get(feedback_url("pulse", pair)))
    assert "Thank you: your answers are saved." in page
    assert "Answering again replaces your answer." in page
    assert re.search(r'<input type="radio" name="useful" value="2"[^>]*checked', page)
    assert "Slow start" in page
    mentee.post(feedback_url("pulse", pair), {"useful": 5, "candid": 5})
    assert "It replaces your earlier answer." in text(mentee.get(feedback_url("pulse", pair)))
    with activate(pair.org.organization):
        rows = list(
            SurveyResponse.objects.order_by("created_at").values_list(
                "period", "answers", "is_current"
            )
        )
    assert rows == [
        (2, {"useful": 2, "candid": 4}, False),
        (2, {"useful": 5, "candid": 5}, True),
    ]


def test_a_survey_value_out_of_range_is_refused_with_a_message(pair):
    mentor = signed_in(pair.org, pair.mentor)
    response = mentor.post(feedback_url("pulse", pair), {"useful": 9, "candid": 4})
    assert "Choose a value from 1 to 5." in text(response)
    survey = reverse("feedback:program_survey", args=[pair.mentorship.program_id])
    response = mentor.post(survey, {"useful": 4, "recommend": 11})
    assert "Choose a value from 0 to 10." in text(response)
    with activate(pair.org.organization):
        assert not SurveyResponse.objects.exists()


def test_both_roles_answer_the_program_survey_with_a_recommendation_from_0_to_10(pair):
    survey = reverse("feedback:program_survey", args=[pair.mentorship.program_id])
    for user, recommend in ((pair.mentee, 0), (pair.mentor, 10)):
        browser = signed_in(pair.org, user)
        page = text(browser.get(survey))
        assert "0 · Not at all likely" in page and "10 · Extremely likely" in page
        assert browser.post(survey, {"useful": 4, "recommend": recommend}).status_code == 302
    with activate(pair.org.organization):
        rows = set(
            SurveyResponse.objects.values_list("kind", "respondent_role", "answers__recommend")
        )
        assert not SurveyResponse.objects.filter(mentorship__isnull=False).exists()
    assert rows == {("program", "mentee", 0), ("program", "mentor", 10)}


def test_someone_without_a_mentorship_in_the_program_has_no_program_survey(world, pair):
    survey = reverse("feedback:program_survey", args=[pair.mentorship.program_id])
    for user in (world.acme.manager, world.acme.hr):
        assert signed_in(world.acme, user).get(survey).status_code == 404


def test_the_pulse_of_an_ended_mentorship_is_closed(pair):
    with activate(pair.org.organization):
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(status="completed")
    mentee = signed_in(pair.org, pair.mentee)
    assert "its pulse is closed" in text(mentee.get(feedback_url("pulse", pair)))
    mentee.post(feedback_url("pulse", pair), {"useful": 4, "candid": 4})
    with activate(pair.org.organization):
        assert not SurveyResponse.objects.exists()


# ---------------------------------------------------------------- privacy

SECRET = "PRIVATE-WORDS-Q7"


def secret_world(pair):
    """Feedback both ways, a reflection, an experiment and survey answers, every text
    carrying SECRET."""
    texts = {
        "situation": f"In the {SECRET} planning meeting",
        "behaviour": f"you said {SECRET} before answering",
        "impact": f"so {SECRET} relaxed",
        "suggestion": f"Next time try {SECRET} again",
    }
    to_mentee = give(pair, **texts)
    give(pair, actor=pair.mentee, **texts)
    org = pair.org.organization
    with activate(org):
        services.feedback_reflect(
            organization=org, actor=pair.mentee, feedback=to_mentee, reflection=f"{SECRET} noted"
        )
        services.feedback_to_experiment(organization=org, actor=pair.mentee, feedback=to_mentee)
        for user in (pair.mentee, pair.mentor):
            services.survey_answer(
                organization=org,
                actor=user,
                kind="pulse",
                mentorship=pair.mentorship,
                answers={"useful": 4, "candid": 5},
                comment=f"pulse {SECRET} comment",
                period=1,
            )
            services.survey_answer(
                organization=org,
                actor=user,
                kind="program",
                mentorship=pair.mentorship,
                answers={"useful": 4, "recommend": 9},
                comment=f"program {SECRET} comment",
            )
    return to_mentee


@pytest.mark.parametrize("who", ["manager", "hr", "third member", "other organization"])
def test_nobody_outside_the_pair_sees_feedback_reflections_or_survey_comments(world, who):
    pair = make_pair(world.acme)
    feedback = secret_world(pair)
    if who == "other organization":
        foreign = make_pair(world.globex)  # a member of globex, with a pair of their own
        browser = signed_in(world.globex, foreign.mentee)
    else:
        user = {"manager": world.acme.manager, "hr": world.acme.hr}.get(who)
        if who == "third member":
            with activate(world.acme.organization):
                other = Mentorship.objects.exclude(pk=pair.mentorship.pk).select_related(
                    "mentee__person__user"
                )
                user = other.get().mentee.person.user
        browser = signed_in(world.acme, user)
    program_survey = reverse("feedback:program_survey", args=[pair.mentorship.program_id])
    for method, address in all_urls(pair, feedback):
        response = getattr(browser, method)(address)
        if who == "third member" and address == program_survey:
            # their own survey: they are in the program too (a POST without answers fails)
            assert response.status_code == 200, method
        else:
            assert response.status_code == 404, (method, address)
        assert SECRET not in text(response)
    for address in ("/", "/mentorships/"):
        response = browser.get(address, follow=True)  # HR's home is /hr/
        assert response.status_code == 200
        assert SECRET not in text(response), address
    with activate(world.acme.organization):
        assert Feedback.objects.filter(reflection__contains=SECRET).count() == 1


def test_the_manager_sees_no_text_in_any_admin_page(world):
    pair = make_pair(world.acme)
    secret_world(pair)
    # the answers' records are shown once their periods are released
    close_periods(world.acme, Program(pk=pair.mentorship.program_id))
    browser = signed_in(world.acme, world.acme.manager)
    with activate(world.acme.organization):
        responses = list(SurveyResponse.objects.values_list("pk", flat=True))
    assert responses
    addresses = [
        "/admin/",
        reverse("admin:feedback_surveyresponse_changelist"),
        f"{reverse('admin:feedback_surveyresponse_changelist')}?program__id__exact="
        f"{pair.mentorship.program_id}",
        *(reverse("admin:feedback_surveyresponse_change", args=[pk]) for pk in responses),
        reverse("admin:matching_mentorship_change", args=[pair.mentorship.pk]),
        reverse("admin:matching_mentorship_changelist"),
        reverse("admin:programs_program_change", args=[pair.mentorship.program_id]),
    ]
    for address in addresses:
        response = browser.get(address)
        assert response.status_code == 200, address
        assert SECRET not in text(response), address


def test_each_person_of_the_pair_sees_only_their_own_survey_comment(pair):
    org = pair.org.organization
    with activate(org):
        services.survey_answer(
            organization=org,
            actor=pair.mentee,
            kind="pulse",
            mentorship=pair.mentorship,
            answers={"useful": 4, "candid": 5},
            comment=f"mentee {SECRET}",
            period=selectors.pulse_period(
                Mentorship.objects.select_related("program").get(pk=pair.mentorship.pk)
            ),
        )
    assert f"mentee {SECRET}" in text(
        signed_in(pair.org, pair.mentee).get(feedback_url("pulse", pair))
    )
    assert SECRET not in text(signed_in(pair.org, pair.mentor).get(feedback_url("pulse", pair)))


# ---------------------------------------------------------------- query counts

# Measured: the request costs four (organization, session, user, membership), then the
# page's own: the list two, the progress page three (the mentorship, the focus skills, the
# ratings). None grows with the rows.
FEEDBACK_LIST_QUERIES = 6
PROGRESS_PAGE_QUERIES = 7


def assert_queries(django_assert_num_queries, browser, address, expected) -> None:
    with django_assert_num_queries(expected):
        assert browser.get(address).status_code == 200


def test_the_feedback_page_costs_the_same_queries_for_one_or_eight_items(
    pair, django_assert_num_queries
):
    mentee = signed_in(pair.org, pair.mentee)
    address = feedback_url("list", pair)
    first = give(pair)
    with activate(pair.org.organization):
        services.feedback_to_experiment(
            organization=pair.org.organization, actor=pair.mentee, feedback=first
        )
    assert_queries(django_assert_num_queries, mentee, address, FEEDBACK_LIST_QUERIES)
    session = hold_session(pair.mentorship)
    skills = program_skills(pair)
    for index in range(7):
        give(
            pair,
            skill=skills[index % 2],
            session=session if index % 2 else None,
            situation=f"{GOOD['situation']} ({index + 1})",
        )
    give(pair, actor=pair.mentee)
    with activate(pair.org.organization):
        assert Feedback.objects.count() == 9
    assert_queries(django_assert_num_queries, mentee, address, FEEDBACK_LIST_QUERIES)


def test_the_progress_page_costs_the_same_queries_however_many_ratings(
    pair, django_assert_num_queries
):
    mentee = signed_in(pair.org, pair.mentee)
    address = feedback_url("progress", pair)
    rate(pair, pair.mentee, 2)
    assert_queries(django_assert_num_queries, mentee, address, PROGRESS_PAGE_QUERIES)
    for period in range(1, 6):
        rate(pair, pair.mentee, 3, "review", period)
        rate(pair, pair.mentor, 2, "review", period)
    rate(pair, pair.mentor, 4, "end")
    assert_queries(django_assert_num_queries, mentee, address, PROGRESS_PAGE_QUERIES)

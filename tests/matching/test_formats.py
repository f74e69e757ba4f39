"""Peer and reverse mentoring: how matching reads seniority in each format, the reporting
line both ways, the defaults of each format, the words on the pair's pages, and feedback
both ways in a peer pair."""

import itertools
import re

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback import services as feedback
from feedback.models import RaterRole
from matching import explain
from matching.models import MatchProposal
from matching.pool import default_weights, load_pool, program_weights
from matching.scoring import Criterion, Seniority, Weight, pair_breakdown, score_block
from matching.services import match_run_start
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import Program, ProgramFormat, ProgramStatus
from tests.builders.clients import signed_in
from tests.builders.cohort import enrol_mentor
from tests.builders.formats import format_cohort, format_pair, reverse_levels
from tests.builders.pages import HTMX
from tests.builders.pair import feedback_url, focus_skill, give, make_pair
from tests.builders.world import make_program
from tests.matching.test_solver import problems
from tests.test_wording import shown_text

# ---------------------------------------------------------------- scoring


@settings(max_examples=200, deadline=None)
@given(problems(), st.sampled_from(list(Seniority)))
def test_each_breakdown_sums_to_its_score_whichever_way_seniority_reads(problem, seniority):
    problem.seniority = seniority
    score, _eligible = score_block(problem, np.arange(len(problem.mentees)))
    for i, j in itertools.product(range(len(problem.mentees)), range(len(problem.mentors))):
        parts = pair_breakdown(problem, i, j)
        assert sum(points for _criterion, points in parts) == float(score[i, j])


def run_proposals(cohort) -> list[MatchProposal]:
    with activate(cohort.org.organization):
        run = match_run_start(
            organization=cohort.org.organization, actor=cohort.org.manager, program=cohort.program
        )
        return list(
            MatchProposal.objects.filter(run=run).select_related(
                "mentee__person__seniority", "mentor__person__seniority"
            )
        )


def ranks(proposal) -> tuple[int, int]:
    return proposal.mentee.person.seniority.rank, proposal.mentor.person.seniority.rank


def seniority_label(proposal) -> str:
    return next(p["label"] for p in proposal.breakdown if p["criterion"] == "seniority")


def test_peer_pairs_are_close_in_seniority_and_never_far(world):
    acme = world.acme
    close, far = acme.mentors
    levels = {**dict.fromkeys(acme.mentees, 0), close: 1, far: 4}
    proposals = run_proposals(format_cohort(acme, ProgramFormat.PEER, levels))
    assert [p.mentor.person.user for p in proposals] == [close]
    mentee_rank, mentor_rank = ranks(proposals[0])
    assert abs(mentor_rank - mentee_rank) <= 1
    assert seniority_label(proposals[0]).startswith("close in seniority (1 level apart)")


def test_reverse_mentors_are_less_senior_than_the_person_they_mentor(world):
    acme = world.acme
    junior, senior = acme.mentors
    levels = {**dict.fromkeys(acme.mentees, 4), junior: 2, senior: 5}
    proposals = run_proposals(format_cohort(acme, ProgramFormat.REVERSE, levels))
    assert [p.mentor.person.user for p in proposals] == [junior]
    mentee_rank, mentor_rank = ranks(proposals[0])
    assert mentor_rank < mentee_rank
    assert seniority_label(proposals[0]).startswith("2 levels less senior than the mentee")


def test_a_reverse_mentor_is_never_paired_with_their_own_manager(world):
    acme = world.acme
    cohort = format_cohort(acme, ProgramFormat.REVERSE, reverse_levels(acme))
    boss, report = acme.mentees[0], acme.mentors[0]
    with activate(acme.organization):
        Profile.objects.filter(user=report).update(manager=Profile.objects.get(user=boss))
        pool = load_pool(cohort.program, program_weights(cohort.program))
        i = pool.mentee_index(cohort.enrollment(boss).pk)
        j = pool.mentor_index(cohort.enrollment(report).pk)
        assert (i, j) in pool.excluded
        rules = explain.broken_rules(pool, i, j)
    report_name, boss_name = (
        f"{u.email.split('@')[0].title()} {acme.sentinel}" for u in (report, boss)
    )
    assert (
        f"{report_name} reports to {boss_name}: pairs in one reporting line need an "
        "override reason" in rules
    )
    proposals = run_proposals(cohort)
    assert (boss, report) not in {(p.mentee.person.user, p.mentor.person.user) for p in proposals}


@pytest.mark.parametrize(
    ("program_format", "seniority"),
    [
        (ProgramFormat.ONE_TO_ONE, Weight.MEDIUM),
        (ProgramFormat.CIRCLE, Weight.MEDIUM),
        (ProgramFormat.PEER, Weight.MUST),
        (ProgramFormat.REVERSE, Weight.MUST),
    ],
)
def test_each_format_starts_from_its_own_seniority_weight(program_format, seniority):
    program = Program(format=program_format, min_seniority_gap=1, cross_functional="preferred")
    weights = default_weights(program)
    assert weights[Criterion.SENIORITY] is seniority
    assert weights[Criterion.CROSS_FUNCTIONAL] is Weight.HIGH


# ---------------------------------------------------------------- wording

ROLE_WORD = re.compile(r"\bment(?:or|ee)s?\b", re.IGNORECASE)


def pair_pages(pair) -> list[str]:
    mentorship = pair.mentorship.pk
    return [
        f"/mentorships/{mentorship}/",
        feedback_url("list", pair),
        feedback_url("new", pair),
        feedback_url("progress", pair),
        f"/mentorships/{mentorship}/experiments/",
    ]


def test_a_peer_pair_pages_call_both_people_peer_partners_and_never_mentor_or_mentee(world):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    for user in (pair.mentee, pair.mentor):
        browser = signed_in(world.acme, user)
        for path in pair_pages(pair):
            response = browser.get(path)
            assert response.status_code == 200, path
            words = " ".join(shown_text(response).split())
            found = [
                words[max(0, m.start() - 40) : m.end() + 40] for m in ROLE_WORD.finditer(words)
            ]
            assert not found, (path, found)
        assert "peer partner" in shown_text(browser.get(f"/mentorships/{pair.mentorship.pk}/"))
        assert "My peer partner: " in shown_text(browser.get("/mentorships/"))
        line = shown_text(browser.get("/mentorships/mine/", **HTMX))
        assert "My peer partner:" in line and ROLE_WORD.search(line) is None
        home = shown_text(browser.get("/"))
        assert "My peer partner" in home and "As a peer partner" in home
        assert re.search(r"\b(?:My|As a) ment(?:or|ee)s?\b", home) is None


def test_both_peer_partners_hear_by_email_they_work_with_a_peer_partner(world):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    with activate(world.acme.organization):
        emails = OutboxMessage.objects.filter(
            kind=Kind.MATCH_PUBLISHED, recipient__in=[pair.mentee, pair.mentor]
        )
        bodies = [email.body_text for email in emails]
    assert len(bodies) == 2
    for body in bodies:
        assert "as your peer partner." in body
        assert "You are at a similar stage, so each of you can learn from the other" in body
        assert ROLE_WORD.search(body) is None, body


@pytest.mark.parametrize(
    ("program_format", "mentee_button", "mentor_button"),
    [
        (ProgramFormat.PEER, "Ask to grow a skill", "Offer to share a skill"),
        (ProgramFormat.REVERSE, "Ask to learn from a colleague", "Offer to be a reverse mentor"),
        (ProgramFormat.ONE_TO_ONE, "Apply as mentee", "Offer to mentor"),
    ],
)
def test_a_program_offers_to_apply_in_the_words_of_its_format(
    world, program_format, mentee_button, mentor_button
):
    program = make_program(world.acme, status=ProgramStatus.ENROLLING, format=program_format)
    browser = signed_in(world.acme, world.acme.mentees[0])
    detail = shown_text(browser.get(f"/programs/{program.pk}/"))
    assert mentee_button in detail and mentor_button in detail
    assert mentee_button in shown_text(browser.get(f"/programs/{program.pk}/apply/mentee/"))
    assert mentor_button in shown_text(browser.get(f"/programs/{program.pk}/apply/mentor/"))


def test_a_peer_who_offered_to_share_waits_as_a_peer_partner_on_the_home_page(world):
    program = make_program(world.acme, status=ProgramStatus.ENROLLING, format=ProgramFormat.PEER)
    enrol_mentor(world.acme, world.acme.mentors[0], program)
    home = " ".join(shown_text(signed_in(world.acme, world.acme.mentors[0]).get("/")).split())
    assert "As a peer partner" in home
    assert "Your offer to share a skill is with the program managers" in home
    assert re.search(r"\b(?:As a|offer to) ment(?:or|ee)s?\b", home) is None


def test_a_reverse_pair_page_names_the_reverse_mentor(world):
    pair = format_pair(world.acme, ProgramFormat.REVERSE)
    page = shown_text(signed_in(world.acme, pair.mentee).get(f"/mentorships/{pair.mentorship.pk}/"))
    assert "reverse mentor" in page.lower()


# The same as a one-to-one pair (tests/matching/test_views.py): the words cost no query.
MENTORSHIP_QUERIES = 8  # the pair with both people, the mentee's skills and goals, my answer
MENTORSHIPS_QUERIES = 8  # pairs with both people, requests for me, whether I mentor, mine


def test_a_peer_pair_pages_cost_no_more_queries_than_a_one_to_one_pair(
    world, django_assert_num_queries
):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    browser = signed_in(world.acme, pair.mentor)
    with django_assert_num_queries(MENTORSHIP_QUERIES):
        browser.get(f"/mentorships/{pair.mentorship.pk}/")
    with django_assert_num_queries(MENTORSHIPS_QUERIES):
        browser.get("/mentorships/")


def test_another_organization_cannot_open_a_peer_pair(world):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    outsider = signed_in(world.globex, world.globex.mentees[0])
    for path in pair_pages(pair)[:1] + pair_pages(pair)[2:]:
        assert outsider.get(path).status_code == 404, path


# ---------------------------------------------------------------- feedback both ways


def test_in_a_peer_pair_each_partner_gives_feedback_to_the_other(world):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    to_mentor_side = give(pair, actor=pair.mentee)
    to_mentee_side = give(pair, actor=pair.mentor)
    assert to_mentor_side.receiver.user == pair.mentor
    assert to_mentee_side.receiver.user == pair.mentee
    received = signed_in(world.acme, pair.mentor).get(feedback_url("list", pair))
    assert "you summarized Priya" in shown_text(received)


def rate_partner(pair, actor, about):
    with activate(pair.org.organization):
        skill = about.skill_links.select_related("skill").first().skill
        return feedback.skill_rating_add(
            organization=pair.org.organization,
            actor=actor,
            mentorship=pair.mentorship,
            skill=skill,
            level=3,
            moment="start",
            enrollment=about,
        )


def test_in_a_peer_pair_each_partner_rates_the_skills_of_the_other(world):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    offered = rate_partner(pair, pair.mentee, pair.mentorship.mentor)
    asked = rate_partner(pair, pair.mentor, pair.mentorship.mentee)
    assert (offered.enrollment_id, offered.rater_role) == (
        pair.mentorship.mentor_id,
        RaterRole.MENTOR,
    )
    assert (asked.enrollment_id, asked.rater_role) == (pair.mentorship.mentee_id, RaterRole.MENTOR)
    again = rate_partner(pair, pair.mentee, pair.mentorship.mentor)
    assert again.pk == offered.pk  # the same rating sent twice is one rating


def test_in_a_reverse_pair_ratings_stay_about_the_mentee_skills(world):
    pair = format_pair(world.acme, ProgramFormat.REVERSE)
    with pytest.raises(ValidationError, match="about the mentee's focus skills"):
        rate_partner(pair, pair.mentee, pair.mentorship.mentor)


def test_a_peer_partner_cannot_rate_an_enrolment_of_another_organization(world):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    other = format_pair(world.globex, ProgramFormat.PEER)
    with activate(world.acme.organization), pytest.raises(ValidationError, match="another"):
        feedback.skill_rating_add(
            organization=world.acme.organization,
            actor=pair.mentee,
            mentorship=pair.mentorship,
            skill=focus_skill(pair),
            level=3,
            moment="start",
            enrollment=other.mentorship.mentor,
        )


def test_a_peer_pairs_agreement_asks_for_both_partners_goals(world):
    pair = format_pair(world.acme, ProgramFormat.PEER)
    url = f"/mentorships/{pair.mentorship.pk}/agreement/"
    assert "Each of your goals in your own words" in shown_text(
        signed_in(world.acme, pair.mentee).get(url)
    )
    one_to_one = make_pair(world.globex)
    url = f"/mentorships/{one_to_one.mentorship.pk}/agreement/"
    page = shown_text(signed_in(world.globex, one_to_one.mentee).get(url))
    assert "The mentee's goals in your words" in page

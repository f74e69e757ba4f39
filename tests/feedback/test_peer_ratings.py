"""Peer partners act in both roles on the progress page: each rates their own skills and
what they observe of the other's, and sees both partners' charts."""

from __future__ import annotations

import re

import pytest

from feedback.models import RaterRole, SkillRating
from mentoring.tenancy import activate
from tests.builders.clients import signed_in
from tests.builders.pages import text
from tests.builders.pair import feedback_url, focus_skill, make_pair
from tests.builders.peer import peer_pair, peer_rating, skills_of


def ratings(pair) -> list[tuple]:
    with activate(pair.org.organization):
        return list(
            SkillRating.objects.order_by("pk").values_list(
                "enrollment_id", "rater__user", "rater_role", "level"
            )
        )


def test_both_peer_partners_rate_their_own_and_each_others_skills_through_the_page(world):
    pair = peer_pair(world.acme, skills_each=1)
    asked, offered = pair.mentorship.mentee, pair.mentorship.mentor
    [skill] = skills_of(world.acme, asked)  # both partners share it
    rate_url = feedback_url("rate", pair, skill_id=skill.pk)
    for user, about, level in (
        (pair.mentee, asked, 2),
        (pair.mentee, offered, 4),
        (pair.mentor, offered, 3),
        (pair.mentor, asked, 1),
    ):
        response = signed_in(world.acme, user).post(rate_url, peer_rating(about, skill, level))
        assert response.status_code == 302, text(response)[:2000]
        anchor = f"#skill-{about.pk}-{skill.pk}"
        assert response["Location"] == feedback_url("progress", pair) + anchor
    assert ratings(pair) == [
        (asked.pk, pair.mentee.pk, RaterRole.SELF, 2),
        (offered.pk, pair.mentee.pk, RaterRole.MENTOR, 4),
        (offered.pk, pair.mentor.pk, RaterRole.SELF, 3),
        (asked.pk, pair.mentor.pk, RaterRole.MENTOR, 1),
    ]


def test_each_partner_sees_their_skills_then_the_others_each_with_both_views(world):
    pair = peer_pair(world.acme, skills_each=1)
    asked, offered = pair.mentorship.mentee, pair.mentorship.mentor
    [skill] = skills_of(world.acme, asked)
    mentee, mentor = signed_in(world.acme, pair.mentee), signed_in(world.acme, pair.mentor)
    rate_url = feedback_url("rate", pair, skill_id=skill.pk)
    mentee.post(rate_url, peer_rating(asked, skill, 2))
    mentor.post(rate_url, peer_rating(asked, skill, 4))
    mentor.post(rate_url, peer_rating(offered, skill, 5))

    page = text(mentor.get(feedback_url("progress", pair)))
    headings = re.findall(r"<h2 id=\"skills-\d+-title\">(.*?)</h2>", page)
    assert headings == ["Your skills", f"{asked.person.display_name}'s skills"]
    assert page.index(f'id="skill-{offered.pk}-{skill.pk}"') < page.index(
        f'id="skill-{asked.pk}-{skill.pk}"'
    )
    descs = re.findall(r"<desc [^>]*>(.*?)</desc>", page)
    assert descs == [
        "Self view: Start 5; Observed by the peer partner: ",  # not observed yet
        "Self view: Start 2; Observed by the peer partner: Start 4",
    ]
    assert f'name="enrollment" value="{offered.pk}"' in page
    assert f'name="enrollment" value="{asked.pk}"' in page


def test_the_same_rating_sent_twice_by_a_peer_partner_is_saved_once(world):
    pair = peer_pair(world.acme, skills_each=1)
    offered = pair.mentorship.mentor
    [skill] = skills_of(world.acme, offered)
    mentee = signed_in(world.acme, pair.mentee)
    for _ in range(2):
        response = mentee.post(
            feedback_url("rate", pair, skill_id=skill.pk), peer_rating(offered, skill, 3)
        )
        assert response.status_code == 302
    assert len(ratings(pair)) == 1


def test_a_peer_rating_outside_one_to_five_keeps_the_page_and_says_why(world):
    pair = peer_pair(world.acme, skills_each=1)
    offered = pair.mentorship.mentor
    [skill] = skills_of(world.acme, offered)
    response = signed_in(world.acme, pair.mentee).post(
        feedback_url("rate", pair, skill_id=skill.pk), peer_rating(offered, skill, 9)
    )
    assert response.status_code == 200
    assert "A rating is a level from 1 to 5: choose one of the five." in text(response)
    assert ratings(pair) == []


def test_a_one_to_one_mentor_still_cannot_rate_their_own_skills(world):
    pair = make_pair(world.acme)
    mentor_side = pair.mentorship.mentor
    [skill, *_] = skills_of(world.acme, mentor_side)
    browser = signed_in(world.acme, pair.mentor)
    response = browser.post(
        feedback_url("rate", pair, skill_id=skill.pk), peer_rating(mentor_side, skill, 3)
    )
    # the one-to-one page offers no "whose skill" field: the post is read as a rating of
    # the mentee's skill, whose fields it lacks, so the form comes back and nothing is kept
    assert response.status_code == 200
    assert ratings(pair) == []
    page = text(browser.get(feedback_url("progress", pair)))
    assert "Your skills" not in page and 'name="enrollment"' not in page
    assert f'id="skill-{focus_skill(pair).pk}"' in page


@pytest.mark.parametrize("value", ["another organization", "not a number"])
def test_a_peer_rating_of_an_enrolment_outside_the_pair_is_refused(world, value):
    pair = peer_pair(world.acme, skills_each=1)
    other = peer_pair(world.globex, skills_each=1)
    [skill] = skills_of(world.acme, pair.mentorship.mentor)
    data = peer_rating(pair.mentorship.mentor, skill, 3)
    data["enrollment"] = other.mentorship.mentor.pk if value == "another organization" else "x"
    response = signed_in(world.acme, pair.mentee).post(
        feedback_url("rate", pair, skill_id=skill.pk), data
    )
    assert response.status_code == 404
    assert ratings(pair) == []


def test_a_member_of_another_organization_can_neither_read_nor_rate_a_peer_pair(world):
    pair = peer_pair(world.acme, skills_each=1)
    [skill] = skills_of(world.acme, pair.mentorship.mentor)
    outsider = signed_in(world.globex, world.globex.mentees[0])
    assert outsider.get(feedback_url("progress", pair)).status_code == 404
    response = outsider.post(
        feedback_url("rate", pair, skill_id=skill.pk), peer_rating(pair.mentorship.mentor, skill, 3)
    )
    assert response.status_code == 404
    assert ratings(pair) == []


# The same as the one-to-one page (tests/feedback/test_views.py): both partners' ratings
# come in one query.
PEER_PROGRESS_QUERIES = 7


@pytest.mark.parametrize("skills_each", [1, 2])
def test_the_peer_progress_page_costs_the_same_queries_for_one_or_two_skills_each(
    world, skills_each, django_assert_num_queries
):
    pair = peer_pair(world.acme, skills_each=skills_each)
    browser = signed_in(world.acme, pair.mentor)
    address = feedback_url("progress", pair)
    with django_assert_num_queries(PEER_PROGRESS_QUERIES):
        assert browser.get(address).status_code == 200
    for about in (pair.mentorship.mentee, pair.mentorship.mentor):
        for skill in skills_of(world.acme, about):
            browser.post(
                feedback_url("rate", pair, skill_id=skill.pk), peer_rating(about, skill, 3)
            )
    assert len(ratings(pair)) == 2 * skills_each
    with django_assert_num_queries(PEER_PROGRESS_QUERIES):
        assert browser.get(address).status_code == 200

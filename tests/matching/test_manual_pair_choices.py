"""Adding a pair by hand: the mentor picker's search shows each mentor's free places in the
draft (full mentors marked) and, once the mentee is chosen, the best mentors with their
score with them."""

import html
import re

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchProposal
from mentoring.tenancy import activate
from programs.models import CrossFunctional
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def draft_with_one_unmatched(org):
    cohort = make_cohort(org, cross_functional=CrossFunctional.OFF)
    with activate(org.organization):
        run = services.match_run_start(
            organization=org.organization, actor=org.manager, program=cohort.program
        )
        pair = MatchProposal.objects.filter(run=run).select_related("mentee").first()
        services.proposal_remove(organization=org.organization, actor=org.manager, proposal=pair)
    return run, pair


def mentor_options(content: str) -> list[str]:
    """The labels of the mentor picker's radio buttons."""
    return [
        html.unescape(text)
        for text in re.findall(
            r'<input type="radio" name="mentor" [^>]*> <label [^>]*>([^<]+)</label>', content
        )
    ]


def test_the_mentor_search_shows_free_places_and_marks_full_mentors(world, manager):
    run, _pair = draft_with_one_unmatched(world.acme)
    search = reverse("admin:matching_matchrun_search", args=[run.pk, "mentors"])
    content = manager.get(search, {"field": "mentor", "mentor_q": ""}).content.decode()
    options = mentor_options(content)
    # Capacity one each: the mentor still in the draft is full, the freed one has a place.
    assert sorted(option.split(" (")[1] for option in options) == ["1 place free)", "full)"]


def test_choosing_the_mentee_shows_each_mentors_score_without_writing(world, manager):
    run, pair = draft_with_one_unmatched(world.acme)
    with activate(world.acme.organization):
        before = list(MatchProposal.objects.filter(run=run).values_list("pk", "mentor"))
    response = manager.post(
        reverse("admin:matching_matchrun_change", args=[run.pk]),
        {"action": "scores", "mentee": pair.mentee_id, "mentor": ""},
    )
    assert response.status_code == 200
    options = mentor_options(response.content.decode())
    assert len(options) == 2  # every mentor of this small program, best first
    scores = [int(re.search(r", score (-?\d+)\)$", option).group(1)) for option in options]
    assert scores == sorted(scores, reverse=True)
    assert f'name="mentee" value="{pair.mentee_id}" id="id_mentee_{pair.mentee_id}" checked>' in (
        response.content.decode()
    )
    with activate(world.acme.organization):
        assert list(MatchProposal.objects.filter(run=run).values_list("pk", "mentor")) == before


def test_another_organizations_mentee_gets_no_scores(world, manager):
    run, _pair = draft_with_one_unmatched(world.acme)
    _other_run, other_pair = draft_with_one_unmatched(world.globex)
    response = manager.post(
        reverse("admin:matching_matchrun_change", args=[run.pk]),
        {"action": "scores", "mentee": other_pair.mentee_id},
        follow=True,
    )
    assert "Choose a mentee left unmatched first" in html.unescape(response.content.decode())
    assert world.globex.sentinel not in response.content.decode()

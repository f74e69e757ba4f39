"""The review page of a large match-run draft: the summary first (scores in bands, unmatched
mentees counted per reason, changes by hand), then the pairs 50 at a time, found by either
person's name and ordered; the swap and add-by-hand pickers list nobody until searched, and
edits made from a later page or a search come back to it. Stale input (another manager
changed the draft meanwhile) gets a message, never an error page. The page's queries do not
grow with the draft."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import services
from matching.models import MatchProposal, MatchRun, UnmatchedMentee
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.clients import client_for
from tests.matching.test_admin import make_large_cohort

# org, user, membership; the run; summary totals, score bands, unmatched per reason; the
# page of pairs (count, rows); the unmatched shown; the draft's version (swap form).
REVIEW_PAGE_QUERIES = 12


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


@pytest.fixture(scope="module")
def big_cohort_size():
    return {"mentees": 130, "mentors": 60}  # capacity 2: 120 pairs, 10 left unmatched


def start(cohort) -> MatchRun:
    with activate(cohort.org.organization):
        return services.match_run_start(
            organization=cohort.org.organization, actor=cohort.org.manager, program=cohort.program
        )


def review_url(run) -> str:
    return reverse("admin:matching_matchrun_change", args=[run.pk])


def text(response) -> str:
    return html.unescape(response.content.decode())


def shown_pairs(content: str) -> list[str]:
    """The "Mentor → Mentee" of each row of the pairs table, from its Remove button."""
    return re.findall(r'aria-label="Remove the pair ([^"]+)"', content)


def pairs_of(org, run, *order) -> list[MatchProposal]:
    with activate(org.organization):
        return list(
            MatchProposal.objects.filter(run=run)
            .select_related("mentee__person", "mentor__person")
            .order_by(*(order or ("-score", "pk")))
        )


def rename(org, user, name: str) -> None:
    with activate(org.organization):
        Profile.objects.filter(user=user).update(display_name=name)


@pytest.fixture
def big_draft(world, big_cohort_size):
    cohort = make_large_cohort(world.acme, **big_cohort_size)
    run = start(cohort)
    return cohort, run


def test_the_summary_comes_first_with_score_bands_unmatched_reasons_and_overrides(
    manager, world, big_draft
):
    _cohort, run = big_draft
    removed = pairs_of(world.acme, run)[0]
    manager.post(review_url(run), {"action": "remove", "proposal": removed.pk})
    content = text(manager.get(review_url(run)))
    assert content.index("Summary") < content.index("Proposed pairs")
    assert "Draft · 119 pairs · 11 unmatched" in content
    assert "11 mentees left unmatched" in content
    assert "Eligible mentors were all full: 10" in re.sub(r"</?strong>", "", content)
    assert "Removed from the draft by a manager: 1" in re.sub(r"</?strong>", "", content)
    bands = [int(n) for n in re.findall(r"(\d+) pairs? \(\d+ %\)", content)]
    assert bands and sum(bands) == 119
    assert "Pairs changed by hand: <strong>0</strong>" in content
    assert "Rule overrides (a pair breaking a rule, with a reason): <strong>0</strong>" in content
    assert 'value="Approve: create 119 mentorships"' in content


def test_the_pairs_come_fifty_at_a_time_and_the_page_lists_nobody_else(manager, world, big_draft):
    _cohort, run = big_draft
    everyone = pairs_of(world.acme, run)
    first = text(manager.get(review_url(run)))
    assert "Pairs 1–50 of 120." in first
    assert shown_pairs(first) == [f"{p.mentor.person} and {p.mentee.person}" for p in everyone[:50]]
    # The pickers list no pair and no mentor before a search; no dropdown of the draft.
    assert "<option" not in first.split('id="swap-pairs"')[1].split("</form>")[0]
    assert 'type="radio" name="first"' not in first and 'type="radio" name="mentor"' not in first
    last = text(manager.get(review_url(run), {"page": "3"}))
    assert "Pairs 101–120 of 120." in last
    assert len(shown_pairs(last)) == 20
    assert 'aria-current="page"><strong>3</strong>' in last
    for nonsense in ("abc", "0", "-1", "99999999999999999999"):
        response = manager.get(review_url(run), {"page": nonsense})
        assert response.status_code == 200, nonsense
        assert len(shown_pairs(text(response))) in (20, 50), nonsense


def test_pairs_are_found_by_the_mentors_or_the_mentees_name(manager, world, big_draft):
    _cohort, run = big_draft
    pair = pairs_of(world.acme, run)[7]
    with activate(world.acme.organization):
        mentor_user = pair.mentor.person.user
        mentee_user = pair.mentee.person.user
    rename(world.acme, mentor_user, "Ottoline Brackenridge")
    rename(world.acme, mentee_user, "Quillon Vasquez-Marr")
    by_mentor = text(manager.get(review_url(run), {"q": "brackenRIDGE"}))
    rows = shown_pairs(by_mentor)
    assert len(rows) == 2 and all(row.startswith("Ottoline Brackenridge and ") for row in rows)
    assert "Pairs 1–2 of 2 found." in by_mentor
    by_mentee = text(manager.get(review_url(run), {"q": "quillon vasquez"}))
    assert shown_pairs(by_mentee) == ["Ottoline Brackenridge and Quillon Vasquez-Marr"]
    nobody = text(manager.get(review_url(run), {"q": "Nobody-Has-This-Name"}))
    assert shown_pairs(nobody) == [] and "No pair matches this search." in nobody
    assert world.globex.sentinel not in nobody


def test_pairs_are_ordered_as_chosen_and_a_bad_order_falls_back_to_the_best_first(
    manager, world, big_draft
):
    _cohort, run = big_draft
    by_mentee = pairs_of(world.acme, run, "mentee__person__display_name", "pk")
    content = text(manager.get(review_url(run), {"order": "mentee"}))
    assert shown_pairs(content) == [
        f"{p.mentor.person} and {p.mentee.person}" for p in by_mentee[:50]
    ]
    worst = pairs_of(world.acme, run, "score", "pk")
    content = text(manager.get(review_url(run), {"order": "worst"}))
    assert shown_pairs(content)[0] == f"{worst[0].mentor.person} and {worst[0].mentee.person}"
    refused = manager.get(review_url(run), {"order": "'; drop table", "q": "x" * 300})
    assert refused.status_code == 200
    content = text(refused)
    assert "Select a valid choice" in content and "The default is shown instead." in content
    assert "Pairs 1–50 of 120." in content


def test_the_overrides_link_shows_only_the_pairs_that_break_a_rule(manager, world, big_draft):
    _cohort, run = big_draft
    first, second = pairs_of(world.acme, run)[:2]
    with activate(world.acme.organization):
        MatchProposal.objects.filter(pk=first.pk).update(
            is_manual=True, broken_rules=["a rule"], override_reason="They asked for it"
        )
        MatchProposal.objects.filter(pk=second.pk).update(is_manual=True)
    content = text(manager.get(review_url(run)))
    assert "Pairs changed by hand: <strong>2</strong>" in content
    assert "Rule overrides (a pair breaking a rule, with a reason): <strong>1</strong>" in content
    link = re.search(r'href="([^"]*only=overrides[^"]*)#pairs">show them', content).group(1)
    overrides = text(manager.get(html.unescape(link)))
    assert shown_pairs(overrides) == [f"{first.mentor.person} and {first.mentee.person}"]
    assert "Reason given: They asked for it" in overrides
    changed = text(manager.get(review_url(run), {"only": "changed"}))
    assert len(shown_pairs(changed)) == 2


def test_removing_a_pair_from_a_search_on_a_later_page_comes_back_to_it(manager, world, big_draft):
    _cohort, run = big_draft
    page_two = pairs_of(world.acme, run)[60]
    url = f"{review_url(run)}?page=2&order=best"
    response = manager.post(url, {"action": "remove", "proposal": page_two.pk})
    assert response.status_code == 302 and response["Location"] == url
    content = text(manager.get(response["Location"]))
    assert f"Removed {page_two.mentor.person} → {page_two.mentee.person}" in content
    assert "Pairs 51–100 of 119." in content


def queries_for(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured)


def test_the_review_page_costs_the_same_queries_for_10_or_120_pairs(
    manager, world, big_cohort_size, django_assert_num_queries
):
    small = start(make_large_cohort(world.acme, mentees=12, mentors=5))
    large = start(make_large_cohort(world.acme, **big_cohort_size))
    assert len(pairs_of(world.acme, small)) == 10 and len(pairs_of(world.acme, large)) == 120
    counts = []
    for run, data in (
        (small, None),
        (large, None),
        (large, {"page": "2", "order": "worst"}),
        (large, {"q": "Mentee 1", "order": "mentor"}),
    ):
        with django_assert_num_queries(REVIEW_PAGE_QUERIES):
            counts.append(queries_for(manager, review_url(run), data))
    assert len(set(counts)) == 1, counts
    # And a page of 120 pairs is no bigger than a page of 50 would be.
    assert len(manager.get(review_url(large)).content) < 200_000


# ------------------------------------------------------------------ stale input


def test_a_swap_of_a_pair_another_manager_removed_meanwhile_is_refused_in_words(
    manager, world, big_draft
):
    _cohort, run = big_draft
    first, second = pairs_of(world.acme, run)[:2]
    shown = text(manager.get(review_url(run)))
    version = re.search(r'name="version" value="([0-9a-f]+)"', shown).group(1)
    with activate(world.acme.organization):  # the other manager, in another tab
        services.proposal_remove(
            organization=world.acme.organization, actor=world.acme.manager, proposal=second
        )
    response = manager.post(
        review_url(run),
        {"action": "swap", "first": first.pk, "second": second.pk, "version": version},
    )
    assert response.status_code == 200
    assert "that pair is not in this draft (any more)" in text(response)
    assert "Nothing changed: correct the form below." in text(response)
    # A pair still there but a draft changed since the page: the version says so.
    third = pairs_of(world.acme, run)[2]
    response = manager.post(
        review_url(run),
        {"action": "swap", "first": first.pk, "second": third.pk, "version": version},
    )
    assert response.status_code == 200
    assert "The draft changed since this page was loaded" in text(response)
    with activate(world.acme.organization):
        assert MatchProposal.objects.get(pk=first.pk).mentor_id == first.mentor_id


def test_adding_a_mentee_another_manager_paired_meanwhile_is_refused_in_words(
    manager, world, big_draft
):
    _cohort, run = big_draft
    with activate(world.acme.organization):
        waiting = UnmatchedMentee.objects.filter(run=run).first()
    mentor = pairs_of(world.acme, run)[0].mentor
    data = {"action": "manual", "mentee": waiting.mentee_id, "mentor": mentor.pk}
    first = manager.post(review_url(run), {**data, "override_reason": "Full, but they agreed"})
    assert first.status_code == 302
    again = manager.post(review_url(run), {**data, "override_reason": "Full, but they agreed"})
    assert again.status_code == 200
    assert "that mentee is not waiting in this draft (any more)" in text(again)
    with activate(world.acme.organization):
        assert MatchProposal.objects.filter(run=run, mentee=waiting.mentee_id).count() == 1


def test_showing_the_best_mentors_lists_twenty_with_places_and_scores(manager, world, big_draft):
    _cohort, run = big_draft
    with activate(world.acme.organization):
        waiting = UnmatchedMentee.objects.filter(run=run).select_related("mentee__person").first()
    response = manager.post(review_url(run), {"action": "scores", "mentee": waiting.mentee_id})
    assert response.status_code == 200
    content = text(response)
    labels = re.findall(r'name="mentor" [^>]*> <label [^>]*>([^<]+)</label>', content)
    assert len(labels) == 20
    assert all(re.search(r"\((full|\d+ places? free), score -?\d+\)$", label) for label in labels)
    assert f'name="mentee" value="{waiting.mentee_id}"' in content


def test_a_pairs_swap_link_opens_the_swap_form_with_that_pair_chosen(manager, world, big_draft):
    _cohort, run = big_draft
    pair = pairs_of(world.acme, run)[55]
    page_two = text(manager.get(review_url(run), {"page": "2"}))
    link = re.search(rf'href="([^"]*swap={pair.pk})#swap-pairs"', page_two).group(1)
    content = text(manager.get(html.unescape(link)))
    assert f'name="first" value="{pair.pk}" id="id_first_{pair.pk}" checked>' in content
    assert f"{pair.mentor.person} → {pair.mentee.person}" in content
    assert "Pairs 51–100 of 120." in content  # still on the page the link was on
    # A pair id that is not one of this draft's chooses nothing.
    nothing = text(manager.get(review_url(run), {"swap": "99999999"}))
    assert 'type="radio" name="first"' not in nothing

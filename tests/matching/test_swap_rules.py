"""Swapping the mentors of two pairs in a draft: every rule a new pair breaks is named in
its own words, with the two people, and the reason is asked for that pair only."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching import services
from matching.models import MatchProposal, MatchRun
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import CrossFunctional
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort

REPORTS = "{mentee} reports to {mentor}: pairs in one reporting line need an override reason."


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def name(user) -> str:
    return str(Profile.objects.get(user=user))


def drafted(org, **program_fields):
    """A draft of ``org``'s cohort, its two pairs by mentee (mentee0's pair first)."""
    cohort = make_cohort(org, **program_fields)
    with activate(org.organization):
        run = services.match_run_start(
            organization=org.organization, actor=org.manager, program=cohort.program
        )
        pairs = list(
            MatchProposal.objects.filter(run=run)
            .select_related("mentee__person__user", "mentor__person__user")
            .order_by("mentee__person__display_name")
        )
    return cohort, run, pairs


def reporting_line_draft(org):
    """mentee0 reports to mentor1, so the solver pairs mentee0 with mentor0: a swap would
    put mentee0 with their own manager (and mentee1 with mentor0, which breaks nothing)."""
    with activate(org.organization):
        boss = Profile.objects.get(user=org.mentors[1])
        Profile.objects.filter(user=org.mentees[0]).update(manager=boss)
    return drafted(org, cross_functional=CrossFunctional.OFF)


def review_url(run) -> str:
    return reverse("admin:matching_matchrun_change", args=[run.pk])


def page(response) -> str:
    return html.unescape(response.content.decode())


def mentors_of(org, run) -> list:
    with activate(org.organization):
        return sorted(MatchProposal.objects.filter(run=run).values_list("mentee", "mentor"))


def test_a_swap_into_a_reporting_line_names_both_people_and_the_rule(world, manager):
    acme = world.acme
    _cohort, run, (first, second) = reporting_line_draft(acme)
    before = mentors_of(acme, run)

    response = manager.post(
        review_url(run), {"action": "swap", "first": first.pk, "second": second.pk}
    )

    assert response.status_code == 200
    content = page(response)
    with activate(acme.organization):
        mentee0, mentor0, mentor1 = (
            name(acme.mentees[0]),
            name(acme.mentors[0]),
            name(acme.mentors[1]),
        )
        mentee1 = name(acme.mentees[1])
    assert REPORTS.format(mentee=mentee0, mentor=mentor1) in content
    assert "a new pair breaks a rule of the program" in content
    # Only the pair that needs a reason gets a field for it, named after that pair.
    assert f"Reason for the new pair {mentor1} → {mentee0}" in content
    assert f"Reason for the new pair {mentor0} → {mentee1}" not in content
    assert "This pair breaks the program's rules" not in content
    assert mentors_of(acme, run) == before


def test_a_swap_that_breaks_two_rules_lists_each_in_its_own_words(world):
    acme = world.acme
    _cohort, _run, (first, second) = drafted(acme, cross_functional=CrossFunctional.REQUIRED)
    with activate(acme.organization):
        mentee0, mentee1 = name(acme.mentees[0]), name(acme.mentees[1])
        mentor0, mentor1 = name(acme.mentors[0]), name(acme.mentors[1])
        with pytest.raises(services.OverrideReasonNeeded) as refused:
            services.proposal_swap(
                organization=acme.organization, actor=acme.manager, first=first, second=second
            )
    rules = refused.value.field_rules
    assert rules == {
        "first_reason": [
            f"{mentee0} and {mentor1} work in the same department: the program requires "
            "different departments"
        ],
        "second_reason": [
            f"{mentee1} and {mentor0} work in the same department: the program requires "
            "different departments"
        ],
    }
    # No message repeats one phrase for every rule: each rule names its own pair.
    rules_said = [m for m in refused.value.messages if not m.startswith("Give a reason")]
    assert len(rules_said) == 2 and len(set(rules_said)) == 2


def test_a_reason_for_the_pair_that_needs_it_lets_the_swap_through(world, manager):
    acme = world.acme
    _cohort, run, (first, second) = reporting_line_draft(acme)
    response = manager.post(
        review_url(run),
        {
            "action": "swap",
            "first": first.pk,
            "second": second.pk,
            "first_reason": "Their manager is leaving the team next month",
        },
        follow=True,
    )
    assert "Mentors swapped" in page(response)
    assert "The override and its reason are recorded with the pair." in page(response)
    with activate(acme.organization):
        first.refresh_from_db()
        assert first.mentor.person.user == acme.mentors[1]
        assert first.override_reason == "Their manager is leaving the team next month"


def test_a_swap_posted_twice_swaps_once(world, manager):
    """A double click posts the same swap twice from the same page: the second is refused
    with a message (the draft changed since the page was shown), never swapped back."""
    acme = world.acme
    _cohort, run, (first, second) = drafted(acme, cross_functional=CrossFunctional.OFF)
    shown = page(manager.get(review_url(run)))
    version = re.search(r'name="version" value="([0-9a-f]+)"', shown).group(1)
    data = {"action": "swap", "first": first.pk, "second": second.pk, "version": version}
    assert manager.post(review_url(run), data).status_code == 302
    again = manager.post(review_url(run), data)
    assert again.status_code == 200
    assert "The draft changed since this page was loaded" in page(again)
    with activate(acme.organization):
        first.refresh_from_db()
        assert first.mentor_id == second.mentor_id  # swapped once, not back


def test_pairs_of_another_organization_cannot_be_swapped(world, client):
    _cohort, acme_run, (acme_first, _acme_second) = drafted(
        world.acme, cross_functional=CrossFunctional.OFF
    )
    _other, _globex_run, (globex_first, globex_second) = drafted(
        world.globex, cross_functional=CrossFunctional.OFF
    )
    acme_manager = client_for(client, world.acme.organization, world.acme.manager)
    before = mentors_of(world.globex, _globex_run)

    # Another organization's pairs posted to our own draft: not choices of the form.
    response = acme_manager.post(
        review_url(acme_run),
        {"action": "swap", "first": acme_first.pk, "second": globex_first.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    # And the other organization's draft page itself is not there for us.
    assert acme_manager.get(review_url(_globex_run)).status_code == 404
    with activate(world.acme.organization), pytest.raises(ValidationError):
        services.proposal_swap(
            organization=world.acme.organization,
            actor=world.acme.manager,
            first=globex_first,
            second=globex_second,
        )
    assert mentors_of(world.globex, _globex_run) == before
    with activate(world.globex.organization):
        assert MatchRun.objects.filter(pk=_globex_run.pk).exists()

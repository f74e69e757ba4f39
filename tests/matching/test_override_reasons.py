"""Override reasons belong to one pair: a swap stores each new pair's own reason (none on a
pair that breaks no rule), approval copies it to the mentorship, and the mentorship's admin
page and the run's review page show it. Approval also moves the program on."""

import html
from datetime import date, timedelta

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchProposal, MatchRun, MatchRunStatus, Mentorship
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Program, ProgramStatus
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def page(response) -> str:
    return html.unescape(response.content.decode())


def draft(org, **program_fields):
    cohort = make_cohort(org, **program_fields)
    with activate(org.organization):
        run = services.match_run_start(
            organization=org.organization, actor=org.manager, program=cohort.program
        )
        pairs = list(MatchProposal.objects.filter(run=run).order_by("mentee__person__display_name"))
    return cohort, run, pairs


def swap(org, first, second, **reasons):
    with activate(org.organization):
        return services.proposal_swap(
            organization=org.organization, actor=org.manager, first=first, second=second, **reasons
        )


def approve(org, run):
    with activate(org.organization):
        return services.match_run_approve(organization=org.organization, actor=org.manager, run=run)


def test_a_pair_that_breaks_no_rule_keeps_no_reason_even_if_one_was_typed(world):
    acme = world.acme
    with activate(acme.organization):
        boss = Profile.objects.get(user=acme.mentors[1])
        Profile.objects.filter(user=acme.mentees[0]).update(manager=boss)
    _cohort, _run, (first, second) = draft(acme, cross_functional=CrossFunctional.OFF)
    first, second = swap(
        acme, first, second, first_reason="Agreed with HR", second_reason="Typed by mistake"
    )
    assert first.override_reason == "Agreed with HR" and first.broken_rules
    assert second.override_reason == "" and second.broken_rules == []


def test_each_new_pair_keeps_its_own_reason(world):
    acme = world.acme
    _cohort, _run, (first, second) = draft(acme, cross_functional=CrossFunctional.REQUIRED)
    first, second = swap(
        acme,
        first,
        second,
        first_reason="Both want to learn from their own team",
        second_reason="Only mentor who speaks Portuguese",
    )
    with activate(acme.organization):
        stored = dict(MatchProposal.objects.values_list("pk", "override_reason"))
    assert stored == {
        first.pk: "Both want to learn from their own team",
        second.pk: "Only mentor who speaks Portuguese",
    }


def test_the_reason_goes_onto_the_mentorship_and_shows_on_its_admin_page(world, manager):
    acme = world.acme
    _cohort, run, (first, second) = draft(acme, cross_functional=CrossFunctional.REQUIRED)
    swap(acme, first, second, first_reason="Reason one", second_reason="Reason two")

    approved = manager.post(
        reverse("admin:matching_matchrun_change", args=[run.pk]), {"action": "approve"}
    )
    assert approved.status_code == 302
    with activate(acme.organization):
        reasons = dict(Mentorship.objects.values_list("mentee_id", "override_reason"))
        one = Mentorship.objects.get(mentee=first.mentee_id)
    assert reasons == {first.mentee_id: "Reason one", second.mentee_id: "Reason two"}
    content = page(manager.get(reverse("admin:matching_mentorship_change", args=[one.pk])))
    assert "Override reason" in content and "Reason one" in content
    assert "Reason two" not in content
    # The run's record keeps each pair's reason beside its rules.
    record = page(manager.get(reverse("admin:matching_matchrun_change", args=[run.pk])))
    assert "Reason given: Reason one" in record and "Reason given: Reason two" in record


def test_another_organization_cannot_read_the_mentorship_or_its_reason(world, client):
    acme = world.acme
    _cohort, run, (first, second) = draft(acme, cross_functional=CrossFunctional.REQUIRED)
    swap(acme, first, second, first_reason="Private reason", second_reason="Another")
    approve(acme, run)
    with activate(acme.organization):
        mentorship = Mentorship.objects.get(mentee=first.mentee_id)
    other = client_for(client, world.globex.organization, world.globex.manager)
    response = other.get(reverse("admin:matching_mentorship_change", args=[mentorship.pk]))
    assert response.status_code == 404
    assert "Private reason" not in page(response)


def test_approving_twice_makes_the_mentorships_once(world, manager):
    acme = world.acme
    _cohort, run, _pairs = draft(acme, cross_functional=CrossFunctional.OFF)
    url = reverse("admin:matching_matchrun_change", args=[run.pk])
    first = manager.post(url, {"action": "approve"})
    second = manager.post(url, {"action": "approve"}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "can no longer change" in page(second)
    with activate(acme.organization):
        assert Mentorship.objects.filter(program=run.program).count() == 2


def test_approval_starts_a_program_whose_start_date_has_come(world, manager):
    acme = world.acme
    cohort, run, _pairs = draft(acme, cross_functional=CrossFunctional.OFF)
    response = manager.post(
        reverse("admin:matching_matchrun_change", args=[run.pk]), {"action": "approve"}, follow=True
    )
    assert f"“{cohort.program}” is now running." in page(response)
    with activate(acme.organization):
        assert Program.objects.get(pk=cohort.program.pk).status == ProgramStatus.RUNNING


def test_approval_before_the_start_date_leaves_it_ready_to_start_on_that_day(world, manager):
    acme = world.acme
    starts_on = date.today() + timedelta(days=14)
    cohort, run, _pairs = draft(acme, cross_functional=CrossFunctional.OFF, starts_on=starts_on)
    response = manager.post(
        reverse("admin:matching_matchrun_change", args=[run.pk]), {"action": "approve"}, follow=True
    )
    with activate(acme.organization):
        program = Program.objects.get(pk=cohort.program.pk)
        assert program.status == ProgramStatus.MATCHING
        assert MatchRun.objects.get(pk=run.pk).status == MatchRunStatus.APPROVED
        readiness = services.program_readiness(program)
    assert readiness.startswith("Ready to start on ")
    assert f"is ready to start on {readiness.removeprefix('Ready to start on ')}" in page(response)

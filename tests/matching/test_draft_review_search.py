"""The search behind the review page's pickers: a short list (at most 20) of this run's
pairs, of its mentees left unmatched, or of its program's mentors with their free places,
found by name. Only this run of this organization: another organization's run is a 404 and
its people never appear, nor do another run's pairs; people who are not managers are
refused."""

import html
import re

import pytest
from django.urls import reverse

from matching import services
from matching.models import MatchProposal, MatchRun, UnmatchedMentee
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs.models import CrossFunctional, Enrollment
from tests.builders.clients import client_for
from tests.builders.cohort import make_cohort
from tests.matching.test_admin import make_large_cohort


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def start(cohort) -> MatchRun:
    with activate(cohort.org.organization):
        return services.match_run_start(
            organization=cohort.org.organization, actor=cohort.org.manager, program=cohort.program
        )


def search_url(run, kind: str) -> str:
    return reverse("admin:matching_matchrun_search", args=[run.pk, kind])


def choices(response, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, checked) of each radio button of the answer."""
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    return [
        (value, label, bool(checked))
        for value, checked, label in re.findall(
            rf'<input type="radio" name="{name}" value="(\d+)" id="[^"]+"( checked)?> '
            r"<label [^>]*>([^<]+)</label>",
            content,
        )
    ]


def status_line(response) -> str:
    return html.unescape(response.content.decode()).split('role="status">')[1].split("<")[0]


@pytest.fixture
def drafts(world):
    """A large acme draft (the one searched), another acme program's draft, and globex's."""
    acme = start(make_large_cohort(world.acme, mentees=40, mentors=15))  # 30 pairs, 10 waiting
    other = start(make_cohort(world.acme, cross_functional=CrossFunctional.OFF))
    globex = start(make_cohort(world.globex, cross_functional=CrossFunctional.OFF))
    return acme, other, globex


def test_the_pair_search_finds_pairs_by_either_name_twenty_at_most(manager, world, drafts):
    run, _other, _globex = drafts
    with activate(world.acme.organization):
        pair = MatchProposal.objects.filter(run=run).select_related("mentee__person").first()
        Profile.objects.filter(pk=pair.mentee.person_id).update(display_name="Philippa Ormsby")
    everyone = choices(manager.get(search_url(run, "pairs"), {"field": "first"}), "first")
    assert len(everyone) == 20
    answer = manager.get(search_url(run, "pairs"), {"field": "first", "first_q": ""})
    assert "The first 20 matches are shown" in status_line(answer)
    found = manager.get(search_url(run, "pairs"), {"field": "second", "second_q": "ormsby"})
    assert [(value, checked) for value, _label, checked in choices(found, "second")] == [
        (str(pair.pk), False)
    ]
    assert choices(found, "second")[0][1].endswith("→ Philippa Ormsby")
    assert status_line(found) == "1 match."
    mentor_name = choices(found, "second")[0][1].split(" → ")[0]
    by_mentor = choices(
        manager.get(search_url(run, "pairs"), {"field": "first", "first_q": mentor_name}), "first"
    )
    assert by_mentor and all(label.startswith(f"{mentor_name} → ") for _v, label, _c in by_mentor)


def test_the_choice_made_before_a_search_stays_first_and_checked(manager, world, drafts):
    run, _other, _globex = drafts
    with activate(world.acme.organization):
        chosen = MatchProposal.objects.filter(run=run).order_by("-pk").first()
    answer = manager.get(
        search_url(run, "pairs"), {"field": "first", "first_q": "zzz-nobody", "first": chosen.pk}
    )
    assert choices(answer, "first") == [(str(chosen.pk), choices(answer, "first")[0][1], True)]
    assert "Nobody matches “zzz-nobody”." in status_line(answer)


def test_the_mentee_search_lists_only_the_mentees_waiting_in_this_run(manager, world, drafts):
    run, _other, _globex = drafts
    with activate(world.acme.organization):
        waiting = set(UnmatchedMentee.objects.filter(run=run).values_list("mentee_id", flat=True))
    found = choices(manager.get(search_url(run, "mentees"), {"field": "mentee"}), "mentee")
    assert {int(value) for value, _label, _checked in found} == waiting
    assert len(found) == 10


def test_the_mentor_search_shows_each_mentors_free_places(manager, world, drafts):
    run, _other, _globex = drafts
    with activate(world.acme.organization):
        mentors = list(
            MatchProposal.objects.filter(run=run).values_list("mentor__person", flat=True)[:1]
        )
        free = Enrollment.objects.filter(program=run.program, role="mentor").exclude(
            person__in=MatchProposal.objects.filter(run=run).values("mentor__person")
        )
        Profile.objects.filter(pk=mentors[0]).update(display_name="Wilhelmina Ashdown")
        if free.exists():
            Profile.objects.filter(pk=free.first().person_id).update(
                display_name="Wilhelmina Brook"
            )
    found = choices(
        manager.get(search_url(run, "mentors"), {"field": "mentor", "mentor_q": "wilhelmina"}),
        "mentor",
    )
    labels = [label for _value, label, _checked in found]
    # Capacity two each: a mentor with two pairs in the draft is full.
    assert "Wilhelmina Ashdown (full)" in labels
    assert all(re.search(r"\((full|\d+ places? free)\)$", label) for label in labels)
    assert all(label.startswith("Wilhelmina ") for label in labels)


def test_another_organizations_run_is_a_404_and_its_people_never_appear(manager, world, drafts):
    run, other, globex = drafts
    for kind in ("pairs", "mentees", "mentors"):
        assert manager.get(search_url(globex, kind), {"q": ""}).status_code == 404
    with activate(world.globex.organization):
        foreign = MatchProposal.objects.filter(run=globex).select_related("mentor__person").first()
        foreign_name = foreign.mentor.person.display_name
    with activate(world.acme.organization):
        other_pairs = {
            str(pk) for pk in MatchProposal.objects.filter(run=other).values_list("pk", flat=True)
        }
    for kind, name in (("pairs", "first"), ("mentees", "mentee"), ("mentors", "mentor")):
        for q in ("", foreign_name, world.globex.sentinel):
            answer = manager.get(search_url(run, kind), {"field": name, f"{name}_q": q})
            found = choices(answer, name)
            labels = " ".join(label for _value, label, _checked in found)
            assert world.globex.sentinel not in labels and foreign_name not in labels
            assert not other_pairs & {value for value, _label, _checked in found}
        # A chosen id of another organization or run is not shown as chosen.
        for chosen in (foreign.pk, next(iter(other_pairs)), "abc", "99999999999999999999"):
            answer = manager.get(
                search_url(run, kind), {"field": name, f"{name}_q": "zzz-nobody", name: chosen}
            )
            assert choices(answer, name) == []


def test_an_unknown_search_is_a_404_and_people_who_are_not_managers_are_refused(
    client, world, drafts
):
    run, _other, _globex = drafts
    manager = client_for(client, world.acme.organization, world.acme.manager)
    assert manager.get(search_url(run, "passwords")).status_code == 404
    assert manager.get("/admin/matching/matchrun/abc/search/pairs/").status_code == 404
    # An unknown field name is answered for the kind's own field, never echoed.
    answer = manager.get(search_url(run, "pairs"), {"field": "<script>"})
    assert answer.status_code == 200 and "<script>" not in answer.content.decode()
    client.logout()
    client_for(client, world.acme.organization, world.acme.mentees[0])
    assert client.get(search_url(run, "pairs"), follow=True).status_code == 403

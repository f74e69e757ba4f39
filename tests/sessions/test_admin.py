"""The prompt library in the program manager's admin; the pair's own records stay out of it.
(The cross-tenant battery of tests/mentoring/test_admin.py covers Prompt as well.)"""

import re

import pytest
from django.test import Client

from mentoring.tenancy import activate
from mentoring.tenancy.admin import organization_admin_site
from programs.models import Skill
from sessions.models import (
    ActionItem,
    AgendaItem,
    Agreement,
    PrivateNote,
    Prompt,
    PromptPhase,
    Session,
)
from tests.builders.clients import client_for

CHANGELIST = "/admin/mentoring_sessions/prompt/"


@pytest.fixture
def manager(world) -> Client:
    return client_for(Client(), world.acme.organization, world.acme.manager)


def skill_named(org, name: str) -> Skill:
    with activate(org.organization):
        return Skill.objects.get(name=name)


def own_skill(org, name="Conflict at work") -> Skill:
    with activate(org.organization):
        return Skill.objects.create(
            organization=org.organization,
            name=f"{name} {org.sentinel}",
            description="Disagreeing without damage.",
            behaviours=["Names the issue", "Listens to the other side", "Proposes a next step"],
        )


def prompt(org, text: str, **fields) -> Prompt:
    with activate(org.organization):
        return Prompt.objects.create(
            organization=org.organization, text=text, phase=PromptPhase.CHECK_IN, **fields
        )


def test_a_manager_lists_the_prompt_library_with_phase_skill_and_state(manager, world):
    skill = own_skill(world.acme)
    prompt(world.acme, "What did you notice in the room when you disagreed?", skill=skill)
    page = manager.get(CHANGELIST).content.decode()
    assert "What did you notice in the room when you disagreed?" in page
    assert "Regular check-in" in page and skill.name in page and "Any skill" in page
    assert 'name="form-0-is_active"' in page and 'name="form-0-position"' in page
    assert world.globex.sentinel not in page


def test_the_list_filters_by_phase_skill_and_state_and_searches_the_text(manager, world):
    skill = own_skill(world.acme)
    prompt(world.acme, "Role-play the hard opening line", skill=skill, is_active=False)
    own_skill(world.globex)  # the same name in globex: never offered as a filter
    page = manager.get(CHANGELIST).content.decode()
    assert page.count(f"?skill__id__exact={skill.pk}") == 1
    assert world.globex.sentinel not in page
    filtered = manager.get(CHANGELIST, {"skill__id__exact": skill.pk}).content.decode()
    assert "Role-play the hard opening line" in filtered
    assert "Pick one real situation from the last two weeks" not in filtered
    inactive = manager.get(CHANGELIST, {"is_active__exact": "0"}).content.decode()
    assert "Role-play the hard opening line" in inactive
    goal_review = manager.get(CHANGELIST, {"phase": PromptPhase.GOAL_REVIEW}).content.decode()
    assert "Role-play the hard opening line" not in goal_review
    found = manager.get(CHANGELIST, {"q": "hard opening"}).content.decode()
    assert "1 result" in found and "Role-play the hard opening line" in found


def test_a_manager_adds_a_prompt_for_a_skill_of_their_organization(manager, world):
    skill = skill_named(world.acme, "Active listening")
    response = manager.post(
        f"{CHANGELIST}add/",
        {
            "text": "Which sentence did you paraphrase back this week, and what changed?",
            "phase": PromptPhase.CHECK_IN,
            "skill": skill.pk,
            "position": 3,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    with activate(world.acme.organization):
        added = Prompt.objects.get(text__startswith="Which sentence did you paraphrase")
    assert added.organization_id == world.acme.organization.pk
    assert added.skill_id == skill.pk and added.position == 3


def test_a_skill_of_another_organization_is_refused(manager, world):
    foreign = skill_named(world.globex, "Active listening")
    response = manager.post(
        f"{CHANGELIST}add/",
        {"text": "Borrowed prompt", "phase": PromptPhase.CHECK_IN, "skill": foreign.pk},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    with activate(world.acme.organization):
        assert not Prompt.objects.filter(text="Borrowed prompt").exists()


def test_the_skill_dropdown_offers_own_skills_and_no_archived_one(manager, world):
    archived = own_skill(world.acme, "Old wording")
    with activate(world.acme.organization):
        Skill.objects.filter(pk=archived.pk).update(is_archived=True)
    own_skill(world.globex)
    page = manager.get(f"{CHANGELIST}add/").content.decode()
    select = re.search(r'<select name="skill".*?</select>', page, re.S).group(0)
    assert "Active listening" in select and "Any skill" in select
    assert archived.name not in select
    assert world.globex.sentinel not in page
    # a prompt that already has the archived skill keeps it, and still saves
    old = prompt(world.acme, "An old question", skill=archived)
    page = manager.get(f"{CHANGELIST}{old.pk}/change/").content.decode()
    assert archived.name in re.search(r'<select name="skill".*?</select>', page, re.S).group(0)


def test_a_manager_switches_prompts_off_and_reorders_them_in_the_list(manager, world):
    first = prompt(world.acme, "Unique check-in prompt one", position=1)
    second = prompt(world.acme, "Unique check-in prompt two", position=2)
    response = manager.post(
        f"{CHANGELIST}?q=Unique+check-in+prompt",
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": first.pk,
            "form-0-position": "5",
            "form-1-id": second.pk,
            "form-1-position": "0",
            "form-1-is_active": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content[:3000]
    with activate(world.acme.organization):
        first.refresh_from_db()
        second.refresh_from_db()
    assert (first.is_active, first.position) == (False, 5)
    assert (second.is_active, second.position) == (True, 0)


def test_the_bulk_actions_switch_prompts_on_and_off(manager, world):
    own = prompt(world.acme, "Switch me off")
    foreign = prompt(world.globex, "Not yours to switch")
    response = manager.post(
        CHANGELIST,
        {"action": "switch_off", "_selected_action": [own.pk, foreign.pk], "index": "0"},
    )
    assert response.status_code == 302
    with activate(world.acme.organization):
        own.refresh_from_db()
    with activate(world.globex.organization):
        foreign.refresh_from_db()
    assert own.is_active is False and foreign.is_active is True


@pytest.mark.parametrize("model", [Session, AgendaItem, ActionItem, PrivateNote, Agreement])
def test_the_pairs_own_records_are_not_in_the_admin(manager, model):
    assert model not in organization_admin_site._registry
    name = model._meta.model_name
    assert manager.get(f"/admin/mentoring_sessions/{name}/").status_code == 404


def test_the_admin_index_offers_the_prompt_library(manager):
    page = manager.get("/admin/").content.decode()
    assert CHANGELIST in page and "Prompts" in page


def test_people_who_are_not_managers_cannot_open_the_prompt_library(world):
    mentee = client_for(Client(), world.acme.organization, world.acme.mentees[0])
    assert mentee.get(CHANGELIST, follow=True).status_code == 403

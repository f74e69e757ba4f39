"""The prompt library beside an agenda: prompts already on the agenda are set aside, not
offered again; the mentee's focus-skill prompts come first, and those for any skill after
them under their own label."""

import re
from datetime import timedelta

from mentoring.tenancy import activate
from programs.models import EnrollmentSkill, Skill
from sessions import services
from sessions.models import AgendaItem, Prompt, PromptPhase, SessionKind
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX, text
from tests.builders.pair import make_pair, schedule, tomorrow


def library(pair, *, focus=True, general=True):
    """A check-in library of its own: two focus-skill prompts, one for another skill, two
    for any skill. Returns the prompts by name."""
    org = pair.org.organization
    with activate(org):
        skill = EnrollmentSkill.objects.filter(enrollment=pair.mentorship.mentee).first().skill
        other = Skill.objects.exclude(pk=skill.pk).first()
        Prompt.objects.all().delete()
        rows = {}
        specs = []
        if focus:
            specs += [("focus 1", skill, 1), ("focus 2", skill, 2)]
        specs += [("other skill", other, 3)]
        if general:
            specs += [("any 1", None, 4), ("any 2", None, 5)]
        for name, prompt_skill, position in specs:
            rows[name] = Prompt.objects.create(
                organization=org,
                phase=PromptPhase.CHECK_IN,
                skill=prompt_skill,
                text=f"Prompt {name}: what happened, and what did you notice?",
                position=position,
            )
    return rows, skill


def check_in(pair):
    """A regular check-in (the pair's second session, so not a first session)."""
    schedule(pair)
    return schedule(pair, starts_at=tomorrow() + timedelta(days=7), kind=SessionKind.CHECK_IN)


def offered(page: str) -> list[int]:
    """Ids of the prompts with an "Add to the agenda" button, in page order."""
    return [int(pk) for pk in re.findall(r'id="prompt-(\d+)-add"', page)]


def group_of(page: str, heading: str) -> str:
    start = page.index(heading)
    end = page.find("</ul>", start)
    return page[start:end]


def test_focus_skill_prompts_come_first_and_those_for_any_skill_after_them_labelled(pair):
    prompts, skill = library(pair)
    session = check_in(pair)
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/"))
    ids = [prompts[name].pk for name in ("focus 1", "focus 2", "any 1", "any 2")]
    assert offered(page) == ids
    assert prompts["other skill"].pk not in offered(page)
    focus_group = group_of(page, "For your focus skills")
    assert "Prompt focus 1" in focus_group and "Prompt any 1" not in focus_group
    assert skill.name in focus_group
    general_group = group_of(page, "Also useful, for any skill")
    assert "Prompt any 1" in general_group and "Any skill" in general_group


def test_the_mentor_sees_the_mentees_focus_skills_named(pair):
    library(pair)
    session = check_in(pair)
    page = text(signed_in(pair.org, pair.mentor).get(f"/sessions/{session.pk}/"))
    mentee_name = pair.mentorship.mentee.person.display_name
    assert f"For {mentee_name}'s focus skills" in page


def test_without_focus_skill_prompts_those_for_any_skill_are_simply_offered(pair):
    prompts, _skill = library(pair, focus=False)
    session = check_in(pair)
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/"))
    assert offered(page) == [prompts["any 1"].pk, prompts["any 2"].pk]
    assert "For any skill" in page and "Also useful" not in page
    assert "For your focus skills" not in page


def test_a_prompt_on_the_agenda_is_set_aside_not_offered_again(pair):
    prompts, _skill = library(pair)
    session = check_in(pair)
    mentee = signed_in(pair.org, pair.mentee)
    page = text(
        mentee.post(
            f"/sessions/{session.pk}/agenda/add/", {"prompt": prompts["focus 1"].pk}, **HTMX
        )
    )
    assert prompts["focus 1"].pk not in offered(page)
    picked = group_of(page, "On the agenda already")
    assert "Prompt focus 1" in picked
    assert "(3 to pick for a regular check-in)" in page


def test_a_point_written_with_a_prompts_words_counts_as_that_prompt(pair):
    prompts, _skill = library(pair)
    session = check_in(pair)
    with activate(pair.org.organization):
        services.agenda_item_add(
            organization=pair.org.organization,
            actor=pair.mentor,
            session=session,
            text="  prompt ANY 2: what happened, and what did you notice? ",
        )
    page = text(signed_in(pair.org, pair.mentee).get(f"/sessions/{session.pk}/"))
    assert prompts["any 2"].pk not in offered(page)
    assert "Prompt any 2" in group_of(page, "On the agenda already")


def test_picking_a_prompt_the_other_person_just_picked_says_so_and_adds_nothing(pair):
    prompts, _skill = library(pair)
    session = check_in(pair)
    mentee, mentor = signed_in(pair.org, pair.mentee), signed_in(pair.org, pair.mentor)
    mentor_page = text(mentor.get(f"/sessions/{session.pk}/"))  # the mentor's page offers it
    assert prompts["focus 2"].pk in offered(mentor_page)
    mentee.post(f"/sessions/{session.pk}/agenda/add/", {"prompt": prompts["focus 2"].pk}, **HTMX)
    response = mentor.post(
        f"/sessions/{session.pk}/agenda/add/", {"prompt": prompts["focus 2"].pk}, **HTMX
    )
    assert response.status_code == 200
    assert "That prompt is already on the agenda." in text(response)
    with activate(pair.org.organization):
        assert AgendaItem.objects.filter(session=session).count() == 1


def test_the_other_persons_poll_sets_a_picked_prompt_aside(pair):
    prompts, _skill = library(pair)
    session = check_in(pair)
    mentee, mentor = signed_in(pair.org, pair.mentee), signed_in(pair.org, pair.mentor)
    mentee.post(f"/sessions/{session.pk}/agenda/add/", {"prompt": prompts["any 1"].pk}, **HTMX)
    page = text(mentor.get(f"/sessions/{session.pk}/agenda/live/", **HTMX))
    assert prompts["any 1"].pk not in offered(page)
    assert "Prompt any 1" in group_of(page, "On the agenda already")


def test_another_organizations_prompts_are_never_offered(world):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    with activate(globex.org.organization):
        Prompt.objects.create(
            organization=globex.org.organization,
            phase=PromptPhase.FIRST_SESSION,
            text=f"Prompt {globex.org.sentinel}",
        )
        g_prompt = Prompt.objects.get(text=f"Prompt {globex.org.sentinel}")
    session = schedule(acme)
    browser = signed_in(acme.org, acme.mentee)
    assert globex.org.sentinel not in text(browser.get(f"/sessions/{session.pk}/"))
    response = browser.post(f"/sessions/{session.pk}/agenda/add/", {"prompt": g_prompt.pk}, **HTMX)
    assert "That prompt is no longer in the library." in text(response)
    with activate(acme.org.organization):
        assert not AgendaItem.objects.filter(session=session).exists()

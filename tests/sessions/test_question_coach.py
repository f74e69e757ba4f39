"""The open-question coach: every example question classified exactly, its htmx endpoint
(members only, nothing stored, any length answered), and where people write questions:
the agenda's add and edit boxes and the prompt library in the admin."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from mentoring.tenancy import activate
from sessions import services
from sessions.models import Prompt, PromptPhase
from sessions.questions import assess_question
from tests.builders.clients import client_for, signed_in
from tests.builders.pages import ESCAPED_SCRIPT, HTMX, SCRIPT, text
from tests.builders.pair import schedule

from .question_examples import EXAMPLES

COACH = reverse("sessions:question_coach")
PROMPTS = "/admin/mentoring_sessions/prompt/"

# ---------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("question", "kind", "rewrite"), EXAMPLES, ids=[e[0][:40] for e in EXAMPLES]
)
def test_every_example_question_is_classified_as_expected(question, kind, rewrite):
    advice = assess_question(question)
    assert advice.kind == kind
    if rewrite is not None:
        assert advice.rewrite == rewrite


def test_the_examples_cover_every_kind_and_a_dozen_exact_rewrites():
    assert len(EXAMPLES) >= 40
    assert {kind for _q, kind, _r in EXAMPLES} == {"open", "closed", "leading", "not_a_question"}
    assert sum(1 for _q, _k, rewrite in EXAMPLES if rewrite) >= 12


def test_every_closed_or_leading_question_gets_an_open_rewrite_and_a_reason():
    for question, kind, _rewrite in EXAMPLES:
        if kind in ("closed", "leading"):
            advice = assess_question(question)
            assert advice.reason and advice.rewrite.endswith("?"), question
            assert assess_question(advice.rewrite).kind == "open", advice.rewrite


def test_a_statement_gets_no_advice_at_all():
    advice = assess_question("Prepare the quarterly review. Feedback on my slides")
    assert (advice.kind, advice.reason, advice.rewrite, advice.sentences) == (
        "not_a_question",
        "",
        "",
        (),
    )


def test_each_question_sentence_of_a_longer_text_is_assessed():
    advice = assess_question(
        "It was a hard week. Did the retro go well? Don't you agree that we rushed it?"
    )
    assert [s.kind for s in advice.sentences] == ["closed", "leading"]
    assert advice.kind == "leading"
    assert len(advice.to_rewrite) == 2


def test_the_coach_is_deterministic_and_fast_on_a_very_long_text():
    long_text = "Did you tell anyone? " * 500 + "x" * 10_000
    started = time.perf_counter()
    first, second = assess_question(long_text), assess_question(long_text)
    assert time.perf_counter() - started < 0.5
    assert first == second and first.kind == "closed"


# ---------------------------------------------------------------- the endpoint


def test_a_member_gets_the_advice_as_they_type_and_nothing_is_stored(pair):
    client = signed_in(pair.org, pair.mentee)
    response = client.post(COACH, {"text": "Did the meeting go well?"}, **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "reads as a yes/no question" in page
    assert "What went well in the meeting, and what would you change?" in page
    with activate(pair.org.organization):
        assert not Prompt.objects.filter(text__icontains="meeting go well").exists()


def test_an_open_question_is_praised_and_a_statement_or_empty_text_gets_nothing(pair):
    client = signed_in(pair.org, pair.mentor)
    assert "invites a real answer" in text(client.post(COACH, {"text": "How did it go?"}))
    for quiet in ({"text": "Feedback on my slides"}, {"text": ""}, {}):
        response = client.post(COACH, quiet)
        assert response.status_code == 200
        assert "coach__" not in text(response)


def test_the_coach_escapes_what_was_typed(pair):
    client = signed_in(pair.org, pair.mentee)
    page = text(client.post(COACH, {"text": f"It was hard. Did {SCRIPT} go well?"}))
    assert SCRIPT not in page and ESCAPED_SCRIPT in page


def test_a_ten_thousand_character_text_is_answered_quickly(pair):
    client = signed_in(pair.org, pair.mentee)
    started = time.perf_counter()
    response = client.post(COACH, {"text": "Is it ok? " + "a" * 10_000})
    assert response.status_code == 200
    assert time.perf_counter() - started < 2


def test_the_coach_refuses_a_get(pair):
    response = signed_in(pair.org, pair.mentee).get(COACH)
    assert response.status_code == 405


def test_anonymous_people_and_members_of_another_organization_get_no_advice(world):
    anonymous = client_for(Client(), world.acme.organization)
    response = anonymous.post(COACH, {"text": "Did it go well?"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # signed in on globex's host: on acme's host they are nobody, and are sent to sign in
    outsider = signed_in(world.globex, world.globex.mentees[0])
    acme_host = f"{world.acme.organization.slug}.localhost"
    response = outsider.post(COACH, {"text": "Did it go well?"}, HTTP_HOST=acme_host)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ---------------------------------------------------------------- the agenda


def test_the_agenda_add_box_carries_the_live_coach(pair):
    session = schedule(pair)
    page = text(
        signed_in(pair.org, pair.mentee).get(reverse("sessions:session", args=[session.pk]))
    )
    assert f'hx-post="{COACH}"' in page
    assert 'hx-trigger="keyup changed delay:400ms"' in page
    assert 'id="agenda-new-coach" class="help" aria-live="polite"' in page
    assert 'id="agenda-new-text"' in page and 'id="agenda-add"' in page  # ids kept


def test_opening_a_yes_no_point_for_editing_shows_the_advice_and_saving_is_not_blocked(pair):
    session = schedule(pair)
    with activate(pair.org.organization):
        item = services.agenda_item_add(
            organization=pair.org.organization,
            actor=pair.mentee,
            session=session,
            text="Did the demo go well?",
        )
    client = signed_in(pair.org, pair.mentee)
    agenda = reverse("sessions:agenda", args=[session.pk])
    page = text(client.get(agenda, {"edit": item.pk}, **HTMX))
    assert f'id="agenda-{item.pk}-coach"' in page
    assert "How did the demo go, and what would you change?" not in page  # "well": its own rule
    assert "What went well in the demo, and what would you change?" in page
    edit = reverse("sessions:agenda_edit", args=[session.pk, item.pk])
    response = client.post(edit, {"text": "Did we agree?", "version": item.version}, **HTMX)
    assert response.status_code == 200 and "Point saved." in text(response)
    with activate(pair.org.organization):
        item.refresh_from_db()
    assert item.text == "Did we agree?"


def test_a_yes_no_point_is_added_as_written(pair):
    session = schedule(pair)
    client = signed_in(pair.org, pair.mentee)
    add = reverse("sessions:agenda_add", args=[session.pk])
    response = client.post(add, {"text": "Isn't it true that I rushed?"}, **HTMX)
    assert "Point added." in text(response)
    assert "Isn&#x27;t it true that I rushed?" in text(response)


# ---------------------------------------------------------------- the prompt library


@pytest.fixture
def manager(world) -> Client:
    return client_for(Client(), world.acme.organization, world.acme.manager)


def prompt(org, text_: str) -> Prompt:
    with activate(org.organization):
        return Prompt.objects.create(
            organization=org.organization, text=text_, phase=PromptPhase.CHECK_IN
        )


def test_the_prompt_form_shows_the_coachs_advice(manager, world):
    closed = prompt(world.acme, "Did your week go well?")
    page = text(manager.get(f"{PROMPTS}{closed.pk}/change/"))
    assert "Open-question coach" in page
    assert "What went well in your week, and what would you change?" in page


def test_saving_a_leading_prompt_saves_it_and_says_how_to_open_it(manager, world):
    response = manager.post(
        f"{PROMPTS}add/",
        {
            "text": "Don't you think you should speak up sooner?",
            "phase": PromptPhase.CHECK_IN,
            "skill": "",
            "position": 0,
            "is_active": "on",
        },
        follow=True,
    )
    page = text(response)
    assert "About this prompt: This suggests its own answer" in page
    with activate(world.acme.organization):
        assert Prompt.objects.filter(text="Don't you think you should speak up sooner?").exists()


def test_the_prompt_list_filters_closed_or_leading_questions_of_its_own_organization(
    manager, world
):
    prompt(world.acme, "Was the workshop useful?")
    prompt(world.acme, "How did you open the hard conversation?")
    prompt(world.globex, f"Did it go well, {world.globex.sentinel}?")
    page = text(manager.get(PROMPTS, {"question": "rewrite"}))
    assert "Was the workshop useful?" in page
    assert "How did you open the hard conversation?" not in page
    assert world.globex.sentinel not in page
    assert "Closed or leading questions" in page and "Yes/no question" in page
    open_only = text(manager.get(PROMPTS, {"question": "open"}))
    assert "How did you open the hard conversation?" in open_only
    assert "Was the workshop useful?" not in open_only

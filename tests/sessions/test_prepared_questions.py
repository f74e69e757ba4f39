"""Questions someone prepares for a session: private to their author, added once even sent
twice at once, at most 20, explained when refused, and read at a fixed cost."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from mentoring.tenancy import activate
from sessions.models import PreparedQuestion, Session, SessionStatus
from sessions.services.questions import PREPARED_QUESTIONS_MAX, prepared_question_add
from tests.builders.clients import signed_in
from tests.builders.pages import ESCAPED_SCRIPT, HTMX, SCRIPT, text
from tests.builders.pair import make_pair, running_pairs, schedule
from tests.builders.world import build_world

from .test_views import SESSION_PAGE_QUERIES


def questions_url(session) -> str:
    return reverse("sessions:prepared_questions", args=[session.pk])


def remove_url(session, question) -> str:
    return reverse("sessions:prepared_question_remove", args=[session.pk, question.pk])


def prepare(pair, session, text_: str, actor=None) -> PreparedQuestion:
    with activate(pair.org.organization):
        return prepared_question_add(
            organization=pair.org.organization,
            actor=actor or pair.mentor,
            session=session,
            text=text_,
        )


def stored(pair, **filters) -> list[str]:
    with activate(pair.org.organization):
        return list(PreparedQuestion.objects.filter(**filters).values_list("text", flat=True))


# ---------------------------------------------------------------- adding and reading


def test_the_mentor_adds_questions_in_order_and_reads_them_on_the_session_section(pair):
    session = schedule(pair)
    mentor = signed_in(pair.org, pair.mentor)
    for question in ("How did the pitch land?", "What would you try next time?"):
        response = mentor.post(questions_url(session), {"text": question}, **HTMX)
        assert response.status_code == 200
        assert "Question added to your list." in text(response)
    page = text(mentor.get(questions_url(session), **HTMX))
    assert page.index("How did the pitch land?") < page.index("What would you try next time?")
    with activate(pair.org.organization):
        positions = list(PreparedQuestion.objects.values_list("position", flat=True))
    assert positions == [1, 2]


def test_the_session_page_has_a_private_section_that_loads_the_list(pair):
    session = schedule(pair)
    page = text(
        signed_in(pair.org, pair.mentor).get(reverse("sessions:session", args=[session.pk]))
    )
    assert "Questions I want to ask" in page
    assert f'hx-get="{questions_url(session)}" hx-trigger="load"' in page
    assert f'<a href="{questions_url(session)}">' in page  # without JavaScript


def test_without_javascript_the_list_has_its_own_page_and_adding_comes_back_to_it(pair):
    session = schedule(pair)
    mentor = signed_in(pair.org, pair.mentor)
    response = mentor.post(questions_url(session), {"text": "What surprised you?"})
    assert response.status_code == 302 and response["Location"] == questions_url(session)
    page = text(mentor.get(questions_url(session)))
    assert "<h1>Questions I want to ask</h1>" in page
    assert "What surprised you?" in page and "Question added to your list." in page


def test_the_add_form_carries_the_live_coach_and_advises_on_a_refused_question(pair):
    session = schedule(pair)
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.get(questions_url(session), **HTMX))
    coach = reverse("sessions:question_coach")
    assert f'hx-post="{coach}" hx-trigger="keyup changed delay:400ms"' in page
    assert 'id="question-new-coach" class="help" aria-live="polite"' in page
    prepare(pair, session, "Did the demo go well?")
    again = text(mentor.post(questions_url(session), {"text": "Did the demo go well?"}))
    assert "That question is already on your list." in again
    assert "What went well in the demo, and what would you change?" in again


def test_a_closed_question_is_stored_as_written_the_coach_only_advises(pair):
    session = schedule(pair)
    signed_in(pair.org, pair.mentor).post(questions_url(session), {"text": "Was it hard?"})
    assert stored(pair) == ["Was it hard?"]


def test_what_was_typed_is_escaped(pair):
    session = schedule(pair)
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.post(questions_url(session), {"text": f"What about {SCRIPT}?"}, **HTMX))
    assert SCRIPT not in page and ESCAPED_SCRIPT in page


# ---------------------------------------------------------------- private to the author


def test_the_other_person_never_sees_the_questions_and_cannot_remove_them(pair):
    session = schedule(pair)
    question = prepare(pair, session, "What is the one thing you avoid saying?")
    mentee = signed_in(pair.org, pair.mentee)
    for page in (
        mentee.get(questions_url(session), **HTMX),
        mentee.get(questions_url(session)),
        mentee.get(reverse("sessions:session", args=[session.pk])),
    ):
        assert "one thing you avoid saying" not in text(page)
    response = mentee.post(remove_url(session, question), **HTMX)
    assert response.status_code == 404  # the same answer as for a question that never was
    assert "already been removed" in text(response)
    assert "one thing you avoid saying" not in text(response)
    assert stored(pair) == ["What is the one thing you avoid saying?"]


def test_each_person_keeps_a_list_of_their_own(pair):
    session = schedule(pair)
    prepare(pair, session, "What do you want from today?", actor=pair.mentor)
    prepare(pair, session, "How do I say no kindly?", actor=pair.mentee)
    mentee_page = text(signed_in(pair.org, pair.mentee).get(questions_url(session), **HTMX))
    assert "How do I say no kindly?" in mentee_page
    assert "What do you want from today?" not in mentee_page


def test_managers_hr_other_pairs_and_other_organizations_get_404(world):
    pair = make_pair(world.acme)
    session = schedule(pair)
    question = prepare(pair, session, "What went well this month?")
    other_pair = running_pairs(world.acme, 1).mentorships[0]
    outsiders = [
        signed_in(world.acme, world.acme.manager),
        signed_in(world.acme, world.acme.hr),
        signed_in(world.acme, other_pair.mentor.person.user),
        signed_in(world.globex, world.globex.mentors[0]),
    ]
    for browser in outsiders:
        assert browser.get(questions_url(session)).status_code == 404
        assert browser.post(questions_url(session), {"text": "How?"}).status_code == 404
        assert browser.post(remove_url(session, question)).status_code == 404
    assert stored(pair) == ["What went well this month?"]


def test_a_globex_member_cannot_reach_an_acme_question_through_their_own_session(world):
    acme_pair, globex_pair = make_pair(world.acme), make_pair(world.globex)
    acme_session, globex_session = schedule(acme_pair), schedule(globex_pair)
    acme_question = prepare(acme_pair, acme_session, "What would you change?")
    globex_mentor = signed_in(world.globex, globex_pair.mentor)
    url = reverse("sessions:prepared_question_remove", args=[globex_session.pk, acme_question.pk])
    response = globex_mentor.post(url, **HTMX)
    assert "already been removed" in text(response)
    assert stored(acme_pair) == ["What would you change?"]


# ---------------------------------------------------------------- removing


def test_removing_a_question_and_removing_it_again_says_so(pair):
    session = schedule(pair)
    question = prepare(pair, session, "How did you prepare?")
    mentor = signed_in(pair.org, pair.mentor)
    first = mentor.post(remove_url(session, question), **HTMX)
    assert "Question removed from your list." in text(first)
    second = mentor.post(remove_url(session, question), **HTMX)
    assert second.status_code == 404 and second["X-Agenda-Refused"] == "gone"  # swapped in
    assert "That question had already been removed from your list." in text(second)
    assert stored(pair) == []


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Write the question you want to ask."),
        ("   \n ", "Write the question you want to ask."),
        ("Why " * 200, "Keep a question under 600 characters (799 now)."),
    ],
)
def test_bad_input_is_explained_and_what_was_typed_is_kept(pair, typed, message):
    session = schedule(pair)
    response = signed_in(pair.org, pair.mentor).post(questions_url(session), {"text": typed})
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert typed.strip()[:50] in page
    assert stored(pair) == []


def test_a_list_holds_twenty_questions_and_the_twenty_first_is_refused(pair):
    session = schedule(pair)
    for number in range(PREPARED_QUESTIONS_MAX):
        prepare(pair, session, f"What is question {number}?")
    response = signed_in(pair.org, pair.mentor).post(
        questions_url(session), {"text": "What else?"}, **HTMX
    )
    assert "You have 20 questions for this session already" in text(response)
    assert "What else?" in text(response)  # kept in the box
    assert len(stored(pair)) == PREPARED_QUESTIONS_MAX


def test_a_logged_session_keeps_its_questions_but_takes_no_new_one(pair):
    session = schedule(pair)
    prepare(pair, session, "How did it go?")
    with activate(pair.org.organization):
        Session.objects.filter(pk=session.pk).update(status=SessionStatus.HELD)
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.get(questions_url(session), **HTMX))
    assert "How did it go?" in page and 'id="question-add"' not in page
    refused = text(mentor.post(questions_url(session), {"text": "What next?"}, **HTMX))
    assert "no longer planned (it is marked held)" in refused
    assert stored(pair) == ["How did it go?"]


def test_the_same_question_sent_twice_is_kept_once(pair):
    session = schedule(pair)
    mentor = signed_in(pair.org, pair.mentor)
    mentor.post(questions_url(session), {"text": "What helped?"})
    response = mentor.post(questions_url(session), {"text": "  what HELPED? "})
    assert "That question is already on your list." in text(response)
    assert stored(pair) == ["What helped?"]


@pytest.mark.django_db(transaction=True)
def test_the_same_question_sent_three_times_at_once_is_stored_once():
    pair = make_pair(build_world().acme)
    session = schedule(pair)
    barrier = threading.Barrier(3)
    statuses: list[int] = []

    def send():
        try:
            browser = signed_in(pair.org, pair.mentor)
            barrier.wait(timeout=30)
            response = browser.post(questions_url(session), {"text": "What helped?"}, **HTMX)
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200, 200, 200]
    assert stored(pair) == ["What helped?"]


# ---------------------------------------------------------------- cost


LIST_QUERIES = (
    6  # organization, sign-in, user, membership; the session with the pair, the questions
)


def test_the_list_and_the_session_page_cost_the_same_for_1_or_15_questions(
    pair, django_assert_num_queries
):
    session = schedule(pair)
    mentor = signed_in(pair.org, pair.mentor)
    session_page = reverse("sessions:session", args=[session.pk])
    prepare(pair, session, "What is question 0?")
    with django_assert_num_queries(LIST_QUERIES):
        mentor.get(questions_url(session), **HTMX)
    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        mentor.get(session_page)
    for number in range(1, 15):
        prepare(pair, session, f"What is question {number}?")
    with django_assert_num_queries(LIST_QUERIES):
        page = text(mentor.get(questions_url(session), **HTMX))
    assert page.count('class="agenda__item"') == 15
    with django_assert_num_queries(SESSION_PAGE_QUERIES):
        mentor.get(session_page)

"""The mentee's observation log: private until shared, shared once onto the next agenda,
turned into one experiment, never losing what was typed, and read at a fixed cost."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

from mentoring.notifications.models import Kind, Notice, OutboxMessage
from mentoring.tenancy import activate
from sessions.models import ActionItem, AgendaItem, Observation, Session, SessionStatus
from sessions.services import observations as services
from tests.builders.clients import signed_in
from tests.builders.observations import SEEN, form_data, in_a_week, log_url, observe, share
from tests.builders.pages import ESCAPED_SCRIPT, SCRIPT, text
from tests.builders.pair import focus_skill, make_pair, running_pairs, schedule, tomorrow
from tests.builders.world import build_world
from tests.test_aria_ids import missing_ids

from .test_views import count_queries


def rows(pair, model, **filters):
    with activate(pair.org.organization):
        return list(model.objects.filter(**filters))


def shared_points(pair, **filters) -> list[AgendaItem]:
    """The agenda points sharing made (a session starts with points of its own)."""
    return rows(pair, AgendaItem, text__startswith="An observation to talk about", **filters)


def reload(pair, observation) -> Observation:
    with activate(pair.org.organization):
        return Observation.objects.select_related("agenda_item", "experiment").get(
            pk=observation.pk
        )


# ---------------------------------------------------------------- privacy


def test_a_mentee_writes_an_observation_that_the_mentor_cannot_see_until_it_is_shared(pair):
    mentee, mentor = signed_in(pair.org, pair.mentee), signed_in(pair.org, pair.mentor)
    response = mentee.post(log_url(pair, "observation_add"), form_data())
    assert response.status_code == 302
    page = text(mentee.get(response.url))
    assert "Only you can see it until you share it." in page
    assert SEEN["adaptation"] in page
    assert "Private" in page

    mentor_page = text(mentor.get(log_url(pair)))
    assert "Observations shared with you" in mentor_page
    assert "Nothing shared yet." in mentor_page
    assert SEEN["situation"] not in mentor_page


def test_a_shared_observation_is_read_by_the_mentor_but_changed_by_the_mentee_only(pair):
    observation = share(pair, observe(pair))
    mentor = signed_in(pair.org, pair.mentor)
    page = text(mentor.get(log_url(pair)))
    assert "Shared with you (1)" in page
    assert SEEN["action"] in page
    assert "Remove from my log" not in page and "Edit<span" not in page
    for name in ("observation_edit", "observation_share", "observation_remove"):
        assert mentor.post(log_url(pair, name, observation), form_data()).status_code == 404
    assert mentor.get(log_url(pair, "observation_edit", observation)).status_code == 404
    assert reload(pair, observation).situation == SEEN["situation"]


def test_the_mentor_cannot_write_in_the_mentees_log(pair):
    mentor = signed_in(pair.org, pair.mentor)
    assert mentor.post(log_url(pair, "observation_add"), form_data()).status_code == 404
    assert rows(pair, Observation) == []


def test_an_unshared_observation_stays_hidden_beside_a_shared_one(pair):
    share(pair, observe(pair))
    observe(pair, situation="A private moment I am not ready to talk about")
    page = text(signed_in(pair.org, pair.mentor).get(log_url(pair)))
    assert "Shared with you (1)" in page
    assert "A private moment" not in page


def test_managers_hr_and_members_of_another_pair_or_organization_get_404(world):
    pair = make_pair(world.acme)
    observation = observe(pair)
    other_pair = running_pairs(world.acme, 1).mentorships[0]
    outsiders = [
        signed_in(world.acme, world.acme.manager),
        signed_in(world.acme, world.acme.hr),
        signed_in(world.acme, other_pair.mentee.person.user),
        signed_in(world.acme, other_pair.mentor.person.user),
        signed_in(world.globex, world.globex.mentees[0]),
    ]
    for browser in outsiders:
        assert browser.get(log_url(pair)).status_code == 404
        assert browser.post(log_url(pair, "observation_add"), form_data()).status_code == 404
        for name in ("observation_share", "observation_experiment", "observation_remove"):
            assert browser.post(log_url(pair, name, observation)).status_code == 404
    assert reload(pair, observation).shared_at is None
    assert len(rows(pair, Observation)) == 1


def test_a_globex_member_cannot_reach_an_acme_observation_through_their_own_pair(world):
    acme_pair, globex_pair = make_pair(world.acme), make_pair(world.globex)
    acme_observation = observe(acme_pair)
    globex_mentee = signed_in(world.globex, globex_pair.mentee)
    url = f"/mentorships/{globex_pair.mentorship.pk}/observations/{acme_observation.pk}/share/"
    assert globex_mentee.post(url).status_code == 404
    assert reload(acme_pair, acme_observation).shared_at is None


# ---------------------------------------------------------------- sharing


def test_sharing_puts_the_observation_on_the_next_sessions_agenda_once_even_sent_twice(pair):
    later = schedule(pair, starts_at=tomorrow() + timedelta(days=7))
    sooner = schedule(pair)
    observation = observe(pair)
    mentee = signed_in(pair.org, pair.mentee)
    for _ in range(2):
        response = mentee.post(log_url(pair, "observation_share", observation))
        assert response.status_code == 302
    points = shared_points(pair)
    assert [(point.session_id, point.text) for point in points] == [
        (sooner.pk, f"An observation to talk about: {SEEN['situation']}")
    ]
    assert shared_points(pair, session=later) == []
    page = text(mentee.get(response.url))
    assert "Shared with" in page and "It is a point of the agenda of your session on" in page
    assert reload(pair, observation).agenda_item_id == points[0].pk


def test_the_mentor_hears_once_that_an_observation_was_shared_and_never_its_text(pair):
    observation = observe(pair)
    mentee = signed_in(pair.org, pair.mentee)
    with activate(pair.org.organization):
        assert not OutboxMessage.objects.filter(kind=Kind.OBSERVATION_SHARED).exists()
    for _ in range(2):
        mentee.post(log_url(pair, "observation_share", observation))
    with activate(pair.org.organization):
        emails = list(OutboxMessage.objects.filter(kind=Kind.OBSERVATION_SHARED))
        notices = list(Notice.objects.filter(kind=Kind.OBSERVATION_SHARED))
    assert [email.recipient_id for email in emails] == [pair.mentor.pk]
    assert [notice.recipient_id for notice in notices] == [pair.mentorship.mentor.person_id]
    body = emails[0].body_text
    assert "shared an observation" in body and f"observation-{observation.pk}" in body
    assert all(SEEN[part] not in body for part in ("situation", "action", "effect"))


def test_sharing_with_no_session_planned_shares_it_and_adds_the_point_once_one_is_planned(pair):
    observation = observe(pair)
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(log_url(pair, "observation_share", observation))
    page = text(mentee.get(response.url))
    assert "No session is planned yet, so it is on no agenda" in page
    assert reload(pair, observation).shared_at is not None
    assert SEEN["effect"] in text(signed_in(pair.org, pair.mentor).get(log_url(pair)))

    session = schedule(pair)
    page = text(mentee.get(log_url(pair)))
    assert "Add it to the agenda of" in page
    mentee.post(log_url(pair, "observation_share", observation))
    mentee.post(log_url(pair, "observation_share", observation))
    assert len(shared_points(pair, session=session)) == 1
    assert "Add it to the agenda of" not in text(mentee.get(log_url(pair)))


def test_an_observation_whose_session_was_cancelled_goes_on_the_next_one(pair):
    first = schedule(pair)
    observation = share(pair, observe(pair))
    with activate(pair.org.organization):
        Session.objects.filter(pk=first.pk).update(status=SessionStatus.CANCELLED)
    second = schedule(pair, starts_at=tomorrow() + timedelta(days=3))
    share(pair, observation)
    assert len(shared_points(pair, session=second)) == 1


def _at_once(count: int, action) -> list[BaseException]:
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run():
        try:
            barrier.wait(timeout=30)
            action()
        except BaseException as error:  # reported by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_sharing_and_turning_into_an_experiment_at_once_make_one_point_and_one_experiment():
    pair = make_pair(build_world().acme)
    schedule(pair)
    observation = observe(pair)
    assert _at_once(3, lambda: share(pair, observation)) == []

    def experiment():
        with activate(pair.org.organization):
            services.observation_experiment(
                organization=pair.org.organization,
                actor=pair.mentee,
                observation=observation,
                description="Ask for the worry behind the objection",
                due_on=in_a_week(),
            )

    assert _at_once(3, experiment) == []
    assert len(shared_points(pair)) == 1
    assert len(rows(pair, ActionItem)) == 1


# ---------------------------------------------------------------- experiments


def test_an_observation_becomes_one_experiment_of_the_mentee_with_the_date_they_picked(pair):
    observation = observe(pair)
    mentee = signed_in(pair.org, pair.mentee)
    data = {
        f"experiment-{observation.pk}-description": "Ask what worries them before answering",
        f"experiment-{observation.pk}-due_on": in_a_week().isoformat(),
    }
    for _ in range(2):
        response = mentee.post(log_url(pair, "observation_experiment", observation), data)
        assert response.status_code == 302
    items = rows(pair, ActionItem)
    assert [(item.description, item.due_on, item.owner_id) for item in items] == [
        ("Ask what worries them before answering", in_a_week(), observation.author_id)
    ]
    assert reload(pair, observation).experiment_id == items[0].pk
    page = text(mentee.get(log_url(pair)))
    assert "Turned into an experiment" in page and "Turn it into an experiment" not in page


def test_an_experiment_due_in_the_past_is_refused_and_keeps_what_was_typed(pair):
    observation = observe(pair)
    mentee = signed_in(pair.org, pair.mentee)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = mentee.post(
        log_url(pair, "observation_experiment", observation),
        {
            f"experiment-{observation.pk}-description": "Try the pause in my next one-to-one",
            f"experiment-{observation.pk}-due_on": yesterday.isoformat(),
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "Choose a due date from today on." in page
    assert "Try the pause in my next one-to-one" in page
    assert rows(pair, ActionItem) == []


# ---------------------------------------------------------------- bad input, edits, removal


def test_a_missing_part_is_explained_and_every_word_typed_stays_in_the_form(pair):
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(
        log_url(pair, "observation_add"), form_data(effect="  ", situation=SCRIPT)
    )
    page = text(response)
    assert response.status_code == 200
    assert "Say what it changed" in page
    assert ESCAPED_SCRIPT in page and SCRIPT not in page
    assert SEEN["action"] in page and SEEN["adaptation"] in page
    assert rows(pair, Observation) == []


def test_an_overlong_part_is_refused_with_its_length_and_kept(pair):
    mentee = signed_in(pair.org, pair.mentee)
    long_text = "word " * 500
    page = text(mentee.post(log_url(pair, "observation_add"), form_data(action=long_text)))
    assert "Keep it under 2,000 characters (2,499 now)" in page
    assert long_text.strip() in page
    assert rows(pair, Observation) == []


def test_a_skill_that_is_not_a_focus_skill_is_refused_and_the_text_kept(world):
    pair = make_pair(world.acme)
    other_skill = focus_skill(make_pair(world.globex))
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.post(log_url(pair, "observation_add"), form_data(skill=other_skill.pk)))
    assert "Choose one of your focus skills, or none." in page
    assert SEEN["effect"] in page
    assert rows(pair, Observation) == []
    mine = focus_skill(pair)
    mentee.post(log_url(pair, "observation_add"), form_data(skill=mine.pk, observed="Priya"))
    assert [(o.skill_id, o.observed) for o in rows(pair, Observation)] == [(mine.pk, "Priya")]
    assert f"You watched Priya · {mine.name}" in text(mentee.get(log_url(pair)))


def test_the_same_observation_sent_twice_is_kept_once(pair):
    mentee = signed_in(pair.org, pair.mentee)
    mentee.post(log_url(pair, "observation_add"), form_data())
    page = text(mentee.post(log_url(pair, "observation_add"), form_data()))
    assert "This observation is already in your log." in page
    assert len(rows(pair, Observation)) == 1


def test_editing_a_shared_observation_shows_the_mentor_the_new_words(pair):
    observation = share(pair, observe(pair))
    mentee = signed_in(pair.org, pair.mentee)
    edit = log_url(pair, "observation_edit", observation)
    assert "reads what you save here" in text(mentee.get(edit))
    prefix = f"edit-{observation.pk}"
    bad = text(mentee.post(edit, form_data(prefix, adaptation="", effect="They laughed")))
    assert "Say what you will take from it" in bad and "They laughed" in bad
    assert reload(pair, observation).effect == SEEN["effect"]
    response = mentee.post(edit, form_data(prefix, effect="They laughed, then agreed"))
    assert response.status_code == 302
    assert "reads the new version" in text(mentee.get(response.url))
    assert "They laughed, then agreed" in text(signed_in(pair.org, pair.mentor).get(log_url(pair)))


def test_removing_an_observation_keeps_the_agenda_point_and_a_second_removal_says_so(pair):
    schedule(pair)
    observation = share(pair, observe(pair))
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(log_url(pair, "observation_remove", observation))
    assert "Observation removed from your log." in text(mentee.get(response.url))
    assert rows(pair, Observation) == []
    assert len(shared_points(pair)) == 1
    assert mentee.post(log_url(pair, "observation_remove", observation)).status_code == 404


def test_a_change_to_an_observation_removed_meanwhile_says_it_has_gone(pair):
    observation = observe(pair)
    organization = pair.org.organization
    with activate(organization):
        services.observation_remove(
            organization=organization, actor=pair.mentee, observation=observation
        )
        changes = [
            lambda: services.observation_edit(
                organization=organization, actor=pair.mentee, observation=observation, **SEEN
            ),
            lambda: services.observation_share(
                organization=organization, actor=pair.mentee, observation=observation
            ),
            lambda: services.observation_remove(
                organization=organization, actor=pair.mentee, observation=observation
            ),
        ]
        for change in changes:
            with pytest.raises(ValidationError, match="just been removed from your log"):
                change()


def test_the_services_refuse_the_mentor_as_author_even_when_called_directly(pair):
    observation = observe(pair)
    organization = pair.org.organization
    with activate(organization), pytest.raises(ValidationError, match="Only the mentee"):
        services.observation_add(
            organization=organization, actor=pair.mentor, mentorship=pair.mentorship, **SEEN
        )
    with activate(organization), pytest.raises(ValidationError, match="Only the person"):
        services.observation_share(
            organization=organization, actor=pair.mentor, observation=observation
        )
    assert reload(pair, observation).shared_at is None


# ---------------------------------------------------------------- links and cost


def test_the_sessions_page_links_the_log_for_the_mentee_and_counts_shared_ones_for_the_mentor(
    pair,
):
    share(pair, observe(pair))
    observe(pair, situation="Still private")
    url = f"/mentorships/{pair.mentorship.pk}/sessions/"
    assert ">Observation log</a>" in text(signed_in(pair.org, pair.mentee).get(url))
    assert "Observations shared with you (1)" in text(signed_in(pair.org, pair.mentor).get(url))


OBSERVATIONS_QUERIES = 8  # session, user, membership, messages, pair, log, skills, next session


def test_the_log_costs_the_same_for_1_or_10_observations(pair, django_assert_num_queries):
    schedule(pair)
    mentee, mentor = signed_in(pair.org, pair.mentee), signed_in(pair.org, pair.mentor)
    share(pair, observe(pair))
    mentee_one, mentor_one = (
        count_queries(mentee, log_url(pair)),
        count_queries(mentor, log_url(pair)),
    )
    for number in range(9):
        observation = observe(pair, situation=f"Situation {number}")
        if number % 2:
            share(pair, observation)
    with django_assert_num_queries(OBSERVATIONS_QUERIES):
        page = text(mentee.get(log_url(pair)))
    assert page.count('aria-labelledby="observation-') == 10
    assert count_queries(mentee, log_url(pair)) == mentee_one
    assert count_queries(mentor, log_url(pair)) == mentor_one


def test_the_log_s_forms_name_only_ids_that_exist_blank_and_refused(pair):
    schedule(pair)
    observation = share(pair, observe(pair))
    mentee, mentor = signed_in(pair.org, pair.mentee), signed_in(pair.org, pair.mentor)
    edit = log_url(pair, "observation_edit", observation)
    responses = [
        mentee.get(log_url(pair)),
        mentor.get(log_url(pair)),
        mentee.get(edit),
        mentee.post(log_url(pair, "observation_add"), form_data(situation="")),
        mentee.post(edit, form_data(f"edit-{observation.pk}", action="")),
        mentee.post(
            log_url(pair, "observation_experiment", observation),
            {f"experiment-{observation.pk}-due_on": "not a date"},
        ),
    ]
    for response in responses:
        assert response.status_code == 200
        assert missing_ids(response) == []

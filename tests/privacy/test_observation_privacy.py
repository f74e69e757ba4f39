"""The observation log and prepared questions in a person's data: exported to their
author (the mentor also gets what was shared with them, never the rest), deleted when
their author is erased, and expired with the note retention."""

from datetime import timedelta

from django.utils import timezone

from mentoring.people.models import Profile
from mentoring.privacy.export import person_export
from mentoring.privacy.retention import retention_apply
from mentoring.privacy.rules import REMOVED
from mentoring.privacy.services import person_erase
from mentoring.tenancy import activate
from sessions.models import Observation, PreparedQuestion, Session
from tests.builders.observations import SEEN, observe, share
from tests.builders.pair import make_pair, schedule

PRIVATE = "A moment I keep for myself"


def profile(pair, user) -> Profile:
    with activate(pair.org.organization):
        return Profile.objects.get(user=user)


def question(pair, session, user, text) -> PreparedQuestion:
    with activate(pair.org.organization):
        return PreparedQuestion.objects.create(
            organization=pair.org.organization,
            session=session,
            author=profile(pair, user),
            text=text,
        )


def export_of(pair, user) -> dict:
    with activate(pair.org.organization):
        data = person_export(organization=pair.org.organization, profile=profile(pair, user))
    return data["sections"]


def erase(pair, user) -> None:
    with activate(pair.org.organization):
        person_erase(
            organization=pair.org.organization, actor=pair.org.manager, person=profile(pair, user)
        )


def texts(pair, model, field) -> set:
    with activate(pair.org.organization):
        return set(model.objects.values_list(field, flat=True))


def test_the_mentee_s_export_holds_their_whole_log_and_their_questions(world):
    pair = make_pair(world.acme)
    share(pair, observe(pair))
    observe(pair, situation=PRIVATE)
    session = schedule(pair)
    question(pair, session, pair.mentee, "What would you do differently?")
    question(pair, session, pair.mentor, "What did you notice this week?")
    sections = export_of(pair, pair.mentee)
    log = sections["mentoring_sessions.Observation"]
    assert log["title"] == "Your observation log, and the observations shared with you"
    assert {row["situation"] for row in log["rows"]} == {SEEN["situation"], PRIVATE}
    questions = sections["mentoring_sessions.PreparedQuestion"]["rows"]
    assert [row["text"] for row in questions] == ["What would you do differently?"]


def test_the_mentor_s_export_holds_what_was_shared_with_them_and_nothing_private(world):
    pair = make_pair(world.acme)
    share(pair, observe(pair))
    observe(pair, situation=PRIVATE)
    rows = export_of(pair, pair.mentor)["mentoring_sessions.Observation"]["rows"]
    assert [row["situation"] for row in rows] == [SEEN["situation"]]


def test_another_organization_s_export_holds_none_of_the_log(world):
    pair, other = make_pair(world.acme), make_pair(world.globex)
    observe(pair)
    assert export_of(other, other.mentee)["mentoring_sessions.Observation"]["rows"] == []


def test_erasing_the_mentee_deletes_their_log_and_questions_and_keeps_the_mentor_s(world):
    pair = make_pair(world.acme)
    share(pair, observe(pair))
    observe(pair, situation=PRIVATE)
    session = schedule(pair)
    question(pair, session, pair.mentee, "Mine")
    question(pair, session, pair.mentor, "The mentor's own")
    globex = make_pair(world.globex)
    observe(globex)
    erase(pair, pair.mentee)
    assert texts(pair, Observation, "situation") == set()
    assert texts(pair, PreparedQuestion, "text") == {"The mentor's own"}
    assert texts(globex, Observation, "situation") == {SEEN["situation"]}


def test_erasing_the_mentor_removes_the_texts_shared_with_them_and_leaves_the_private_ones(
    world,
):
    pair = make_pair(world.acme)
    share(pair, observe(pair))
    observe(pair, situation=PRIVATE)
    erase(pair, pair.mentor)
    assert texts(pair, Observation, "situation") == {REMOVED, PRIVATE}
    assert texts(pair, Observation, "adaptation") == {REMOVED, SEEN["adaptation"]}


def test_observations_and_questions_past_the_note_retention_are_deleted_and_newer_kept(world):
    pair = make_pair(world.acme)
    old = observe(pair, situation="Long ago")
    observe(pair, situation="Last week")
    old_session, new_session = schedule(pair), schedule(pair)
    question(pair, old_session, pair.mentor, "Old question")
    question(pair, new_session, pair.mentor, "New question")
    long_ago = timezone.now() - timedelta(days=400)
    organization = pair.org.organization
    with activate(organization):
        Observation.objects.filter(pk=old.pk).update(created_at=long_ago)
        Session.objects.filter(pk=old_session.pk).update(starts_at=long_ago)
    organization.note_retention_days = 365
    organization.save()
    with activate(organization):
        first = retention_apply(organization=organization)
        second = retention_apply(organization=organization)
    assert (first["observations"], first["prepared_questions"]) == (1, 1)
    assert (second["observations"], second["prepared_questions"]) == (0, 0)
    assert texts(pair, Observation, "situation") == {"Last week"}
    assert texts(pair, PreparedQuestion, "text") == {"New question"}

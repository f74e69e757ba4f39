from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mentoring.tenancy import activate
from sessions import services
from sessions.models import (
    NOTES_MAX_CHARS,
    ActionItem,
    AgendaItem,
    PrivateNote,
    Prompt,
    Session,
    SessionStatus,
)
from tests.builders.pair import schedule


def test_either_person_schedules_a_session(pair):
    session = schedule(
        pair, actor=pair.mentor, duration_minutes=45, location="https://meet.example/x"
    )
    assert session.status == SessionStatus.PLANNED and session.duration_minutes == 45


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"starts_at": timezone.now() - timedelta(hours=1)}, "in the future"),
        ({"duration_minutes": 0}, "between 5 minutes and 8 hours"),
        ({"kind": "party"}, "kind of session"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_is_written(pair, kwargs, message):
    with pytest.raises(ValidationError, match=message):
        schedule(pair, **kwargs)
    with activate(pair.org.organization):
        assert not Session.objects.exists()


def test_someone_outside_the_pair_cannot_schedule(pair):
    with pytest.raises(ValidationError, match="Only the two people"):
        schedule(pair, actor=pair.org.hr)


def test_open_experiments_come_back_as_follow_up_points(pair):
    org = pair.org.organization
    with activate(org):
        services.action_item_add(
            organization=org,
            actor=pair.mentor,
            mentorship=pair.mentorship,
            description="Summarize before answering in two meetings",
            due_on=timezone.localdate() + timedelta(days=7),
        )
    session = schedule(pair)
    with activate(org):
        texts = list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))
    assert texts == ["Follow up: Summarize before answering in two meetings"]


def test_both_people_build_the_agenda_together(pair):
    session = schedule(pair)
    org = pair.org.organization
    with activate(org):
        prompt = Prompt.objects.filter(phase="check_in").first()
        first = services.agenda_item_add(
            organization=org, actor=pair.mentee, session=session, text="My retro"
        )
        second = services.agenda_item_add(
            organization=org, actor=pair.mentor, session=session, prompt=prompt
        )
        services.agenda_item_move(organization=org, actor=pair.mentee, item=second, offset=-1)
        services.agenda_item_edit(
            organization=org, actor=pair.mentor, item=first, text="The Tuesday retro"
        )
        order = list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))
    assert order == [prompt.text, "The Tuesday retro"]


def log(pair, session, **kwargs):
    with activate(pair.org.organization):
        arguments = {
            "status": SessionStatus.HELD,
            "actual_minutes": 50,
            "shared_notes": "Good talk",
        }
        return services.session_log(
            organization=pair.org.organization,
            actor=kwargs.pop("actor", pair.mentor),
            session=session,
            **{**arguments, **kwargs},
        )


def past_session(pair):
    session = schedule(pair)
    with activate(pair.org.organization):
        Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
        session.refresh_from_db()
    return session


def test_logging_records_notes_covered_points_and_experiments(pair):
    session = past_session(pair)
    org = pair.org.organization
    with activate(org):
        point = services.agenda_item_add(
            organization=org, actor=pair.mentee, session=session, text="Retro"
        )
    log(
        pair,
        session,
        covered_item_ids=[point.pk],
        private_note="Mentor seemed tired",
        real_situations="The Tuesday retro",
        action_items=[
            {
                "description": "Ask one open question in planning",
                "due_on": timezone.localdate() + timedelta(days=5),
            }
        ],
    )
    with activate(org):
        session.refresh_from_db()
        assert session.status == SessionStatus.HELD and session.actual_minutes == 50
        assert AgendaItem.objects.get(pk=point.pk).is_covered
        assert ActionItem.objects.get().owner == pair.mentorship.mentee.person
        note = PrivateNote.objects.get()
        assert note.author.user == pair.mentor and note.text == "Mentor seemed tired"


def test_logging_twice_is_refused_and_duplicates_nothing(pair):
    session = past_session(pair)
    item = {"description": "Try it", "due_on": timezone.localdate() + timedelta(days=5)}
    log(pair, session, action_items=[item])
    with pytest.raises(ValidationError, match="already logged"):
        log(pair, session, actor=pair.mentee, action_items=[item])
    with activate(pair.org.organization):
        assert ActionItem.objects.count() == 1


def test_the_agenda_of_a_logged_session_is_frozen(pair):
    session = past_session(pair)
    log(pair, session)
    with activate(pair.org.organization), pytest.raises(ValidationError, match="already logged"):
        services.agenda_item_add(
            organization=pair.org.organization, actor=pair.mentee, session=session, text="Late"
        )


def test_notes_of_a_megabyte_are_refused_with_a_reason(pair):
    session = past_session(pair)
    with pytest.raises(ValidationError, match="under 20,000 characters"):
        log(pair, session, shared_notes="x" * 1_000_000)
    with activate(pair.org.organization):
        session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    assert NOTES_MAX_CHARS == 20_000


def test_a_future_session_cannot_be_logged_as_held(pair):
    session = schedule(pair, starts_at=timezone.now() + timedelta(days=3))
    with pytest.raises(ValidationError, match="has not happened yet"):
        log(pair, session)


def test_cancelling_needs_a_note_and_frees_nothing_twice(pair):
    session = schedule(pair)
    org = pair.org.organization
    with activate(org):
        with pytest.raises(ValidationError, match="why"):
            services.session_cancel(organization=org, actor=pair.mentee, session=session, note="")
        services.session_cancel(organization=org, actor=pair.mentee, session=session, note="Sick")
        with pytest.raises(ValidationError, match="already logged"):
            services.session_cancel(
                organization=org, actor=pair.mentor, session=session, note="Again"
            )


def test_only_the_owner_completes_an_experiment_with_a_reflection(pair):
    org = pair.org.organization
    with activate(org):
        item = services.action_item_add(
            organization=org,
            actor=pair.mentor,
            mentorship=pair.mentorship,
            description="Say no once",
            due_on=timezone.localdate(),
        )
        with pytest.raises(ValidationError, match="Only the owner"):
            services.action_item_complete(
                organization=org, actor=pair.mentor, item=item, reflection="x"
            )
        with pytest.raises(ValidationError, match="What happened"):
            services.action_item_complete(
                organization=org, actor=pair.mentee, item=item, reflection=" "
            )
        done = services.action_item_complete(
            organization=org, actor=pair.mentee, item=item, reflection="They took it well"
        )
    assert done.status == "done" and done.completed_at


def test_the_agreement_needs_every_part_and_both_confirmations(pair):
    org = pair.org.organization
    fields = {
        "goals": "Speak up",
        "cadence": "Every two weeks",
        "confidentiality": "Stays between us",
        "mentee_feedback_style": "Direct",
        "mentor_feedback_style": "Written",
    }
    with activate(org):
        with pytest.raises(ValidationError):
            services.agreement_save(
                organization=org,
                actor=pair.mentee,
                mentorship=pair.mentorship,
                **{**fields, "cadence": ""},
            )
        agreement = services.agreement_save(
            organization=org, actor=pair.mentee, mentorship=pair.mentorship, **fields
        )
        services.agreement_confirm(organization=org, actor=pair.mentee, agreement=agreement)
        agreement = services.agreement_confirm(
            organization=org, actor=pair.mentor, agreement=agreement
        )
        assert agreement.is_confirmed
        agreement = services.agreement_save(
            organization=org,
            actor=pair.mentor,
            mentorship=pair.mentorship,
            **{**fields, "cadence": "Weekly"},
        )
    assert not agreement.is_confirmed


def test_a_new_organization_gets_a_prompt_library_for_every_phase(world):
    with activate(world.acme.organization):
        phases = set(Prompt.objects.values_list("phase", flat=True))
        skilled = Prompt.objects.filter(skill__isnull=False).count()
    assert phases == {"first_session", "check_in", "role_play", "debrief", "goal_review", "closing"}
    assert skilled >= 5

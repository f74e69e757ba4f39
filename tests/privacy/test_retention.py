"""Text retention: past an organization's limits the texts of notes and feedback are
emptied; newer texts, scores, counts, dates and other organizations stay."""

from django.db.models import Q

from feedback.models import Feedback, SurveyResponse
from matching.models import FitCheck
from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.celery import app
from mentoring.privacy.retention import retention_apply
from mentoring.privacy.tasks import retention_dispatch
from mentoring.schedule import BEAT_SCHEDULE
from mentoring.tenancy import activate
from sessions.models import PrivateNote, Session
from tests.builders.person import PARTNER_PRIVATE, WROTE, build_person, tables_holding


def set_retention(organization, notes=None, feedback=None):
    organization.note_retention_days = notes
    organization.feedback_retention_days = feedback
    organization.save()


def apply(organization):
    with activate(organization):
        return retention_apply(organization=organization)


def snapshot(organization):
    with activate(organization):
        return {
            "sessions": {
                s.pk: (s.shared_notes, s.real_situations, s.starts_at, s.actual_minutes)
                for s in Session.objects.all()
            },
            "notes": {n.pk: n.text for n in PrivateNote.objects.all()},
            "feedback": {
                f.pk: (f.situation, f.suggestion, f.reflection, f.specificity, f.created_at)
                for f in Feedback.objects.all()
            },
            "surveys": {r.pk: (r.comment, r.answers) for r in SurveyResponse.objects.all()},
            "fit_checks": {c.pk: (c.comment, c.is_good_fit) for c in FitCheck.objects.all()},
        }


def test_session_notes_older_than_the_limit_are_emptied_and_newer_ones_kept(world):
    person = build_person(world.acme, local_days_ago=400)
    organization = world.acme.organization
    set_retention(organization, notes=365)
    apply(organization)
    with activate(organization):
        old = Session.objects.get(pk=person.old_session.pk)
        new = Session.objects.get(pk=person.session.pk)
        assert (old.shared_notes, old.real_situations) == ("", "")
        assert old.actual_minutes == 50 and old.starts_at == person.old_session.starts_at
        assert new.shared_notes == f"{WROTE} notes"
        assert set(PrivateNote.objects.filter(session=old).values_list("text", flat=True)) == {""}
        assert set(PrivateNote.objects.filter(session=new).values_list("text", flat=True)) == {
            f"{WROTE} private",
            PARTNER_PRIVATE,
        }
        # the feedback limit is not set: feedback texts stay, old or new
        assert not Feedback.objects.filter(situation="").exists()


def test_feedback_texts_older_than_the_limit_are_emptied_and_their_scores_kept(world):
    person = build_person(world.acme, local_days_ago=100)
    organization = world.acme.organization
    set_retention(organization, feedback=90)
    with activate(organization):
        SurveyResponse.objects.update(created_at=person.old_session.starts_at)
        FitCheck.objects.update(created_at=person.old_session.starts_at)
    apply(organization)
    with activate(organization):
        old = Feedback.objects.filter(session=person.old_session)
        assert [(f.situation, f.behaviour, f.impact, f.suggestion, f.reflection) for f in old] == [
            ("", "", "", "", "")
        ] * 2
        assert [f.specificity for f in old] == [3, 3]
        assert all(f.reflected_at is None and f.kind == "keep" for f in old)
        new = Feedback.objects.filter(session=person.session)
        assert {f.situation for f in new} == {f"{WROTE} situation"}
        survey = SurveyResponse.objects.get()
        assert survey.comment == "" and survey.answers == {"useful": 4, "candid": 5}
        assert FitCheck.objects.get().comment == ""
        assert Session.objects.filter(shared_notes=f"{WROTE} notes").count() == 2


def test_retention_runs_twice_without_changing_anything_more(world):
    build_person(world.acme, local_days_ago=400)
    organization = world.acme.organization
    set_retention(organization, notes=30, feedback=30)
    first = apply(organization)
    assert sum(first.values()) > 0
    after_first = snapshot(organization)
    assert sum(apply(organization).values()) == 0
    assert snapshot(organization) == after_first
    with activate(organization):
        assert AuditEvent.objects.filter(action=AuditAction.ERASURE).count() == 1


def test_an_organization_without_limits_keeps_everything(world):
    build_person(world.acme, local_days_ago=4000)
    before = snapshot(world.acme.organization)
    assert apply(world.acme.organization) == {}
    assert snapshot(world.acme.organization) == before


def test_the_daily_task_reaches_each_organization_with_limits_and_no_other(world):
    acme_person = build_person(world.acme, local_days_ago=400)
    build_person(world.globex, local_days_ago=400)
    globex_before = snapshot(world.globex.organization)
    set_retention(world.acme.organization, notes=30, feedback=30)
    assert retention_dispatch.delay().get() == 1  # eager in tests
    with activate(world.acme.organization):
        assert Session.objects.get(pk=acme_person.old_session.pk).shared_notes == ""
    assert snapshot(world.globex.organization) == globex_before
    assert tables_holding(world.globex.organization, WROTE)


def test_an_inactive_organization_is_left_alone(world):
    build_person(world.acme, local_days_ago=400)
    organization = world.acme.organization
    set_retention(organization, notes=30, feedback=30)
    organization.is_active = False
    organization.save()
    before = snapshot(organization)
    assert retention_dispatch.delay().get() == 0
    assert snapshot(organization) == before


def test_beat_runs_the_retention_once_a_day():
    entry = BEAT_SCHEDULE["apply-text-retention"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert schedule.hour == {3} and schedule.minute == {30} and len(schedule.day_of_week) == 7


def test_the_retention_only_touches_rows_that_still_hold_text(world):
    build_person(world.acme, local_days_ago=400)
    organization = world.acme.organization
    with activate(organization):
        Feedback.objects.filter(~Q(session=None)).update(
            situation="", behaviour="", impact="", suggestion="", reflection=""
        )
    set_retention(organization, feedback=30)
    assert apply(organization).get("feedback") == 0

"""Mentor training: the default lessons every organization gets, a program's path composed
in the admin, the mentor's pages (path, lesson, reflection), the managers' view of each
mentor's progress (never the reflections), one reminder, privacy, and tenancy."""

import html
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mentoring.notifications.dispatch import dispatch_due
from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.people.models import Profile
from mentoring.privacy.rules import REMOVED
from mentoring.tenancy import activate
from programs import defaults
from programs.models import (
    Enrollment,
    EnrollmentStatus,
    ProgramStatus,
    Resource,
    ResourceKind,
    TrainingCompletion,
    TrainingModule,
)
from programs.privacy import RULES
from tests.builders.clients import client_for, signed_in
from tests.builders.cohort import enrol_mentor
from tests.builders.training import (
    REFLECTION,
    completions,
    finish,
    finish_modules,
    modules_of,
    training_cohort,
    use_default_path,
)
from tests.builders.world import make_program

LESSON_TITLES = [title for title, *_rest in defaults.TRAINING_LESSONS]


def page(response) -> str:
    return html.unescape(response.content.decode())


def training_url(program) -> str:
    return reverse("programs:training", args=[program.pk])


def module_url(module) -> str:
    return reverse("programs:training_module", args=[module.program_id, module.pk])


def admin_url(name: str, *args) -> str:
    return reverse(f"admin:programs_trainingmodule_{name}", args=args)


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


@pytest.fixture
def cohort(world):
    return training_cohort(world.acme)


def mentor_client(world, index=0) -> Client:
    return signed_in(world.acme, world.acme.mentors[index])


# ---------------------------------------------------------------- the default lessons


def test_every_new_organization_gets_four_short_lessons_in_its_resource_bank(world):
    for org in (world.acme, world.globex):
        with activate(org.organization):
            lessons = list(Resource.objects.filter(kind=ResourceKind.LESSON).order_by("title"))
        assert sorted(lesson.title for lesson in lessons) == sorted(LESSON_TITLES)
        for lesson in lessons:
            assert lesson.url == "" and lesson.program is None
            assert 150 <= len(lesson.body.split()) <= 250, lesson.title


def test_the_lessons_migration_adds_only_the_titles_an_organization_lacks(world):
    from importlib import import_module
    from types import SimpleNamespace

    from django.db import connection

    migration = import_module("programs.migrations.0009_default_lessons")
    with activate(world.acme.organization):
        Resource.objects.filter(title=LESSON_TITLES[0]).delete()
        Resource.objects.filter(title=LESSON_TITLES[1]).update(body="My own version.")
    schema_editor = SimpleNamespace(connection=connection)  # what the migration reads of it
    migration.add_default_lessons(apps, schema_editor)
    migration.add_default_lessons(apps, schema_editor)  # idempotent
    for org in (world.acme, world.globex):
        with activate(org.organization):
            assert Resource.objects.filter(kind=ResourceKind.LESSON).count() == 4
    with activate(world.acme.organization):
        assert Resource.objects.get(title=LESSON_TITLES[1]).body == "My own version."


# ---------------------------------------------------------------- composing the path


def test_a_manager_starts_a_program_from_the_default_path_once(manager, world):
    program = make_program(world.acme, requires_training=True)
    listing = page(manager.get(admin_url("changelist"), {"program__id__exact": program.pk}))
    assert "Use the default training path" in listing
    response = manager.post(admin_url("use_defaults", program.pk), follow=True)
    assert "now has the default training path of 4 modules" in page(response)
    modules = modules_of(world.acme, program)
    assert [m.resource.title for m in modules] == LESSON_TITLES
    assert all(m.reflection_prompt for m in modules)

    again = page(manager.post(admin_url("use_defaults", program.pk), follow=True))
    assert "has a training path already" in again
    assert len(modules_of(world.acme, program)) == 4
    assert manager.get(admin_url("use_defaults", program.pk)).status_code == 405


def test_a_manager_composes_the_path_from_any_resource_of_the_bank(manager, world):
    program = make_program(world.acme, requires_training=True)
    other = make_program(world.acme)
    with activate(world.acme.organization):
        guide = Resource.objects.create(
            title="Coaching guide", url="https://example.org/guide", kind=ResourceKind.ARTICLE
        )
        elsewhere = Resource.objects.create(
            title="Only for the other program",
            url="https://example.org/other",
            kind=ResourceKind.VIDEO,
            program=other,
        )
    data = {
        "program": program.pk,
        "resource": guide.pk,
        "reflection_prompt": "What will you try first?",
        "position": 1,
    }
    assert manager.post(admin_url("add"), data).status_code == 302
    refused = manager.post(admin_url("add"), {**data, "resource": elsewhere.pk})
    assert "belongs to another program's resource bank" in page(refused)
    assert [m.resource for m in modules_of(world.acme, program)] == [guide]


def test_a_manager_cannot_build_a_path_with_another_organizations_rows(manager, world):
    mine = make_program(world.acme, requires_training=True)
    foreign = make_program(world.globex, requires_training=True)
    with activate(world.globex.organization):
        foreign_lesson = Resource.objects.filter(kind=ResourceKind.LESSON).first()
    with activate(world.acme.organization):
        my_lesson = Resource.objects.filter(kind=ResourceKind.LESSON).first()
    base = {"reflection_prompt": "Why?", "position": 1}
    for program, resource in ((foreign, my_lesson), (mine, foreign_lesson)):
        response = manager.post(
            admin_url("add"), {**base, "program": program.pk, "resource": resource.pk}
        )
        assert response.status_code == 200
        assert "Select a valid choice" in page(response)
    assert manager.post(admin_url("use_defaults", foreign.pk)).status_code == 404
    with activate(world.globex.organization):
        assert not TrainingModule.objects.exists()
    with activate(world.acme.organization):
        assert not TrainingModule.objects.exists()


def test_the_program_page_links_to_its_mentor_training(manager, world):
    program = make_program(world.acme, requires_training=True)
    content = page(manager.get(reverse("admin:programs_program_change", args=[program.pk])))
    assert f"{admin_url('changelist')}?program__id__exact={program.pk}" in content


# ---------------------------------------------------------------- the mentor's pages


def test_a_mentor_works_through_the_path_one_reflection_at_a_time(world, cohort):
    browser = mentor_client(world)
    first, second, *_rest = modules_of(world.acme, cohort.program)
    path = page(browser.get(training_url(cohort.program)))
    assert "0 of 4 modules finished" in path
    assert f'href="{module_url(first)}"' in path and "Start with “Listening actively”" in path

    lesson = page(browser.get(module_url(first)))
    assert "Module 1 of 4" in lesson
    assert "<h3" in lesson and "<strong>Let them finish.</strong>" in lesson  # Markdown
    assert first.reflection_prompt in lesson

    response = browser.post(module_url(first), {"reflection": REFLECTION})
    assert response.status_code == 302 and response["Location"] == module_url(second)
    path = page(browser.get(training_url(cohort.program), follow=True))
    assert "“Listening actively” is finished: 1 of 4 modules done." in path
    assert "1 of 4 modules finished" in path and "Continue with “Asking open questions”" in path


def test_the_last_module_leads_back_to_the_finished_path(world, cohort):
    browser = mentor_client(world)
    *_firsts, last = modules_of(world.acme, cohort.program)
    finish_modules(world.acme, world.acme.mentors[0], cohort.program, count=3)
    response = browser.post(module_url(last), {"reflection": REFLECTION}, follow=True)
    content = page(response)
    assert response.redirect_chain[-1][0] == training_url(cohort.program)
    assert "4 of 4 modules finished" in content and "You have finished the training" in content


def test_a_second_submit_edits_the_reflection_and_keeps_one_row(world, cohort):
    browser = mentor_client(world)
    module = modules_of(world.acme, cohort.program)[0]
    browser.post(module_url(module), {"reflection": REFLECTION})
    browser.post(module_url(module), {"reflection": REFLECTION})  # a double click
    edited = "Second thoughts: I will also ask how the decision landed on the team."
    response = browser.post(module_url(module), {"reflection": edited}, follow=True)
    assert "Your reflection is saved." in page(response)
    rows = completions(world.acme)
    assert len(rows) == 1 and rows[0].reflection == edited
    assert edited in page(browser.get(module_url(module)))


@pytest.mark.parametrize(
    ("reflection", "message"),
    [
        ("", "Write at least 20 characters"),
        ("   too short    ", "Write at least 20 characters"),
        ("x" * 4001, "Keep your reflection under 4000 characters (it has 4001)"),
    ],
)
def test_a_bad_reflection_says_what_to_fix_keeps_the_text_and_saves_nothing(
    world, cohort, reflection, message
):
    browser = mentor_client(world)
    module = modules_of(world.acme, cohort.program)[0]
    response = browser.post(module_url(module), {"reflection": reflection})
    assert response.status_code == 200
    content = page(response)
    assert message in content
    if reflection.strip():
        assert reflection in content
    assert completions(world.acme) == []


def test_a_mentor_waiting_for_approval_reads_the_lessons_but_cannot_finish_them(world):
    program = make_program(world.acme, requires_training=True)
    use_default_path(world.acme, program)
    enrol_mentor(world.acme, world.acme.mentors[0], program)
    module = modules_of(world.acme, program)[0]
    browser = mentor_client(world)
    assert "waiting for approval" in page(browser.get(training_url(program)))
    assert "Finish this module" not in page(browser.get(module_url(module)))
    response = browser.post(module_url(module), {"reflection": REFLECTION})
    assert "once your application is approved" in page(response)
    assert completions(world.acme) == []


def test_only_mentors_of_the_program_see_its_training(world, cohort):
    module = modules_of(world.acme, cohort.program)[0]
    acme = world.acme
    for user in (acme.mentees[0], acme.manager):
        browser = signed_in(acme, user)
        assert browser.get(training_url(cohort.program)).status_code == 404
        assert browser.get(module_url(module)).status_code == 404
        assert browser.post(module_url(module), {"reflection": REFLECTION}).status_code == 404
    # a withdrawn mentor, and a program that does not require training
    with activate(acme.organization):
        Enrollment.objects.filter(person__user=acme.mentors[1]).update(
            status=EnrollmentStatus.WITHDRAWN
        )
    assert signed_in(acme, acme.mentors[1]).get(training_url(cohort.program)).status_code == 404
    untrained = make_program(acme)
    assert mentor_client(world).get(training_url(untrained)).status_code == 404
    assert completions(acme) == []


def test_another_organizations_training_is_a_404(world, cohort):
    globex = world.globex
    foreign = training_cohort(globex)
    foreign_module = modules_of(globex, foreign.program)[0]
    mine = modules_of(world.acme, cohort.program)[0]
    browser = mentor_client(world)
    assert browser.get(training_url(foreign.program)).status_code == 404
    assert browser.get(module_url(foreign_module)).status_code == 404
    # a module of globex under an acme program id
    url = reverse("programs:training_module", args=[cohort.program.pk, foreign_module.pk])
    assert browser.post(url, {"reflection": REFLECTION}).status_code == 404
    # a globex mentor on the acme host is no member there
    globex_browser = signed_in(globex, globex.mentors[0])
    globex_browser.defaults["HTTP_HOST"] = "acme.localhost"
    assert globex_browser.get(module_url(mine)).status_code in (302, 403, 404)
    assert completions(globex) == [] and completions(world.acme) == []


def test_the_service_refuses_a_module_of_another_organization(world, cohort):
    foreign = training_cohort(world.globex)
    foreign_module = modules_of(world.globex, foreign.program)[0]
    with pytest.raises(ValidationError):
        finish(world.acme, world.acme.mentors[0], foreign_module)


def test_the_enrolment_page_links_mentors_to_their_training(world, cohort):
    browser = mentor_client(world)
    enrollment = cohort.enrollment(world.acme.mentors[0])
    content = page(browser.get(reverse("programs:enrollment", args=[enrollment.pk])))
    assert f'href="{training_url(cohort.program)}"' in content
    mentee = cohort.enrollment(world.acme.mentees[0])
    mentee_page = page(
        signed_in(world.acme, world.acme.mentees[0]).get(
            reverse("programs:enrollment", args=[mentee.pk])
        )
    )
    assert training_url(cohort.program) not in mentee_page


# The organization, session, user and membership, then the page's own reads: the mentor's
# enrolment with its program, the modules with their resources, the mentor's completions.
TRAINING_PAGE_QUERIES = 7


def test_the_training_pages_take_a_fixed_number_of_queries(
    world, cohort, django_assert_num_queries
):
    browser = mentor_client(world)
    module = modules_of(world.acme, cohort.program)[0]
    browser.get(training_url(cohort.program))
    with django_assert_num_queries(TRAINING_PAGE_QUERIES):
        browser.get(training_url(cohort.program))
    finish_modules(world.acme, world.acme.mentors[0], cohort.program, count=3)
    with django_assert_num_queries(TRAINING_PAGE_QUERIES):
        browser.get(training_url(cohort.program))
    with django_assert_num_queries(TRAINING_PAGE_QUERIES):
        browser.get(module_url(module))


# ---------------------------------------------------------------- the managers' view


def test_managers_see_each_mentors_progress_but_never_the_reflections(manager, world, cohort):
    secret = "A private thought about my own impatience in meetings with Sam."
    modules = modules_of(world.acme, cohort.program)
    finish(world.acme, world.acme.mentors[0], modules[0], reflection=secret)
    content = page(manager.get(admin_url("changelist"), {"program__id__exact": cohort.program.pk}))
    with activate(world.acme.organization):
        names = dict(
            Profile.objects.filter(user__in=world.acme.mentors).values_list(
                "user_id", "display_name"
            )
        )
    assert names[world.acme.mentors[0].pk] in content and "1 of 4" in content
    assert f"Listening actively: {timezone.localdate():%-d %b %Y}" in content
    assert names[world.acme.mentors[1].pk] in content and "0 of 4" in content
    assert "Reflections are the mentor's own words and stay private" in content
    assert secret not in content
    assert world.globex.sentinel not in content
    assert "Finished by" in content and "1 mentor" in content


def test_the_progress_list_costs_the_same_queries_however_much_is_finished(manager, world, cohort):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = manager.get(
                admin_url("changelist"), {"program__id__exact": cohort.program.pk}
            )
            assert response.status_code == 200
        return len(captured)

    before = queries()
    finish_modules(world.acme, world.acme.mentors[0], cohort.program)
    finish_modules(world.acme, world.acme.mentors[1], cohort.program, count=2)
    assert queries() == before


# ---------------------------------------------------------------- the reminder


def test_a_mentor_with_unfinished_training_gets_one_reminder_ever(world, cohort):
    acme = world.acme
    finish_modules(acme, acme.mentors[0], cohort.program, count=1)
    finish_modules(acme, acme.mentors[1], cohort.program)  # all done: no reminder
    with activate(acme.organization):
        Enrollment.objects.filter(program=cohort.program).update(
            decided_at=timezone.now() - timedelta(days=4)
        )
    later = timezone.now() + timedelta(days=1)
    dispatch_due(now=later)
    dispatch_due(now=later + timedelta(days=7))
    with activate(acme.organization):
        rows = list(OutboxMessage.objects.filter(kind=Kind.TRAINING_REMINDER))
        enrollment = Enrollment.objects.get(program=cohort.program, person__user=acme.mentors[0])
    assert [row.dedupe_key for row in rows] == [f"training:{enrollment.pk}"]
    assert "1 of 4 modules" in rows[0].body_text
    assert training_url(cohort.program) in rows[0].body_text


def test_no_reminder_in_the_first_days_after_approval(world, cohort):
    dispatch_due(now=timezone.now() + timedelta(days=1))
    with activate(world.acme.organization):
        assert not OutboxMessage.objects.filter(kind=Kind.TRAINING_REMINDER).exists()


# ---------------------------------------------------------------- privacy


def test_a_mentors_reflections_are_exported_and_erased_but_the_progress_stays(world, cohort):
    from mentoring.privacy.rules import Erasure

    acme = world.acme
    finish_modules(acme, acme.mentors[0], cohort.program, count=2)
    labels = [entry.label for entry in RULES.entries]
    assert "programs.TrainingCompletion" in labels and "programs.TrainingModule" in labels
    with activate(acme.organization):
        profile = Profile.objects.get(user=acme.mentors[0])
        erasure = Erasure(
            organization=acme.organization,
            profile=profile,
            user=acme.mentors[0],
            holder=acme.mentors[0],
            now=timezone.now(),
        )
        counts = RULES.erase(erasure)
        assert counts["training_reflections"] == 2
        assert set(TrainingCompletion.objects.values_list("reflection", flat=True)) == {REMOVED}


def test_a_closed_program_keeps_its_training_readable(world, cohort):
    with activate(world.acme.organization):
        cohort.program.status = ProgramStatus.CLOSED
        cohort.program.save(update_fields=["status"])
    assert mentor_client(world).get(training_url(cohort.program)).status_code == 200

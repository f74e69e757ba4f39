"""The program manager's admin: lifecycle actions, the program form, enrolment decisions,
CSV enrolment, the skill catalogue, recognition, mass assignment and query-count pins.
The cross-tenant battery for these pages is in tests/mentoring/test_admin.py."""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.people.models import Profile
from mentoring.tenancy import activate
from programs import services
from programs.models import (
    ChecklistAudience,
    ChecklistCompletion,
    ChecklistItem,
    Enrollment,
    EnrollmentRole,
    EnrollmentSkill,
    EnrollmentStatus,
    Goal,
    Program,
    ProgramSkill,
    ProgramStatus,
    Recognition,
    Resource,
    Skill,
)
from tests.builders.clients import client_for
from tests.builders.cohort import GOAL, SITUATIONS
from tests.builders.jobs import finished_job_page
from tests.builders.world import make_program


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def in_acme(world):
    return activate(world.acme.organization)


def reload(world, row):
    with in_acme(world):
        return type(row).objects.get(pk=row.pk)


def run_action(client, model, action, rows, follow=True, **extra):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [row.pk for row in rows], "index": 0, **extra},
        follow=follow,
    )


def focus(world, program):
    with in_acme(world):
        return [link.skill for link in program.focus_links.select_related("skill")]


def apply_mentee(world, program, user):
    with in_acme(world):
        return services.enrollment_apply_mentee(
            organization=world.acme.organization,
            actor=user,
            program=program,
            focus_skills=focus(world, program)[:1],
            goal_statement=GOAL,
            situations=SITUATIONS,
        )


def apply_mentor(world, program, user, capacity=2):
    with in_acme(world):
        return services.enrollment_apply_mentor(
            organization=world.acme.organization,
            actor=user,
            program=program,
            skills=focus(world, program)[:1],
            capacity=capacity,
            growth_story="I learnt to listen by running a support desk.",
        )


def profile(world, user):
    with in_acme(world):
        return Profile.objects.get(user=user)


# ------------------------------------------------------------------ lifecycle actions


def test_open_enrolment_moves_a_draft_program_to_enrolling(manager, world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    response = run_action(manager, Program, "open_enrolment", [program])
    assert "is now enrolling" in response.content.decode()
    assert reload(world, program).status == ProgramStatus.ENROLLING


@pytest.mark.parametrize(
    ("start", "action", "end"),
    [
        (ProgramStatus.ENROLLING, "start_matching", ProgramStatus.MATCHING),
        (ProgramStatus.MATCHING, "start_running", ProgramStatus.RUNNING),
        (ProgramStatus.RUNNING, "close_program", ProgramStatus.CLOSED),
        (ProgramStatus.ENROLLING, "back_to_draft", ProgramStatus.DRAFT),
        (ProgramStatus.MATCHING, "back_to_enrolment", ProgramStatus.ENROLLING),
    ],
)
def test_each_allowed_lifecycle_step_is_an_admin_action(manager, world, start, action, end):
    program = make_program(world.acme, status=start)
    run_action(manager, Program, action, [program])
    assert reload(world, program).status == end


def test_an_illegal_jump_shows_the_services_message_and_changes_nothing(manager, world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    response = run_action(manager, Program, "start_running", [program])
    content = response.content.decode()
    assert "it can move to Enrolling, not straight to running" in content
    assert 'class="error"' in content
    assert reload(world, program).status == ProgramStatus.DRAFT


def test_a_closed_program_stays_closed_whatever_the_action(manager, world):
    program = make_program(world.acme, status=ProgramStatus.CLOSED)
    response = run_action(manager, Program, "back_to_draft", [program])
    assert "its status cannot change any more" in response.content.decode()
    assert reload(world, program).status == ProgramStatus.CLOSED


def test_open_enrolment_does_not_quietly_move_a_matching_program_back(manager, world):
    program = make_program(world.acme, status=ProgramStatus.MATCHING)
    response = run_action(manager, Program, "open_enrolment", [program])
    assert "“Open enrolment” does not apply to it" in response.content.decode()
    assert reload(world, program).status == ProgramStatus.MATCHING


def test_a_mixed_selection_moves_the_programs_that_may_move_and_explains_the_others(manager, world):
    ready = make_program(world.acme, status=ProgramStatus.MATCHING)
    early = make_program(world.acme, status=ProgramStatus.DRAFT)
    response = run_action(manager, Program, "start_running", [ready, early])
    content = response.content.decode()
    assert f"“{ready.name}” is now running" in content
    assert f"“{early.name}” is draft" in content
    assert reload(world, ready).status == ProgramStatus.RUNNING
    assert reload(world, early).status == ProgramStatus.DRAFT


# ------------------------------------------------------------------ the program form


def program_form(world, **overrides):
    with in_acme(world):
        skills = list(Skill.objects.order_by("name")[:2])
    today = date.today()
    data = {
        "name": "Speak up",
        "purpose": "Help quieter people be heard.",
        "guidelines": "Meet every two weeks.",
        "time_commitment": "One hour every two weeks",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=180)).isoformat(),
        "focus_skills": [skill.pk for skill in skills],
        "checkin_cadence_days": 30,
        "goal_review_interval_months": 3,
        "cross_functional": "preferred",
        "min_seniority_gap": 1,
        "default_mentees_per_mentor": 2,
        "max_mentees_per_mentor": 3,
        "enrollment_mode": "application",
        "matching_mode": "manager",
        "weight_focus_skills": "high",
        "weight_cross_functional": "high",
        "weight_seniority": "medium",
        "weight_time_zone": "medium",
        "weight_language": "must",
        "weight_preference": "low",
        "format": "one_to_one",
        **inline_management("training_modules"),
        **inline_management("plan_steps"),
    }
    return {**data, **overrides}


def inline_management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    """The management form of an inline of the program's page, holding no row."""
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_a_manager_creates_a_program_with_its_focus_skills(manager, world):
    response = manager.post(admin_url(Program, "add"), program_form(world))
    assert response.status_code == 302, response.content[:3000]
    with in_acme(world):
        program = Program.objects.get(name="Speak up")
        skills = set(ProgramSkill.objects.filter(program=program).values_list("skill__name"))
    assert program.status == ProgramStatus.DRAFT
    assert skills == {("Active listening",), ("Collaboration",)}
    assert program.match_weights["language"] == "must"
    assert program.match_weights["preference"] == "low"


def test_a_manager_makes_a_peer_program_among_every_format_circles_included(manager, world):
    page = manager.get(admin_url(Program, "add")).content.decode()
    assert 'value="peer"' in page and 'value="reverse"' in page
    assert 'value="circle"' in page  # tests/programs/test_circle_settings.py makes one
    response = manager.post(admin_url(Program, "add"), program_form(world, format="peer"))
    assert response.status_code == 302
    with in_acme(world):
        assert Program.objects.get(name="Speak up").format == "peer"


def test_editing_a_program_replaces_its_focus_skills(manager, world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    with in_acme(world):
        empathy = Skill.objects.get(name="Empathy")
    response = manager.post(
        admin_url(Program, "change", program.pk),
        program_form(world, name=program.name, focus_skills=[empathy.pk]),
    )
    assert response.status_code == 302, response.content[:3000]
    assert [skill.name for skill in focus(world, program)] == ["Empathy"]


def test_dates_that_end_before_they_start_show_a_clear_message_and_save_nothing(manager, world):
    today = date.today()
    form = program_form(world, ends_on=(today - timedelta(days=1)).isoformat())
    response = manager.post(admin_url(Program, "add"), form)
    assert response.status_code == 200
    content = response.content.decode()
    assert "The program must end after it starts." in content
    assert "Constraint" not in content
    with in_acme(world):
        assert not Program.objects.filter(name="Speak up").exists()


def test_a_default_capacity_above_the_maximum_shows_a_clear_message_and_saves_nothing(
    manager, world
):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    form = program_form(
        world, name="Renamed", default_mentees_per_mentor=5, max_mentees_per_mentor=3
    )
    response = manager.post(admin_url(Program, "change", program.pk), form)
    assert response.status_code == 200
    assert "cannot exceed the maximum of 3 mentees per mentor" in response.content.decode()
    assert reload(world, program).name == program.name


def test_a_program_without_focus_skills_is_refused(manager, world):
    response = manager.post(admin_url(Program, "add"), program_form(world, focus_skills=[]))
    assert response.status_code == 200
    with in_acme(world):
        assert not Program.objects.filter(name="Speak up").exists()


def test_archived_skills_are_not_offered_as_focus_skills(manager, world):
    with in_acme(world):
        archived = Skill.objects.get(name="Empathy")
        Skill.objects.filter(pk=archived.pk).update(is_archived=True)
    response = manager.get(admin_url(Program, "add"))
    assert "Active listening" in response.content.decode()
    assert f'<option value="{archived.pk}"' not in response.content.decode()
    response = manager.post(
        admin_url(Program, "add"), program_form(world, focus_skills=[archived.pk])
    )
    assert "Select a valid choice" in response.content.decode()


def test_a_second_program_with_the_same_name_is_refused_in_words(manager, world):
    program = make_program(world.acme)
    response = manager.post(admin_url(Program, "add"), program_form(world, name=program.name))
    assert response.status_code == 200
    assert "Another program is already called" in response.content.decode()


def test_posting_organization_or_status_to_the_program_form_changes_neither(manager, world):
    form = program_form(world, status="running", organization=world.globex.organization.pk)
    response = manager.post(admin_url(Program, "add"), form)
    assert response.status_code == 302
    with in_acme(world):
        program = Program.objects.get(name="Speak up")
    assert program.status == ProgramStatus.DRAFT
    assert program.organization_id == world.acme.organization.pk


def test_duplicate_as_template_makes_a_draft_copy_with_the_focus_skills(manager, world):
    program = make_program(world.acme, name="Listening circle", status=ProgramStatus.RUNNING)
    response = run_action(manager, Program, "duplicate_as_template", [program])
    assert "“Copy of Listening circle” created as a draft" in response.content.decode()
    with in_acme(world):
        copy = Program.objects.get(name="Copy of Listening circle")
    assert copy.status == ProgramStatus.DRAFT
    assert focus(world, copy) == focus(world, program)


def test_the_program_list_counts_mentees_mentors_and_waiting_applications(manager, world):
    program = make_program(world.acme, name="Listening circle")
    apply_mentee(world, program, world.acme.mentees[0])
    apply_mentee(world, program, world.acme.mentees[1])
    mentor = apply_mentor(world, program, world.acme.mentors[0])
    with in_acme(world):
        services.enrollments_approve(
            organization=world.acme.organization, actor=world.acme.manager, enrollments=[mentor]
        )
    response = manager.get(admin_url(Program, "changelist"))
    content = response.content.decode()
    assert '<td class="field-approved_mentees">0</td>' in content
    assert '<td class="field-approved_mentors">1</td>' in content
    assert '<td class="field-pending_applications">2</td>' in content
    assert f"{admin_url(Enrollment, 'changelist')}?program__id__exact={program.pk}" in content


def test_the_program_page_lists_its_recognized_mentors(manager, world):
    program = make_program(world.acme)
    apply_mentor(world, program, world.acme.mentors[0])
    with in_acme(world):
        services.recognition_award(
            organization=world.acme.organization,
            actor=world.acme.manager,
            mentor=profile(world, world.acme.mentors[0]),
            program=program,
            badge="steady",
            note="Met every mentee on time, all year.",
        )
    response = manager.get(admin_url(Program, "change", program.pk))
    content = response.content.decode()
    assert "Steady guide" in content
    assert "Met every mentee on time, all year." in content


def test_a_draft_without_enrolments_can_be_deleted_but_an_opened_program_cannot(manager, world):
    draft = make_program(world.acme, status=ProgramStatus.DRAFT)
    opened = make_program(world.acme, status=ProgramStatus.ENROLLING)
    response = manager.get(admin_url(Program, "delete", opened.pk), follow=True)
    assert "close it instead" in response.content.decode()
    response = manager.post(admin_url(Program, "delete", draft.pk), {"post": "yes"})
    assert response.status_code == 302
    with in_acme(world):
        assert not Program.objects.filter(pk=draft.pk).exists()
        assert Program.objects.filter(pk=opened.pk).exists()


# ------------------------------------------------------------------ enrolment decisions


@pytest.fixture
def applications(world):
    program = make_program(world.acme, name="Listening circle")
    return [apply_mentee(world, program, user) for user in world.acme.mentees]


def test_approving_applications_records_who_decided(manager, world, applications):
    response = run_action(manager, Enrollment, "approve", applications)
    assert "2 enrolment(s) approved." in response.content.decode()
    for enrollment in applications:
        enrollment = reload(world, enrollment)
        assert enrollment.status == EnrollmentStatus.APPROVED
        assert enrollment.decided_by_id == profile(world, world.acme.manager).pk


def test_declining_asks_for_a_reason_first(manager, world, applications):
    response = run_action(manager, Enrollment, "decline_with_reason", applications)
    assert response.status_code == 200
    content = response.content.decode()
    assert "You are declining 2 enrolments" in content
    assert 'name="reason"' in content
    assert all(reload(world, e).status == EnrollmentStatus.APPLIED for e in applications)


def test_declining_without_a_reason_is_refused_and_changes_nothing(manager, world, applications):
    response = manager.post(
        admin_url(Enrollment, "changelist"),
        {
            "action": "decline_with_reason",
            "_selected_action": [e.pk for e in applications],
            "confirm": "yes",
            "reason": "   ",
        },
    )
    assert response.status_code == 200
    assert "Give a reason: the applicants see it." in response.content.decode()
    assert all(reload(world, e).status == EnrollmentStatus.APPLIED for e in applications)


def test_declining_with_a_reason_declines_the_selected_applications(manager, world, applications):
    response = manager.post(
        admin_url(Enrollment, "changelist"),
        {
            "action": "decline_with_reason",
            "_selected_action": [applications[0].pk],
            "confirm": "yes",
            "reason": "This cohort is full: apply to the spring one.",
        },
        follow=True,
    )
    assert "1 enrolment(s) declined." in response.content.decode()
    declined, untouched = reload(world, applications[0]), reload(world, applications[1])
    assert declined.status == EnrollmentStatus.DECLINED
    assert declined.decision_reason == "This cohort is full: apply to the spring one."
    assert untouched.status == EnrollmentStatus.APPLIED


def test_the_enrolment_list_shows_capacity_role_and_skills_at_a_glance(manager, world):
    program = make_program(world.acme, name="Listening circle")
    apply_mentor(world, program, world.acme.mentors[0], capacity=3)
    apply_mentee(world, program, world.acme.mentees[0])
    content = manager.get(admin_url(Enrollment, "changelist")).content.decode()
    assert "mentor0@acme.example" in content
    assert '<td class="field-capacity_display">3</td>' in content
    assert '<td class="field-focus_skills">Active listening</td>' in content
    assert "Enrol from CSV" in content


def test_the_enrolment_list_filters_by_department_and_focus_skill(manager, world):
    program = make_program(world.acme, name="Listening circle")
    mentor = apply_mentor(world, program, world.acme.mentors[0])  # department 0
    mentee = apply_mentee(world, program, world.acme.mentees[0])  # department 1
    url = admin_url(Enrollment, "changelist")
    department = world.acme.departments[1]
    content = manager.get(url, {"person__department__id__exact": department.pk}).content
    assert f'value="{mentee.pk}"'.encode() in content
    assert f'value="{mentor.pk}"'.encode() not in content
    with in_acme(world):
        empathy = Skill.objects.get(name="Empathy")
        listening = Skill.objects.get(name="Active listening")
    content = manager.get(url, {"skill": listening.pk}).content
    assert f'value="{mentee.pk}"'.encode() in content
    content = manager.get(url, {"skill": empathy.pk}).content
    assert f'value="{mentee.pk}"'.encode() not in content


def test_a_manager_changes_a_mentors_capacity_within_the_program_maximum(manager, world):
    program = make_program(world.acme, max_mentees_per_mentor=3)
    mentor = apply_mentor(world, program, world.acme.mentors[0], capacity=1)
    url = admin_url(Enrollment, "change", mentor.pk)
    response = manager.post(url, {"capacity": 4})
    assert "Choose between 1 and 3 mentees" in response.content.decode()
    assert reload(world, mentor).capacity == 1
    response = manager.post(
        url,
        {"capacity": 3, "status": "declined", "role": "mentee", "organization": 999},
    )
    assert response.status_code == 302
    mentor = reload(world, mentor)
    assert (mentor.capacity, mentor.status, mentor.role) == (3, "applied", "mentor")


def test_a_mentees_enrolment_is_read_only_but_shows_the_application(manager, world):
    program = make_program(world.acme)
    mentee = apply_mentee(world, program, world.acme.mentees[0])
    response = manager.get(admin_url(Enrollment, "change", mentee.pk))
    content = response.content.decode()
    assert 'name="capacity"' not in content
    assert SITUATIONS[0] in content
    assert GOAL in content
    assert manager.get(admin_url(Enrollment, "add")).status_code == 403


# ------------------------------------------------------------------ CSV enrolment


def upload(text: str):
    return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")


def test_a_good_csv_file_enrols_everyone_as_approved(manager, world):
    program = make_program(world.acme, name="Listening circle")
    csv = (
        "email,role,skills,capacity\n"
        "mentee0@acme.example,mentee,Active listening\n"
        "mentee1@acme.example,mentee,Active listening;Collaboration\n"
        "mentor0@acme.example,mentor,Empathy,2\n"
    )
    response = manager.post(
        reverse("admin:programs_enrollment_import"), {"program": program.pk, "file": upload(csv)}
    )
    page = finished_job_page(manager, response).content.decode()
    assert "3 people enrolled in “Listening circle”" in page
    assert f"?program__id__exact={program.pk}" in page  # the link to the enrolments
    with in_acme(world):
        enrolled = Enrollment.objects.filter(program=program, status=EnrollmentStatus.APPROVED)
        assert enrolled.count() == 3


def test_a_bad_csv_file_lists_every_bad_line_and_enrols_nobody(manager, world):
    program = make_program(world.acme, name="Listening circle", max_mentees_per_mentor=3)
    apply_mentee(world, program, world.acme.mentees[1])
    csv = (
        "email,role,skills,capacity\n"
        "nobody@acme.example,mentee,Active listening\n"  # 2 unknown email
        "mentee0@acme.example,mentee,Juggling\n"  # 3 unknown skill
        "mentor0@acme.example,mentee,Active listening;Collaboration;Communication\n"  # 4
        "mentor1@acme.example,mentor,Empathy,9\n"  # 5 capacity above the maximum
        "mentor0@acme.example,mentor,Empathy,2\n"  # 6 duplicate row
        "mentee1@acme.example,mentee,Active listening\n"  # 7 already enrolled
        "manager@globex.example,mentee,Active listening\n"  # 8 another organization's
    )
    response = manager.post(
        reverse("admin:programs_enrollment_import"), {"program": program.pk, "file": upload(csv)}
    )
    content = finished_job_page(manager, response).content.decode()
    assert "Nobody was enrolled" in content
    for line in ("Line 2:", "Line 3:", "Line 4:", "Line 5:", "Line 6:", "Line 7:", "Line 8:"):
        assert line in content
    assert "not a member of this organization" in content
    assert "unknown skill(s): Juggling" in content
    assert "a mentee needs one or two skills" in content
    assert "capacity &#x27;9&#x27; must be 1 to 3" in content
    assert "is already on line 4" in content
    assert "already enrolled in this program" in content
    with in_acme(world):
        assert Enrollment.objects.filter(program=program).count() == 1


def test_csv_enrolment_offers_only_this_organizations_open_programs(manager, world):
    make_program(world.acme, name="Closed one", status=ProgramStatus.CLOSED)
    make_program(world.acme, name="Open one")
    foreign = make_program(world.globex, name="Foreign one")
    response = manager.get(reverse("admin:programs_enrollment_import"))
    content = response.content.decode()
    assert "Open one" in content
    assert "Closed one" not in content
    assert world.globex.sentinel not in content
    response = manager.post(
        reverse("admin:programs_enrollment_import"),
        {"program": foreign.pk, "file": upload("email,role\n")},
    )
    assert "Select a valid choice" in response.content.decode()


# ------------------------------------------------------------------ the skill catalogue


def skill_form(**overrides):
    data = {
        "name": "Storytelling",
        "description": "Making a point memorable with a short, true story.",
        "behaviours": "Opens with a concrete moment\n\nNames the stakes early\r\nEnds on the point",
    }
    return {**data, **overrides}


def test_behaviours_are_written_one_per_line(manager, world):
    response = manager.post(admin_url(Skill, "add"), skill_form())
    assert response.status_code == 302, response.content[:3000]
    with in_acme(world):
        skill = Skill.objects.get(name="Storytelling")
    assert skill.behaviours == [
        "Opens with a concrete moment",
        "Names the stakes early",
        "Ends on the point",
    ]
    response = manager.get(admin_url(Skill, "change", skill.pk))
    assert "Opens with a concrete moment\nNames the stakes early" in response.content.decode()


@pytest.mark.parametrize("count", [2, 6])
def test_fewer_than_three_or_more_than_five_behaviours_are_refused(manager, world, count):
    behaviours = "\n".join(f"Behaviour {i}" for i in range(count))
    response = manager.post(admin_url(Skill, "add"), skill_form(behaviours=behaviours))
    assert response.status_code == 200
    assert f"Write 3 to 5 behaviours, one per line (there are {count})." in (
        response.content.decode()
    )
    with in_acme(world):
        assert not Skill.objects.filter(name="Storytelling").exists()


def test_a_duplicate_skill_name_is_refused_in_words(manager, world):
    response = manager.post(admin_url(Skill, "add"), skill_form(name="empathy"))
    assert "already has a skill called" in response.content.decode()


def test_skills_are_archived_and_restored(manager, world):
    with in_acme(world):
        skill = Skill.objects.get(name="Empathy")
    response = run_action(manager, Skill, "archive", [skill])
    assert "1 skill(s) archived." in response.content.decode()
    assert reload(world, skill).is_archived
    run_action(manager, Skill, "restore", [skill])
    assert not reload(world, skill).is_archived


def test_deleting_a_used_skill_is_refused_with_advice_to_archive_it(manager, world):
    program = make_program(world.acme)
    used = focus(world, program)[0]
    response = manager.get(admin_url(Skill, "delete", used.pk), follow=True)
    assert "archive it instead" in response.content.decode()
    response = manager.post(admin_url(Skill, "delete", used.pk), {"post": "yes"}, follow=True)
    assert "archive it instead" in response.content.decode()
    change_page = manager.get(admin_url(Skill, "change", used.pk)).content.decode()
    assert admin_url(Skill, "delete", used.pk) not in change_page
    with in_acme(world):
        assert Skill.objects.filter(pk=used.pk).exists()


def test_the_bulk_delete_removes_unused_skills_and_refuses_used_ones(manager, world):
    program = make_program(world.acme)
    used = focus(world, program)[0]
    with in_acme(world):
        unused = Skill.objects.get(name="Persuasion")
    response = run_action(manager, Skill, "delete_selected", [used, unused])
    content = response.content.decode()
    assert "archive it instead" in content
    assert "Are you sure" in content
    response = run_action(manager, Skill, "delete_selected", [used, unused], post="yes")
    assert "Successfully deleted 1 skill" in response.content.decode()
    with in_acme(world):
        assert Skill.objects.filter(pk=used.pk).exists()
        assert not Skill.objects.filter(pk=unused.pk).exists()


# ------------------------------------------------------------------ checklists and resources


def test_the_checklist_list_counts_completions_and_reorders_items_in_place(manager, world):
    with in_acme(world):
        first, second = ChecklistItem.objects.filter(
            audience=ChecklistAudience.MENTEE_FIRST_SESSION
        ).order_by("position")[:2]
    for user in world.acme.mentees:
        with in_acme(world):
            services.checklist_item_set_done(
                organization=world.acme.organization, actor=user, item=first, done=True
            )
    url = admin_url(ChecklistItem, "changelist")
    url_for_audience = f"{url}?audience=mentee_first_session"
    content = manager.get(url_for_audience).content.decode()
    assert '<td class="field-completed_by">2 people</td>' in content
    with in_acme(world):
        items = list(
            ChecklistItem.objects.filter(audience=ChecklistAudience.MENTEE_FIRST_SESSION).order_by(
                "audience", "program", "position", "pk"
            )
        )
    data = {
        "form-TOTAL_FORMS": len(items),
        "form-INITIAL_FORMS": len(items),
        "_save": "Save",
    }
    for index, item in enumerate(items):
        data[f"form-{index}-id"] = item.pk
        data[f"form-{index}-position"] = {first.pk: 9, second.pk: 1}.get(item.pk, item.position)
    response = manager.post(url_for_audience, data)
    assert response.status_code == 302, response.content[:3000]
    assert (reload(world, first).position, reload(world, second).position) == (9, 1)


def test_a_resource_cannot_point_at_another_organizations_program(manager, world):
    foreign = make_program(world.globex)
    response = manager.post(
        admin_url(Resource, "add"),
        {
            "title": "Listening guide",
            "url": "https://example.com/guide",
            "kind": "article",
            "program": foreign.pk,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    with in_acme(world):
        assert not Resource.objects.filter(title="Listening guide").exists()


def test_an_archived_focus_skill_stays_visible_and_must_be_removed_or_restored(manager, world):
    program = make_program(world.acme, status=ProgramStatus.DRAFT)
    archived, kept = focus(world, program)
    with in_acme(world):
        Skill.objects.filter(pk=archived.pk).update(is_archived=True)
    page = manager.get(admin_url(Program, "change", program.pk)).content.decode()
    assert f"{archived.name} (archived)" in page
    response = manager.post(
        admin_url(Program, "change", program.pk),
        program_form(world, name=program.name, focus_skills=[archived.pk, kept.pk]),
    )
    assert "Archived skills cannot be chosen: restore them first." in response.content.decode()
    response = manager.post(
        admin_url(Program, "change", program.pk),
        program_form(world, name=program.name, focus_skills=[kept.pk]),
    )
    assert response.status_code == 302
    assert focus(world, program) == [kept]


# ------------------------------------------------------------------ recognition and goals


def test_a_manager_recognizes_a_mentor_and_is_recorded_as_the_giver(manager, world):
    program = make_program(world.acme)
    apply_mentor(world, program, world.acme.mentors[0])
    mentor = profile(world, world.acme.mentors[0])
    someone_else = profile(world, world.acme.hr)
    response = manager.post(
        admin_url(Recognition, "add"),
        {
            "mentor": mentor.pk,
            "program": program.pk,
            "badge": "listener",
            "note": "  Gave every mentee her full attention.  ",
            "awarded_by": someone_else.pk,
            "organization": world.globex.organization.pk,
        },
    )
    assert response.status_code == 302, response.content[:3000]
    with in_acme(world):
        recognition = Recognition.objects.get()
    assert recognition.awarded_by_id == profile(world, world.acme.manager).pk
    assert recognition.note == "Gave every mentee her full attention."
    assert recognition.organization_id == world.acme.organization.pk


def test_only_mentors_can_be_recognized(manager, world):
    program = make_program(world.acme)
    apply_mentor(world, program, world.acme.mentors[0])
    page = manager.get(admin_url(Recognition, "add")).content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in page  # the mentor is searched for
    search = {"app_label": "programs", "model_name": "recognition", "field_name": "mentor"}
    found = manager.get("/admin/autocomplete/", {**search, "term": "Sentinel"}).json()
    names = [row["text"] for row in found["results"]]
    assert any("Mentor0" in name for name in names)
    assert not any("Mentee0" in name or "Mentor1" in name for name in names)
    other = make_program(world.acme)
    response = manager.post(
        admin_url(Recognition, "add"),
        {
            "mentor": profile(world, world.acme.mentors[0]).pk,
            "program": other.pk,
            "badge": "listener",
            "note": "Thanks",
        },
    )
    assert response.status_code == 200
    assert "is not a mentor in" in response.content.decode()
    with in_acme(world):
        assert not Recognition.objects.exists()


def test_goals_are_visible_to_managers_but_read_only(manager, world):
    program = make_program(world.acme)
    apply_mentee(world, program, world.acme.mentees[0])
    with in_acme(world):
        goal = Goal.objects.get()
    content = manager.get(admin_url(Goal, "changelist")).content.decode()
    assert GOAL in content
    assert manager.get(admin_url(Goal, "add")).status_code == 403
    response = manager.post(
        admin_url(Goal, "change", goal.pk), {"statement": "Changed by the manager"}
    )
    assert response.status_code == 403
    assert reload(world, goal).statement == GOAL


def test_goal_reviews_are_not_in_the_admin():
    from mentoring.tenancy.admin import organization_admin_site
    from programs.models import GoalReview

    assert GoalReview not in organization_admin_site._registry


# ------------------------------------------------------------------ query counts

# Measured: session, user, membership, the page's count and rows, one prefetch, and one
# query per related filter. They must not grow with the number of rows.
QUERY_PINS = {
    Enrollment: 10,
    Program: 7,
    Skill: 7,
    Goal: 8,
    Recognition: 8,
    Resource: 9,
    ChecklistItem: 8,
}
ENROLLMENT_LIST_WITH_COUNTS = 26


def add_enrolments(org, program, count: int) -> None:
    """``count`` more people enrolled in ``program``, created in bulk."""
    User = get_user_model()
    start = User.objects.filter(username__endswith="@bulk.example").count()
    users = User.objects.bulk_create(
        User(username=f"p{start + i}@bulk.example", email=f"p{start + i}@bulk.example")
        for i in range(count)
    )
    with activate(org.organization):
        skills = [link.skill_id for link in program.focus_links.all()]
        people = Profile.objects.bulk_create(
            Profile(
                organization=org.organization,
                user=user,
                display_name=f"Person {start + i}",
                department=org.departments[i % 2],
            )
            for i, user in enumerate(users)
        )
        enrollments = Enrollment.objects.bulk_create(
            Enrollment(
                organization=org.organization,
                program=program,
                person=person,
                role=EnrollmentRole.MENTOR if i % 4 == 0 else EnrollmentRole.MENTEE,
                capacity=2 if i % 4 == 0 else None,
                status=EnrollmentStatus.APPROVED if i % 2 else EnrollmentStatus.APPLIED,
            )
            for i, person in enumerate(people)
        )
        EnrollmentSkill.objects.bulk_create(
            EnrollmentSkill(organization=org.organization, enrollment=enrollment, skill_id=skill)
            for enrollment in enrollments
            for skill in skills
        )


def queries_for(client, url, data=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": "Person"},
        {"skill": "__skill__", "person__department__id__exact": "__dept__"},
        {"_facets": "1", "program__id__exact": "__program__"},
    ],
    ids=["plain", "search", "filtered", "with-counts"],
)
def test_the_enrolment_list_costs_the_same_queries_for_10_or_300_enrolments(
    manager, world, django_assert_num_queries, query
):
    program = make_program(world.acme)
    with in_acme(world):
        skill = program.focus_links.first().skill_id
    query = {
        key: {
            "__skill__": skill,
            "__dept__": world.acme.departments[0].pk,
            "__program__": program.pk,
        }.get(value, value)
        for key, value in query.items()
    }
    url = admin_url(Enrollment, "changelist")
    # "Show counts" (facets) is a click away: one aggregate per filter, whatever the rows.
    pin = ENROLLMENT_LIST_WITH_COUNTS if "_facets" in query else QUERY_PINS[Enrollment]
    add_enrolments(world.acme, program, 10)
    with django_assert_num_queries(pin):
        few = queries_for(manager, url, query)
    add_enrolments(world.acme, program, 290)
    with django_assert_num_queries(pin):
        many = queries_for(manager, url, query)
    assert few == many, (few, many)


def test_the_program_list_costs_the_same_queries_for_few_or_many_programs(
    manager, world, django_assert_num_queries
):
    url = admin_url(Program, "changelist")
    program = make_program(world.acme)
    add_enrolments(world.acme, program, 10)
    with django_assert_num_queries(QUERY_PINS[Program]):
        few = queries_for(manager, url)
    for _ in range(20):
        add_enrolments(world.acme, make_program(world.acme), 15)
    with django_assert_num_queries(QUERY_PINS[Program]):
        many = queries_for(manager, url)
    assert few == many, (few, many)


def test_the_skill_list_costs_the_same_queries_for_few_or_many_skills(
    manager, world, django_assert_num_queries
):
    url = admin_url(Skill, "changelist")
    with django_assert_num_queries(QUERY_PINS[Skill]):
        few = queries_for(manager, url)
    with in_acme(world):
        Skill.objects.bulk_create(
            Skill(
                organization=world.acme.organization,
                name=f"Skill {i}",
                description="A skill.",
                behaviours=["One", "Two", "Three"],
            )
            for i in range(80)
        )
    with django_assert_num_queries(QUERY_PINS[Skill]):
        many = queries_for(manager, url)
    assert few == many, (few, many)


def add_program_content(org, program, count: int) -> None:
    """``count`` more goals, recognitions, resources, checklist items and completions."""
    add_enrolments(org, program, count)
    with activate(org.organization):
        enrollments = list(Enrollment.objects.filter(program=program).order_by("-pk")[:count])
        skill = program.focus_links.first().skill
        Goal.objects.bulk_create(
            Goal(organization=org.organization, enrollment=e, statement=GOAL, skill=skill)
            for e in enrollments
        )
        Recognition.objects.bulk_create(
            Recognition(
                organization=org.organization,
                mentor=e.person,
                program=program,
                badge="steady",
                note="Thanks",
            )
            for e in enrollments
        )
        Resource.objects.bulk_create(
            Resource(
                organization=org.organization,
                title=f"Guide {i}",
                url="https://example.com",
                kind="article",
                skill=skill,
                program=program,
            )
            for i in range(count)
        )
        items = ChecklistItem.objects.bulk_create(
            ChecklistItem(organization=org.organization, audience=audience, text=f"Step {i}")
            for i in range(count)
            for audience in ChecklistAudience.values
        )
        ChecklistCompletion.objects.bulk_create(
            ChecklistCompletion(organization=org.organization, item=item, person=e.person)
            for item in items[:10]
            for e in enrollments
        )


@pytest.mark.parametrize(
    "model", [Goal, Recognition, Resource, ChecklistItem], ids=lambda m: m.__name__
)
def test_the_other_lists_cost_the_same_queries_for_few_or_many_rows(
    manager, world, django_assert_num_queries, model
):
    url = admin_url(model, "changelist")
    program = make_program(world.acme)
    add_program_content(world.acme, program, 3)
    with django_assert_num_queries(QUERY_PINS[model]):
        few = queries_for(manager, url)
    add_program_content(world.acme, program, 60)
    with django_assert_num_queries(QUERY_PINS[model]):
        many = queries_for(manager, url)
    assert few == many, (few, many)

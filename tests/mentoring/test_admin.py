"""The cross-tenant battery for the organization admin: every registered ModelAdmin is
checked, so a new one is covered the moment it is registered."""

import pytest
from django.urls import reverse

from mentoring.accounts import services as invitations
from mentoring.accounts.jobs import invitation_import_start
from mentoring.accounts.models import IdentityProvider
from mentoring.api.keys import api_key_create
from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_event
from mentoring.tenancy import activate
from mentoring.tenancy.admin import organization_admin_site
from mentoring.tenancy.models import Organization
from tests.builders.clients import client_for, platform_operator
from tests.builders.jobs import finished_job_page, run_queued_jobs

MODELS = sorted(organization_admin_site._registry, key=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_world(world):
    for org in (world.acme, world.globex):
        with activate(org.organization):
            invitations.invitation_create(
                organization=org.organization,
                actor=org.manager,
                email=f"invitee@{org.organization.slug}.example",
                display_name=f"Invitee {org.sentinel}",
                send_email=False,
            )
            api_key_create(organization=org.organization, name=f"Warehouse {org.sentinel}")
            record_event(  # the audit log (mentoring.audit.admin)
                organization=org.organization,
                action=AuditAction.EXPORT,
                actor=org.manager,
                summary=f"CSV of people at {org.sentinel}",
            )
            IdentityProvider.objects.create(  # single sign-on (mentoring.accounts.admin)
                organization=org.organization,
                name=f"Okta {org.sentinel}",
                issuer_url=f"https://login.{org.organization.slug}.example",
                client_id=f"client-{org.organization.slug}",
                client_secret=f"secret-{org.sentinel}",
                email_domains=f"{org.organization.slug}.example",
            )
            invitation_import_start(  # a background job (mentoring.jobs.admin)
                actor=org.manager,
                filename=f"people-{org.sentinel}.csv",
                data=b"email\n",
                choices={},
            )
        add_directory_rows(org)
        add_program_rows(org)
        add_matching_rows(org)
        with activate(org.organization):  # the prompt library (sessions.admin)
            from programs.models import Skill
            from sessions.models import Prompt, PromptPhase

            Prompt.objects.create(
                organization=org.organization,
                text=f"Which conversation at {org.sentinel} went differently than you hoped?",
                phase=PromptPhase.DEBRIEF,
                skill=Skill.objects.get(name=f"Negotiation {org.sentinel}"),
            )
        add_feedback_rows(org)
    run_queued_jobs()  # the jobs end (failed: the file names nobody), leaving room for more
    return world


def add_directory_rows(org):
    """A person and a group the directory provisioned (mentoring.directory.admin)."""
    from mentoring.directory.models import DirectoryGroup, DirectoryGroupMember, DirectoryUser
    from mentoring.people.models import Profile

    with activate(org.organization):
        person = DirectoryUser.objects.create(
            organization=org.organization,
            profile=Profile.objects.get(user=org.mentees[0]),
            user_name=f"mentee-{org.sentinel.lower()}@{org.organization.slug}.example",
            given_name=f"Mentee {org.sentinel}",
        )
        group = DirectoryGroup.objects.create(
            organization=org.organization, display_name=f"Mentors {org.sentinel}"
        )
        DirectoryGroupMember.objects.create(
            organization=org.organization, group=group, member=person
        )


def add_feedback_rows(org):
    """A survey answer (feedback.admin lists them, without text) of the matched pair."""
    from feedback import services as feedback
    from matching.models import Mentorship

    with activate(org.organization):
        mentorship = Mentorship.objects.select_related("mentee__person__user").first()
        feedback.survey_answer(
            organization=org.organization,
            actor=mentorship.mentee.person.user,
            kind="pulse",
            mentorship=mentorship,
            answers={"useful": 4, "candid": 5},
            comment=f"Our talks at {org.sentinel} help",
            period=1,
        )
        # Survey records are shown once their period is released: store it long ago.
        import datetime

        from django.utils import timezone

        from feedback.models import SurveyResponse

        SurveyResponse.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))


def add_program_rows(org):
    """One row of every model the programs admin registers, its texts carrying the sentinel."""
    from programs import services as programs
    from programs.models import (
        ChecklistAudience,
        ChecklistItem,
        Resource,
        ResourceKind,
        SessionPlanStep,
        Skill,
        TrainingModule,
    )
    from tests.builders.world import make_program

    program = make_program(org, name=f"Listening circle {org.sentinel}")
    with activate(org.organization):
        arguments = {"organization": org.organization, "program": program}
        SessionPlanStep.objects.create(
            **arguments,
            kind="practice",
            title=f"Practice {org.sentinel}",
            points=["{skill} this week"],
            position=1,
        )
        skill = program.focus_links.select_related("skill").first().skill
        Skill.objects.create(
            organization=org.organization,
            name=f"Negotiation {org.sentinel}",
            description=f"Reaching agreements at {org.sentinel}.",
            behaviours=[f"Names the shared interest {org.sentinel}", "Proposes", "Summarizes"],
        )
        programs.enrollment_apply_mentor(
            **arguments,
            actor=org.mentors[0],
            skills=[skill],
            capacity=2,
            growth_story=f"I learnt to listen at {org.sentinel}.",
        )
        programs.enrollment_apply_mentee(
            **arguments,
            actor=org.mentees[0],
            focus_skills=[skill],
            goal_statement=f"Let every quieter colleague speak first in {org.sentinel} planning",
            situations=[f"A retro at {org.sentinel}", f"A planning at {org.sentinel}"],
        )
        programs.recognition_award(
            **arguments,
            actor=org.manager,
            mentor=org.mentors[0].profiles.get(),
            badge="listener",
            note=f"Listened well at {org.sentinel}.",
        )
        guide = Resource.objects.create(
            organization=org.organization,
            title=f"Listening guide {org.sentinel}",
            url=f"https://{org.organization.slug}.example/guide",
            kind=ResourceKind.ARTICLE,
            skill=skill,
            program=program,
        )
        TrainingModule.objects.create(
            **arguments,
            resource=guide,
            reflection_prompt=f"What will you try at {org.sentinel}?",
            position=1,
        )
        ChecklistItem.objects.create(
            organization=org.organization,
            audience=ChecklistAudience.MENTEE_FIRST_SESSION,
            program=program,
            text=f"Read the {org.sentinel} guidelines",
        )


def add_matching_rows(org):
    """A draft run, a mentorship and a mentor request in the organization."""
    from matching import services as matching
    from matching.models import MentorRequest
    from programs.models import CrossFunctional, Enrollment
    from tests.builders.cohort import make_cohort

    cohort = make_cohort(
        org, cross_functional=CrossFunctional.OFF, name=f"Pairs {org.sentinel}", capacity=2
    )
    with activate(org.organization):
        run = matching.match_run_start(
            organization=org.organization, actor=org.manager, program=cohort.program
        )
        matching.match_run_approve(organization=org.organization, actor=org.manager, run=run)
        enrolled = Enrollment.objects.filter(program=cohort.program)
        MentorRequest.objects.create(
            organization=org.organization,
            program=cohort.program,
            mentee=enrolled.filter(role="mentee").first(),
            mentor=enrolled.filter(role="mentor").last(),
            message=f"Please mentor me at {org.sentinel}",
        )


def one_row(org, model):
    with activate(org.organization):
        return model._default_manager.order_by("pk").first()


@pytest.fixture
def acme_manager(client, admin_world):
    return client_for(client, admin_world.acme.organization, admin_world.acme.manager)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_changelist_shows_only_the_managers_organization(acme_manager, admin_world, model):
    response = acme_manager.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert admin_world.globex.sentinel.encode() not in response.content


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_searching_and_filtering_never_reach_another_organization(acme_manager, admin_world, model):
    response = acme_manager.get(admin_url(model, "changelist"), {"q": "GLOBEX"})
    assert response.status_code == 200
    assert admin_world.globex.sentinel.encode() not in response.content
    response = acme_manager.get(admin_url(model, "changelist"), {"q": "SENTINEL"})
    assert admin_world.globex.sentinel.encode() not in response.content


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_the_change_page_of_another_organizations_row_is_a_404(acme_manager, admin_world, model):
    foreign = one_row(admin_world.globex, model)
    assert foreign is not None, f"the test world needs a {model.__name__} in globex"
    for view in ("change", "delete", "history"):
        response = acme_manager.get(admin_url(model, view, foreign.pk))
        assert response.status_code == 404, view
        assert admin_world.globex.sentinel.encode() not in response.content


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_own_change_and_add_pages_offer_only_own_choices(acme_manager, admin_world, model):
    own = one_row(admin_world.acme, model)
    response = acme_manager.get(admin_url(model, "change", own.pk))
    assert response.status_code == 200
    assert admin_world.globex.sentinel.encode() not in response.content
    if organization_admin_site._registry[model].has_add_permission(response.wsgi_request):
        response = acme_manager.get(admin_url(model, "add"))
        assert response.status_code == 200
        assert admin_world.globex.sentinel.encode() not in response.content
        assert b"globex.example" not in response.content


def test_the_admin_index_lists_no_other_organization(acme_manager, admin_world):
    response = acme_manager.get("/admin/")
    assert response.status_code == 200
    assert admin_world.globex.sentinel.encode() not in response.content


def test_a_foreign_key_posted_from_another_organization_is_refused(acme_manager, admin_world):
    from mentoring.people.models import Profile

    own = one_row(admin_world.acme, Profile)
    foreign_department = admin_world.globex.departments[0]
    response = acme_manager.post(
        admin_url(Profile, "change", own.pk),
        {"display_name": "Changed", "department": foreign_department.pk, "time_zone": "UTC"},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    with activate(admin_world.acme.organization):
        own.refresh_from_db()
    assert own.department_id != foreign_department.pk


@pytest.mark.parametrize(
    "who, told",
    [
        ("mentee", b"This page is for program managers"),
        ("hr", b'<a href="/hr/">Open the HR home</a>'),
    ],
)
def test_people_who_are_not_program_managers_cannot_open_the_admin(client, world, who, told):
    """A mentee is told whom to ask; an HR analyst is sent on to their own pages."""
    person = world.acme.mentees[0] if who == "mentee" else world.acme.hr
    client_for(client, world.acme.organization, person)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert told in response.content


def test_anonymous_visitors_of_the_admin_are_sent_to_the_normal_sign_in(client, world):
    response = client.get("/admin/", HTTP_HOST="acme.localhost")
    response = client.get(response["Location"], HTTP_HOST="acme.localhost")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_a_manager_of_one_organization_is_no_manager_of_another(client, world):
    from tests.builders.world import add_member

    add_member(world.globex.organization, world.acme.manager, name="Guest")
    client_for(client, world.globex.organization, world.acme.manager)
    assert client.get("/admin/", follow=True).status_code == 403


def test_a_manager_invites_people_from_a_csv_in_the_admin(acme_manager, admin_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("people.csv", b"email,name\nzoe@acme.example,Zoe\nbad,Bad\n")
    response = acme_manager.post(reverse("admin:accounts_invitation_import"), {"file": upload})
    page = finished_job_page(acme_manager, response)
    assert b"Nobody was invited" in page.content
    assert b"Line 3: &#x27;bad&#x27; is not a valid email address." in page.content
    upload = SimpleUploadedFile("people.csv", b"email,name\nzoe@acme.example,Zoe\n")
    response = acme_manager.post(reverse("admin:accounts_invitation_import"), {"file": upload})
    assert b"1 person invited" in finished_job_page(acme_manager, response).content


def test_a_manager_invites_one_person_in_the_admin(acme_manager, admin_world):
    from mentoring.accounts.models import Invitation

    response = acme_manager.post(
        admin_url(Invitation, "add"),
        {"email": "Yara@Acme.example", "display_name": "Yara", "role": "member", "job_title": ""},
    )
    assert response.status_code == 302, response.content[:3000]
    with activate(admin_world.acme.organization):
        assert Invitation.objects.filter(email="yara@acme.example").exists()
    again = acme_manager.post(
        admin_url(Invitation, "add"), {"email": "yara@acme.example", "role": "member"}
    )
    assert b"already has an open invitation" in again.content


@pytest.fixture
def operator(client, db):
    return platform_operator(client)


def test_the_platform_operator_creates_an_organization_in_the_root_admin(operator):
    response = operator.post(
        "/admin/mentoring/organization/add/",
        {"name": "Initech", "slug": "initech", "admin_email": "boss@initech.example"},
        follow=True,
    )
    assert response.status_code == 200
    assert b"http://initech.localhost/invitations/" in response.content
    assert Organization.objects.filter(slug="initech").exists()


def test_a_reserved_or_taken_address_is_refused_with_a_reason(operator, world):
    for slug, reason in (("acme", b"already uses"), ("www", b"reserved")):
        response = operator.post(
            "/admin/mentoring/organization/add/",
            {"name": "X", "slug": slug, "admin_email": "boss@x.example"},
        )
        assert reason in response.content


def test_members_cannot_sign_in_on_the_platform_root(client, world):
    client.defaults["HTTP_HOST"] = "localhost"
    client.post(
        "/accounts/login/", {"login": world.acme.manager.email, "password": "pw-correct-horse-42"}
    )
    assert "_auth_user_id" not in client.session

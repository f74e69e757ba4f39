from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from mentoring.people.models import Department, Profile
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership, Organization, Role


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_create_organization_prints_an_invitation_link_for_its_first_manager():
    output = run(
        "create_organization",
        "initech",
        "--name",
        "Initech",
        "--admin-email",
        "Boss@Initech.example",
    )
    assert "Created Initech (initech)" in output
    assert "boss@initech.example: http://initech.localhost/invitations/" in output
    organization = Organization.objects.get(slug="initech")
    with activate(organization):
        assert organization.slug == "initech"
        from mentoring.accounts.models import Invitation

        assert Invitation.objects.get().role == Role.MANAGER


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "message"),
    [("Bad Slug!", "lowercase letters"), ("www", "reserved"), ("x-", "lowercase letters")],
)
def test_create_organization_refuses_bad_addresses_with_a_reason(slug, message):
    with pytest.raises(CommandError, match=message):
        run("create_organization", slug, "--name", "X", "--admin-email", "a@b.example")
    assert not Organization.objects.exists()


@pytest.mark.django_db
def test_create_organization_refuses_a_bad_email_and_creates_nothing():
    with pytest.raises(CommandError, match="valid email"):
        run("create_organization", "initech", "--name", "X", "--admin-email", "not-an-email")
    assert not Organization.objects.exists()


def counts():
    result = {"users": get_user_model().objects.count()}
    for organization in Organization.objects.all():
        with activate(organization):
            result[organization.slug] = (
                Membership.objects.count(),
                Profile.objects.count(),
                Department.objects.count(),
            )
    return result


@pytest.mark.django_db
def test_seed_demo_creates_two_organizations_and_a_second_run_changes_nothing():
    output = run("seed_demo")
    assert "morgan.lee@acme.example" in output and "http://globex.localhost/" in output
    first = counts()
    assert set(first) == {"users", "acme", "globex"}
    assert first["acme"][0] >= 12
    run("seed_demo")
    assert counts() == first


@pytest.mark.django_db
def test_the_demo_has_a_person_in_both_organizations_with_a_reporting_line():
    from mentoring.demo import SHARED_PERSON

    run("seed_demo")
    for organization in Organization.objects.all():
        with activate(organization):
            assert Membership.objects.filter(user__email=SHARED_PERSON).exists()
            assert Profile.objects.filter(manager__isnull=False).count() >= 4


@pytest.mark.django_db
def test_the_demo_has_programs_in_every_state_with_enrolments_goals_and_reviews():
    from programs.models import Enrollment, GoalReview, Program

    run("seed_demo")
    for organization in Organization.objects.all():
        with activate(organization):
            statuses = set(Program.objects.values_list("status", flat=True))
            assert {"draft", "enrolling", "running"} <= statuses
            # the listening circle's 5, the pilot's 3, the peer exchange's 3, the trained
            # program's 3 and the circle program's 2 (one per circle)
            assert Enrollment.objects.filter(status="approved", role="mentor").count() == 16
            assert Enrollment.objects.filter(status="applied").exists()
            # six of the listening circle's mentees and five of the circle program's
            assert GoalReview.objects.count() == 6 + 5


@pytest.mark.django_db
def test_the_demo_has_an_approved_match_and_a_draft_to_review_in_each_organization():
    from matching.models import MatchRun, Mentorship

    run("seed_demo")
    for organization in Organization.objects.all():
        with activate(organization):
            # the listening circle, the peer exchange, the trained program and the circle
            # program are matched and running (its two circles are one mentorship each)
            assert MatchRun.objects.filter(status="approved").count() == 4
            assert MatchRun.objects.filter(status="draft").count() == 1
            assert Mentorship.objects.filter(status="active").count() == 8 + 3 + 2 + 2


@pytest.mark.django_db
def test_the_demo_has_a_running_peer_program_and_one_whose_run_left_an_untrained_mentor_out():
    from matching.models import LeftOutMentor, Mentorship
    from programs.demo_formats import PEER, TRAINED
    from programs.models import Program, TrainingCompletion

    run("seed_demo")
    for organization in Organization.objects.all():
        with activate(organization):
            peer = Program.objects.get(name=PEER)
            assert (peer.format, peer.status) == ("peer", "running")
            assert Mentorship.objects.filter(program=peer).count() == 3
            trained = Program.objects.get(name=TRAINED)
            assert trained.requires_training and trained.training_modules.count() == 4
            left_out = LeftOutMentor.objects.select_related("mentor__person").get()
            assert left_out.mentor.person.display_name == "Nora Berg"
            assert left_out.detail == "1 of 4 modules finished"
            assert TrainingCompletion.objects.count() == 2 * 4 + 1
            assert not Mentorship.objects.filter(mentor=left_out.mentor).exists()


@pytest.mark.django_db
def test_the_demo_has_a_session_history_feedback_ratings_and_pulse_answers():
    from feedback.models import Feedback, SkillRating, SurveyResponse
    from sessions.models import ActionItem, Session

    run("seed_demo")
    for organization in Organization.objects.all():
        with activate(organization):
            assert Session.objects.filter(status="held").count() >= 10
            # the next meeting of every pair and of each of the two circles
            assert Session.objects.filter(status="planned").count() == 8 + 3 + 2 + 2
            assert ActionItem.objects.filter(status="done").exclude(reflection="").exists()
            specificity = sorted(Feedback.objects.values_list("specificity", flat=True))
            assert specificity[0] < 2 and specificity[-1] == 4
            # four ratings and two pulse answers for each of the 13 pairs; four ratings for
            # each of the circles' 9 mentees and a pulse answer from each of their 11 members
            assert SkillRating.objects.count() == 52 + 36
            assert SurveyResponse.objects.count() == 26 + 11
    first = counts()
    run("seed_demo")
    assert counts() == first

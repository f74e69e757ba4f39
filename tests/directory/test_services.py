"""Directory sync services: people the organization's identity provider provisions."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from mentoring.accounts.models import Invitation
from mentoring.accounts.services import invitation_resend
from mentoring.directory.fields import (
    DirectoryConflict,
    DirectoryError,
    UserFields,
    VersionMismatch,
)
from mentoring.directory.models import DirectoryUser
from mentoring.directory.selectors import (
    directory_user_for,
    directory_users,
    manager_scim_id,
)
from mentoring.directory.services import directory_user_create, directory_user_replace
from mentoring.people.models import Department, Profile
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership, Role
from tests.builders.clients import client_for
from tests.builders.directory import provision, work_email
from tests.builders.sso import add_identity_provider, provider_fixture  # noqa: F401
from tests.builders.world import PASSWORD, make_user

User = get_user_model()


def replace(org, directory_user, **fields):
    with activate(org.organization):
        return directory_user_replace(
            organization=org.organization,
            directory_user=directory_user,
            fields=UserFields(**fields),
        )


def profile_of(org, directory_user):
    with activate(org.organization):
        return Profile.objects.select_related("department", "manager").get(
            pk=directory_user.profile_id
        )


def membership_of(org, directory_user):
    with activate(org.organization):
        return Membership.objects.get(user_id=profile_of(org, directory_user).user_id)


def test_a_provisioned_person_becomes_a_member_with_a_profile_from_the_directory(world):
    person = provision(
        world.acme,
        user_name="ada@acme.example",
        given_name="Ada",
        family_name="Lovelace",
        title="Engineer",
        department="Research",
        employee_number="42",
    )
    profile = profile_of(world.acme, person)
    assert profile.display_name == "Ada Lovelace"
    assert profile.job_title == "Engineer"
    assert profile.department.name == "Research"
    assert profile.user.email == "ada@acme.example"
    assert not profile.user.has_usable_password()
    assert sorted(profile.synced_fields) == ["department", "display_name", "job_title"]
    assert membership_of(world.acme, person).role == Role.MEMBER
    assert membership_of(world.acme, person).is_active
    assert person.version == 1


def test_the_display_name_wins_over_given_and_family_names_and_the_user_name_is_the_last_resort(
    world,
):
    named = provision(world.acme, display_name="Countess", given_name="Ada", family_name="L")
    bare = provision(world.acme, user_name="bare@acme.example")
    assert profile_of(world.acme, named).display_name == "Countess"
    assert profile_of(world.acme, bare).display_name == "bare@acme.example"
    # A name the directory did not send stays the person's to change.
    assert "display_name" not in profile_of(world.acme, bare).synced_fields


def test_the_primary_email_is_the_address_else_the_first(world):
    emails = [
        {"value": "first@acme.example", "type": "home"},
        {"value": "Main@Acme.example", "type": "work", "primary": True},
    ]
    primary = provision(world.acme, user_name="u-primary", emails=emails)
    first = provision(world.acme, user_name="u-first", emails=emails[:1])
    assert profile_of(world.acme, primary).user.email == "main@acme.example"
    assert profile_of(world.acme, first).user.email == "first@acme.example"


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"user_name": ""}, "userName is required"),
        ({"user_name": "not-an-address"}, "needs an email address"),
        ({"user_name": "x", "emails": work_email("nope")}, "not a valid email address"),
        ({"user_name": "y@acme.example", "manager_id": "nobody"}, "'nobody'"),
        ({"user_name": "z@acme.example", "title": "a\x00b"}, "NUL character"),
        ({"user_name": "z@acme.example", "given_name": "g" * 121}, "longer than 120"),
        ({"user_name": "z@acme.example", "department": "d" * 121}, "longer than 120"),
        ({"user_name": "z@acme.example", "display_name": "n" * 121}, "display_name"),
    ],
)
def test_bad_input_is_refused_with_a_clear_reason_and_nothing_is_written(world, fields, detail):
    with activate(world.acme.organization):
        with pytest.raises(DirectoryError) as raised:
            directory_user_create(organization=world.acme.organization, fields=UserFields(**fields))
        assert raised.value.status == 400
        assert detail in raised.value.detail
        assert not DirectoryUser.objects.exists()


def test_an_unknown_manager_id_is_refused_naming_it(world):
    missing = "0c6f3f5e-7d0b-4bb7-9d7a-0c2b1b4b0a11"
    with pytest.raises(DirectoryError, match=missing):
        provision(world.acme, manager_id=missing)


def test_an_existing_account_is_linked_by_any_case_of_its_address_and_never_changed(world):
    user = make_user("grace@elsewhere.example")
    person = provision(
        world.acme, user_name="GRACE@elsewhere.example", given_name="Grace", family_name="H"
    )
    user.refresh_from_db()
    assert profile_of(world.acme, person).user == user
    assert user.check_password(PASSWORD)
    assert (user.first_name, user.last_name) == ("", "")
    assert User.objects.filter(email__iexact="grace@elsewhere.example").count() == 1


def test_a_member_who_was_invited_before_is_linked_not_duplicated(world):
    mentee = world.acme.mentees[0]
    with activate(world.acme.organization):
        before = Profile.objects.get(user=mentee)
    person = provision(world.acme, user_name=mentee.email.upper(), title="Analyst")
    assert person.profile_id == before.pk
    assert profile_of(world.acme, person).job_title == "Analyst"
    # The name the person chose stays theirs: the directory sent none.
    assert profile_of(world.acme, person).display_name == before.display_name
    with activate(world.acme.organization):
        assert Profile.objects.filter(user=mentee).count() == 1


def test_a_second_directory_record_for_one_person_is_a_conflict(world):
    provision(world.acme, user_name="first-name", emails=work_email("one@acme.example"))
    with pytest.raises(DirectoryConflict) as raised:
        provision(world.acme, user_name="second-name", emails=work_email("ONE@acme.example"))
    assert raised.value.status == 409


def test_user_names_are_unique_whatever_the_letter_case(world):
    provision(world.acme, user_name="Sam@acme.example")
    with pytest.raises(DirectoryConflict, match="userName"):
        provision(world.acme, user_name="sam@ACME.example", emails=work_email("x@acme.example"))


def test_the_same_user_name_and_person_may_be_provisioned_by_two_organizations(world):
    in_acme = provision(world.acme, user_name="shared@people.example", title="Acme title")
    in_globex = provision(world.globex, user_name="shared@people.example", title="Globex title")
    assert profile_of(world.acme, in_acme).user_id == profile_of(world.globex, in_globex).user_id
    assert profile_of(world.acme, in_acme).job_title == "Acme title"
    assert profile_of(world.globex, in_globex).job_title == "Globex title"


def test_departments_are_matched_whatever_the_case_and_made_when_new(world):
    existing = world.acme.departments[0]
    matched = provision(world.acme, department=existing.name.upper())
    made = provision(world.acme, department="Legal")
    again = provision(world.acme, department="legal")
    assert profile_of(world.acme, matched).department == existing
    assert profile_of(world.acme, made).department == profile_of(world.acme, again).department
    with activate(world.globex.organization):
        assert not Department.objects.filter(name__iexact="legal").exists()


def test_the_manager_is_the_profile_of_the_provisioned_manager(world):
    boss = provision(world.acme, display_name="Boss")
    report = provision(world.acme, manager_id=str(boss.scim_id))
    assert profile_of(world.acme, report).manager_id == boss.profile_id
    assert "manager" in profile_of(world.acme, report).synced_fields
    with activate(world.acme.organization):
        found = directory_user_for(organization=world.acme.organization, scim_id=report.scim_id)
    assert manager_scim_id(found) == str(boss.scim_id)


def test_a_manager_loop_is_refused_as_bad_input(world):
    boss = provision(world.acme)
    report = provision(world.acme, manager_id=str(boss.scim_id))
    with pytest.raises(DirectoryError, match="loop"):
        replace(world.acme, boss, user_name=boss.user_name, manager_id=str(report.scim_id))


def test_a_replace_sets_what_is_sent_and_clears_what_the_directory_owned(world):
    person = provision(world.acme, display_name="Old", title="Old title", department="Ops")
    with activate(world.acme.organization):
        Profile.objects.filter(pk=person.profile_id).update(bio="My own words")
    updated = replace(world.acme, person, user_name="renamed@acme.example", display_name="New")
    profile = profile_of(world.acme, updated)
    assert updated.user_name == "renamed@acme.example"
    assert updated.version == 2
    assert profile.display_name == "New"
    assert profile.job_title == ""
    assert profile.department is None
    assert profile.bio == "My own words"
    assert profile.synced_fields == ["display_name"]


def test_a_replace_keeps_the_fields_the_person_owned_when_the_directory_never_sent_them(world):
    mentee = world.acme.mentees[0]
    with activate(world.acme.organization):
        Profile.objects.filter(user=mentee).update(job_title="Chosen by me")
    person = provision(world.acme, user_name=mentee.email)
    replace(world.acme, person, user_name=mentee.email)
    assert profile_of(world.acme, person).job_title == "Chosen by me"


def test_a_replace_cannot_take_another_persons_user_name(world):
    provision(world.acme, user_name="taken@acme.example")
    person = provision(world.acme)
    with pytest.raises(DirectoryConflict):
        replace(world.acme, person, user_name="TAKEN@acme.example")


def test_a_replace_of_an_older_version_is_refused(world):
    person = provision(world.acme)
    replace(world.acme, person, user_name=person.user_name, title="First")
    with activate(world.acme.organization), pytest.raises(VersionMismatch) as raised:
        directory_user_replace(
            organization=world.acme.organization,
            directory_user=person,
            fields=UserFields(user_name=person.user_name, title="Stale"),
            expected_version=1,
        )
    assert raised.value.status == 412
    assert profile_of(world.acme, person).job_title == "First"


def test_a_person_without_a_password_is_invited_to_choose_one(world, sent):
    with sent:
        person = provision(world.acme, user_name="new@acme.example")
    assert [message.to for message in mail.outbox] == [["new@acme.example"]]
    with activate(world.acme.organization):
        assert Invitation.objects.get(email="new@acme.example").accepted_at is None
    assert membership_of(world.acme, person).is_active


def test_someone_who_has_a_password_already_gets_no_invitation(world, sent):
    make_user("known@elsewhere.example")
    with sent:
        provision(world.acme, user_name="known@elsewhere.example")
    assert mail.outbox == []


def test_with_single_sign_on_nobody_is_invited(world, sent, provider):
    add_identity_provider(world.acme, provider, domains="acme.example")
    with sent:
        provision(world.acme, user_name="sso@acme.example")
    assert mail.outbox == []
    with activate(world.acme.organization):
        assert not Invitation.objects.exists()


def test_the_invited_person_chooses_a_password_and_keeps_the_directory_profile(world, client):
    person = provision(
        world.acme, user_name="joiner@acme.example", display_name="Jo Iner", title="Analyst"
    )
    with activate(world.acme.organization):
        token = invitation_resend(
            organization=world.acme.organization,
            actor=None,
            invitation=Invitation.objects.get(email="joiner@acme.example"),
            send_email=False,
        )
    client_for(client, world.acme.organization)
    response = client.post(
        f"/invitations/{token}/",
        {
            "display_name": "Jo",
            "password1": "a-long-unusual-pass",
            "password2": "a-long-unusual-pass",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert b"Welcome, Jo Iner" in client.get("/").content
    profile = profile_of(world.acme, person)
    assert profile.user.check_password("a-long-unusual-pass")
    assert (profile.display_name, profile.job_title) == ("Jo Iner", "Analyst")
    with activate(world.acme.organization):
        assert Profile.objects.filter(user=profile.user).count() == 1
    assert User.objects.filter(email__iexact="joiner@acme.example").count() == 1


def test_a_page_of_provisioned_people_costs_a_constant_number_of_queries(
    world, django_assert_num_queries
):
    boss = provision(world.acme)
    for _ in range(5):
        provision(world.acme, manager_id=str(boss.scim_id), department="Ops")

    def read_page():
        with activate(world.acme.organization):
            page = list(directory_users(organization=world.acme.organization)[:200])
            return [(u.profile.department, manager_scim_id(u), list(u.groups.all())) for u in page]

    with django_assert_num_queries(3):
        few = read_page()
    for _ in range(10):
        provision(world.acme, manager_id=str(boss.scim_id))
    with django_assert_num_queries(3):
        many = read_page()
    assert len(many) == len(few) + 10


def test_another_organization_never_finds_a_record_even_with_its_scim_id(world):
    person = provision(world.acme)
    with activate(world.globex.organization):
        assert (
            directory_user_for(organization=world.globex.organization, scim_id=person.scim_id)
            is None
        )
        assert not directory_users(organization=world.globex.organization).exists()
        assert directory_user_for(organization=world.globex.organization, scim_id="bad") is None
        with pytest.raises(DirectoryError):
            directory_user_replace(
                organization=world.globex.organization,
                directory_user=person,
                fields=UserFields(user_name="stolen@globex.example"),
            )
    with pytest.raises(DirectoryError, match="No user here"):
        provision(world.globex, manager_id=str(person.scim_id))
    with activate(world.acme.organization):
        assert DirectoryUser.objects.get(pk=person.pk).user_name == person.user_name


def test_provisioning_costs_the_same_number_of_queries_however_many_people_exist(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    boss = provision(world.acme, department="Ops")

    def cost():
        with CaptureQueriesContext(connection) as queries:
            provision(world.acme, manager_id=str(boss.scim_id), department="Ops", title="Dev")
        return len(queries.captured_queries)

    first = cost()
    for _ in range(10):
        provision(world.acme)
    assert cost() == first

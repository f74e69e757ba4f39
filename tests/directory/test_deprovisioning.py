"""The directory deactivates, reactivates and deletes people."""

import threading

import pytest
from django.core import mail
from django.db import connection

from mentoring.accounts.models import Invitation
from mentoring.accounts.services import (
    InvitationError,
    invitation_accept_new_user,
    invitation_resend,
)
from mentoring.directory.fields import DirectoryConflict, DirectoryError, UserFields
from mentoring.directory.models import DirectoryUser
from mentoring.directory.services import (
    directory_user_create,
    directory_user_delete,
    directory_user_replace,
)
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership
from tests.builders.directory import provision
from tests.builders.world import build_world


def replace(org, directory_user, **fields):
    with activate(org.organization):
        return directory_user_replace(
            organization=org.organization,
            directory_user=directory_user,
            fields=UserFields(user_name=directory_user.user_name, **fields),
        )


def is_member(org, directory_user):
    with activate(org.organization):
        profile = Profile.objects.get(pk=directory_user.profile_id)
        return Membership.objects.get(user_id=profile.user_id).is_active


def test_deactivating_ends_the_membership_and_tells_the_apps_once(world, departures):
    person = provision(world.acme, title="Engineer")
    updated = replace(world.acme, person, active=False, title="Engineer")
    replace(world.acme, updated, active=False, title="Engineer")
    assert not is_member(world.acme, person)
    assert [(org, p.pk, reason) for org, p, reason in departures] == [
        (world.acme.organization, person.profile_id, "directory")
    ]


def test_a_replace_without_active_keeps_the_access_as_it_is(world, departures):
    person = provision(world.acme, active=False)
    replace(world.acme, person)
    assert not is_member(world.acme, person)
    assert departures == []


def test_reactivating_gives_the_access_back(world):
    person = provision(world.acme)
    replace(world.acme, replace(world.acme, person, active=False), active=True)
    assert is_member(world.acme, person)


def test_deleting_ends_the_membership_and_keeps_the_profile(world, departures):
    person = provision(world.acme, title="Engineer", department="Ops")
    with activate(world.acme.organization):
        directory_user_delete(organization=world.acme.organization, directory_user=person)
        profile = Profile.objects.get(pk=person.profile_id)
        assert not DirectoryUser.objects.exists()
    assert profile.job_title == "Engineer"
    assert profile.synced_fields == []
    assert not is_member_by_profile(world.acme, profile)
    assert len(departures) == 1


def is_member_by_profile(org, profile):
    with activate(org.organization):
        return Membership.objects.get(user_id=profile.user_id).is_active


def test_a_person_provisioned_inactive_is_invited_once_they_are_activated(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = provision(world.acme, user_name="later@acme.example", active=False)
    assert mail.outbox == []
    assert not is_member(world.acme, person)
    with django_capture_on_commit_callbacks(execute=True):
        replace(world.acme, person, active=True)
    assert [message.to for message in mail.outbox] == [["later@acme.example"]]
    assert is_member(world.acme, person)


def test_another_organization_cannot_delete_a_record(world):
    person = provision(world.acme)
    with activate(world.globex.organization), pytest.raises(DirectoryError):
        directory_user_delete(organization=world.globex.organization, directory_user=person)
    assert is_member(world.acme, person)


def test_deleting_a_deactivated_person_tells_the_apps_nothing_more(world, departures):
    person = replace(world.acme, provision(world.acme), active=False)
    with activate(world.acme.organization):
        directory_user_delete(organization=world.acme.organization, directory_user=person)
    assert len(departures) == 1


def test_deactivating_in_one_organization_leaves_the_other_untouched(world, departures):
    in_acme = provision(world.acme, user_name="both@people.example")
    in_globex = provision(world.globex, user_name="both@people.example")
    replace(world.acme, in_acme, active=False)
    assert is_member(world.globex, in_globex)
    assert [org for org, _person, _reason in departures] == [world.acme.organization]


@pytest.mark.django_db(transaction=True)
def test_two_creates_of_one_user_name_at_once_make_one_record_and_one_conflict():
    world = build_world()
    organization = world.acme.organization
    barrier = threading.Barrier(2)
    outcomes = []

    def create(address):
        try:
            with activate(organization):
                barrier.wait(timeout=10)
                directory_user_create(
                    organization=organization,
                    fields=UserFields(user_name="Race@acme.example", emails=[{"value": address}]),
                )
            outcomes.append("created")
        except DirectoryConflict as error:
            outcomes.append(error.status)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=create, args=(address,))
        for address in ("one@acme.example", "two@acme.example")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=str) == [409, "created"]
    with activate(organization):
        assert DirectoryUser.objects.filter(user_name__iexact="race@acme.example").count() == 1


def test_a_deactivated_person_cannot_come_back_through_an_old_invitation(world):
    person = provision(world.acme, user_name="gone@acme.example")
    replace(world.acme, person, active=False)
    with activate(world.acme.organization):
        token = invitation_resend(
            organization=world.acme.organization,
            actor=None,
            invitation=Invitation.objects.get(email="gone@acme.example"),
            send_email=False,
        )
        with pytest.raises(InvitationError, match="has ended"):
            invitation_accept_new_user(token=token, display_name="", password="a-long-pass-99")
    assert not is_member(world.acme, person)

"""Directory groups and the roles they give."""

import pytest
from django.core.exceptions import PermissionDenied

from mentoring.directory.fields import DirectoryConflict, DirectoryError, GroupFields
from mentoring.directory.models import DirectoryGroup, GroupRole
from mentoring.directory.selectors import directory_group_for, directory_groups
from mentoring.directory.services import (
    directory_group_delete,
    directory_group_members_change,
    directory_group_replace,
    directory_group_role_set,
)
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership, Role
from tests.builders.directory import provision, provision_group


def role_of(org, directory_user):
    with activate(org.organization):
        return Membership.objects.get(user__profiles__directory_users=directory_user).role


def change_members(org, group, *, add=(), remove=(), expected_version=None):
    with activate(org.organization):
        return directory_group_members_change(
            organization=org.organization,
            group=group,
            add=[str(u.scim_id) for u in add],
            remove=[str(u.scim_id) for u in remove],
            expected_version=expected_version,
        )


def test_a_group_lists_its_members(world):
    people = [provision(world.acme) for _ in range(2)]
    group = provision_group(world.acme, "Engineering", members=people)
    with activate(world.acme.organization):
        found = directory_group_for(organization=world.acme.organization, scim_id=group.scim_id)
        assert set(found.members.all()) == set(people)


def test_group_names_are_unique_whatever_the_letter_case(world):
    provision_group(world.acme, "Sales")
    with pytest.raises(DirectoryConflict):
        provision_group(world.acme, "SALES")
    with pytest.raises(DirectoryError, match="displayName is required"):
        provision_group(world.acme, "  ")
    assert provision_group(world.globex, "Sales").display_name == "Sales"


def test_adding_twice_and_removing_a_non_member_change_nothing(world):
    member, other = provision(world.acme), provision(world.acme)
    group = provision_group(world.acme, "Team", members=[member])
    same = change_members(world.acme, group, add=[member], remove=[other])
    assert same.version == group.version
    with activate(world.acme.organization):
        assert list(same.members.all()) == [member]


def test_an_unknown_member_id_is_refused_naming_it(world):
    group = provision_group(world.acme, "Team")
    with activate(world.acme.organization), pytest.raises(DirectoryError, match="not-an-id"):
        directory_group_members_change(
            organization=world.acme.organization, group=group, add=["not-an-id"]
        )


def test_a_member_change_on_an_older_version_is_refused(world):
    member = provision(world.acme)
    group = provision_group(world.acme, "Team")
    change_members(world.acme, group, add=[member])
    with pytest.raises(DirectoryError) as raised:
        change_members(world.acme, group, remove=[member], expected_version=1)
    assert raised.value.status == 412


def test_a_replace_renames_the_group_and_sets_its_members(world):
    first, second = provision(world.acme), provision(world.acme)
    group = provision_group(world.acme, "Old", members=[first])
    with activate(world.acme.organization):
        replaced = directory_group_replace(
            organization=world.acme.organization,
            group=group,
            fields=GroupFields(display_name="New", member_ids=[str(second.scim_id)]),
            expected_version=1,
        )
        assert list(replaced.members.all()) == [second]
    assert (replaced.display_name, replaced.version) == ("New", 2)
    with activate(world.acme.organization):
        renamed = directory_group_replace(
            organization=world.acme.organization,
            group=group,
            fields=GroupFields(display_name="Newer"),
        )
        assert list(renamed.members.all()) == [second]


def test_the_highest_role_of_a_persons_groups_wins(world):
    person = provision(world.acme)
    provision_group(world.acme, "Analysts", members=[person], role=GroupRole.HR)
    assert role_of(world.acme, person) == Role.HR
    provision_group(world.acme, "Leads", members=[person], role=GroupRole.MANAGER)
    assert role_of(world.acme, person) == Role.MANAGER


def test_leaving_the_role_group_gives_the_member_role_back(world):
    person = provision(world.acme)
    group = provision_group(world.acme, "Analysts", members=[person], role=GroupRole.HR)
    provision_group(world.acme, "Kept", role=GroupRole.HR)
    change_members(world.acme, group, remove=[person])
    assert role_of(world.acme, person) == Role.MEMBER


def test_groups_without_roles_change_nobodys_role(world):
    manager = world.acme.manager
    person = provision(world.acme, user_name=manager.email)
    provision_group(world.acme, "Everyone", members=[person])
    assert role_of(world.acme, person) == Role.MANAGER


def test_people_the_directory_did_not_provision_keep_their_hand_made_roles(world):
    person = provision(world.acme)
    provision_group(world.acme, "Leads", members=[person], role=GroupRole.MANAGER)
    with activate(world.acme.organization):
        assert Membership.objects.get(user=world.acme.hr).role == Role.HR


def test_the_last_active_program_manager_is_never_demoted(world):
    boss = provision(world.acme)
    provision_group(world.acme, "Analysts", role=GroupRole.HR)
    group = provision_group(world.acme, "Leads", members=[boss], role=GroupRole.MANAGER)
    with activate(world.acme.organization):
        Membership.objects.filter(user=world.acme.manager).update(role=Role.MEMBER)
    with pytest.raises(DirectoryError, match="no active program manager left"):
        change_members(world.acme, group, remove=[boss])
    assert role_of(world.acme, boss) == Role.MANAGER
    with activate(world.acme.organization):
        assert list(DirectoryGroup.objects.get(pk=group.pk).members.all()) == [boss]
        with pytest.raises(DirectoryError, match="no active program manager left"):
            directory_group_delete(organization=world.acme.organization, group=group)


def test_deleting_the_only_group_with_a_role_leaves_everyones_role_as_it_is(world):
    boss = provision(world.acme)
    group = provision_group(world.acme, "Leads", members=[boss], role=GroupRole.MANAGER)
    with activate(world.acme.organization):
        directory_group_delete(organization=world.acme.organization, group=group)
    assert role_of(world.acme, boss) == Role.MANAGER


def test_a_manager_may_be_demoted_while_another_stays(world):
    with activate(world.acme.organization):
        Membership.objects.filter(user=world.acme.hr).update(role=Role.MANAGER)
    boss = provision(world.acme, user_name=world.acme.manager.email)
    provision_group(world.acme, "Analysts", members=[boss], role=GroupRole.HR)
    assert role_of(world.acme, boss) == Role.HR


def test_only_a_program_manager_says_what_a_group_means(world):
    group = provision_group(world.acme, "Team")
    with activate(world.acme.organization):
        with pytest.raises(PermissionDenied):
            directory_group_role_set(
                organization=world.acme.organization,
                actor=world.acme.mentees[0],
                group=group,
                role=GroupRole.MANAGER,
            )
        with pytest.raises(DirectoryError, match="not a role"):
            directory_group_role_set(
                organization=world.acme.organization,
                actor=world.acme.manager,
                group=group,
                role="owner",
            )
    with activate(world.globex.organization), pytest.raises(PermissionDenied):
        directory_group_role_set(
            organization=world.globex.organization,
            actor=world.acme.manager,
            group=group,
            role=GroupRole.MANAGER,
        )


def test_setting_a_role_applies_it_to_the_groups_members_at_once(world):
    person = provision(world.acme)
    group = provision_group(world.acme, "Analysts", members=[person])
    with activate(world.acme.organization):
        directory_group_role_set(
            organization=world.acme.organization,
            actor=world.acme.manager,
            group=group,
            role=GroupRole.HR,
        )
    assert role_of(world.acme, person) == Role.HR


def test_another_organization_never_finds_or_changes_a_group(world):
    person = provision(world.acme)
    group = provision_group(world.acme, "Leads", members=[person], role=GroupRole.MANAGER)
    with activate(world.globex.organization):
        organization = world.globex.organization
        assert directory_group_for(organization=organization, scim_id=group.scim_id) is None
        assert not directory_groups(organization=organization).exists()
        with pytest.raises(DirectoryError):
            directory_group_members_change(organization=organization, group=group, remove=[])
        with pytest.raises(DirectoryError, match="No user here"):
            provision_group(world.globex, "Copy", members=[person])
    assert role_of(world.acme, person) == Role.MANAGER


def test_a_large_member_change_costs_a_constant_number_of_queries(
    world, django_assert_max_num_queries
):
    provision_group(world.acme, "Analysts", role=GroupRole.HR)
    group = provision_group(world.acme, "Leads", role=GroupRole.MANAGER)
    people = [provision(world.acme) for _ in range(12)]
    with django_assert_max_num_queries(20) as few:
        change_members(world.acme, group, add=people[:2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        change_members(world.acme, group, add=people[2:])
    assert role_of(world.acme, people[-1]) == Role.MANAGER

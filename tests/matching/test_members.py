"""Who belongs to a mentorship: one table of members (``MentorshipMember``), which the one
access rule reads, whether a mentorship has two people or more. A pair's two people are
its members whatever wrote the pair, and the pages follow the members."""

from importlib import import_module

from django.db import connection
from django.urls import reverse

from matching.models import Mentorship, MentorshipMember
from mentoring.tenancy import activate
from programs.models import Enrollment
from tests.builders.clients import signed_in
from tests.builders.pair import make_pair, running_pairs

BACKFILL_SQL = import_module("matching.migrations.0006_mentorship_members").BACKFILL_SQL


def members_of(org, mentorship) -> set[tuple[int, str]]:
    with activate(org.organization):
        return set(
            MentorshipMember.objects.filter(mentorship=mentorship).values_list(
                "person__user_id", "role"
            )
        )


def pair_page(mentorship) -> str:
    return reverse("matching:mentorship", args=[mentorship.pk])


def test_a_pair_approved_in_a_match_run_has_its_two_people_as_members(world):
    pair = make_pair(world.acme)
    assert members_of(world.acme, pair.mentorship) == {
        (pair.mentee.pk, "mentee"),
        (pair.mentor.pk, "mentor"),
    }


def test_pairs_written_straight_to_the_table_without_the_services_have_their_members_too(world):
    running = running_pairs(world.acme, 3)
    for mentorship in running.mentorships:
        people = members_of(world.acme, mentorship)
        assert people == {
            (mentorship.mentee.person.user_id, "mentee"),
            (mentorship.mentor.person.user_id, "mentor"),
        }


def test_a_pair_given_another_mentor_moves_the_mentors_place_and_the_pages_follow(world):
    pair = make_pair(world.acme)
    old_mentor = signed_in(world.acme, pair.mentor)
    assert old_mentor.get(pair_page(pair.mentorship)).status_code == 200
    with activate(world.acme.organization):
        other = (
            Enrollment.objects.filter(program=pair.mentorship.program, role="mentor")
            .exclude(pk=pair.mentorship.mentor_id)
            .select_related("person")
            .first()
        )
        Mentorship.objects.filter(pk=pair.mentorship.pk).update(mentor=other)
    assert members_of(world.acme, pair.mentorship) == {
        (pair.mentee.pk, "mentee"),
        (other.person.user_id, "mentor"),
    }
    assert old_mentor.get(pair_page(pair.mentorship)).status_code == 404
    assert (
        signed_in(world.acme, other.person.user).get(pair_page(pair.mentorship)).status_code == 200
    )


def test_a_third_member_reaches_the_mentorships_pages_and_loses_them_when_removed(world):
    pair = make_pair(world.acme)
    with activate(world.acme.organization):
        third = (
            Enrollment.objects.filter(program=pair.mentorship.program, role="mentee")
            .exclude(pk=pair.mentorship.mentee_id)
            .select_related("person__user")
            .first()
        )
    guest = signed_in(world.acme, third.person.user)
    assert guest.get(pair_page(pair.mentorship)).status_code == 404
    with activate(world.acme.organization):
        member = MentorshipMember.objects.create(
            organization=world.acme.organization,
            mentorship=pair.mentorship,
            enrollment=third,
            person=third.person,
            role="mentee",
        )
    assert guest.get(pair_page(pair.mentorship)).status_code == 200
    with activate(world.acme.organization):
        member.delete()
    assert guest.get(pair_page(pair.mentorship)).status_code == 404


def test_another_organizations_member_row_never_opens_a_mentorship(world):
    pair = make_pair(world.acme)
    theirs = make_pair(world.globex)
    stranger = signed_in(world.globex, theirs.mentee)
    assert stranger.get(pair_page(pair.mentorship)).status_code == 404
    with activate(world.acme.organization):
        assert not MentorshipMember.objects.filter(person__user=theirs.mentee).exists()


def test_the_migration_gives_the_pairs_made_before_it_their_two_members(world):
    pair = make_pair(world.acme)
    with activate(world.acme.organization):
        MentorshipMember.objects.filter(mentorship=pair.mentorship).delete()
    assert members_of(world.acme, pair.mentorship) == set()
    with connection.cursor() as cursor:
        cursor.execute(BACKFILL_SQL)
        cursor.execute(BACKFILL_SQL)  # run twice: nothing more
    assert members_of(world.acme, pair.mentorship) == {
        (pair.mentee.pk, "mentee"),
        (pair.mentor.pk, "mentor"),
    }

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mentoring.people.models import Profile, SeniorityLevel
from mentoring.people.services import MANAGED_BY_PROGRAM_MANAGERS, profile_update
from mentoring.tenancy import activate
from tests.builders.clients import client_for


def own_profile(org, user):
    with activate(org.organization):
        return Profile.objects.select_related("department", "seniority").get(user=user)


def reports_to(org, user, manager):
    """``user``'s manager is now ``manager`` (both users of ``org``), as a manager set it."""
    profile = own_profile(org, user)
    with activate(org.organization):
        profile.manager = own_profile(org, manager)
        profile.save()
    return profile


def placement(profile):
    return (profile.department_id, profile.seniority_id, profile.manager_id)


def test_a_member_edits_their_own_profile_in_the_browser(client, world):
    acme = world.acme
    client_for(client, acme.organization, acme.mentees[0])
    page = client.get("/me/profile/")
    assert page.status_code == 200
    assert world.globex.sentinel.encode() not in page.content
    response = client.post(
        "/me/profile/",
        {
            "display_name": "Jo Mentee",
            "job_title": "Analyst",
            "time_zone": "Europe/Paris",
            "languages": ["en", "fr"],
            "bio": "<script>alert(1)</script> I like listening.",
        },
    )
    assert response.status_code == 302
    profile = own_profile(acme, acme.mentees[0])
    assert (profile.display_name, profile.job_title, profile.time_zone, profile.languages) == (
        "Jo Mentee",
        "Analyst",
        "Europe/Paris",
        ["en", "fr"],
    )
    page = client.get("/me/profile/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_a_mentee_cannot_remove_their_manager_or_move_department_or_level_on_the_profile_page(
    client, world
):
    acme = world.acme
    before = reports_to(acme, acme.mentees[0], acme.mentors[0])
    other_department = next(d for d in acme.departments if d.pk != before.department_id)
    with activate(acme.organization):
        other_level = SeniorityLevel.objects.exclude(pk=before.seniority_id).first()
    client_for(client, acme.organization, acme.mentees[0])
    response = client.post(
        "/me/profile/",
        {
            "display_name": "Jo Mentee",
            "time_zone": "UTC",
            "department": other_department.pk,
            "seniority": other_level.pk,
            "manager": "",
        },
    )
    assert response.status_code == 302
    after = own_profile(acme, acme.mentees[0])
    assert after.display_name == "Jo Mentee"
    assert placement(after) == placement(before)


def test_the_profile_page_shows_department_level_and_manager_read_only_with_a_way_to_ask(
    client, world
):
    acme = world.acme
    profile = reports_to(acme, acme.mentees[0], acme.mentors[0])
    client_for(client, acme.organization, acme.mentees[0])
    page = client.get("/me/profile/").content.decode()
    for name in ("department", "seniority", "manager"):
        assert f'name="{name}"' not in page
    assert str(profile.department) in page
    assert str(profile.seniority) in page
    assert str(own_profile(acme, acme.mentors[0])) in page
    assert 'href="/me/profile/correction/"' in page


@pytest.mark.parametrize("who", ["mentee", "hr"])
@pytest.mark.parametrize(
    "field",
    ["manager", "department", "seniority"],
    ids=["removing their manager", "another department", "another level"],
)
def test_the_profile_service_refuses_a_members_own_change_of_what_matching_relies_on(
    world, who, field
):
    acme = world.acme
    user = acme.mentees[0] if who == "mentee" else acme.hr
    before = reports_to(acme, user, acme.mentors[0])
    with activate(acme.organization):
        new_value = {
            "manager": None,
            "department": next(d for d in acme.departments if d.pk != before.department_id),
            "seniority": SeniorityLevel.objects.exclude(pk=before.seniority_id).first(),
        }[field]
        with pytest.raises(ValidationError) as refused:
            profile_update(
                organization=acme.organization,
                actor=user,
                profile=Profile.objects.get(pk=before.pk),
                display_name="Renamed",
                **{field: new_value},
            )
    assert refused.value.messages == [MANAGED_BY_PROGRAM_MANAGERS]
    after = own_profile(acme, user)
    assert (after.display_name, placement(after)) == (before.display_name, placement(before))


def test_the_profile_service_lets_a_member_resend_their_unchanged_placement(world):
    acme = world.acme
    before = reports_to(acme, acme.mentees[0], acme.mentors[0])
    with activate(acme.organization):
        profile_update(
            organization=acme.organization,
            actor=acme.mentees[0],
            profile=Profile.objects.get(pk=before.pk),
            display_name="Renamed",
            department=before.department,
            seniority=before.seniority,
            manager=own_profile(acme, acme.mentors[0]),
        )
    after = own_profile(acme, acme.mentees[0])
    assert (after.display_name, placement(after)) == ("Renamed", placement(before))


def admin_change(client, org, profile, **fields):
    """Post the organization admin's change form of ``profile`` as ``org``'s manager."""
    client_for(client, org.organization, org.manager)
    data = {
        "display_name": profile.display_name,
        "department": profile.department_id or "",
        "job_title": profile.job_title,
        "seniority": profile.seniority_id or "",
        "manager": profile.manager_id or "",
        "time_zone": profile.time_zone,
        "languages": profile.languages,
        "bio": profile.bio,
        **fields,
    }
    return client.post(f"/admin/mentoring/profile/{profile.pk}/change/", data)


def test_a_program_manager_sets_department_level_and_manager_in_the_admin(client, world):
    acme = world.acme
    before = reports_to(acme, acme.mentees[0], acme.mentors[0])
    other_department = next(d for d in acme.departments if d.pk != before.department_id)
    with activate(acme.organization):
        other_level = SeniorityLevel.objects.exclude(pk=before.seniority_id).first()
    response = admin_change(
        client,
        acme,
        before,
        department=other_department.pk,
        seniority=other_level.pk,
        manager=own_profile(acme, acme.mentors[1]).pk,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    after = own_profile(acme, acme.mentees[0])
    assert placement(after) == (
        other_department.pk,
        other_level.pk,
        own_profile(acme, acme.mentors[1]).pk,
    )
    admin_change(client, acme, after, manager="")
    assert own_profile(acme, acme.mentees[0]).manager_id is None


def test_choices_from_another_organization_are_refused_and_nothing_changes(client, world):
    acme = world.acme
    before = own_profile(acme, acme.mentees[0])
    client_for(client, acme.organization, acme.mentees[0])
    response = client.post(
        "/me/profile/",
        {
            "display_name": "Changed",
            "department": world.globex.departments[0].pk,
            "manager": own_profile(world.globex, world.globex.mentors[0]).pk,
            "time_zone": "Mars/Olympus",
        },
    )
    assert response.status_code == 200
    assert response.content.count(b"Choose your time zone from the list.") == 1
    after = own_profile(acme, acme.mentees[0])
    assert (after.display_name, placement(after)) == (before.display_name, placement(before))


def test_choices_from_another_organization_are_refused_in_the_admin(client, world):
    acme = world.acme
    before = own_profile(acme, acme.mentees[0])
    response = admin_change(
        client,
        acme,
        before,
        department=world.globex.departments[0].pk,
        manager=own_profile(world.globex, world.globex.mentors[0]).pk,
    )
    assert response.status_code == 200
    assert response.content.count(b"Select a valid choice") == 2
    assert placement(own_profile(acme, acme.mentees[0])) == placement(before)


def test_a_reporting_loop_is_refused_in_the_admin_with_an_explanation(client, world):
    acme = world.acme
    reports_to(acme, acme.mentors[0], acme.mentees[0])
    mentee = own_profile(acme, acme.mentees[0])
    response = admin_change(client, acme, mentee, manager=own_profile(acme, acme.mentors[0]).pk)
    assert response.status_code == 200
    assert b"that would be a loop" in response.content
    assert own_profile(acme, acme.mentees[0]).manager_id is None


def test_the_organization_field_cannot_be_posted(client, world):
    acme = world.acme
    client_for(client, acme.organization, acme.mentees[0])
    client.post(
        "/me/profile/",
        {
            "display_name": "x",
            "time_zone": "UTC",
            "organization": world.globex.organization.pk,
            "user": acme.manager.pk,
        },
    )
    profile = own_profile(acme, acme.mentees[0])
    assert profile.organization_id == acme.organization.pk
    assert profile.user_id == acme.mentees[0].pk


def test_the_profile_page_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client_for(client, world.acme.organization, world.acme.mentees[0])
    with django_assert_num_queries(5):
        assert client.get("/me/profile/").status_code == 200


def test_the_admin_picks_a_profiles_manager_by_searching_not_from_a_list_of_everyone(client, world):
    acme = world.acme
    person = own_profile(acme, acme.mentees[0])
    client_for(client, acme.organization, acme.manager)
    page = client.get(f"/admin/mentoring/profile/{person.pk}/change/").content.decode()
    assert 'data-ajax--url="/admin/autocomplete/"' in page  # the manager field is a search
    others = [own_profile(acme, user).display_name for user in acme.mentors]
    assert not any(f">{name}</option>" in page for name in others)  # not every person listed


def test_the_manager_search_finds_people_of_this_organization_only(client, world):
    acme, globex = world.acme, world.globex
    mentor = own_profile(acme, acme.mentors[0])
    stranger = own_profile(globex, globex.mentors[0])
    client_for(client, acme.organization, acme.manager)
    search = {"app_label": "mentoring", "model_name": "profile", "field_name": "manager"}
    found = client.get("/admin/autocomplete/", {**search, "term": mentor.display_name}).json()
    assert str(mentor.pk) in {row["id"] for row in found["results"]}
    # the same name searched in the other organization's admin finds only its own people
    names = client.get("/admin/autocomplete/", {**search, "term": stranger.display_name}).json()
    assert str(stranger.pk) not in {row["id"] for row in names["results"]}
    assert world.globex.sentinel not in str(names)
    # a member who is not a program manager gets no search at all
    member = client_for(Client(), acme.organization, acme.mentees[0])
    refused = member.get("/admin/autocomplete/", {**search, "term": mentor.display_name})
    assert refused.status_code in (302, 403)
    assert mentor.display_name not in refused.content.decode()

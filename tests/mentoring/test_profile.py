from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.clients import client_for


def own_profile(org, user):
    with activate(org.organization):
        return Profile.objects.get(user=user)


def test_a_member_edits_their_own_profile_in_the_browser(client, world):
    acme = world.acme
    client_for(client, acme.organization, acme.mentees[0])
    page = client.get("/me/profile/")
    assert page.status_code == 200
    assert world.globex.sentinel.encode() not in page.content
    manager_profile = own_profile(acme, acme.mentors[0])
    response = client.post(
        "/me/profile/",
        {
            "display_name": "Jo Mentee",
            "department": acme.departments[1].pk,
            "job_title": "Analyst",
            "seniority": "",
            "manager": manager_profile.pk,
            "time_zone": "Europe/Paris",
            "languages": ["en", "fr"],
            "bio": "<script>alert(1)</script> I like listening.",
        },
    )
    assert response.status_code == 302
    profile = own_profile(acme, acme.mentees[0])
    assert (profile.display_name, profile.time_zone, profile.languages) == (
        "Jo Mentee",
        "Europe/Paris",
        ["en", "fr"],
    )
    assert profile.manager_id == manager_profile.pk
    page = client.get("/me/profile/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_choices_from_another_organization_are_refused_and_nothing_changes(client, world):
    acme = world.acme
    client_for(client, acme.organization, acme.mentees[0])
    before = own_profile(acme, acme.mentees[0])
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
    assert response.content.count(b"Select a valid choice") == 3
    after = own_profile(acme, acme.mentees[0])
    assert (after.display_name, after.department_id) == (before.display_name, before.department_id)


def test_a_reporting_loop_is_refused_with_an_explanation(client, world):
    acme = world.acme
    mentor = own_profile(acme, acme.mentors[0])
    mentee = own_profile(acme, acme.mentees[0])
    with activate(acme.organization):
        mentor.manager = mentee
        mentor.save()
    client_for(client, acme.organization, acme.mentees[0])
    response = client.post(
        "/me/profile/", {"display_name": "x", "manager": mentor.pk, "time_zone": "UTC"}
    )
    assert b"that would be a loop" in response.content


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
    with django_assert_num_queries(8):
        assert client.get("/me/profile/").status_code == 200

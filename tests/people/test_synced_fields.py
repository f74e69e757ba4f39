"""Fields the organization's directory sets are shown but cannot be changed by hand: not by
the member on their profile page, not by a program manager in the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.html import escape

from mentoring.people.forms import SYNCED_HELP
from mentoring.people.models import Profile
from mentoring.people.services import profile_update
from mentoring.tenancy import activate
from tests.builders.clients import client_for


def synced(org, user, *fields, **values):
    """``user``'s profile in ``org`` with ``fields`` set by the directory (``values``)."""
    with activate(org.organization):
        profile = Profile.objects.get(user=user)
        profile_update(organization=org.organization, actor=None, profile=profile, **values)
        profile.synced_fields = list(fields)
        profile.save(update_fields=["synced_fields"])
        return profile


def reread(org, profile):
    with activate(org.organization):
        return Profile.objects.get(pk=profile.pk)


def test_the_profile_page_shows_synced_fields_as_set_by_the_directory_and_ignores_edits(
    client, world
):
    acme = world.acme
    profile = synced(acme, acme.mentees[0], "display_name", "job_title", job_title="Analyst")
    client_for(client, acme.organization, acme.mentees[0])
    page = client.get("/me/profile/").content.decode()
    assert escape(SYNCED_HELP) in page
    assert "Kept up to date by your organization's directory" in page
    assert 'name="display_name"' in page and "disabled" in page

    response = client.post(
        "/me/profile/",
        {"display_name": "Someone Else", "job_title": "CEO", "time_zone": "Europe/Paris"},
    )

    assert response.status_code == 302
    after = reread(acme, profile)
    assert (after.display_name, after.job_title, after.time_zone) == (
        profile.display_name,
        "Analyst",
        "Europe/Paris",
    )


def test_a_program_manager_cannot_change_a_synced_department_but_can_change_the_level(world):
    acme = world.acme
    profile = synced(acme, acme.mentees[0], "department")
    with activate(acme.organization):
        other = acme.departments[0] if profile.department_id != acme.departments[0].pk else None
        with pytest.raises(
            ValidationError,
            match="directory sets these, so they cannot be changed here: department",
        ):
            profile_update(
                organization=acme.organization,
                actor=acme.manager,
                profile=profile,
                department=other or acme.departments[1],
            )
        level = profile.seniority.__class__.objects.order_by("-rank").first()
        profile_update(
            organization=acme.organization, actor=acme.manager, profile=profile, seniority=level
        )
    assert reread(acme, profile).seniority_id == level.pk


def test_the_directory_itself_still_changes_a_synced_field(world):
    acme = world.acme
    profile = synced(acme, acme.mentees[0], "job_title", job_title="Analyst")
    with activate(acme.organization):
        profile_update(
            organization=acme.organization, actor=None, profile=profile, job_title="Lead"
        )
    assert reread(acme, profile).job_title == "Lead"


def test_the_admin_profile_form_offers_synced_fields_read_only(client, world):
    acme = world.acme
    profile = synced(acme, acme.mentees[0], "manager", "job_title", job_title="Analyst")
    client_for(client, acme.organization, acme.manager)
    page = client.get(f"/admin/mentoring/profile/{profile.pk}/change/").content.decode()
    assert page.count(SYNCED_HELP) == 2

    client.post(
        f"/admin/mentoring/profile/{profile.pk}/change/",
        {"display_name": profile.display_name, "job_title": "CEO", "time_zone": "UTC"},
    )

    assert reread(acme, profile).job_title == "Analyst"

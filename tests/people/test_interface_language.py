"""Which language the interface speaks: the person's own choice, else their organization's,
else their browser's."""

from django.test import Client

from mentoring.people.language import person_language
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.clients import client_for


def choose(org, user, language):
    with activate(org.organization):
        Profile.objects.filter(user=user).update(language=language)


def organization_speaks(org, language):
    org.organization.language = language
    org.organization.save(update_fields=["language"])


def spoken(response) -> str:
    assert response.status_code == 200
    return response["Content-Language"]


def test_a_member_who_chose_german_gets_the_pages_in_german(world):
    acme = world.acme
    choose(acme, acme.mentees[0], "de")
    member = client_for(Client(), acme.organization, acme.mentees[0])

    page = member.get("/me/profile/")

    assert spoken(page) == "de"
    assert b'<html lang="de"' in page.content


def test_without_a_choice_a_member_gets_the_organizations_language(world):
    acme = world.acme
    organization_speaks(acme, "de")
    member = client_for(Client(), acme.organization, acme.mentees[0])

    assert spoken(member.get("/me/profile/")) == "de"


def test_a_members_own_choice_wins_over_the_organizations(world):
    acme = world.acme
    organization_speaks(acme, "de")
    choose(acme, acme.mentees[0], "en")
    member = client_for(Client(), acme.organization, acme.mentees[0])

    assert spoken(member.get("/me/profile/")) == "en"


def test_without_any_choice_the_browser_decides(world):
    acme = world.acme
    browser = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    member = client_for(browser, acme.organization, acme.mentees[0])

    assert spoken(member.get("/me/profile/")) == "de"
    assert spoken(client_for(Client(), acme.organization).get("/accounts/login/")) == "en"


def test_changing_the_language_on_the_profile_applies_at_once(world):
    acme = world.acme
    member = client_for(Client(), acme.organization, acme.mentees[0])
    with activate(acme.organization):
        profile = Profile.objects.get(user=acme.mentees[0])

    response = member.post(
        "/me/profile/",
        {"display_name": profile.display_name, "time_zone": "UTC", "language": "de"},
    )

    assert response.status_code == 302
    assert spoken(member.get("/me/profile/")) == "de"
    with activate(acme.organization):
        assert Profile.objects.get(pk=profile.pk).language == "de"


def test_one_organizations_language_does_not_reach_another(world):
    organization_speaks(world.acme, "de")
    globex = client_for(Client(), world.globex.organization, world.globex.mentees[0])

    assert spoken(globex.get("/me/profile/")) == "en"


def test_emails_use_the_persons_language_else_the_organizations(world):
    acme = world.acme
    with activate(acme.organization):
        profile = Profile.objects.select_related("organization").get(user=acme.mentees[0])
        assert person_language(profile) == "en"
        organization_speaks(acme, "de")
        profile.organization.refresh_from_db()
        assert person_language(profile) == "de"
        profile.language = "en"
        assert person_language(profile) == "en"

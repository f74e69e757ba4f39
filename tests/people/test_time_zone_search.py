"""Time zones are found by a search: by city, country, older name or offset, on the
profile page (as the person types, or sent with the form when JavaScript is off) and in
the admin's profile form; the page never carries the whole list."""

from mentoring.common.time_zones import time_zone_search
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.clients import signed_in
from tests.builders.pages import text
from tests.builders.world import join

PROFILE = {"display_name": "Mentee", "time_zone": "UTC"}


def zone_of(org, user) -> str:
    with activate(org.organization):
        return Profile.objects.get(user=user).time_zone


def found(term: str) -> list[str]:
    return [name for name, _label in time_zone_search(term).choices]


def test_a_zone_is_found_by_its_city_country_older_name_or_offset():
    assert found("lisbon") == ["Europe/Lisbon"]
    assert found("São Paulo") == ["America/Sao_Paulo"]  # accents and case do not matter
    assert "Asia/Kolkata" in found("india")
    assert found("Calcutta") == ["Asia/Kolkata"]  # an older name finds today's zone
    assert found("kiev") == ["Europe/Kyiv"]
    assert set(found("+05:30")) == {"Asia/Colombo", "Asia/Kolkata"}
    assert found("+5:30") == found("utc+05:30") == found("+05:30")
    assert found("") == [] and found("Mars Olympus") == []


def test_a_wide_search_gives_twenty_zones_and_says_how_many_matched():
    matches = time_zone_search("america")
    assert len(matches.choices) == 20 and matches.total > 100
    # the cities starting with the word come first, then the other matches
    new = found("new")
    assert new.index("America/New_York") < new.index("Pacific/Port_Moresby")  # Papua New Guinea


def test_the_search_endpoint_answers_matches_as_the_member_types(world):
    browser = signed_in(world.acme, world.acme.mentees[0])
    answer = browser.get("/me/time-zones/", {"q": "Lisbon"}).json()
    assert answer == {
        "results": [{"id": "Europe/Lisbon", "text": answer["results"][0]["text"]}],
        "total": 1,
    }
    assert answer["results"][0]["text"].startswith("Lisbon — Portugal (UTC")
    assert browser.get("/me/time-zones/", {"q": "x" * 5000}).json()["total"] == 0
    assert browser.get("/me/time-zones/").json() == {"results": [], "total": 0}


def test_without_javascript_a_search_sent_with_the_form_saves_its_only_match(world):
    member = world.acme.mentees[0]
    browser = signed_in(world.acme, member)
    response = browser.post("/me/profile/", {**PROFILE, "time_zone_search": "Lisbon"})
    assert response.status_code == 302
    assert zone_of(world.acme, member) == "Europe/Lisbon"


def test_a_search_with_several_matches_offers_them_and_saves_nothing(world):
    member = world.acme.mentees[0]
    browser = signed_in(world.acme, member)
    page = text(browser.post("/me/profile/", {**PROFILE, "time_zone_search": "+05:30"}))
    assert "2 time zones match “+05:30”: choose yours from the list." in page
    assert 'value="Asia/Kolkata"' in page and 'value="Asia/Colombo"' in page
    assert 'value="+05:30"' in page  # the search stays in its box
    assert zone_of(world.acme, member) == "UTC"
    # choosing one of them saves it, whatever the box still says
    response = browser.post(
        "/me/profile/", {**PROFILE, "time_zone": "Asia/Colombo", "time_zone_search": "+05:30"}
    )
    assert response.status_code == 302
    assert zone_of(world.acme, member) == "Asia/Colombo"


def test_a_search_that_matches_nothing_says_what_to_type(world):
    member = world.acme.mentees[0]
    page = text(
        signed_in(world.acme, member).post(
            "/me/profile/", {**PROFILE, "time_zone_search": "Atlantis"}
        )
    )
    assert "No time zone matches “Atlantis”. Try a city or a country" in page
    assert zone_of(world.acme, member) == "UTC"


def test_the_admin_profile_form_searches_time_zones_too(world):
    acme = world.acme
    with activate(acme.organization):
        person = Profile.objects.get(user=acme.mentees[0])
    manager = signed_in(acme, acme.manager)
    page = text(manager.get(f"/admin/mentoring/profile/{person.pk}/change/"))
    assert 'aria-label="Search by city, country or offset"' in page
    assert "js/search-picker.js" in page
    assert 'value="Europe/Lisbon"' not in page
    response = manager.post(
        f"/admin/mentoring/profile/{person.pk}/change/",
        {"display_name": person.display_name, "time_zone": "UTC", "time_zone_search": "Lisbon"},
    )
    assert response.status_code == 302
    assert zone_of(acme, acme.mentees[0]) == "Europe/Lisbon"


# session, organization, user, membership, the profile with its related rows
PROFILE_PAGE_QUERIES = 5


def test_the_profile_page_costs_the_same_and_stays_small_for_a_large_organization(
    world, django_assert_num_queries
):
    acme = world.acme
    member = acme.mentees[0]
    browser = signed_in(acme, member)
    with django_assert_num_queries(PROFILE_PAGE_QUERIES):
        small = browser.get("/me/profile/").content
    for number in range(40):
        join(acme, f"colleague{number}@acme.example", f"Colleague {number}")
    with activate(acme.organization):
        manager = Profile.objects.get(user=acme.manager)
        Profile.objects.filter(user=member).update(manager=manager)
    with django_assert_num_queries(PROFILE_PAGE_QUERIES):
        large = browser.get("/me/profile/").content
    assert b"Colleague 7" not in large  # no list of the organization's people
    assert abs(len(large) - len(small)) < 200  # only the manager's name was added
    assert len(large) < 20_000

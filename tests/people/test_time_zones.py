"""The time-zone list people choose from: canonical zones only, grouped by region with
today's offset; an older alias keeps working and is shown under its canonical name; the
browser's zone is offered in one click while the account is still on UTC."""

from datetime import UTC, datetime

from mentoring.common.time_zones import canonical_zone, time_zone_choices, time_zone_of
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from tests.builders.clients import signed_in
from tests.builders.pages import text


def zone_names() -> set[str]:
    return {name for _, zones in time_zone_choices() for name, _ in zones}


def set_zone(org, user, zone: str) -> None:
    with activate(org.organization):
        Profile.objects.filter(user=user).update(time_zone=zone)


def zone_of(org, user) -> str:
    with activate(org.organization):
        return Profile.objects.get(user=user).time_zone


def test_the_list_holds_canonical_zones_only_and_far_fewer_than_every_alias():
    names = zone_names()
    assert {"UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Europe/Kyiv"} <= names
    assert not names & {"US/Eastern", "Asia/Calcutta", "Europe/Kiev", "Etc/GMT+5", "EST5EDT"}
    assert 250 < len(names) < 400


def test_each_zone_is_grouped_by_region_and_shows_its_offset_and_countries():
    in_january = datetime(2026, 1, 15, 12, tzinfo=UTC)
    groups = dict(time_zone_choices(in_january))
    assert list(groups)[:2] == ["Universal", "Africa"] and "Europe" in groups
    labels = dict(groups["Europe"])
    assert labels["Europe/Paris"] == "Paris — France, Monaco (UTC+01:00)"
    labels = dict(groups["America"])
    assert labels["America/New_York"].endswith("(UTC−05:00)")
    in_july = dict(dict(time_zone_choices(datetime(2026, 7, 15, 12, tzinfo=UTC)))["America"])
    assert in_july["America/New_York"].endswith("(UTC−04:00)")


def test_an_older_alias_has_a_canonical_name_and_still_works_as_a_clock():
    assert canonical_zone("US/Eastern") == "America/New_York"
    assert canonical_zone("Asia/Calcutta") == "Asia/Kolkata"
    assert canonical_zone("Europe/Zagreb") == "Europe/Belgrade"  # a country's own name
    assert canonical_zone("Etc/UTC") == "UTC"
    assert canonical_zone("Mars/Olympus") is None
    assert str(time_zone_of("US/Eastern")) == "US/Eastern"


def test_the_profile_shows_the_current_zone_and_a_search_instead_of_the_whole_list(world):
    member = world.acme.mentees[0]
    set_zone(world.acme, member, "Europe/Paris")
    page = text(signed_in(world.acme, member).get("/me/profile/"))
    assert '<option value="Europe/Paris" selected>Paris — France, Monaco' in page
    assert 'aria-label="Search by city, country or offset"' in page
    assert "js/search-picker.js" in page
    # the other zones come from the search, not with the page
    assert 'value="America/New_York"' not in page and "<optgroup" not in page
    assert 'value="US/Eastern"' not in page


def test_a_profile_on_an_older_alias_is_shown_its_canonical_name_and_saves_without_loss(world):
    member = world.acme.mentees[0]
    set_zone(world.acme, member, "US/Eastern")
    browser = signed_in(world.acme, member)
    page = text(browser.get("/me/profile/"))
    assert '<option value="America/New_York" selected>' in page
    assert "US/Eastern is an older name of this zone; it is shown as America/New_York." in page
    # a zone with no equivalent in the list stays choosable, so saving keeps it
    set_zone(world.acme, member, "EST5EDT")
    page = text(browser.get("/me/profile/"))
    assert '<option value="EST5EDT" selected>EST5EDT (older name, still works)</option>' in page


def test_an_unknown_zone_gets_a_clear_message_and_changes_nothing(world):
    member = world.acme.mentees[0]
    set_zone(world.acme, member, "Europe/Paris")
    response = signed_in(world.acme, member).post(
        "/me/profile/", {"display_name": "Mentee", "time_zone": "US/Eastern"}
    )
    assert "Choose your time zone from the list." in text(response)
    assert zone_of(world.acme, member) == "Europe/Paris"


def test_the_browser_zone_is_offered_on_the_home_page_while_on_utc_and_always_on_the_profile(
    world,
):
    member = world.acme.mentees[0]
    browser = signed_in(world.acme, member)
    assert zone_of(world.acme, member) == "UTC"
    for path in ("/", "/me/profile/"):
        page = text(browser.get(path))
        assert 'id="time-zone-prompt"' in page and "js/time-zone.js" in page, path
        assert 'data-current="UTC' in page
    set_zone(world.acme, member, "Asia/Calcutta")
    assert 'id="time-zone-prompt"' not in text(browser.get("/"))
    # the profile compares the browser's zone with every name of the person's zone
    page = text(browser.get("/me/profile/"))
    assert 'data-current="Asia/Kolkata Asia/Calcutta' in page and "Keep Asia/Kolkata" in page


def test_using_the_browser_zone_saves_its_canonical_name_and_goes_back(world):
    member = world.acme.mentees[0]
    browser = signed_in(world.acme, member)
    response = browser.post("/me/time-zone/", {"time_zone": "Asia/Calcutta", "next": "/programs/"})
    assert response.status_code == 302 and response["Location"] == "/programs/"
    assert zone_of(world.acme, member) == "Asia/Kolkata"
    page = text(browser.get("/programs/"))
    assert "Your time zone is now Asia/Kolkata" in page


def test_the_one_click_zone_refuses_unknown_zones_and_outside_addresses(world):
    member = world.acme.mentees[0]
    browser = signed_in(world.acme, member)
    response = browser.post("/me/time-zone/", {"time_zone": "Mars/Olympus"}, follow=True)
    assert "Your browser reports a time zone this site does not know" in text(response)
    assert zone_of(world.acme, member) == "UTC"
    response = browser.post(
        "/me/time-zone/", {"time_zone": "Europe/Paris", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"
    assert browser.get("/me/time-zone/").status_code == 405


def test_the_one_click_zone_changes_only_the_signed_in_persons_own_profile(world):
    member, other = world.acme.mentees
    globex_member = world.globex.mentees[0]
    signed_in(world.acme, member).post("/me/time-zone/", {"time_zone": "Europe/Paris"})
    assert zone_of(world.acme, member) == "Europe/Paris"
    assert zone_of(world.acme, other) == "UTC"
    assert zone_of(world.globex, globex_member) == "UTC"

"""Picking one of the "Times that suit you both" on the scheduling page: it plans the
session, a time taken meanwhile is refused with a clear message, sending it twice plans one
session, bad input writes nothing, and only the pair's own people may do it."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from matching.access import access_pair
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions.models import AvailabilityWindow, Session
from sessions.selectors.slots import mutual_slots
from tests.builders.availability import ALL_WEEK
from tests.builders.availability import give_windows as windows_for
from tests.builders.clients import signed_in
from tests.builders.pages import text
from tests.builders.pair import schedule


def give_windows(pair, user, rows=ALL_WEEK, zone="UTC"):
    with activate(pair.org.organization):
        person = Profile.objects.get(user=user)
    windows_for(pair, person, rows, zone)


@pytest.fixture
def ready(pair):
    """The pair, both available all week: the mentee in Chicago, the mentor in Berlin."""
    give_windows(pair, pair.mentee, zone="America/Chicago")
    give_windows(pair, pair.mentor, zone="Europe/Berlin")
    return pair


def slots_of(pair, viewer=None):
    with activate(pair.org.organization):
        side = access_pair(
            organization=pair.org.organization,
            user=viewer or pair.mentee,
            mentorship_id=pair.mentorship.pk,
        )
        return side, mutual_slots(
            organization=pair.org.organization, mentorship=side.mentorship, viewer=side.me
        )


def pick_url(pair) -> str:
    return reverse("sessions:slot_pick", kwargs={"mentorship_id": pair.mentorship.pk})


def pick(client, pair, slot=None, **fields):
    data = {}
    if slot is not None:
        data = {"starts_at": slot.starts_at.isoformat(), "duration_minutes": 60}
    data.update(fields)
    return client.post(pick_url(pair), data, follow=True)


def planned(pair) -> list[Session]:
    with activate(pair.org.organization):
        return list(Session.objects.filter(mentorship=pair.mentorship, status="planned"))


def test_picking_a_slot_plans_the_session_and_opens_its_page(ready):
    _side, slots = slots_of(ready)
    response = pick(signed_in(ready.org, ready.mentee), ready, slots[0])
    (session,) = planned(ready)
    assert session.starts_at == slots[0].starts_at and session.duration_minutes == 60
    assert response.redirect_chain[-1][0] == reverse(
        "sessions:session", kwargs={"session_id": session.pk}
    )
    assert "Session planned" in text(response)


def test_a_slot_someone_took_meanwhile_is_refused_with_a_clear_message(ready):
    _side, slots = slots_of(ready)
    schedule(ready, ready.mentor, starts_at=slots[0].starts_at + timedelta(minutes=30))
    response = pick(signed_in(ready.org, ready.mentee), ready, slots[0])
    assert "no longer free for both of you" in text(response)
    assert len(planned(ready)) == 1  # only the one planned meanwhile


def test_sending_the_same_slot_twice_plans_one_session(ready):
    _side, slots = slots_of(ready)
    client = signed_in(ready.org, ready.mentee)
    pick(client, ready, slots[0])
    again = pick(client, ready, slots[0])
    (session,) = planned(ready)
    assert "already planned" in text(again)
    assert again.redirect_chain[-1][0].endswith(f"/sessions/{session.pk}/")


def test_two_clicks_at_once_still_plan_one_session(ready, monkeypatch):
    # both requests check before either has written: the service's lock refuses the second
    import sessions.views.slots as view

    monkeypatch.setattr(view, "planned_at", lambda **kwargs: None)
    monkeypatch.setattr(view, "slot_is_free", lambda **kwargs: True)
    _side, slots = slots_of(ready)
    pick(signed_in(ready.org, ready.mentee), ready, slots[0])
    second = pick(signed_in(ready.org, ready.mentor), ready, slots[0])
    assert len(planned(ready)) == 1
    assert "already planned at that time" in text(second)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"starts_at": "next tuesday", "duration_minutes": 60}, "could not be read"),
        ({"starts_at": "2030-01-07T09:00:00", "duration_minutes": 60}, "no time zone"),
        ({"starts_at": "2030-01-07T09:00:00+00:00", "duration_minutes": "an hour"}, "whole number"),
        ({"starts_at": "2030-01-07T09:00:00+00:00", "duration_minutes": 2000}, "480"),
        ({"duration_minutes": 60}, "required"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(ready, fields, message):
    response = pick(signed_in(ready.org, ready.mentee), ready, **fields)
    assert response.status_code == 200
    assert message in text(response)
    assert planned(ready) == []


def test_a_past_time_is_refused(ready):
    past = (timezone.now() - timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    response = pick(
        signed_in(ready.org, ready.mentee),
        ready,
        starts_at=past.isoformat(),
        duration_minutes=60,
    )
    assert "Choose a time in the future" in text(response)
    assert planned(ready) == []


def test_another_organizations_pair_and_non_members_get_a_404(world, ready):
    _side, slots = slots_of(ready)
    data = {"starts_at": slots[0].starts_at.isoformat(), "duration_minutes": 60}
    outsider = signed_in(world.globex, world.globex.mentees[0])
    outsider.defaults["HTTP_HOST"] = "globex.localhost"
    assert outsider.post(pick_url(ready), data).status_code == 404
    manager = signed_in(ready.org, ready.org.manager)  # same organization, not of the pair
    assert manager.post(pick_url(ready), data).status_code == 404
    other_mentee = next(user for user in ready.org.mentees if user != ready.mentee)
    assert signed_in(ready.org, other_mentee).post(pick_url(ready), data).status_code == 404
    assert planned(ready) == []


def test_a_get_is_not_allowed(ready):
    response = signed_in(ready.org, ready.mentee).get(pick_url(ready))
    assert response.status_code == 405


def test_the_slots_are_drawn_on_my_clock_and_the_others_each_a_button(ready):
    side, slots = slots_of(ready, viewer=ready.mentor)
    request = RequestFactory().get("/")
    with activate(ready.org.organization), timezone.override("Europe/Berlin"):
        html = render_to_string(
            "sessions/partials/slots.html",
            {"side": side, "slots": slots, "slots_problem": slots.problem},
            request=request,
        )
    first = slots[0]
    assert "Times that suit you both" in html
    assert first.mine.starts.strftime("%H:%M") in html  # Berlin
    assert first.theirs.starts.strftime("%H:%M") in html  # Chicago, seven hours earlier
    assert first.mine.starts.hour != first.theirs.starts.hour
    assert "America/Chicago" in html
    assert html.count('name="starts_at"') == len(slots) == 12
    assert f'value="{first.starts_at.isoformat()}"' in html
    assert pick_url(ready) in html


def test_without_windows_the_page_says_to_set_availability(pair):
    side, slots = slots_of(pair)
    with activate(pair.org.organization):
        html = render_to_string(
            "sessions/partials/slots.html",
            {"side": side, "slots": slots, "slots_problem": slots.problem},
            request=RequestFactory().get("/"),
        )
    assert "Neither of you has said when you can meet yet" in html
    assert 'name="starts_at"' not in html


def test_the_scheduling_page_proposes_times_on_both_clocks(ready):
    _side, slots = slots_of(ready)
    url = reverse("sessions:schedule", kwargs={"mentorship_id": ready.mentorship.pk})
    page = text(signed_in(ready.org, ready.mentee).get(url))
    assert "Times that suit you both" in page
    assert slots[0].mine.starts.strftime("%H:%M") in page
    assert slots[0].theirs.starts.strftime("%H:%M") in page


@pytest.mark.django_db
def test_the_demo_proposes_times_for_a_pair_in_both_organizations_and_reseeding_adds_none():
    from django.core.management import call_command

    from matching.models import Mentorship
    from mentoring.tenancy.models import Organization

    call_command("seed_demo", stdout=StringIO())
    windows = {}
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with activate(organization):
            windows[organization.slug] = AvailabilityWindow.objects.count()
            pairs = Mentorship.objects.select_related("mentee__person", "mentor__person")
            found = [
                mutual_slots(organization=organization, mentorship=pair, limit=3) for pair in pairs
            ]
        assert found and all(not slots.problem for slots in found), organization.slug
        assert any(len(slots) == 3 for slots in found), organization.slug
    assert set(windows) == {"acme", "globex"} and all(windows.values())
    call_command("seed_demo", stdout=StringIO())
    for organization in Organization.objects.filter(slug__in=["acme", "globex"]):
        with activate(organization):
            assert AvailabilityWindow.objects.count() == windows[organization.slug]

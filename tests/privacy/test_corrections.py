"""A member asks their program managers to correct the department, seniority level or
manager on their profile (which only managers change, because matching relies on them)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from mentoring.notifications.models import Kind, OutboxMessage
from mentoring.notifications.outbox import preferences_token
from mentoring.people.models import Profile
from mentoring.privacy.corrections import ALREADY_ASKED, CORRECTION_MAX_LENGTH
from mentoring.tenancy import activate, all_organizations
from mentoring.tenancy.models import Membership, Role
from tests.builders.clients import client_for
from tests.builders.world import add_member, make_user

URL = "/me/profile/correction/"
REQUEST = "I moved to the Sales team in March, and Dana Okafor is my manager now."


def correction_emails(org=None):
    with all_organizations():
        rows = OutboxMessage.unscoped.filter(kind=Kind.PROFILE_CORRECTION).order_by("pk")
        if org is not None:
            rows = rows.filter(organization=org.organization)
        return list(rows)


def test_a_member_asks_and_every_program_manager_gets_an_email_with_a_link_to_fix_it(
    client, world, sent, mailoutbox
):
    acme = world.acme
    second_manager = make_user("second.manager@acme.example")
    add_member(acme.organization, second_manager, role=Role.MANAGER, name="Dana Okafor")
    client_for(client, acme.organization, acme.mentees[0])
    with sent:
        response = client.post(URL, {"message": f"  {REQUEST}  "})

    assert response.status_code == 302
    assert response["Location"] == "/me/profile/"
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("on its way to 2 program manager(s)" in message for message in shown), shown
    with activate(acme.organization):
        mentee = Profile.objects.select_related("department").get(user=acme.mentees[0])
    emails = sorted(mailoutbox, key=lambda email: email.to)
    assert [email.to for email in emails] == [[acme.manager.email], [second_manager.email]]
    for email in emails:
        assert email.subject == f"{mentee.display_name} asks you to correct their profile"
        assert REQUEST in email.body
        assert acme.mentees[0].email in email.body
        assert f"Department: {mentee.department}" in email.body
        assert f"/admin/mentoring/profile/{mentee.pk}/change/" in email.body
    assert correction_emails(world.globex) == []


@pytest.mark.parametrize(
    ("message", "explanation"),
    [
        ("", "Say what is wrong and what it should be"),
        ("   \n  ", "Say what is wrong and what it should be"),
        ("x" * (CORRECTION_MAX_LENGTH + 1), f"keep it to {CORRECTION_MAX_LENGTH} characters"),
    ],
    ids=["empty", "only spaces", "too long"],
)
def test_an_empty_or_too_long_request_is_refused_with_a_clear_message_and_sends_nothing(
    client, world, message, explanation
):
    acme = world.acme
    client_for(client, acme.organization, acme.mentees[0])
    response = client.post(URL, {"message": message})
    assert response.status_code == 200
    assert explanation in response.content.decode()
    if message.strip():
        assert message.encode() in response.content  # the text is kept to shorten it
    assert correction_emails() == []


def test_a_second_request_the_same_day_is_refused_and_sends_nothing_more(client, world):
    acme = world.acme
    client_for(client, acme.organization, acme.mentees[0])
    assert client.post(URL, {"message": REQUEST}).status_code == 302
    response = client.post(URL, {"message": "And my level is Senior, not Associate."})
    assert response.status_code == 200
    assert ALREADY_ASKED in response.content.decode()
    assert len(correction_emails(acme)) == 1

    response = client_for(Client(), acme.organization, acme.mentees[1]).post(
        URL, {"message": REQUEST}
    )
    assert response.status_code == 302, response.content.decode()
    assert len(correction_emails(acme)) == 2


def test_with_no_program_manager_to_ask_the_member_is_told_so_and_nothing_is_written(client, world):
    acme = world.acme
    with activate(acme.organization):
        Membership.objects.filter(role=Role.MANAGER).update(is_active=False)
    client_for(client, acme.organization, acme.mentees[0])
    response = client.post(URL, {"message": REQUEST})
    assert response.status_code == 200
    assert "there is nobody to send it to" in response.content.decode()
    assert correction_emails() == []


def test_the_request_page_shows_what_can_be_corrected_and_nothing_of_another_organization(
    client, world
):
    acme = world.acme
    client_for(client, acme.organization, acme.mentees[0])
    page = client.get(URL)
    assert page.status_code == 200
    with activate(acme.organization):
        mentee = Profile.objects.select_related("department").get(user=acme.mentees[0])
    assert str(mentee.department) in page.content.decode()
    assert world.globex.sentinel.encode() not in page.content


def test_a_program_manager_cannot_turn_correction_requests_off(client, world):
    acme = world.acme
    with activate(acme.organization):
        manager = Profile.objects.get(user=acme.manager)
    client_for(client, acme.organization)
    client.post(f"/notifications/{preferences_token(manager)}/unsubscribe/")
    client_for(client, acme.organization, acme.mentees[0])
    assert client.post(URL, {"message": REQUEST}).status_code == 302
    assert [row.to_email for row in correction_emails(acme)] == [acme.manager.email]

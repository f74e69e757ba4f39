import logging

from mentoring.accounts.tasks import send_invitation
from tests.builders.world import invite


def test_a_task_runs_inside_its_organization(world, mailoutbox):
    invitation, _token = invite(world.acme, "t@acme.example")
    send_invitation.delay(world.acme.organization.pk, invitation.pk, "http://x/")
    assert [m.to for m in mailoutbox] == [["t@acme.example"]]


def test_a_task_given_another_organizations_id_does_nothing(world, mailoutbox):
    invitation, _token = invite(world.acme, "t@acme.example")
    send_invitation.delay(world.globex.organization.pk, invitation.pk, "http://x/")
    assert mailoutbox == []


def test_a_task_for_an_unknown_organization_logs_and_does_nothing(world, mailoutbox, caplog):
    with caplog.at_level(logging.WARNING):
        send_invitation.delay(987654, 1, "http://x/")
    assert mailoutbox == []
    assert "organization 987654 is unknown or inactive" in caplog.text

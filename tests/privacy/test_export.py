"""A person's export: everything about them in this organization, to them only."""

import csv
import io
import json
import zipfile

import pytest

from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.tenancy import activate
from tests.builders.clients import client_for
from tests.builders.person import FORMULA, PARTNER_PRIVATE, WROTE
from tests.builders.world import add_member


def download(client, file_format):
    response = client.post(f"/me/data/export.{file_format}")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment;")
    return response.content


def section_rows(data, label):
    return data["sections"][label]["rows"]


def test_the_profile_page_leads_to_the_your_data_page(client, erin):
    client_for(client, erin.org.organization, erin.user)
    assert b"/me/data/" in client.get("/me/profile/").content
    page = client.get("/me/data/").content.decode()
    assert "Download as JSON" in page
    assert "Your private notes" in page  # the list of what the file holds
    assert f"Manager {erin.org.sentinel}" in page  # whom to ask for erasure


def test_a_member_downloads_everything_about_them_as_json(client, erin):
    client_for(client, erin.org.organization, erin.user)
    body = download(client, "json").decode()
    data = json.loads(body)
    assert [row["id"] for row in section_rows(data, "mentoring.Profile")] == [erin.profile.pk]
    assert f"{WROTE} private" in body  # their own private notes are theirs
    assert PARTNER_PRIVATE not in body  # the partner's private notes are not
    sessions = {row["id"] for row in section_rows(data, "mentoring_sessions.Session")}
    assert {erin.session.pk, erin.old_session.pk} <= sessions
    feedback = section_rows(data, "feedback.Feedback")
    assert {row["giver_id"] for row in feedback} >= {erin.profile.pk, erin.mentor.pk}
    assert section_rows(data, "feedback.SurveyResponse")
    assert section_rows(data, "programs.GoalReview")
    assert section_rows(data, "mentoring.Invitation")
    assert section_rows(data, "mentoring.NotificationSetting")
    assert [row["email"] for row in section_rows(data, "auth.User")] == [erin.email]


def test_the_export_holds_no_secret_and_nobody_elses_data(client, erin, world):
    client_for(client, erin.org.organization, erin.user)
    body = download(client, "json").decode()
    assert world.globex.sentinel not in body
    assert "md5$" not in body  # the password hash (tests hash with MD5)
    assert "token_hash" not in body
    for other in (world.acme.mentees[1], world.acme.hr, world.acme.mentors[1]):
        assert other.email not in body


def test_the_export_is_of_this_organization_only_for_a_member_of_two(client, erin, world):
    add_member(world.globex.organization, erin.user, name="Erin at Globex")
    client_for(client, erin.org.organization, erin.user)
    body = download(client, "json").decode()
    data = json.loads(body)
    memberships = section_rows(data, "mentoring.Membership")
    assert [row["organization_id"] for row in memberships] == [erin.org.organization.pk]
    assert "Erin at Globex" not in body
    assert world.globex.sentinel not in body


def test_the_zip_holds_one_formula_safe_csv_per_kind_of_record(client, erin):
    client_for(client, erin.org.organization, erin.user)
    archive = zipfile.ZipFile(io.BytesIO(download(client, "zip")))
    names = archive.namelist()
    assert {"README.txt", "data.json", "mentoring_profile.csv", "feedback_feedback.csv"} <= set(
        names
    )
    profile = list(csv.DictReader(io.StringIO(archive.read("mentoring_profile.csv").decode())))
    assert profile[0]["job_title"] == "'" + FORMULA
    notes = archive.read("mentoring_sessions_privatenote.csv").decode()
    assert f"{WROTE} private" in notes
    assert PARTNER_PRIVATE not in notes


def test_every_download_is_in_the_audit_log(client, erin):
    client_for(client, erin.org.organization, erin.user)
    download(client, "json")
    download(client, "zip")
    with activate(erin.org.organization):
        events = list(AuditEvent.objects.filter(action=AuditAction.EXPORT))
    assert [(e.actor_id, e.target_id) for e in events] == [(erin.user.pk, str(erin.profile.pk))] * 2


def test_downloads_need_a_signed_in_member_and_a_post(client, erin):
    client.defaults["HTTP_HOST"] = f"{erin.org.organization.slug}.localhost"
    assert client.post("/me/data/export.json").status_code == 302  # to sign in
    client_for(client, erin.org.organization, erin.user)
    assert client.get("/me/data/export.json").status_code == 405
    assert client.post("/me/data/export.xml").status_code == 404


@pytest.fixture
def manager(client, erin):
    return client_for(client, erin.org.organization, erin.org.manager)


def send_data(client, *profiles):
    return client.post(
        "/admin/mentoring/profile/",
        {"action": "send_data", "_selected_action": [p.pk for p in profiles]},
        follow=True,
    )


def test_a_manager_has_the_export_emailed_to_the_person_without_seeing_it(
    manager, erin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send_data(manager, erin.profile)
    assert response.status_code == 200
    assert WROTE.encode() not in response.content
    assert b"on its way" in response.content
    [email] = mailoutbox
    assert email.to == [erin.email]
    attachments = {name: content for name, content, _type in email.attachments}
    [json_name] = [name for name in attachments if name.endswith(".json")]
    assert f"{WROTE} private" in attachments[json_name].decode()
    assert any(name.endswith(".zip") for name in attachments)
    assert WROTE not in email.body
    with activate(erin.org.organization):
        event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert (event.actor_id, event.target_id) == (erin.org.manager.pk, str(erin.profile.pk))


def test_a_manager_of_another_organization_cannot_send_someones_data(
    client, erin, world, mailoutbox, django_capture_on_commit_callbacks
):
    client_for(client, world.globex.organization, world.globex.manager)
    with django_capture_on_commit_callbacks(execute=True):
        send_data(client, erin.profile)
    assert mailoutbox == []
    with activate(erin.org.organization):
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_members_who_are_not_managers_cannot_send_anyones_data(
    client, erin, world, mailoutbox, django_capture_on_commit_callbacks
):
    client_for(client, erin.org.organization, world.acme.mentees[1])
    with django_capture_on_commit_callbacks(execute=True):
        response = send_data(client, erin.profile)
    assert response.status_code == 403
    assert mailoutbox == []

"""An organization's full export, its verified deletion, and its privacy settings page."""

import json
import zipfile
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.privacy import deletion
from mentoring.privacy.registry import organization_entries
from mentoring.tenancy import activate, all_organizations
from mentoring.tenancy.models import Organization
from tests.builders.clients import client_for
from tests.builders.person import WROTE, build_person
from tests.builders.world import PASSWORD, add_member, build_world, make_user


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def read_export(path) -> dict[str, list[dict]]:
    archive = zipfile.ZipFile(path)
    files = {}
    for name in archive.namelist():
        if name.endswith(".jsonl"):
            text = archive.read(name).decode()
            files[name] = [json.loads(line) for line in text.splitlines()]
    files["manifest.json"] = json.loads(archive.read("manifest.json"))
    return files


def test_the_export_command_writes_every_exported_model_of_the_organization(world, tmp_path):
    build_person(world.acme)
    build_person(world.globex)
    path = tmp_path / "acme.zip"
    output = run("export_organization", "acme", str(path))
    assert "Exported" in output
    files = read_export(path)
    manifest = files.pop("manifest.json")
    assert set(files) == {f"{entry.file_stem}.jsonl" for entry in organization_entries()}
    acme_id = world.acme.organization.pk
    for name, rows in files.items():
        assert manifest["files"][name]["rows"] == len(rows)
        for row in rows:
            if "organization_id" in row:
                assert row["organization_id"] == acme_id, name
    assert [row["id"] for row in files["mentoring_organization.jsonl"]] == [acme_id]
    emails = {row["email"] for row in files["auth_user.jsonl"]}
    assert emails == {user.email for user in world.acme.people}
    assert any(WROTE in row["text"] for row in files["mentoring_sessions_privatenote.jsonl"])
    body = zipfile.ZipFile(path).read("auth_user.jsonl").decode()
    assert "md5$" not in body and "password" not in body
    assert world.globex.sentinel not in "".join(
        zipfile.ZipFile(path).read(name).decode() for name in zipfile.ZipFile(path).namelist()
    )
    assert "sessions.Session" in manifest["not_exported"]
    with activate(world.acme.organization):
        assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 1


def test_the_export_command_refuses_an_unknown_slug_or_an_existing_file(world, tmp_path):
    with pytest.raises(CommandError, match="No organization"):
        run("export_organization", "nope", str(tmp_path / "x.zip"))
    (tmp_path / "taken.zip").write_bytes(b"")
    with pytest.raises(CommandError, match="exists already"):
        run("export_organization", "acme", str(tmp_path / "taken.zip"))


def test_deleting_needs_the_slug_twice(world):
    with pytest.raises(CommandError, match="--confirm must repeat"):
        run("delete_organization", "acme", "--confirm", "globex", "--no-export")
    assert Organization.objects.filter(slug="acme").exists()


def rows_of(organization_id) -> dict[str, int]:
    with all_organizations():
        return deletion.count_rows(organization_id)


# Deletion runs on the owner's connection, which sees only committed rows.
owner_db = pytest.mark.django_db(transaction=True, databases=["default", "owner"])


@owner_db
def test_deleting_an_organization_exports_it_then_removes_every_row_of_it(tmp_path):
    world = build_world()
    build_person(world.acme)
    build_person(world.globex)
    shared = world.acme.mentors[1]
    add_member(world.globex.organization, shared, name="Shared at Globex")
    acme_id, globex_id = world.acme.organization.pk, world.globex.organization.pk
    globex_before = rows_of(globex_id)
    assert sum(rows_of(acme_id).values()) > 100
    path = tmp_path / "before-deletion.zip"

    output = run("delete_organization", "acme", "--confirm", "acme", "--export-to", str(path))

    assert "no row of it remains" in output
    assert deletion.remaining(acme_id) == {}
    assert rows_of(globex_id) == globex_before
    assert read_export(path)["manifest.json"]["organization"]["slug"] == "acme"
    users = get_user_model().objects
    only_acme = [u for u in world.acme.people if u != shared]
    assert not users.filter(pk__in=[u.pk for u in only_acme]).exists()
    assert users.filter(pk=shared.pk, is_active=True).exists()  # still a globex member
    assert users.filter(pk__in=[u.pk for u in world.globex.people]).count() == len(
        world.globex.people
    )
    assert not Organization.objects.filter(pk=acme_id).exists()
    assert Organization.objects.filter(pk=globex_id).exists()


@owner_db
def test_a_deletion_that_would_leave_rows_behind_fails_loudly_and_deletes_nothing(monkeypatch):
    world = build_world()
    acme_id = world.acme.organization.pk
    before = rows_of(acme_id)
    every_table = deletion.tables_with_organization()
    monkeypatch.setattr(
        deletion,
        "tables_to_delete",
        lambda using: [t for t in every_table if t != "mentoring_profile"],
    )
    with pytest.raises(CommandError, match="mentoring_profile: 6"):
        run("delete_organization", "acme", "--confirm", "acme", "--no-export")
    assert rows_of(acme_id) == before
    assert get_user_model().objects.filter(pk=world.acme.manager.pk).exists()


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_check_counts_every_table_with_an_organization_column():
    from mentoring.tenancy.database import tenant_tables

    assert set(tenant_tables()) <= set(deletion.tables_with_organization())
    assert "mentoring_auditevent" in deletion.tables_with_organization()


# ------------------------------------------------------------------ settings page

SETTINGS = "/admin/organization-settings/"


def test_a_manager_sets_the_retention_limits_and_two_step_sign_in(client, world):
    client_for(client, world.acme.organization, world.acme.manager)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    assert b"Keep session notes for" in page.content
    response = client.post(
        SETTINGS,
        {
            "note_retention_days": "180",
            "feedback_retention_days": "365",
            "require_two_factor_for_managers": "on",
            # not on the form: ignored
            "name": "Renamed",
            "slug": "renamed",
            "is_active": "",
        },
    )
    assert response.status_code == 302
    acme = Organization.objects.get(pk=world.acme.organization.pk)
    assert (acme.note_retention_days, acme.feedback_retention_days) == (180, 365)
    assert acme.require_two_factor_for_managers
    assert (acme.name, acme.slug, acme.is_active) == (world.acme.organization.name, "acme", True)
    globex = Organization.objects.get(pk=world.globex.organization.pk)
    assert (globex.note_retention_days, globex.require_two_factor_for_managers) == (None, False)
    with activate(acme):
        event = AuditEvent.objects.get(
            action=AuditAction.UPDATE, target_type="mentoring.organization"
        )
    assert event.changed_fields == [
        "feedback_retention_days",
        "note_retention_days",
        "require_two_factor_for_managers",
    ]


def test_retention_limits_can_be_cleared_but_not_made_too_short(client, world):
    organization = world.acme.organization
    organization.note_retention_days = 90
    organization.save()
    client_for(client, organization, world.acme.manager)
    response = client.post(SETTINGS, {"note_retention_days": "3", "feedback_retention_days": ""})
    assert response.status_code == 200
    assert b"greater than or equal to 30" in response.content
    assert Organization.objects.get(pk=organization.pk).note_retention_days == 90
    client.post(SETTINGS, {"note_retention_days": "", "feedback_retention_days": ""})
    assert Organization.objects.get(pk=organization.pk).note_retention_days is None


def test_only_the_organizations_managers_reach_its_settings(client, world):
    client_for(client, world.acme.organization, world.acme.mentees[0])
    assert client.get(SETTINGS, follow=True).status_code == 403
    assert client.post(SETTINGS, {"note_retention_days": "60"}, follow=True).status_code == 403
    client.logout()
    client_for(client, world.acme.organization, world.acme.hr)
    assert client.get(SETTINGS, follow=True).status_code == 403
    assert Organization.objects.get(pk=world.acme.organization.pk).note_retention_days is None


def test_the_admin_index_links_to_the_settings(client, world):
    client_for(client, world.acme.organization, world.acme.manager)
    assert SETTINGS.encode() in client.get("/admin/").content


def test_the_platform_admin_index_has_no_organization_settings(client, db):
    operator = make_user("operator@platform.example")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client.defaults["HTTP_HOST"] = "localhost"
    client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    response = client.get("/admin/")
    assert response.status_code == 200
    assert SETTINGS.encode() not in response.content


def test_the_platform_admin_offers_no_delete_button_for_an_organization(client, world):
    operator = make_user("operator@platform.example")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client.defaults["HTTP_HOST"] = "localhost"
    client.post("/accounts/login/", {"login": operator.email, "password": "pw-correct-horse-42"})
    acme = world.acme.organization
    page = client.get(f"/admin/mentoring/organization/{acme.pk}/change/")
    assert page.status_code == 200
    assert b"deletelink" not in page.content
    refused = client.post(f"/admin/mentoring/organization/{acme.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403

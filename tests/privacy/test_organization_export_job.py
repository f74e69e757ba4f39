"""The platform operator exports a whole organization from its page in the platform admin:
a background job the page follows, then a ZIP to download. Nobody else starts, follows or
downloads one, and the organization's own managers never see it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.jobs import progress
from mentoring.jobs.models import Job, JobStatus
from mentoring.privacy.jobs import ORGANIZATION_EXPORT
from mentoring.privacy.registry import organization_entries
from mentoring.tenancy import activate
from tests.builders.clients import client_for, platform_operator
from tests.builders.hr import fill
from tests.builders.jobs import run_queued_jobs
from tests.builders.person import build_person
from tests.builders.world import PASSWORD, make_user


@pytest.fixture
def operator(client, world):
    return platform_operator(client)


def export_url(org, *rest) -> str:
    tail = "".join(f"{part}/" for part in rest)
    return f"/admin/mentoring/organization/{org.organization.pk}/export/{tail}"


def start(operator, org):
    return operator.post(export_url(org))


def export_job(org) -> Job:
    with activate(org.organization):
        return Job.objects.get(kind=ORGANIZATION_EXPORT)


def read_zip(data: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(data))
    files = {
        name: [json.loads(line) for line in archive.read(name).decode().splitlines()]
        for name in archive.namelist()
        if name.endswith(".jsonl")
    }
    files["manifest.json"] = json.loads(archive.read("manifest.json"))
    return files


def test_the_organization_page_offers_the_operator_an_export(operator, world):
    page = operator.get(f"/admin/mentoring/organization/{world.acme.organization.pk}/change/")
    assert page.status_code == 200
    assert "Export this organization" in page.content.decode()
    assert f'action="{export_url(world.acme)}"' in page.content.decode()
    assert "Last exports" not in page.content.decode()


def test_the_organization_page_lists_its_last_exports_and_no_other(operator, world):
    start(operator, world.acme)
    start(operator, world.globex)
    job = export_job(world.acme)
    page = operator.get(f"/admin/mentoring/organization/{world.acme.organization.pk}/change/")
    text = page.content.decode()
    assert "Last exports" in text
    assert f'href="{export_url(world.acme, job.pk)}"' in text
    assert export_url(world.globex) not in text


def test_the_operator_starts_an_export_follows_it_and_downloads_the_zip(operator, world):
    build_person(world.acme)
    build_person(world.globex)
    response = start(operator, world.acme)
    job = export_job(world.acme)
    assert response.status_code == 302
    assert response["Location"] == export_url(world.acme, job.pk)

    waiting = operator.get(response["Location"]).content.decode()
    assert "Waiting for a worker to start it" in waiting
    assert f'hx-get="{export_url(world.acme, job.pk, "progress")}"' in waiting

    [finished] = run_queued_jobs()
    assert finished.status == JobStatus.DONE, (finished.summary, finished.errors)
    page = operator.get(response["Location"]).content.decode()
    assert "Done." in page
    download = export_url(world.acme, job.pk, "download")
    assert f'href="{download}"' in page
    fragment = operator.get(export_url(world.acme, job.pk, "progress")).content.decode()
    assert f'href="{download}"' in fragment and "every 1s" not in fragment

    zipped = operator.get(download)
    assert zipped.status_code == 200
    assert zipped["Content-Type"] == "application/zip"
    assert 'attachment; filename="acme-export-' in zipped["Content-Disposition"]
    files = read_zip(zipped.content)
    manifest = files.pop("manifest.json")
    assert set(files) == {f"{entry.file_stem}.jsonl" for entry in organization_entries()}
    for name, rows in files.items():
        assert manifest["files"][name]["rows"] == len(rows), name
    total = sum(len(rows) for rows in files.values())
    assert f"{total} rows of {len(files)} kinds of record" in page
    emails = {row["email"] for row in files["auth_user.jsonl"]}
    assert emails == {user.email for user in world.acme.people}


def test_the_zip_holds_no_row_of_another_organization(operator, world):
    fill(world.acme, 1)
    fill(world.globex, 1)
    start(operator, world.acme)
    [job] = run_queued_jobs()
    data = operator.get(export_url(world.acme, job.pk, "download")).content
    archive = zipfile.ZipFile(io.BytesIO(data))
    text = "".join(archive.read(name).decode() for name in archive.namelist())
    assert world.globex.sentinel not in text
    assert world.acme.sentinel in text
    acme_id = world.acme.organization.pk
    for name, rows in read_zip(data).items():
        if name == "manifest.json":
            continue
        assert all(row.get("organization_id", acme_id) == acme_id for row in rows), name


def test_each_download_is_recorded_in_the_organizations_log(operator, world):
    start(operator, world.acme)
    [job] = run_queued_jobs()
    with activate(world.acme.organization):
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
    operator.get(export_url(world.acme, job.pk, "download"))
    with activate(world.acme.organization):
        event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor.email == "operator@platform.example"
    assert event.summary.startswith("Full export of the organization downloaded")
    with activate(world.globex.organization):
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_page_shows_which_kind_of_record_is_being_exported(operator, world):
    start(operator, world.acme)
    job = export_job(world.acme)
    with activate(world.acme.organization):
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    progress.Reporter(job.pk)(3, 40, "Exporting people.Profile")
    try:
        fragment = operator.get(export_url(world.acme, job.pk, "progress")).content.decode()
    finally:
        progress.forget(job.pk)
    assert "Exporting people.Profile: 3 of 40 kinds of record" in fragment
    assert "every 1s" in fragment


def test_a_second_export_is_refused_while_the_first_waits(operator, world):
    start(operator, world.acme)
    again = start(operator, world.acme)
    change_page = f"/admin/mentoring/organization/{world.acme.organization.pk}/change/"
    assert again.status_code == 302 and again["Location"] == change_page
    shown = operator.get(change_page).content.decode()
    assert "is already waiting to start" in shown
    assert f'href="{export_url(world.acme, export_job(world.acme).pk)}"' in shown
    with activate(world.acme.organization):
        assert Job.objects.filter(kind=ORGANIZATION_EXPORT).count() == 1
    # Another organization's export is other work: it starts.
    assert start(operator, world.globex)["Location"].startswith(export_url(world.globex))


def test_an_export_can_be_started_again_once_the_first_is_done(operator, world):
    start(operator, world.acme)
    run_queued_jobs()
    assert start(operator, world.acme).status_code == 302
    with activate(world.acme.organization):
        assert Job.objects.filter(kind=ORGANIZATION_EXPORT).count() == 2


def test_the_organizations_managers_never_see_the_operators_export(operator, world):
    start(operator, world.acme)
    [job] = run_queued_jobs()
    manager = client_for(Client(), world.acme.organization, world.acme.manager)
    jobs = manager.get("/admin/mentoring/job/")
    assert jobs.status_code == 200
    assert job.label not in jobs.content.decode()
    for url in (
        f"/admin/mentoring/job/{job.pk}/change/",
        f"/admin/mentoring/job/{job.pk}/progress/",
        f"/admin/mentoring/job/{job.pk}/status.json",
        export_url(world.acme, job.pk),
        export_url(world.acme, job.pk, "download"),
    ):
        assert manager.get(url).status_code == 404, url
    assert manager.post(export_url(world.acme)).status_code == 404


def test_only_the_platform_operator_starts_follows_or_downloads_an_export(operator, world):
    start(operator, world.acme)
    [job] = run_queued_jobs()
    staff = make_user("staff@platform.example")
    staff.is_staff = True
    staff.save()
    helper = Client(HTTP_HOST="localhost")
    signed_in = helper.post("/accounts/login/", {"login": staff.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    for url in (export_url(world.acme, job.pk), export_url(world.acme, job.pk, "download")):
        assert helper.get(url).status_code == 403, url
        assert Client(HTTP_HOST="localhost").get(url).status_code == 302, url  # to sign in
    assert helper.post(export_url(world.acme)).status_code == 403
    with activate(world.acme.organization):
        assert Job.objects.filter(kind=ORGANIZATION_EXPORT).count() == 1
        assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_export_is_only_reachable_through_its_own_organization(operator, world):
    start(operator, world.acme)
    [job] = run_queued_jobs()
    for rest in ((job.pk,), (job.pk, "progress"), (job.pk, "download")):
        assert operator.get(export_url(world.globex, *rest)).status_code == 404, rest
    assert operator.get("/admin/mentoring/organization/999999/export/1/").status_code == 404


def test_a_deleted_file_is_explained_instead_of_downloaded(operator, world):
    start(operator, world.acme)
    [job] = run_queued_jobs()
    with activate(world.acme.organization):
        Job.objects.filter(pk=job.pk).update(result_file=None)
    page = operator.get(export_url(world.acme, job.pk)).content.decode()
    assert "The file was deleted after a few days" in page
    response = operator.get(export_url(world.acme, job.pk, "download"), follow=True)
    assert "start a new export" in response.content.decode()


def test_the_job_page_costs_the_same_queries_before_and_after_the_export(operator, world):
    start(operator, world.acme)
    job = export_job(world.acme)
    url = export_url(world.acme, job.pk, "progress")
    operator.get(url)
    with CaptureQueriesContext(connection) as waiting:
        operator.get(url)
    run_queued_jobs()
    with CaptureQueriesContext(connection) as done:
        operator.get(url)
    assert len(waiting) == len(done)


def test_the_export_queries_do_not_grow_with_the_organization(world):
    from mentoring.privacy import export

    def queries_of_export() -> int:
        with activate(world.acme.organization), CaptureQueriesContext(connection) as queries:
            export.organization_export(organization=world.acme.organization, path=io.BytesIO())
        return len(queries)

    fill(world.acme, 1)
    small = queries_of_export()
    fill(world.acme, 3)
    assert queries_of_export() == small


def test_the_export_reports_one_step_per_kind_of_record(world):
    from mentoring.privacy import export

    steps: list[tuple[int, int, str]] = []
    with activate(world.acme.organization):
        export.organization_export(
            organization=world.acme.organization,
            path=io.BytesIO(),
            progress=lambda done, total, phase: steps.append((done, total, phase)),
        )
    models = len(list(organization_entries()))
    assert [done for done, _, _ in steps] == list(range(models + 1))
    assert {total for _, total, _ in steps} == {models}
    assert steps[0][2].startswith("Exporting ")

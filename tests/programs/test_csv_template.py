"""The CSV enrolment page: a template to download (header row and one example row, from the
importer's own column definitions), the chosen program kept after an error, and a link from
a program that preselects it."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mentoring.tenancy import activate
from programs import services
from programs.models import Enrollment, EnrollmentStatus, ProgramStatus
from tests.builders.clients import client_for
from tests.builders.jobs import finished_job_page
from tests.builders.world import make_program

IMPORT = "admin:programs_enrollment_import"
TEMPLATE = "admin:programs_enrollment_import_template"


@pytest.fixture
def manager(client, world):
    return client_for(client, world.acme.organization, world.acme.manager)


def rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_template_has_the_importers_columns_and_one_example_row(manager, world):
    program = make_program(world.acme, name="Listening circle")
    response = manager.get(reverse(TEMPLATE), {"program": program.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, example = rows(response)
    assert header == [column.name for column in services.ENROLLMENT_CSV]
    assert dict(zip(header, example, strict=True)) == {
        "email": "ana.ortiz@example.com",
        "role": "mentee",
        "skills": "Active listening; Collaboration",  # the program's focus skills
        "capacity": "",
    }


def test_the_filled_in_template_enrols_people(manager, world):
    program = make_program(world.acme, name="Listening circle")
    template = manager.get(reverse(TEMPLATE), {"program": program.pk}).content.decode()
    filled = template.replace("ana.ortiz@example.com", "mentee0@acme.example")
    response = manager.post(
        reverse(IMPORT),
        {
            "program": program.pk,
            "file": SimpleUploadedFile("people.csv", filled.encode(), content_type="text/csv"),
        },
    )
    assert "1 person enrolled" in finished_job_page(manager, response).content.decode()
    with activate(world.acme.organization):
        enrolled = Enrollment.objects.get(program=program)
    assert enrolled.status == EnrollmentStatus.APPROVED and enrolled.role == "mentee"


def test_the_import_page_links_the_template_and_lists_the_same_columns(manager, world):
    content = manager.get(reverse(IMPORT)).content.decode()
    assert "Download a template" in content
    assert reverse(TEMPLATE) in content
    for column in services.ENROLLMENT_CSV:
        assert f"<code>{column.name}</code>" in content


def test_after_an_error_uploading_again_keeps_the_program_chosen(manager, world):
    program = make_program(world.acme, name="Listening circle")
    response = manager.post(
        reverse(IMPORT),
        {
            "program": program.pk,
            "file": SimpleUploadedFile("p.csv", b"email,role\nnobody@acme.example,mentee\n"),
        },
    )
    job_page = finished_job_page(manager, response).content.decode()
    assert "Nobody was enrolled" in job_page
    again = f"{reverse(IMPORT)}?program={program.pk}"
    assert f'href="{again}">Upload a file again' in job_page
    content = manager.get(again).content.decode()
    assert f'<option value="{program.pk}" selected>' in content
    # The template link now carries the program too.
    assert f"{reverse(TEMPLATE)}?program={program.pk}" in content


def test_a_link_from_the_program_page_preselects_it(manager, world):
    program = make_program(world.acme, name="Listening circle")
    page = manager.get(reverse("admin:programs_program_change", args=[program.pk]))
    link = f"{reverse(IMPORT)}?program={program.pk}"
    assert link in page.content.decode()
    content = manager.get(link).content.decode()
    assert f'<option value="{program.pk}" selected>' in content


def test_another_organizations_program_is_never_preselected_or_used(manager, world):
    foreign = make_program(world.globex, name="Foreign one")
    content = manager.get(reverse(IMPORT), {"program": foreign.pk}).content.decode()
    assert f'value="{foreign.pk}"' not in content.split('name="program"')[1].split("</select>")[0]
    assert world.globex.sentinel not in content
    header, example = rows(manager.get(reverse(TEMPLATE), {"program": foreign.pk}))
    assert world.globex.sentinel not in ",".join(header + example)


def test_a_closed_program_is_not_preselected(manager, world):
    closed = make_program(world.acme, name="Closed one", status=ProgramStatus.CLOSED)
    content = manager.get(reverse(IMPORT), {"program": closed.pk}).content.decode()
    assert "Closed one" not in content


def test_people_who_are_not_managers_cannot_download_the_template(client, world):
    member = client_for(client, world.acme.organization, world.acme.mentees[0])
    response = member.get(reverse(TEMPLATE))
    assert response.status_code in (302, 403)

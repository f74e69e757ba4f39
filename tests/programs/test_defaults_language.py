"""A new organization's default catalogues (skills, checklists, training lessons, prompts)
are installed in the organization's language: German for a German organization, English
for one without a language; a German member of an English organization changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.utils import translation

from mentoring.people.services import organization_people_defaults_install
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization
from programs.models import ChecklistItem, Resource, ResourceKind, Skill
from programs.services import organization_programs_defaults_install
from sessions.models import Prompt
from sessions.services import organization_sessions_defaults_install

pytestmark = pytest.mark.django_db


def new_organization(slug: str, language: str = "") -> Organization:
    organization = Organization.objects.create(slug=slug, name=slug.title(), language=language)
    with activate(organization):
        organization_people_defaults_install(organization=organization)
        organization_programs_defaults_install(organization=organization)
        organization_sessions_defaults_install(organization=organization)
    return organization


def catalogue(organization: Organization) -> dict:
    with activate(organization):
        return {
            "skills": set(Skill.objects.values_list("name", flat=True)),
            "behaviours": Skill.objects.get(name__in=["Empathy", "Empathie"]).behaviours,
            "checklists": list(
                ChecklistItem.objects.order_by("audience", "position").values_list(
                    "text", flat=True
                )
            ),
            "lessons": set(
                Resource.objects.filter(kind=ResourceKind.LESSON).values_list("title", flat=True)
            ),
            "prompts": list(Prompt.objects.select_related("skill").order_by("position")),
        }


def test_a_german_organization_starts_with_german_skills_checklists_lessons_and_prompts():
    german = catalogue(new_organization("kranich", language="de"))
    assert {"Aktives Zuhören", "Empathie", "Kommunikation"} <= german["skills"]
    assert "Empathy" not in german["skills"]
    assert german["behaviours"][0].startswith("Beschreibt die Sicht anderer")
    assert "Plane, wie du die Mentoren am Ende der Kohorte würdigst." in german["checklists"]
    assert "Offene Fragen stellen" in german["lessons"]
    assert german["prompts"][0].text.startswith("Was hat dich dazu gebracht")
    tied = {prompt.skill.name for prompt in german["prompts"] if prompt.skill}
    assert "Aktives Zuhören" in tied and tied <= german["skills"]


def test_an_organization_without_a_language_starts_in_english_whatever_is_active():
    with translation.override("de"):
        english = catalogue(new_organization("heron"))
    assert {"Active listening", "Empathy", "Communication"} <= english["skills"]
    assert (
        "Plan how you will recognize the mentors at the end of the cohort." in english["checklists"]
    )
    assert "Asking open questions" in english["lessons"]
    assert english["prompts"][0].text.startswith("What made you want a mentor now")
    assert {p.skill.name for p in english["prompts"] if p.skill} <= english["skills"]


def test_both_languages_install_the_same_number_of_everything():
    german = catalogue(new_organization("kranich", language="de"))
    english = catalogue(new_organization("heron", language="en"))
    for table in ("skills", "checklists", "lessons", "prompts"):
        assert len(german[table]) == len(english[table]) > 0, table
    assert [p.skill_id is None for p in german["prompts"]] == [
        p.skill_id is None for p in english["prompts"]
    ]


def test_the_platform_operator_creates_a_german_organization_that_starts_in_german():
    call_command(
        "create_organization",
        "beispiel",
        name="Beispiel GmbH",
        admin_email="leitung@beispiel.example",
        language="de",
        stdout=io.StringIO(),
    )

    organization = Organization.objects.get(slug="beispiel")
    assert organization.language == "de"
    with activate(organization):
        assert Skill.objects.filter(name="Aktives Zuhören").exists()

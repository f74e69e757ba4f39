"""Every model is classified for privacy: exported for the person, exported for the
organization only, or not exported for a stated reason."""

import io
import json
import zipfile

from django.apps import apps

from mentoring.people.models import Profile
from mentoring.privacy.export import person_export, person_export_zip
from mentoring.privacy.registry import Export, all_entries, installed, person_entries, registry
from mentoring.tenancy import activate
from mentoring.tenancy.models import TenantModel


def test_every_installed_model_is_classified_for_privacy():
    missing = [
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in registry()
    ]
    assert not missing, (
        "These models are classified nowhere: "
        f"{', '.join(missing)}. Add each to its app's privacy.py ENTRIES (or, for the core, "
        "mentoring/privacy/registry.py) as person(...) with how to find a person's rows, "
        "organization(...), or not_exported(...) with the reason."
    )


def test_every_classified_model_of_an_installed_app_exists():
    for entry in installed():
        assert entry.model is not None, entry.label  # apps.get_model raises for a typo


def test_each_model_is_classified_once():
    labels = [entry.label.lower() for entry in all_entries()]
    assert len(labels) == len(set(labels))


def test_models_left_out_of_every_export_say_why_and_exported_ones_say_what():
    for entry in all_entries():
        if entry.export is Export.NOT_EXPORTED:
            assert len(entry.reason) > 20, entry.label
        else:
            assert entry.title, entry.label
        if entry.export is Export.PERSON:
            assert entry.person_rows is not None, entry.label


def test_models_outside_tenancy_say_which_rows_belong_to_an_organization():
    for entry in installed():
        if entry.export is not Export.NOT_EXPORTED and not issubclass(entry.model, TenantModel):
            assert entry.organization_rows is not None, entry.label


def test_every_tenant_model_is_in_the_organization_export_or_says_why_not():
    for model in apps.get_models():
        if issubclass(model, TenantModel):
            entry = registry()[model._meta.label_lower]
            assert entry.export is not Export.NOT_EXPORTED or entry.reason, model._meta.label


def test_no_export_carries_a_password_or_a_key_hash():
    for entry in installed():
        if entry.export is not Export.NOT_EXPORTED:
            assert not {"password", "token_hash", "key_hash", "client_secret"} & set(
                entry.columns
            ), entry.label


def test_the_person_export_has_a_section_for_every_model_classified_as_personal(world):
    org = world.acme
    with activate(org.organization):
        profile = Profile.objects.get(user=org.mentees[0])
        data = person_export(organization=org.organization, profile=profile)
    expected = {entry.label for entry in person_entries()}
    assert set(data["sections"]) == expected
    assert {"auth.User", "mentoring.Profile", "mentoring_sessions.PrivateNote"} <= expected
    names = set(zipfile.ZipFile(io.BytesIO(person_export_zip(data))).namelist())
    assert {f"{label.lower().replace('.', '_')}.csv" for label in expected} <= names
    assert json.loads(zipfile.ZipFile(io.BytesIO(person_export_zip(data))).read("data.json"))

"""The cross-tenant battery of every search picker: each admin autocomplete field
(``autocomplete_fields`` on the organization admin) and each member search endpoint.

Both organizations hold a person of the same name; a program manager of acme who searches
for that name finds acme's person only, a forged id of globex's is refused by the form
with a message, and anyone who is not a program manager of acme gets no search at all."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

import mentoring.urls  # noqa: F401  (every app's admin registered, as in a request)
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from mentoring.tenancy.admin import organization_admin_site
from programs import services as program_services
from programs.models import Recognition
from tests.builders.clients import signed_in
from tests.builders.world import join, make_program

TWIN = "Quinn Twinfield"


def autocomplete_fields() -> list[tuple[str, str, str]]:
    """``(app_label, model_name, field_name)`` of every autocomplete field of the site."""
    found = []
    for model, model_admin in organization_admin_site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            found.append((model._meta.app_label, model._meta.model_name, field_name))
    return sorted(found)


FIELDS = autocomplete_fields()


def field_id(field: tuple[str, str, str]) -> str:
    return ".".join(field)


@dataclass
class Twins:
    acme: Profile
    globex: Profile
    acme_program: object
    globex_program: object


def twin_of(org, email: str):
    """A person called ``TWIN`` in ``org``, mentoring in a program of ``org``."""
    user = join(org, email, TWIN)
    program = make_program(org)
    with activate(org.organization):
        skills = [link.skill for link in program.focus_links.select_related("skill")][:1]
        program_services.enrollment_apply_mentor(
            organization=org.organization,
            actor=user,
            program=program,
            skills=skills,
            capacity=1,
            growth_story="I learnt to listen by running a support desk.",
        )
        return Profile.objects.get(user=user), program


@pytest.fixture
def twins(world) -> Twins:
    acme, acme_program = twin_of(world.acme, "quinn@acme.example")
    globex, globex_program = twin_of(world.globex, "quinn@globex.example")
    return Twins(acme, globex, acme_program, globex_program)


@pytest.fixture
def acme_manager(world):
    return signed_in(world.acme, world.acme.manager)


def search(client, field, term=TWIN, **extra):
    app_label, model_name, field_name = field
    return client.get(
        "/admin/autocomplete/",
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
        **extra,
    )


def rows_in(org, model, ids) -> int:
    with activate(org.organization):
        return model.objects.filter(pk__in=ids).count()


def test_the_battery_covers_the_person_pickers_issue_16_names():
    assert ("mentoring", "profile", "manager") in FIELDS
    assert ("programs", "recognition", "mentor") in FIELDS
    assert set(FIELDS) <= set(FORGERIES), "every autocomplete field needs a forgery case below"


@pytest.mark.parametrize("field", FIELDS, ids=field_id)
def test_a_search_finds_this_organizations_person_and_never_the_other_ones_namesake(
    acme_manager, world, twins, field
):
    response = search(acme_manager, field)
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert str(twins.acme.pk) in ids
    assert str(twins.globex.pk) not in ids
    target = organization_admin_site._registry
    model = next(m for m in target if m._meta.model_name == field[1])._meta.get_field(field[2])
    target_model = model.remote_field.model
    assert rows_in(world.acme, target_model, ids) == len(ids)
    assert rows_in(world.globex, target_model, ids) == 0
    assert world.globex.sentinel not in response.content.decode()


@pytest.mark.parametrize("field", FIELDS, ids=field_id)
def test_an_empty_search_lists_this_organization_only(acme_manager, world, twins, field):
    response = search(acme_manager, field, term="")
    rows = response.json()["results"]
    assert rows and str(twins.globex.pk) not in {row["id"] for row in rows}
    assert world.globex.sentinel not in response.content.decode()


@pytest.mark.parametrize("field", FIELDS, ids=field_id)
def test_the_same_search_on_the_other_organizations_host_finds_only_its_own(world, twins, field):
    response = search(signed_in(world.globex, world.globex.manager), field)
    ids = {row["id"] for row in response.json()["results"]}
    assert str(twins.globex.pk) in ids and str(twins.acme.pk) not in ids
    assert world.acme.sentinel not in response.content.decode()


def refused_people(world):
    yield "anonymous", Client(HTTP_HOST=f"{world.acme.organization.slug}.localhost")
    yield "a mentee", signed_in(world.acme, world.acme.mentees[0])
    yield "HR", signed_in(world.acme, world.acme.hr)
    # another organization's program manager, on acme's host
    globex_manager = signed_in(world.globex, world.globex.manager)
    globex_manager.defaults["HTTP_HOST"] = f"{world.acme.organization.slug}.localhost"
    yield "globex's manager", globex_manager


@pytest.mark.parametrize("field", FIELDS, ids=field_id)
def test_nobody_but_this_organizations_program_managers_may_search(world, twins, field):
    for who, client in refused_people(world):
        response = search(client, field)
        assert response.status_code in (302, 403), who
        if response.status_code == 302:
            assert "/login/" in response["Location"], who
        assert TWIN not in response.content.decode(), who


def test_a_field_that_is_no_search_and_malformed_requests_are_refused_not_failed(
    acme_manager, twins
):
    # a foreign key whose admin offers no search of it (Django's own view would answer)
    assert search(acme_manager, ("programs", "enrollment", "person")).status_code == 403
    assert search(acme_manager, ("mentoring", "profile", "department")).status_code == 403
    assert search(acme_manager, ("mentoring", "profile", "nothing")).status_code == 403
    assert search(acme_manager, ("nowhere", "profile", "manager")).status_code == 403
    assert acme_manager.get("/admin/autocomplete/", {"term": TWIN}).status_code == 403
    field = ("mentoring", "profile", "manager")
    assert search(acme_manager, field, term="Quinn\x00Twin").status_code in (200, 400)
    assert search(acme_manager, field, term="x" * 5000).json()["results"] == []
    response = acme_manager.get(
        "/admin/autocomplete/",
        {"app_label": "mentoring", "model_name": "profile", "field_name": "manager", "page": "x"},
    )
    assert response.status_code == 404


# ------------------------------------------------------------------ forged ids


def forge_manager(client, world, twins):
    """A profile of acme given globex's twin as manager."""
    with activate(world.acme.organization):
        person = Profile.objects.get(user=world.acme.mentees[0])
    response = client.post(
        f"/admin/mentoring/profile/{person.pk}/change/",
        {"display_name": person.display_name, "time_zone": "UTC", "manager": twins.globex.pk},
    )
    with activate(world.acme.organization):
        person.refresh_from_db()
    return response, person.manager_id is None


def forge_recognition(client, world, twins):
    """A recognition in acme for globex's twin."""
    response = client.post(
        "/admin/programs/recognition/add/",
        {
            "mentor": twins.globex.pk,
            "program": twins.acme_program.pk,
            "badge": "listener",
            "note": "Thanks",
        },
    )
    with activate(world.acme.organization):
        unchanged = not Recognition.objects.exists()
    return response, unchanged


FORGERIES = {
    ("mentoring", "profile", "manager"): forge_manager,
    ("programs", "recognition", "mentor"): forge_recognition,
}


@pytest.mark.parametrize("field", FIELDS, ids=field_id)
def test_a_forged_id_of_the_other_organization_is_refused_with_a_message(
    acme_manager, world, twins, field
):
    response, unchanged = FORGERIES[field](acme_manager, world, twins)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert unchanged
    assert world.globex.sentinel not in page


# ------------------------------------------------------------------ query counts


def more_people(org, count: int, start: int) -> None:
    for number in range(start, start + count):
        join(org, f"extra{number}@{org.organization.slug}.example", f"Quinn Extra {number}")


# organization, session, user, membership, then the page's count and its rows (building
# the field's form to learn what it accepts reads nothing)
ADMIN_SEARCH_QUERIES = 6


@pytest.mark.parametrize("field", FIELDS, ids=field_id)
def test_a_search_costs_the_same_queries_for_few_or_many_people(
    acme_manager, world, twins, field, django_assert_num_queries
):
    with django_assert_num_queries(ADMIN_SEARCH_QUERIES):
        few = search(acme_manager, field, term="Quinn").json()["results"]
    more_people(world.acme, 30, 0)
    with django_assert_num_queries(ADMIN_SEARCH_QUERIES):
        many = search(acme_manager, field, term="Quinn").json()["results"]
    assert len(few) <= len(many) <= 20  # one page of matches at most, however many match


# ------------------------------------------------------------------ member search endpoints

MEMBER_SEARCHES = ["/me/time-zones/?q=Paris"]


@pytest.mark.parametrize("url", MEMBER_SEARCHES)
def test_a_member_search_answers_members_only(world, url):
    response = signed_in(world.acme, world.acme.mentees[0]).get(url)
    assert response.status_code == 200 and response.json()["results"]
    anonymous = Client(HTTP_HOST="acme.localhost").get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # globex's member on acme's host is signed out, and sent to sign in
    stranger = signed_in(world.globex, world.globex.mentees[0])
    stranger.defaults["HTTP_HOST"] = "acme.localhost"
    refused = stranger.get(url)
    assert refused.status_code == 302 and "/accounts/login/" in refused["Location"]


@pytest.mark.parametrize("url", MEMBER_SEARCHES)
def test_a_member_search_takes_a_fixed_number_of_queries(world, url, django_assert_num_queries):
    browser = signed_in(world.acme, world.acme.mentees[0])
    with django_assert_num_queries(MEMBER_SEARCH_QUERIES):
        assert browser.get(url).status_code == 200
    more_people(world.acme, 20, 100)
    with django_assert_num_queries(MEMBER_SEARCH_QUERIES):
        assert browser.get(url).status_code == 200


# organization, session, user, membership: the search itself reads no table
MEMBER_SEARCH_QUERIES = 4

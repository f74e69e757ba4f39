"""Erasing a person: their name and what they wrote are gone from the organization, the
figures programs are measured by stay exactly the same, and nothing else changes."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError

from feedback.models import Feedback, SkillRating, SurveyResponse
from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.people.models import Profile
from mentoring.privacy.services import person_erase
from mentoring.tenancy import activate
from mentoring.tenancy.models import Membership
from sessions.models import PrivateNote, Session
from tests.builders.clients import client_for
from tests.builders.hr import new_key
from tests.builders.person import OTHERS, PARTNER_PRIVATE, WROTE, tables_holding
from tests.builders.world import PASSWORD, add_member

AGGREGATES = (
    "/api/v1/summary/",
    "/api/v1/programs/",
    "/api/v1/skill-progress/aggregates/",
    "/api/v1/feedback-statistics/",
    "/api/v1/surveys/",
    "/api/v1/sessions/?page_size=500",
    "/api/v1/mentorships/?page_size=500",
)


def erase(person, actor=None):
    org = person.org
    with activate(org.organization):
        return person_erase(
            organization=org.organization,
            actor=actor or org.manager,
            person=Profile.objects.get(pk=person.profile.pk),
        )


def hr_client(client, org):
    """GET on the HR API of ``org`` with a fresh key, its summary cache emptied."""
    secret = new_key(org)
    cache.delete(f"hr-summary:{org.organization.pk}")
    headers = {
        "HTTP_HOST": f"{org.organization.slug}.localhost",
        "HTTP_AUTHORIZATION": f"Bearer {secret}",
    }

    def get(path):
        response = client.get(path, **headers)
        assert response.status_code == 200, (path, response.content[:300])
        return response

    return get


def hr_figures(client, org) -> dict:
    """What HR reads, but when rows last changed: erasure changes rows (it empties their
    texts, so ``updated_since`` returns them), never a figure."""
    get = hr_client(client, org)
    return {path: _without_change_stamps(get(path).json()) for path in AGGREGATES}


def _without_change_stamps(body):
    if not (isinstance(body, dict) and isinstance(body.get("results"), list)):
        return body
    rows = [{k: v for k, v in row.items() if k != "updated_at"} for row in body["results"]]
    return {**body, "results": sorted(rows, key=lambda row: json.dumps(row, sort_keys=True))}


def test_after_erasure_nothing_they_wrote_and_neither_name_nor_email_remains(erin):
    organization = erin.org.organization
    assert tables_holding(organization, WROTE)  # the search finds them before
    assert tables_holding(organization, erin.name)
    assert tables_holding(organization, erin.email)
    erase(erin)
    assert tables_holding(organization, WROTE) == {}
    # The audit log too (which erasure cannot change): it names people by account id only.
    assert tables_holding(organization, erin.name) == {}
    assert tables_holding(organization, erin.email) == {}
    with activate(organization):
        profile = Profile.objects.select_related("user").get(pk=erin.profile.pk)
    assert profile.display_name == f"Former member #{profile.pk}"
    assert erin.email not in profile.user.email
    assert erin.name not in f"{profile.user.first_name} {profile.user.last_name}"


def test_erasure_keeps_every_figure_hr_sees(client, erin):
    before = hr_figures(client, erin.org)
    erase(erin)
    assert hr_figures(client, erin.org) == before


def test_erasure_keeps_ratings_scores_dates_and_counts(erin):
    organization = erin.org.organization

    def numbers():
        with activate(organization):
            return (
                list(Feedback.objects.order_by("pk").values_list("pk", "specificity", "kind")),
                list(SkillRating.objects.order_by("pk").values_list("pk", "level", "rater_id")),
                list(SurveyResponse.objects.order_by("pk").values_list("pk", "answers")),
                list(
                    Session.objects.order_by("pk").values_list(
                        "pk", "starts_at", "status", "actual_minutes"
                    )
                ),
            )

    before = numbers()
    erase(erin)
    assert numbers() == before


def test_erasure_leaves_other_people_and_the_other_organization_alone(erin, world):
    acme, globex = world.acme.organization, world.globex.organization
    globex_before = tables_holding(globex, WROTE)
    others_before = tables_holding(acme, OTHERS)
    erase(erin)
    assert tables_holding(globex, WROTE) == globex_before
    assert tables_holding(globex, world.globex.mentees[0].email)
    with activate(acme):
        # the partner's own private notes are theirs
        assert PrivateNote.objects.filter(text=PARTNER_PRIVATE).count() == 2
        assert not PrivateNote.objects.filter(author_id=erin.profile.pk).exists()
    # texts of pairs that do not include the person stay
    left = tables_holding(acme, OTHERS)
    assert left["feedback_feedback"] < others_before["feedback_feedback"]
    assert left["feedback_feedback"] > 0


def test_a_person_of_this_organization_only_can_no_longer_sign_in(client, erin):
    erase(erin)
    user = get_user_model().objects.get(pk=erin.user.pk)
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email.endswith("@erased.invalid")
    assert not user.emailaddress_set.exists()
    client.defaults["HTTP_HOST"] = f"{erin.org.organization.slug}.localhost"
    response = client.post("/accounts/login/", {"login": erin.email, "password": PASSWORD})
    assert response.status_code != 302


def test_a_member_of_another_organization_keeps_their_account_there(client, erin, world):
    add_member(world.globex.organization, erin.user, name="Erin at Globex")
    erase(erin)
    user = get_user_model().objects.get(pk=erin.user.pk)
    assert user.is_active and user.email == erin.email and user.has_usable_password()
    with activate(erin.org.organization):
        membership = Membership.objects.get(user__profiles__pk=erin.profile.pk)
        profile = Profile.objects.select_related("user").get(pk=erin.profile.pk)
        assert not Membership.objects.filter(user=user).exists()
    assert not membership.is_active
    assert profile.user != user and not profile.user.is_active  # a placeholder account
    with activate(world.globex.organization):
        assert Membership.objects.get(user=user).is_active
        assert Profile.objects.get(user=user).display_name == "Erin at Globex"
    client_for(client, world.globex.organization, erin.user)  # still signs in there


def test_the_hr_api_no_longer_names_a_member_of_two_organizations(client, erin, world):
    add_member(world.globex.organization, erin.user, name="Erin at Globex")
    get = hr_client(client, erin.org)
    assert erin.email in get("/api/v1/enrolments/?page_size=500").content.decode()
    erase(erin)
    body = get("/api/v1/enrolments/?page_size=500").content.decode()
    assert erin.email not in body
    assert erin.name not in body
    assert f"Former member #{erin.profile.pk}" in body


def test_erasure_is_recorded_without_the_persons_name(erin):
    erase(erin)
    with activate(erin.org.organization):
        event = AuditEvent.objects.get(action=AuditAction.ERASURE)
    assert (event.actor_id, event.target_id) == (erin.org.manager.pk, str(erin.profile.pk))
    assert erin.name not in event.summary and "Former member" in event.summary


def test_a_person_is_erased_once_and_never_by_themself(erin):
    with pytest.raises(ValidationError, match="cannot erase yourself"):
        erase(erin, actor=erin.user)
    erase(erin)
    with pytest.raises(ValidationError, match="erased already"):
        erase(erin)


def test_another_organization_cannot_erase_someone(erin, world):
    with activate(world.globex.organization), pytest.raises(ValidationError):
        person_erase(
            organization=world.globex.organization,
            actor=world.globex.manager,
            person=erin.profile,
        )


@pytest.fixture
def manager(client, erin):
    return client_for(client, erin.org.organization, erin.org.manager)


def test_the_admin_asks_for_confirmation_before_erasing(manager, erin):
    data = {"action": "erase_people", "_selected_action": [erin.profile.pk]}
    page = manager.post("/admin/mentoring/profile/", data)
    assert page.status_code == 200
    assert b"This cannot be undone" in page.content
    assert b"open mentorship" in page.content
    with activate(erin.org.organization):
        assert Profile.objects.get(pk=erin.profile.pk).display_name == erin.name
    response = manager.post("/admin/mentoring/profile/", {**data, "confirm": "yes"}, follow=True)
    assert response.status_code == 200
    assert f"now shows as Former member #{erin.profile.pk}".encode() in response.content
    assert tables_holding(erin.org.organization, WROTE) == {}


def test_a_manager_of_another_organization_cannot_erase_someone_through_the_admin(
    client, erin, world
):
    client_for(client, world.globex.organization, world.globex.manager)
    data = {"action": "erase_people", "_selected_action": [erin.profile.pk], "confirm": "yes"}
    client.post("/admin/mentoring/profile/", data)
    with activate(erin.org.organization):
        assert Profile.objects.get(pk=erin.profile.pk).display_name == erin.name

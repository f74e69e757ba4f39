from io import StringIO

from django.core.management import call_command

from matching.models import Mentorship
from mentoring.api.keys import api_key_create
from mentoring.tenancy import activate
from tests.builders.pair import make_pair


def test_hr_pulls_mentorships_with_a_key(api, world, keys):
    pair = make_pair(world.acme)
    make_pair(world.globex)
    with activate(world.acme.organization):
        # acme's two pairs (two mentees, two mentors of capacity one), newest change first
        acme_pairs = list(
            Mentorship.objects.order_by("-updated_at", "-id").values_list("pk", flat=True)
        )
    response = api.get("/api/v1/mentorships/", keys.acme)
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert len(acme_pairs) == 2 and pair.mentorship.pk in acme_pairs
    assert [row["id"] for row in rows] == acme_pairs
    assert {row["program_id"] for row in rows} == {pair.mentorship.program_id}
    assert "ETag" in response


def test_no_key_or_a_bad_key_is_refused(api, world, keys):
    assert api.get("/api/v1/mentorships/").status_code == 401
    assert api.get("/api/v1/mentorships/", "mntr_nope_nope").status_code == 401
    assert api.get("/api/v1/mentorships/", keys.acme, host="globex.localhost").status_code == 401


def test_create_api_key_prints_a_key_once(world):
    out = StringIO()
    call_command("create_api_key", "acme", "--name", "BI", stdout=out)
    assert out.getvalue().splitlines()[-1].startswith("mntr_")


def test_every_generated_key_is_accepted_whatever_characters_its_secret_has(world):
    from mentoring.api.keys import api_key_check

    with activate(world.acme.organization):
        keys = [
            api_key_create(organization=world.acme.organization, name=f"k{i}")[1] for i in range(60)
        ]
        assert all(api_key_check(key) is not None for key in keys)

"""The "what's new" page and the unread count in the navigation: a person sees only their
own notices of this organization, newest first, marked read once seen; the count costs
one query and nothing for someone signed out; old read notices expire, a person's export
holds them and erasing the person removes them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from mentoring.notifications.models import Kind, Notice
from mentoring.notifications.services import notices_mark_read
from mentoring.people.models import Profile
from mentoring.privacy.erasure import erase_person_data
from mentoring.privacy.export import person_export
from mentoring.privacy.retention import expire_texts
from mentoring.tenancy import activate
from tests.builders.clients import signed_in
from tests.builders.pages import text
from tests.builders.world import build_world


def add_notices(org, user, count, *, title="News", read=False) -> list[Notice]:
    with activate(org.organization):
        person = Profile.objects.get(user=user)
        notices = Notice.objects.bulk_create(
            Notice(
                organization=org.organization,
                recipient=person,
                kind=Kind.SESSION_PLANNED,
                dedupe_key=f"test:{person.pk}:{title}:{i}",
                title=f"{title} {i} {org.sentinel}",
                url=f"http://{org.organization.slug}.localhost/sessions/{i}/",
                read_at=timezone.now() if read else None,
            )
            for i in range(count)
        )
        # Distinct creation times, oldest first.
        for age, notice in enumerate(reversed(notices)):
            Notice.objects.filter(pk=notice.pk).update(
                created_at=timezone.now() - timedelta(minutes=age)
            )
        return notices


def unread(org, user) -> int:
    with activate(org.organization):
        return Notice.objects.filter(recipient__user=user, read_at__isnull=True).count()


def test_the_page_lists_my_notices_newest_first_and_marks_them_read_once_seen(world):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 3)
    browser = signed_in(world.acme, mentee)
    html = browser.get("/me/news/").content.decode()
    assert html.index("News 2") < html.index("News 1") < html.index("News 0")
    assert html.count('class="tag">New<') == 3  # each line says it is new this time
    assert unread(world.acme, mentee) == 0
    again = browser.get("/me/news/").content.decode()
    assert 'class="tag">New<' not in again


def test_my_notices_link_to_what_they_are_about(world):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 1)
    html = signed_in(world.acme, mentee).get("/me/news/").content.decode()
    assert 'href="http://acme.localhost/sessions/0/"' in html


def test_a_link_that_is_not_a_web_address_is_not_made_a_link(world):
    mentee = world.acme.mentees[0]
    [notice] = add_notices(world.acme, mentee, 1, title="Odd")
    with activate(world.acme.organization):
        Notice.objects.filter(pk=notice.pk).update(url="javascript:alert(1)")
    html = signed_in(world.acme, mentee).get("/me/news/").content.decode()
    assert "javascript:" not in html
    assert "Odd 0" in html


def test_another_persons_and_another_organizations_notices_never_show(world):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, world.acme.mentees[1], 2, title="Someone else")
    add_notices(world.globex, world.globex.mentees[0], 2, title="Elsewhere")
    browser = signed_in(world.acme, mentee)
    page = text(browser.get("/me/news/"))
    assert "Someone else" not in page
    assert world.globex.sentinel not in page
    assert "Nothing yet" in page
    assert unread(world.acme, world.acme.mentees[1]) == 2


def test_the_list_is_paginated_twenty_at_a_time(world):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 25)
    browser = signed_in(world.acme, mentee)
    first = text(browser.get("/me/news/"))
    assert "News 24" in first and "News 5 " in first and "News 4 " not in first
    assert "Page 1 of 2" in first
    assert unread(world.acme, mentee) == 5  # only what was shown is read
    second = text(browser.get("/me/news/?page=2"))
    assert "News 4 " in second and "News 0 " in second
    assert unread(world.acme, mentee) == 0
    assert browser.get("/me/news/?page=99").status_code == 200


def test_mark_all_read_reads_everything_and_is_safe_twice(world):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 25)
    browser = signed_in(world.acme, mentee)
    response = browser.post("/me/news/read/", follow=True)
    assert "Everything is marked as read." in text(response)
    assert unread(world.acme, mentee) == 0
    response = browser.post("/me/news/read/", follow=True)
    assert response.status_code == 200
    assert "Nothing was unread." in text(response)


def test_marking_cannot_touch_another_persons_or_organizations_notices(world):
    theirs = add_notices(world.acme, world.acme.mentees[1], 1)
    elsewhere = add_notices(world.globex, world.globex.mentees[0], 1)
    with activate(world.acme.organization):
        changed = notices_mark_read(
            organization=world.acme.organization,
            actor=world.acme.mentees[0],
            notice_ids=[theirs[0].pk, elsewhere[0].pk],
        )
    assert changed == 0
    assert unread(world.acme, world.acme.mentees[1]) == 1
    assert unread(world.globex, world.globex.mentees[0]) == 1


@pytest.mark.django_db(transaction=True)
def test_two_mark_all_read_at_once_both_succeed_and_everything_is_read():
    world = build_world()
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 10)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def mark():
        try:
            with activate(world.acme.organization):
                barrier.wait(timeout=10)
                results.append(
                    notices_mark_read(organization=world.acme.organization, actor=mentee)
                )
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=mark) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sorted(results) == [0, 10]
    assert unread(world.acme, mentee) == 0


# ------------------------------------------------------------------ the count


def test_the_navigation_loads_the_unread_count_without_a_query_of_its_own(world):
    mentee = world.acme.mentees[0]
    html = signed_in(world.acme, mentee).get("/").content.decode()
    assert 'href="/me/news/"' in html
    assert 'hx-get="/me/news/count/"' in html
    assert "load, every 10s" in html


def test_the_count_says_how_many_are_unread_in_one_query(world, django_assert_num_queries):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 3)
    add_notices(world.acme, world.acme.mentees[1], 4)
    add_notices(world.globex, world.globex.mentees[0], 5)
    browser = signed_in(world.acme, mentee)
    browser.get("/me/news/count/")  # the session is warm
    # The organization, session, user and membership (as on every page), then the count.
    with django_assert_num_queries(5):
        response = browser.get("/me/news/count/")
    html = response.content.decode()
    assert ">3<" in html and "unread" in html
    assert "every 10s" in html and "load," not in html
    assert response["Cache-Control"] == "no-store"


def test_no_unread_notice_shows_no_badge(world):
    html = signed_in(world.acme, world.acme.mentees[0]).get("/me/news/count/").content.decode()
    assert "badge" not in html


def test_someone_signed_out_costs_no_query_of_notices_and_stops_the_polling(
    client, world, django_assert_num_queries
):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    with django_assert_num_queries(1):  # the organization of the host, as on every page
        response = client.get("/me/news/count/")
    assert response.status_code == 286
    assert response.content == b""


def test_the_news_page_costs_a_fixed_number_of_queries(world, django_assert_num_queries):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 25)
    browser = signed_in(world.acme, mentee)
    browser.get("/me/news/count/")
    # Organization, session, user, membership; then the paginator's count, the page and
    # marking the page's notices read.
    with django_assert_num_queries(7):
        browser.get("/me/news/")
    with django_assert_num_queries(7):
        browser.get("/me/news/?page=2")


def test_the_page_is_for_members_only(client, world):
    client.defaults["HTTP_HOST"] = "acme.localhost"
    assert client.get("/me/news/").status_code == 302
    outsider = signed_in(world.globex, world.globex.mentees[0])
    outsider.defaults["HTTP_HOST"] = "acme.localhost"
    assert outsider.get("/me/news/").status_code in (302, 404)


# ------------------------------------------------------------------ privacy


def test_a_persons_export_holds_their_notices_and_no_one_elses(world):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 2, title="Mine")
    add_notices(world.acme, world.acme.mentees[1], 1, title="Theirs")
    with activate(world.acme.organization):
        profile = Profile.objects.get(user=mentee)
        data = person_export(organization=world.acme.organization, profile=profile)
    titles = [row["title"] for row in data["sections"]["mentoring.Notice"]["rows"]]
    assert sorted(titles) == [f"Mine 0 {world.acme.sentinel}", f"Mine 1 {world.acme.sentinel}"]


def test_erasing_a_person_removes_their_notices_and_their_name_from_others(world):
    mentee = world.acme.mentees[0]
    add_notices(world.acme, mentee, 2)
    add_notices(world.acme, world.acme.mentees[1], 1)
    with activate(world.acme.organization):
        profile = Profile.objects.get(user=mentee)
        name = profile.display_name
        partner = Profile.objects.get(user=world.acme.mentees[1])
        Notice.objects.create(
            recipient=partner,
            kind=Kind.FEEDBACK_RECEIVED,
            dedupe_key="t",
            title=f"{name} sent you feedback",
        )
        changed = erase_person_data(organization=world.acme.organization, profile=profile)
        assert changed["notices"] == 2
        assert not Notice.objects.filter(recipient=profile).exists()
        assert Notice.objects.filter(recipient=partner).count() == 2
        assert not Notice.objects.filter(title__contains=name).exists()


def test_notices_read_long_ago_expire_and_unread_ones_stay(world):
    mentee = world.acme.mentees[0]
    old_read = add_notices(world.acme, mentee, 2, title="Old read", read=True)
    old_unread = add_notices(world.acme, mentee, 1, title="Old unread")
    recent = add_notices(world.acme, mentee, 1, title="Recent read", read=True)
    long_ago = timezone.now() - timedelta(days=200)
    with activate(world.acme.organization):
        Notice.objects.filter(pk__in=[n.pk for n in old_read]).update(read_at=long_ago)
        Notice.objects.filter(pk__in=[n.pk for n in old_unread]).update(created_at=long_ago)
        emptied = expire_texts(organization=world.acme.organization)
        assert emptied["notices"] == 2
        left = set(Notice.objects.filter(recipient__user=mentee).values_list("pk", flat=True))
        assert left == {old_unread[0].pk, recent[0].pk}
        assert "notices" not in expire_texts(organization=world.acme.organization)
    with activate(world.globex.organization):
        assert "notices" not in expire_texts(organization=world.globex.organization)

"""The live agenda: both people of a pair see each other's changes through a cheap poll
(304 while nothing changed), an edit typed against an old version never overwrites the
other person's text silently, a point removed meanwhile says so and keeps what was typed,
and the other person hears by email of points added after they last looked."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.notifications.models import Kind, NotificationSetting, OutboxMessage
from mentoring.people.models import Profile
from mentoring.tenancy import activate
from sessions import services
from sessions.models import AgendaItem, Session, SessionVisit
from sessions.services.agenda import AgendaEditConflict, agenda_item_edit
from tests.builders.clients import signed_in
from tests.builders.pages import HTMX, text
from tests.builders.pair import make_pair, schedule, tomorrow

# ---------------------------------------------------------------- helpers


def add_point(pair, session, text_, actor=None) -> AgendaItem:
    with activate(pair.org.organization):
        return services.agenda_item_add(
            organization=pair.org.organization,
            actor=actor or pair.mentee,
            session=session,
            text=text_,
        )


def edit_point(pair, item, text_, actor=None) -> AgendaItem:
    with activate(pair.org.organization):
        item = AgendaItem.objects.select_related("session").get(pk=item.pk)
        return services.agenda_item_edit(
            organization=pair.org.organization, actor=actor or pair.mentor, item=item, text=text_
        )


def remove_point(pair, item, actor=None) -> None:
    with activate(pair.org.organization):
        item = AgendaItem.objects.select_related("session").get(pk=item.pk)
        services.agenda_item_remove(
            organization=pair.org.organization, actor=actor or pair.mentor, item=item
        )


def move_point(pair, item, offset, actor=None) -> None:
    with activate(pair.org.organization):
        item = AgendaItem.objects.select_related("session").get(pk=item.pk)
        services.agenda_item_move(
            organization=pair.org.organization, actor=actor or pair.mentor, item=item, offset=offset
        )


def live_url(session) -> str:
    return f"/sessions/{session.pk}/agenda/live/"


def page_etag(browser, session) -> str:
    """The version the session page shows, as its live poll will send it."""
    page = text(browser.get(f"/sessions/{session.pk}/"))
    return re.search(r'data-live-etag="([^"]+)"', page).group(1).replace("&quot;", '"')


def poll(browser, session, etag: str = ""):
    headers = {**HTMX, "HTTP_IF_NONE_MATCH": etag} if etag else HTMX
    return browser.get(live_url(session), **headers)


def texts(pair, session) -> list[str]:
    with activate(pair.org.organization):
        return list(AgendaItem.objects.filter(session=session).values_list("text", flat=True))


def profile(pair, user) -> Profile:
    with activate(pair.org.organization):
        return Profile.objects.get(user=user)


# ---------------------------------------------------------------- the poll


def test_the_poll_answers_304_while_the_agenda_is_what_the_page_shows(pair):
    session = schedule(pair)
    add_point(pair, session, "The retro where I kept quiet")
    mentor = signed_in(pair.org, pair.mentor)
    etag = page_etag(mentor, session)

    response = poll(mentor, session, etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


def test_the_other_persons_addition_edit_move_and_removal_reach_the_poll(pair):
    session = schedule(pair)
    first = add_point(pair, session, "The retro where I kept quiet")
    mentee = signed_in(pair.org, pair.mentee)
    etag = page_etag(mentee, session)

    second = add_point(pair, session, "Saying no to the extra project", actor=pair.mentor)
    response = poll(mentee, session, etag)
    assert response.status_code == 200
    assert "Saying no to the extra project" in text(response)
    assert "The agenda was just updated." in text(response)
    assert response["ETag"] != etag
    etag = response["ETag"]
    assert poll(mentee, session, etag).status_code == 304

    for change, shows in (
        (lambda: edit_point(pair, first, "The retro, and the follow-up chat"), "follow-up chat"),
        (lambda: move_point(pair, second, -1), None),
        (lambda: remove_point(pair, first), None),
    ):
        change()
        response = poll(mentee, session, etag)
        assert response.status_code == 200
        assert response["ETag"] != etag
        etag = response["ETag"]
        if shows:
            assert shows in text(response)
    page = text(response)
    assert "Saying no to the extra project" in page and "The retro" not in page


def test_the_poll_brings_the_points_and_the_prompts_but_never_a_form_being_typed(pair):
    session = schedule(pair)
    add_point(pair, session, "The retro where I kept quiet", actor=pair.mentor)
    page = text(poll(signed_in(pair.org, pair.mentee), session))
    assert 'class="agenda"' in page and "The retro where I kept quiet" in page
    assert 'id="prompt-library" hx-swap-oob="innerHTML"' in page
    assert 'id="agenda-new-text"' not in page  # the add form is not replaced
    assert "agenda__edit" not in page


def test_the_page_polls_only_while_the_agenda_can_change(pair):
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    page = text(mentee.get(f"/sessions/{session.pk}/"))
    assert "data-live-agenda" in page and "js/live-agenda.js" in page
    with activate(pair.org.organization):
        Session.objects.filter(pk=session.pk).update(status="held")
    page = text(mentee.get(f"/sessions/{session.pk}/"))
    assert "data-live-agenda" not in page and "js/live-agenda.js" not in page


def test_a_session_logged_meanwhile_changes_the_version(pair):
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    etag = page_etag(mentee, session)
    with activate(pair.org.organization):
        Session.objects.filter(pk=session.pk).update(status="held")
    response = poll(mentee, session, etag)
    assert response.status_code == 200


def test_someone_outside_the_pair_or_the_organization_cannot_poll(world):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    g_session = schedule(globex)
    add_point(globex, g_session, f"Point {globex.org.sentinel}")
    a_session = schedule(acme)
    for user in (acme.mentee, acme.mentor):
        response = poll(signed_in(acme.org, user), g_session)
        assert response.status_code == 404
        assert globex.org.sentinel not in text(response)
    manager = signed_in(acme.org, acme.org.manager)
    assert poll(manager, a_session).status_code == 404


def test_the_poll_costs_the_same_for_2_or_12_points(pair, django_assert_num_queries):
    session = schedule(pair)
    for n in range(2):
        add_point(pair, session, f"Point {n}", actor=pair.mentor)
    mentee = signed_in(pair.org, pair.mentee)
    etag = page_etag(mentee, session)
    with django_assert_num_queries(POLL_UNCHANGED_QUERIES):
        assert poll(mentee, session, etag).status_code == 304
    with django_assert_num_queries(POLL_CHANGED_QUERIES):
        assert poll(mentee, session).status_code == 200
    for n in range(2, 12):
        add_point(pair, session, f"Point {n}", actor=pair.mentor)
    etag = page_etag(mentee, session)
    with django_assert_num_queries(POLL_UNCHANGED_QUERIES):
        assert poll(mentee, session, etag).status_code == 304
    with django_assert_num_queries(POLL_CHANGED_QUERIES):
        assert poll(mentee, session).status_code == 200


# middleware (organization, session, user, membership), the agenda's version (one query,
# whatever the number of points), the visit renewed (one statement)
POLL_UNCHANGED_QUERIES = 6
# then the agenda as the page shows it: the session with the pair and the first-session
# flag, the prompts (the mentee's focus skills as a subquery), the points
POLL_CHANGED_QUERIES = 9


# ---------------------------------------------------------------- versions and conflicts


def test_an_edit_raises_the_points_version_and_a_move_does_not(pair):
    session = schedule(pair)
    item = add_point(pair, session, "The retro")
    assert item.version == 1
    assert edit_point(pair, item, "The retro and after").version == 2
    assert edit_point(pair, item, "The retro and after").version == 2  # same text: no change
    add_point(pair, session, "Another")
    move_point(pair, item, +1)
    with activate(pair.org.organization):
        assert AgendaItem.objects.get(pk=item.pk).version == 2


def test_the_service_refuses_an_edit_typed_against_an_old_version(pair):
    session = schedule(pair)
    item = add_point(pair, session, "The retro")
    edit_point(pair, item, "The retro, as the mentor sees it")
    with activate(pair.org.organization), pytest.raises(AgendaEditConflict) as refused:
        agenda_item_edit(
            organization=pair.org.organization,
            actor=pair.mentee,
            item=AgendaItem.objects.select_related("session").get(pk=item.pk),
            text="The retro, as I see it",
            version=1,
        )
    assert refused.value.theirs == "The retro, as the mentor sees it"
    assert refused.value.version == 2
    assert texts(pair, session) == ["The retro, as the mentor sees it"]


def test_a_conflicting_edit_shows_both_texts_and_keeps_mine_in_the_form(pair):
    session = schedule(pair)
    item = add_point(pair, session, "The retro")
    mentee = signed_in(pair.org, pair.mentee)
    opened = text(mentee.get(f"/sessions/{session.pk}/agenda/?edit={item.pk}", **HTMX))
    assert 'name="version" value="1"' in opened

    edit_point(pair, item, "The retro, and what the team lead said")  # the mentor, meanwhile
    url = f"/sessions/{session.pk}/agenda/{item.pk}/edit/"
    response = mentee.post(url, {"text": "The retro, and my silence", "version": "1"}, **HTMX)
    assert response.status_code == 200
    page = text(response)
    assert "This point changed while you were editing it." in page
    assert "The retro, and what the team lead said" in page  # theirs
    assert 'value="The retro, and my silence"' in page  # mine, still in the box
    assert 'name="version" value="2"' in page
    assert texts(pair, session) == ["The retro, and what the team lead said"]

    # saving again, now knowing the other text, replaces it on purpose
    response = mentee.post(url, {"text": "The retro, and my silence", "version": "2"}, **HTMX)
    assert "Point saved." in text(response)
    assert texts(pair, session) == ["The retro, and my silence"]


def test_without_javascript_a_conflicting_edit_shows_both_texts_on_the_page(pair):
    session = schedule(pair)
    item = add_point(pair, session, "The retro")
    edit_point(pair, item, "The retro, mentor's words")
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(
        f"/sessions/{session.pk}/agenda/{item.pk}/edit/", {"text": "Mine", "version": "1"}
    )
    page = text(response)
    assert response.status_code == 200
    assert "The retro, mentor&#x27;s words" in page and 'value="Mine"' in page


def test_both_writing_the_same_words_is_no_conflict(pair):
    session = schedule(pair)
    item = add_point(pair, session, "The retro")
    edit_point(pair, item, "The retro, again")
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(
        f"/sessions/{session.pk}/agenda/{item.pk}/edit/",
        {"text": "The retro, again", "version": "1"},
        **HTMX,
    )
    assert "Point saved." in text(response)


def test_editing_a_point_the_other_person_removed_says_so_and_keeps_the_text(pair):
    session = schedule(pair)
    item = add_point(pair, session, "The retro")
    remove_point(pair, item)
    mentee = signed_in(pair.org, pair.mentee)
    for headers in (HTMX, {}):
        response = mentee.post(
            f"/sessions/{session.pk}/agenda/{item.pk}/edit/",
            {"text": "The retro, rewritten", "version": "1"},
            **headers,
        )
        assert response.status_code == 404
        page = text(response)
        assert "This point was removed while you were editing it." in page
        assert 'value="The retro, rewritten"' in page  # in the add form, ready to add again
    assert texts(pair, session) == []


def test_removing_or_moving_a_point_already_removed_says_so_and_the_page_shows_it(pair):
    session = schedule(pair)
    item = add_point(pair, session, "The retro")
    remove_point(pair, item)
    mentee = signed_in(pair.org, pair.mentee)
    response = mentee.post(f"/sessions/{session.pk}/agenda/{item.pk}/remove/", **HTMX)
    # a 404 that carries the agenda and the message, and says so to live-agenda.js, which
    # has htmx swap it (htmx drops a 4xx by default: tests/browser/test_browser_live_agenda.py)
    assert response.status_code == 404 and response["X-Agenda-Refused"] == "gone"
    assert "That point had already been removed from the agenda." in text(response)
    response = mentee.post(
        f"/sessions/{session.pk}/agenda/{item.pk}/move/", {"direction": "up"}, **HTMX
    )
    assert response.status_code == 404 and response["X-Agenda-Refused"] == "gone"
    assert "removed from the agenda meanwhile" in text(response)
    page = text(mentee.post(f"/sessions/{session.pk}/agenda/{item.pk}/remove/"))  # no htmx
    assert "That point had already been removed from the agenda." in page


def test_another_organization_cannot_edit_remove_or_move_a_point(world):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    g_session = schedule(globex)
    g_item = add_point(globex, g_session, f"Point {globex.org.sentinel}")
    browser = signed_in(acme.org, acme.mentee)
    base = f"/sessions/{g_session.pk}/agenda/{g_item.pk}"
    for suffix, data in (
        ("edit/", {"text": "Intruder", "version": "1"}),
        ("remove/", {}),
        ("move/", {"direction": "up"}),
    ):
        assert browser.post(f"{base}/{suffix}", data, **HTMX).status_code == 404
    assert texts(globex, g_session) == [f"Point {globex.org.sentinel}"]


# ---------------------------------------------------------------- visits and agenda news


def looked(pair, session, user, ago: timedelta) -> None:
    """``user`` opened the session page ``ago`` before now."""
    signed_in(pair.org, user).get(f"/sessions/{session.pk}/")
    with activate(pair.org.organization):
        SessionVisit.objects.filter(session=session, person__user=user).update(
            seen_at=timezone.now() - ago
        )


def news(pair, user=None) -> list[OutboxMessage]:
    with activate(pair.org.organization):
        rows = OutboxMessage.objects.filter(kind=Kind.AGENDA_ADDED)
        if user is not None:
            rows = rows.filter(recipient=user)
        return list(rows.order_by("pk"))


def test_opening_the_session_page_records_the_visit_and_the_poll_renews_it(pair):
    session = schedule(pair)
    mentee = signed_in(pair.org, pair.mentee)
    mentee.get(f"/sessions/{session.pk}/")
    with activate(pair.org.organization):
        visit = SessionVisit.objects.get(session=session)
        assert visit.person.user == pair.mentee
        SessionVisit.objects.filter(pk=visit.pk).update(seen_at=timezone.now() - timedelta(hours=1))
    poll(mentee, session)
    with activate(pair.org.organization):
        assert SessionVisit.objects.get(pk=visit.pk).seen_at > timezone.now() - timedelta(minutes=1)


def test_points_added_after_the_other_person_looked_are_one_email_per_look(pair):
    session = schedule(pair)
    looked(pair, session, pair.mentor, timedelta(hours=3))
    add_point(pair, session, "The retro where I kept quiet")
    add_point(pair, session, "Saying no to the extra project")
    [email] = news(pair)
    assert email.recipient == pair.mentor
    mentee_name = profile(pair, pair.mentee).display_name
    assert email.subject.startswith(f"{mentee_name} added to the agenda")
    assert "The retro where I kept quiet" in email.body_text
    assert f"/sessions/{session.pk}/#agenda" in email.body_text

    with activate(pair.org.organization):  # those points were added two hours ago
        AgendaItem.objects.update(created_at=timezone.now() - timedelta(hours=2))
    looked(pair, session, pair.mentor, timedelta(minutes=5))  # and they looked again since
    add_point(pair, session, "The one-to-one next week")
    assert len(news(pair, pair.mentor)) == 2
    assert "The one-to-one next week" in news(pair)[-1].body_text
    assert "The retro where I kept quiet" not in news(pair)[-1].body_text


def test_no_agenda_email_to_someone_who_never_looked_or_is_on_the_page_now(pair):
    session = schedule(pair)
    add_point(pair, session, "Never looked")
    assert news(pair) == []
    looked(pair, session, pair.mentor, timedelta(seconds=5))  # the page is open: seen live
    add_point(pair, session, "Seen live")
    assert news(pair) == []


def test_no_agenda_email_when_the_session_is_more_than_two_days_away(pair):
    session = schedule(pair, starts_at=tomorrow() + timedelta(days=3))
    looked(pair, session, pair.mentor, timedelta(hours=3))
    add_point(pair, session, "Far ahead")
    assert news(pair) == []


def test_no_agenda_email_when_switched_off(pair):
    session = schedule(pair)
    looked(pair, session, pair.mentor, timedelta(hours=3))
    with activate(pair.org.organization):
        NotificationSetting.objects.create(
            organization=pair.org.organization,
            person=profile(pair, pair.mentor),
            kind=Kind.AGENDA_ADDED,
            is_enabled=False,
        )
    add_point(pair, session, "Switched off")
    assert news(pair) == []


def test_no_agenda_email_to_the_person_who_added_the_point(pair):
    session = schedule(pair)
    looked(pair, session, pair.mentee, timedelta(hours=3))
    add_point(pair, session, "My own point", actor=pair.mentee)
    assert news(pair) == []
    looked(pair, session, pair.mentor, timedelta(hours=3))
    add_point(pair, session, "The mentor's point", actor=pair.mentor)
    [email] = news(pair)
    assert email.recipient == pair.mentee


def test_agenda_news_never_crosses_organizations(world):
    acme, globex = make_pair(world.acme), make_pair(world.globex)
    a_session, g_session = schedule(acme), schedule(globex)
    looked(acme, a_session, acme.mentor, timedelta(hours=3))
    looked(globex, g_session, globex.mentor, timedelta(hours=3))
    add_point(acme, a_session, f"Point {acme.org.sentinel}")
    assert len(news(acme)) == 1 and news(globex) == []
    [email] = news(acme)
    assert globex.org.sentinel not in email.body_text and "globex" not in email.body_text

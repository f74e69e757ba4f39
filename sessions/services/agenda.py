"""The co-created agenda of a planned session: points added (written or picked from the
prompt library), edited, moved and removed by either of the pair; when each of them last
looked at the session, and the email that tells one what the other added since."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.common.guards import check_same_organization
from mentoring.common.locks import locked
from mentoring.common.time_zones import time_zone_of
from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.tenancy.hosts import organization_link

from ..models import AgendaItem, Prompt, Session, SessionVisit
from .rules import pair_member, planned

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization

GONE = gettext_lazy("That point has just been removed from the agenda.")
ON_AGENDA = gettext_lazy("That prompt is already on the agenda.")

# Agenda news is worth an email only shortly before the session (the issue asked for "the
# day before": two days leave room for time zones and weekends).
NEWS_BEFORE_SESSION = timedelta(hours=48)
# Someone whose page polled this recently sees a new point on screen: no email. Their
# visit is renewed at most this often while the page is open (one small write).
ON_THE_PAGE = timedelta(seconds=30)
VISIT_RENEWAL = timedelta(seconds=10)


class AgendaPointGone(ValidationError):
    """The point was removed by someone else before this change reached it."""

    def __init__(self) -> None:
        super().__init__(GONE)


class AgendaEditConflict(ValidationError):
    """The point changed since the editor opened it: ``theirs`` is its text now and
    ``version`` the version to send again to replace it on purpose."""

    def __init__(self, *, theirs: str, version: int) -> None:
        super().__init__(
            {
                "text": _(
                    "Someone changed this point while you were editing it. Both texts are here."
                )
            }
        )
        self.theirs = theirs
        self.version = version


def _current(item: AgendaItem, session: Session) -> AgendaItem:
    """The point again, locked; refused when someone removed it meanwhile (the
    session lock taken by ``planned`` puts every change of one agenda in a row)."""
    try:
        return locked(AgendaItem.objects.filter(session=session), item.pk, GONE)
    except ValidationError:
        raise AgendaPointGone() from None


def agenda_item_add(
    *,
    organization: Organization,
    actor: User,
    session: Session,
    text: str = "",
    prompt: Prompt | None = None,
) -> AgendaItem:
    """Add a point, written or picked from the prompt library, at the end of the agenda."""
    check_same_organization(organization, session, prompt)
    if prompt is not None and not prompt.is_active:
        raise ValidationError({"prompt": _("That prompt has been switched off: pick another.")})
    text = (prompt.text if prompt is not None else text).strip()
    if not text:
        raise ValidationError({"text": _("Write the point, or pick a prompt.")})
    if len(text) > 600:
        raise ValidationError({"text": _("Keep an agenda point under 600 characters.")})
    with transaction.atomic():
        session = planned(session)
        person = pair_member(actor, session.mentorship)
        points = AgendaItem.objects.filter(session=session)
        if prompt is not None and points.filter(prompt=prompt).exists():
            # the other person picked it a moment ago, or a second click
            raise ValidationError({"prompt": ON_AGENDA})
        last = points.aggregate(last=Max("position"))["last"]
        item = AgendaItem.objects.create(
            organization=organization,
            session=session,
            text=text,
            prompt=prompt,
            added_by=person,
            position=(last or 0) + 1,
        )
        _tell_partner(organization, session, author=person)
        return item


def agenda_item_edit(
    *,
    organization: Organization,
    actor: User,
    item: AgendaItem,
    text: str,
    version: int | None = None,
) -> AgendaItem:
    """Change a point's text. ``version`` is the one the editor started from: when the
    point changed since, ``AgendaEditConflict`` refuses (nothing is overwritten); when it
    was removed, ``AgendaPointGone``."""
    check_same_organization(organization, item)
    text = text.strip()
    if not text or len(text) > 600:
        raise ValidationError({"text": _("An agenda point has 1 to 600 characters.")})
    with transaction.atomic():
        session = planned(item.session)
        pair_member(actor, session.mentorship)
        item = _current(item, session)
        if version is not None and version != item.version:
            if item.text == text:  # both wrote the same: nothing to choose between
                return item
            raise AgendaEditConflict(theirs=item.text, version=item.version)
        if item.text != text:
            item.text = text
            item.version = F("version") + 1
            item.save(update_fields=["text", "version"])
            item.refresh_from_db(fields=["version", "updated_at"])
    return item


def agenda_item_remove(*, organization: Organization, actor: User, item: AgendaItem) -> None:
    check_same_organization(organization, item)
    with transaction.atomic():
        session = planned(item.session)
        pair_member(actor, session.mentorship)
        _current(item, session).delete()


def agenda_item_move(
    *, organization: Organization, actor: User, item: AgendaItem, offset: int
) -> None:
    """Move a point up (offset -1) or down (+1) by swapping it with its neighbour."""
    check_same_organization(organization, item)
    with transaction.atomic():
        session = planned(item.session)
        pair_member(actor, session.mentorship)
        items = list(AgendaItem.objects.select_for_update().filter(session=session))
        index = next((i for i, row in enumerate(items) if row.pk == item.pk), None)
        if index is None:
            raise ValidationError(GONE)
        target = index + (1 if offset > 0 else -1)
        if not 0 <= target < len(items):
            return
        items[index], items[target] = items[target], items[index]
        for position, row in enumerate(items, start=1):
            row.position = position
        AgendaItem.objects.bulk_update(items, ["position"])


# ---------------------------------------------------------------- visits and news


def session_visit_record(*, organization: Organization, actor: User, session: Session) -> None:
    """The actor (a member) looked at the session's page now: one statement for a pair,
    the session being read with its pair (``access_session``); a circle's member other
    than its first two is looked up (one more)."""
    check_same_organization(organization, session)
    pair = session.mentorship  # read with both people by the session's selector
    person = next(
        (p for p in (pair.mentee.person, pair.mentor.person) if p.user_id == actor.pk), None
    )
    if person is None:
        person = pair_member(actor, pair)
    SessionVisit.objects.bulk_create(
        [
            SessionVisit(
                organization=organization, session=session, person=person, seen_at=timezone.now()
            )
        ],
        update_conflicts=True,
        unique_fields=["organization", "session", "person"],
        update_fields=["seen_at"],
    )


def session_visit_renew(*, organization: Organization, actor: User, session_id: int) -> int:
    """The actor's page of the session is still open (its agenda polled): their visit is
    now, renewed at most every ``VISIT_RENEWAL``. One statement; the caller has checked
    the session is theirs. Returns how many rows changed (0 or 1)."""
    now = timezone.now()
    return SessionVisit.objects.filter(
        session_id=session_id, person__user=actor, seen_at__lt=now - VISIT_RENEWAL
    ).update(seen_at=now)


def _tell_partner(organization: Organization, session: Session, *, author: Profile) -> None:
    """Inside the adding transaction: one email to each other member (the pair's other
    person, everyone else of a circle) about the points added since they last looked, if
    they have looked before, are not on the page now, and the session starts within
    ``NEWS_BEFORE_SESSION``. One per look: the key holds the time of their last visit, so
    further points before they look again add nothing."""
    now = timezone.now()
    if not now < session.starts_at <= now + NEWS_BEFORE_SESSION:
        return
    visits = (
        SessionVisit.objects.filter(session=session, seen_at__lte=now - ON_THE_PAGE)
        .exclude(person_id=author.pk)
        .select_related("person__user")
        .order_by("pk")
    )
    url = organization_link(
        organization, "sessions:session", anchor="agenda", session_id=session.pk
    )
    messages = []
    for visit in visits:
        other = visit.person
        starts = timezone.localtime(session.starts_at, time_zone_of(other.time_zone))
        points = list(
            AgendaItem.objects.filter(session=session, created_at__gt=visit.seen_at)
            .exclude(added_by_id=other.pk)
            .values_list("text", flat=True)
        )
        messages.append(
            Message(
                kind=Kind.AGENDA_ADDED,
                dedupe_key=f"agenda-added:{session.pk}:{other.pk}:{visit.seen_at.isoformat()}",
                recipient=other,
                template="agenda_added",
                context={
                    "session": session,
                    "author": author,
                    "points": points,
                    "starts_day": dateformat.format(starts, "l j F"),
                    "starts_time": dateformat.format(starts, "H:i"),
                    "url": url,
                },
            )
        )
    if messages:
        enqueue(organization, messages)

"""Questions someone prepares to ask in a session: added at the end of their own list,
removed, never seen by the other person. Adds of one session go one at a time (its row
locked), so the same question sent twice at once is stored once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.common.guards import check_same_organization

from ..models import PreparedQuestion, Session, SessionStatus
from .rules import pair_member

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from mentoring.tenancy.models import Organization

PREPARED_QUESTIONS_MAX = 20
QUESTION_MAX_CHARS = 600
ALREADY_REMOVED = gettext_lazy("That question had already been removed from your list.")


def prepared_question_add(
    *, organization: Organization, actor: User, session: Session, text: str
) -> PreparedQuestion:
    """Add a question at the end of the actor's own list for a planned session; refused
    when it is already on the list, or the list is full."""
    check_same_organization(organization, session)
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": _("Write the question you want to ask.")})
    if len(text) > QUESTION_MAX_CHARS:
        raise ValidationError(
            {
                "text": _("Keep a question under %(max)s characters (%(count)s now).")
                % {
                    "max": QUESTION_MAX_CHARS,
                    "count": number_format(len(text), force_grouping=True),
                }
            }
        )
    with transaction.atomic():
        # its row alone, as ``rules.planned`` does: the pair's rows are read, not locked
        current = (
            Session.objects.select_for_update(of=("self",), no_key=True)
            .select_related("mentorship__mentee", "mentorship__mentor")
            .filter(pk=session.pk)
            .first()
        )
        if current is None:
            raise ValidationError(_("This session has been removed meanwhile."))
        session = current
        person = pair_member(actor, session.mentorship)
        if session.status != SessionStatus.PLANNED:
            raise ValidationError(
                _(
                    "This session is no longer planned (it is marked %(status)s): "
                    "prepare your questions for the next one."
                )
                % {"status": session.get_status_display().lower()}
            )
        mine = PreparedQuestion.objects.filter(session=session, author=person)
        if mine.filter(text__iexact=text).exists():
            # a second click, or the same form sent from two tabs
            raise ValidationError({"text": _("That question is already on your list.")})
        if mine.count() >= PREPARED_QUESTIONS_MAX:
            raise ValidationError(
                {
                    "text": _(
                        "You have %(max)s questions for this session "
                        "already: remove one to add another."
                    )
                    % {"max": PREPARED_QUESTIONS_MAX}
                }
            )
        last = mine.aggregate(last=Max("position"))["last"]
        return PreparedQuestion.objects.create(
            organization=organization,
            session=session,
            author=person,
            text=text,
            position=(last or 0) + 1,
        )


def prepared_question_remove(
    *, organization: Organization, actor: User, question: PreparedQuestion
) -> None:
    """Remove one of the actor's own questions; refused when it has already gone."""
    check_same_organization(organization, question)
    with transaction.atomic():
        removed, _ = PreparedQuestion.objects.filter(pk=question.pk, author__user=actor).delete()
    if not removed:
        raise ValidationError(ALREADY_REMOVED)

"""The mentee's observation log: what they saw someone (their mentor, mostly) do in a real
situation and what they will adapt to their own style. Private to the mentee until they
share one: then the mentor reads it, and it becomes a point of the next planned session's
agenda. An observation can also become an experiment the mentee tries."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import Mentorship
from mentoring.common.guards import check_same_organization
from mentoring.common.locks import locked, refuse_repeat
from mentoring.notifications.models import Kind
from mentoring.notifications.outbox import Message, enqueue
from mentoring.people.selectors import profile_of
from mentoring.tenancy.hosts import organization_link
from programs.models import EnrollmentSkill

from ..models import ActionItem, Observation
from ..selectors.observations import is_on_agenda, next_planned_session
from .agenda import agenda_item_add
from .experiments import action_item_add

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django_stubs_ext import StrOrPromise

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization
    from programs.models import Skill

GONE = gettext_lazy("That observation has just been removed from your log.")
TEXT_MAX_CHARS = 2000
OBSERVED_MAX_CHARS = 120
# The four parts, with what the form says when one is missing.
PARTS = {
    "situation": gettext_lazy("Say where and when it happened, in a line or two."),
    "action": gettext_lazy("Say what they did or said, as you saw or heard it."),
    "effect": gettext_lazy("Say what it changed: how people reacted, what happened next."),
    "adaptation": gettext_lazy("Say what you will take from it, in your own way."),
}
AGENDA_POINT_MAX_CHARS = 600
AGENDA_PREFIX = gettext_lazy("An observation to talk about: ")


def _mentee_of(actor: User, mentorship: Mentorship) -> Profile:
    person = profile_of(actor)
    if person.pk != mentorship.mentee.person_id:
        raise ValidationError(_("Only the mentee of this mentorship keeps an observation log."))
    return person


def _author_of(actor: User, observation: Observation) -> Profile:
    person = profile_of(actor)
    if person.pk != observation.author_id:
        raise ValidationError(_("Only the person who wrote this observation can change it."))
    return person


def _clean(
    mentorship: Mentorship, *, observed: str, skill: Skill | None, texts: dict[str, str]
) -> dict:
    """The fields checked and stripped, or every problem at once."""
    errors: dict[str, StrOrPromise] = {}
    cleaned: dict = {}
    for name, missing in PARTS.items():
        value = (texts.get(name) or "").strip()
        if not value:
            errors[name] = missing
        elif len(value) > TEXT_MAX_CHARS:
            errors[name] = _(
                "Keep it under %(max)s characters (%(count)s now): "
                "what matters fits in a few lines."
            ) % {
                "max": number_format(TEXT_MAX_CHARS, force_grouping=True),
                "count": number_format(len(value), force_grouping=True),
            }
        cleaned[name] = value
    observed = observed.strip()
    if len(observed) > OBSERVED_MAX_CHARS:
        errors["observed"] = _("A name or a role is enough (under %(max)s characters).") % {
            "max": OBSERVED_MAX_CHARS
        }
    cleaned["observed"] = observed
    if skill is not None:
        is_focus = EnrollmentSkill.objects.filter(
            enrollment_id=mentorship.mentee_id, skill=skill
        ).exists()
        if not is_focus:
            errors["skill"] = _("Choose one of the mentee's focus skills, or none.")
    cleaned["skill"] = skill
    if errors:
        raise ValidationError(errors)
    return cleaned


def observation_add(
    *,
    organization: Organization,
    actor: User,
    mentorship: Mentorship,
    situation: str,
    action: str,
    effect: str,
    adaptation: str,
    observed: str = "",
    skill: Skill | None = None,
) -> Observation:
    """A new observation in the mentee's log, private to them. Only the mentorship's
    mentee writes one; the same one sent twice is kept once."""
    check_same_organization(organization, mentorship, skill)
    author = _mentee_of(actor, mentorship)
    texts = {"situation": situation, "action": action, "effect": effect, "adaptation": adaptation}
    fields = _clean(mentorship, observed=observed, skill=skill, texts=texts)
    with transaction.atomic():
        refuse_repeat(
            Mentorship.objects.filter(pk=mentorship.pk),
            Observation.objects.filter(
                mentorship=mentorship,
                author=author,
                situation=fields["situation"],
                action=fields["action"],
            ),
            _("This observation is already in your log."),
        )
        return Observation.objects.create(
            organization=organization, mentorship=mentorship, author=author, **fields
        )


def observation_edit(
    *,
    organization: Organization,
    actor: User,
    observation: Observation,
    situation: str,
    action: str,
    effect: str,
    adaptation: str,
    observed: str = "",
    skill: Skill | None = None,
) -> Observation:
    """Change an observation; its author only. A shared one stays shared: the mentor
    reads the new words (an agenda point made from it keeps its own)."""
    check_same_organization(organization, observation, skill)
    _author_of(actor, observation)
    texts = {"situation": situation, "action": action, "effect": effect, "adaptation": adaptation}
    with transaction.atomic():
        current = locked(Observation.objects.all(), observation.pk, GONE)
        fields = _clean(current.mentorship, observed=observed, skill=skill, texts=texts)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        if changed:
            for name in changed:
                setattr(current, name, fields[name])
            current.save(update_fields=[*changed, "updated_at"])
    return current


def _agenda_text(observation: Observation) -> str:
    text = f"{AGENDA_PREFIX}{observation.situation}"
    if len(text) > AGENDA_POINT_MAX_CHARS:
        text = text[: AGENDA_POINT_MAX_CHARS - 1].rstrip() + "…"
    return text


def observation_share(
    *, organization: Organization, actor: User, observation: Observation
) -> Observation:
    """Share an observation with the mentor, and make it a point of the pair's next
    planned session. With no session planned it is shared all the same, without a point;
    sharing it again once a session is planned adds the point. Sent twice, it is shared
    once and makes one point."""
    check_same_organization(organization, observation)
    _author_of(actor, observation)
    with transaction.atomic():
        current = locked(Observation.objects.all(), observation.pk, GONE)
        if current.shared_at is None:
            current.shared_at = timezone.now()
            current.save(update_fields=["shared_at", "updated_at"])
            _tell_mentor(organization, current)
        if not is_on_agenda(current):
            session = next_planned_session(current.mentorship)
            if session is not None:
                current.agenda_item = agenda_item_add(
                    organization=organization,
                    actor=actor,
                    session=session,
                    text=_agenda_text(current),
                )
                current.save(update_fields=["agenda_item", "updated_at"])
    return current


def _tell_mentor(organization: Organization, observation: Observation) -> None:
    """The mentor hears once that an observation was shared: an email and a line in their
    "what's new". Neither holds its text, which stays behind sign-in."""
    pair = Mentorship.objects.select_related("mentee__person", "mentor__person").get(
        pk=observation.mentorship_id
    )
    url = organization_link(
        organization,
        "sessions:observations",
        mentorship_id=pair.pk,
        anchor=f"observation-{observation.pk}",
    )
    enqueue(
        organization,
        [
            Message(
                kind=Kind.OBSERVATION_SHARED,
                dedupe_key=f"observation-shared:{observation.pk}",
                recipient=pair.mentor.person,
                template="observation_shared",
                context={"other": pair.mentee.person, "url": url},
            )
        ],
    )


def observation_experiment(
    *,
    organization: Organization,
    actor: User,
    observation: Observation,
    description: str,
    due_on: date | None,
) -> ActionItem:
    """Turn an observation into an experiment its author tries by ``due_on`` (the pair's
    experiments rules apply: ``action_item_add``). Once: sent again, the same experiment."""
    check_same_organization(organization, observation)
    author = _author_of(actor, observation)
    with transaction.atomic():
        current = locked(Observation.objects.all(), observation.pk, GONE)
        if current.experiment is not None:
            return current.experiment
        current.experiment = action_item_add(
            organization=organization,
            actor=actor,
            mentorship=current.mentorship,
            description=description,
            due_on=due_on,
            owner=author,
        )
        current.save(update_fields=["experiment", "updated_at"])
        return current.experiment


def observation_remove(
    *, organization: Organization, actor: User, observation: Observation
) -> None:
    """Delete an observation; its author only. An agenda point or an experiment made from
    it stays: it belongs to the pair now."""
    check_same_organization(organization, observation)
    _author_of(actor, observation)
    with transaction.atomic():
        locked(Observation.objects.all(), observation.pk, GONE).delete()

"""The observation log of a pair: an observation written, shared or turned into an
experiment by the mentee through the real services, and the log's addresses."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from mentoring.tenancy import activate
from sessions.models import Observation
from sessions.services import observations as services

from .pair import Pair

# An observation with its four parts.
SEEN = {
    "situation": "At Monday's review, when the client pushed back on the price",
    "action": "she paused, asked what worried them most, and wrote their words on the board",
    "effect": "the room calmed down and the client named the real worry: the delivery date",
    "adaptation": "Ask for the worry behind an objection before I answer it",
}


def log_url(pair: Pair, name: str = "observations", observation=None) -> str:
    kwargs = {"mentorship_id": pair.mentorship.pk}
    if observation is not None:
        kwargs["observation_id"] = observation.pk
    return reverse(f"sessions:{name}", kwargs=kwargs)


def form_data(prefix: str = "new", **overrides) -> dict:
    """The observation form's fields as posted (``prefix`` as the page names them)."""
    return {f"{prefix}-{name}": value for name, value in {**SEEN, **overrides}.items()}


def observe(pair: Pair, **overrides) -> Observation:
    """An observation in the mentee's log (private until shared)."""
    with activate(pair.org.organization):
        return services.observation_add(
            organization=pair.org.organization,
            actor=pair.mentee,
            mentorship=pair.mentorship,
            **{**SEEN, **overrides},
        )


def share(pair: Pair, observation: Observation) -> Observation:
    with activate(pair.org.organization):
        return services.observation_share(
            organization=pair.org.organization, actor=pair.mentee, observation=observation
        )


def in_a_week():
    return timezone.localdate() + timedelta(days=7)

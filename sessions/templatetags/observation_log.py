"""The link to a pair's observation log, for the pages of the pair's sessions: "Observation
log" for the mentee, "Observations shared with you (N)" for the mentor."""

from django import template

from sessions.selectors.observations import shared_observation_count

register = template.Library()


@register.inclusion_tag("sessions/partials/observation_link.html")
def observation_log_link(side):
    """The mentee's link costs no query; the mentor's counts what was shared (one)."""
    shared = None if side.is_mentee else shared_observation_count(side.mentorship)
    return {"side": side, "shared": shared}

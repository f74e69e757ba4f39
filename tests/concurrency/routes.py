"""The sweep data: which participant routes change something, and which of them have a
counterpart that removes what they change (the pair fired against each other). A route
of the URL conf in neither list fails the sweep, so a new route must be placed here."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

# Pages that only show something (GET): no burst.
READ_ONLY = {
    "home",
    "privacy:your_data",
    "programs:directory",
    "programs:detail",
    "programs:enrollment",
    "programs:checklist",
    "programs:member_profile",
    "matching:suggestions",
    "matching:inbox",
    "matching:mentorships",
    "matching:my_pairs",
    "matching:mentorship",
    "sessions:pair",
    "sessions:experiments",
    "sessions:observations",
    "programs:training",
    "sessions:session",
    "sessions:invite",
    "sessions:agenda",
    "sessions:agenda_live",  # renews the viewer's visit: idempotent
    "sessions:calendar_feed",
    "sessions:calendar",  # issues the person's feed once: idempotent
    "feedback:list",
    "feedback:progress",
    "news",  # marks the notices it shows as read: idempotent
    "news_count",
    "hr:home",  # the CSV download is the same page, ?format=csv
    "hr:program",
    "time_zone_search",  # a search of the time zones (JSON)
}

# Every route that changes something -> the route that removes its object, or None.
STATE_CHANGING = {
    "profile_edit": None,
    "news_mark_all_read": None,
    "time_zone_use": None,
    "privacy:profile_correction": None,
    "invitation_accept": None,
    "notification_preferences": None,
    "notification_unsubscribe": None,
    "privacy:export": None,
    "privacy:organization_settings": None,
    "programs:apply_mentee": None,
    "programs:apply_mentor": None,
    "programs:enrollment_withdraw": None,
    "programs:goal_add": None,
    "programs:goal_edit": None,
    "programs:goal_review_add": None,
    "programs:goal_review_observe": None,
    "programs:checklist_item": None,
    "programs:training_module": None,
    "matching:request_create": None,
    "matching:request_accept": "matching:request_decline",
    "matching:request_decline": None,
    "matching:fit_check": None,
    "sessions:schedule": None,
    "sessions:series": None,
    "sessions:slot_pick": None,
    "sessions:meeting_place": None,
    "sessions:availability": None,
    "sessions:availability_away_add": None,
    "sessions:availability_away_remove": None,
    "sessions:calendar_renew": None,
    "sessions:log_past": None,
    "sessions:agreement": None,
    "sessions:agreement_confirm": None,
    "sessions:experiment_add": None,
    "sessions:experiment_done": "sessions:experiment_drop",
    "sessions:experiment_drop": None,
    "sessions:reschedule": "sessions:cancel",
    "sessions:log": "sessions:cancel",
    "sessions:cancel": None,
    "sessions:private_note": None,
    "sessions:shared_notes": None,
    "sessions:agenda_add": None,
    "sessions:agenda_edit": "sessions:agenda_remove",
    "sessions:agenda_move": "sessions:agenda_remove",
    "sessions:agenda_remove": None,
    "sessions:question_coach": None,
    "sessions:prepared_questions": None,
    "sessions:prepared_question_remove": None,
    "sessions:observation_add": None,
    "sessions:observation_edit": "sessions:observation_remove",
    "sessions:observation_share": "sessions:observation_remove",
    "sessions:observation_experiment": "sessions:observation_remove",
    "sessions:observation_remove": None,
    "feedback:new": None,
    "feedback:coach": None,
    "feedback:reflect": None,
    "feedback:experiment": None,
    "feedback:rate": None,
    "feedback:pulse": None,
    "feedback:program_survey": None,
}

# Removals run after every other burst, so the objects the other forms change still exist.
REMOVALS = {name for name in STATE_CHANGING.values() if name} | {"programs:enrollment_withdraw"}


def participant_route(route: str) -> bool:
    """Pages of members, mentors and mentees, and the managers' pages outside the admin."""
    if route.startswith("admin/organization-settings/"):
        return True
    # SCIM's concurrent writes: tests/directory/test_scim_users.py.
    return not route.startswith(("admin/", "api/", "accounts/", "static/", "scim/"))


def route_names(urlconf: str = "mentoring.urls") -> dict[str, str]:
    """Route (as written in the URL conf) -> its name, with the namespace."""

    def walk(patterns, prefix="", namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = f"{namespace}{pattern.name}" if pattern.name else ""
                yield prefix + str(pattern.pattern), name

    return {
        route: name
        for route, name in walk(get_resolver(urlconf).url_patterns)
        if participant_route(route)
    }

"""What sessions registers with the core's hooks (see mentoring/hooks.py)."""

from django.db.models import Exists, OuterRef
from django.urls import path
from django.utils import timezone

from matching.events import PAIR_HAS_MET, PAIRS_AT_RISK
from matching.models import MentorshipStatus
from mentoring import hooks

from . import privacy
from .models import Session, SessionStatus
from .reminders import PairReminders
from .selectors.at_risk import is_at_risk, with_activity
from .services import organization_sessions_defaults_install


@hooks.register(hooks.ORGANIZATION_DEFAULTS)
def install_defaults(*, organization) -> None:
    organization_sessions_defaults_install(organization=organization)


hooks.register(hooks.REMINDER_SOURCES, PairReminders)

hooks.register(hooks.PRIVACY_RULES, privacy.RULES)


@hooks.register(hooks.API_ROUTES)
def api_routes() -> list:
    from .api import SessionList

    return [path("v1/sessions/", SessionList.as_view(), name="api-sessions")]


@hooks.register(PAIR_HAS_MET)
def pair_has_met():
    """A pair has met once one of its sessions is logged as held (the fit check opens)."""
    return Exists(Session.objects.filter(mentorship=OuterRef("pk"), status=SessionStatus.HELD))


@hooks.register(PAIRS_AT_RISK)
def pairs_at_risk(mentorships) -> set[int]:
    """The one at-risk rule, for the mentorship admin's filter (in the platform's dates)."""
    now = timezone.now()
    today = timezone.localdate(now)
    zone = timezone.get_default_timezone()
    active = with_activity(mentorships.filter(status=MentorshipStatus.ACTIVE).order_by(), now)
    return {pair.pk for pair in active if is_at_risk(pair, today, zone)}

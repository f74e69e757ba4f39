"""Two-factor authentication that an organization can require of its program managers.

Everyone may turn on an authenticator app (allauth.mfa: TOTP and recovery codes). When
``Organization.require_two_factor_for_managers`` is on, a program manager of the
host's organization without an active authenticator app reaches only the set-up page
(and what setting it up needs) until they have one. The rule follows the host: the same
person is not held back on another organization's host that does not require it.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

SETUP_URL_NAME = "mfa_activate_totp"
# What a manager held back can still open: the set-up page, what it leads to (confirming
# the password again, the recovery codes shown next), the overview, and signing out.
ALLOWED_URL_NAMES = frozenset(
    {
        SETUP_URL_NAME,
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_reauthenticate",
        "account_reauthenticate",
        "account_logout",
    }
)


def must_set_up_two_factor(request) -> bool:
    """Whether the signed-in person has to set up an authenticator app before going on."""
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    if organization is None or membership is None or not membership.is_manager:
        return False
    if not organization.require_two_factor_for_managers:
        return False
    return not is_mfa_enabled(request.user, [Authenticator.Type.TOTP])


class RequireTwoFactorMiddleware:
    """Send a program manager who must set up two-factor authentication to its set-up page.

    Sits after the membership and message middleware. Static files never get here
    (WhiteNoise answers them first); the prefix check covers serving them otherwise.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.url_name in ALLOWED_URL_NAMES:
            return None
        if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
            return None
        if not must_set_up_two_factor(request):
            return None
        messages.warning(
            request,
            _(
                "%(organization)s asks program managers to use two-factor authentication. "
                "Set up an authenticator app to continue."
            )
            % {"organization": request.organization.name},
        )
        url = reverse(SETUP_URL_NAME)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)

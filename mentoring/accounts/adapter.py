from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from .access import may_sign_in
from .sso import provider_id_for, signed_in_provider


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation (``mentoring.accounts.services``)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def pre_login(self, request, user, **kwargs):
        # Every way in (password, email confirmation, password reset) passes here.
        if not may_sign_in(request, user):
            raise PermissionDenied("This account cannot sign in here.")
        return super().pre_login(request, user, **kwargs)

    def get_logout_redirect_url(self, request):
        # Signed in through a provider: the sign-in page then offers its sign-out too,
        # so that a shared computer does not sign straight back in through it.
        identity_provider = signed_in_provider(request)
        if identity_provider is not None and identity_provider.end_session_url:
            query = urlencode({"signed_out_of": provider_id_for(identity_provider)})
            return f"{reverse('account_login')}?{query}"
        return super().get_logout_redirect_url(request)

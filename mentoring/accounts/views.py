from allauth.account.utils import perform_login
from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import services
from .forms import AcceptExistingAccountForm, AcceptNewAccountForm

BACKEND = "mentoring.accounts.backends.OrganizationMemberBackend"


@never_cache
@sensitive_post_parameters("password", "password1", "password2")
def invitation_accept(request, token):
    invitation = services.invitation_for_token(token)
    problem = None
    if invitation is None:
        problem = _("This invitation link is not valid. Ask your program manager for a new one.")
    elif invitation.is_accepted:
        problem = _("This invitation has already been used. Sign in with your email and password.")
    elif invitation.is_expired:
        problem = _("This invitation has expired. Ask your program manager to send it again.")
    if problem:
        return render(request, "accounts/invitation_problem.html", {"problem": problem}, status=410)

    existing = services.existing_user_for(invitation)
    if existing is not None:
        form = AcceptExistingAccountForm(request.POST or None, user=existing, request=request)
    else:
        form = AcceptNewAccountForm(
            request.POST or None,
            email=invitation.email,
            initial={"display_name": invitation.display_name},
        )
    if request.method == "POST" and form.is_valid():
        try:
            if existing is not None:
                user = services.invitation_accept_existing_user(token=token, user=existing)
            else:
                user = services.invitation_accept_new_user(
                    token=token,
                    display_name=form.cleaned_data["display_name"],
                    password=form.cleaned_data["password1"],
                )
        except services.InvitationError as error:
            return render(
                request, "accounts/invitation_problem.html", {"problem": str(error)}, status=410
            )
        messages.success(
            request, _("Welcome to %(organization)s.") % {"organization": request.organization.name}
        )
        # Through allauth's sign-in, so its checks and stages apply: someone who has
        # two-factor authentication on is asked for their code before they are in.
        user.backend = BACKEND
        return perform_login(request, user, redirect_url=reverse("home"))
    context = {"invitation": invitation, "form": form, "existing": existing}
    return render(request, "accounts/invitation_accept.html", context)


def sso_connections_closed(request):
    """allauth's "connected accounts" page is not offered: an organization's single
    sign-on is set up by its program managers, and connects on the first sign-in."""
    raise Http404("Single sign-on is set up by your organization's program managers.")

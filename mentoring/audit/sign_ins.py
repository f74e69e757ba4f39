"""Sign-ins, failed sign-ins and sign-outs on an organization's host.

The platform operator's root domain belongs to no organization and has no log here.
A failed sign-in is logged only when the address belongs to a member of the host's
organization: unknown addresses would fill the log with guesses (and allauth's rate
limits deal with those).
"""

from mentoring.tenancy.models import Membership

from .models import AuditAction
from .services import record_event


def _organization(request):
    return getattr(request, "organization", None) if request is not None else None


def record_sign_in(sender, request, user, **kwargs) -> None:
    organization = _organization(request)
    if organization is not None:
        record_event(
            organization=organization, action=AuditAction.SIGN_IN, actor=user, request=request
        )


def record_sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    organization = _organization(request)
    email = credentials.get("email") or credentials.get("username") or ""
    if organization is None or not isinstance(email, str) or not email.strip():
        return
    membership = (
        Membership.objects.filter(user__email__iexact=email.strip()).select_related("user").first()
    )
    if membership is not None:
        record_event(
            organization=organization,
            action=AuditAction.SIGN_IN_FAILED,
            actor=membership.user,
            target=membership,
            request=request,
        )


def record_sign_out(sender, request, user, **kwargs) -> None:
    # A session the membership middleware ends (another host's, or a membership that
    # ended) is no sign-out of a member here: request.membership is unset then.
    organization = _organization(request)
    if organization is not None and user is not None and getattr(request, "membership", None):
        record_event(
            organization=organization, action=AuditAction.SIGN_OUT, actor=user, request=request
        )

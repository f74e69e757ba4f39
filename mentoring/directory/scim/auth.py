"""Who may call the SCIM endpoint: a directory-sync key of the host's organization.

Every SCIM view is wrapped by ``scim_endpoint``: it checks the key, names the key as the
actor of what the request changes, and turns every refusal into a SCIM Error body.
"""

from __future__ import annotations

from functools import wraps

from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import Error, SCIMException

from mentoring.api.keys import api_key_check
from mentoring.api.models import KeyPurpose
from mentoring.directory.fields import DirectoryError

from .protocol import ScimError, error_response

CHALLENGE = 'Bearer realm="SCIM"'


def authenticated_key(request):
    """The directory-sync key the request carries, or ScimError 401."""
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ScimError(401, "Send a directory sync key as: Authorization: Bearer <key>.")
    api_key = api_key_check(key.strip(), purpose=KeyPurpose.DIRECTORY_SYNC)
    if api_key is None:
        raise ScimError(
            401, "This key does not open directory sync here: unknown, revoked or expired."
        )
    return api_key


def scim_endpoint(methods: tuple[str, ...]):
    """A SCIM view answering ``methods``, behind a directory-sync key."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                # Changes the request makes are logged as the key's (mentoring.audit.context).
                request.auth = authenticated_key(request)
                if request.method not in methods:
                    raise ScimError(405, f"Use {', '.join(methods)} here.")
                return view(request, *args, **kwargs)
            except ScimError as error:
                return _refusal(error.status, error.detail, error.scim_type, methods)
            except DirectoryError as error:
                return error_response(error.status, error.detail, error.scim_type)
            except SCIMException as error:
                return _library_refusal(error.to_error())
            except ValidationError as error:  # the first problem is the one to fix first
                return _library_refusal(Error.from_validation_errors(error)[0])

        return wrapped

    return decorate


def _refusal(status: int, detail: str, scim_type: str, methods) -> HttpResponse:
    headers = {}
    if status == 401:
        headers["WWW_Authenticate"] = CHALLENGE
    elif status == 405:
        headers["Allow"] = ", ".join(methods)
    return error_response(status, detail, scim_type, **headers)


def _library_refusal(error: Error) -> HttpResponse:
    """scim2-models' verdict on a payload, as our Error body."""
    status = int(error.status or 400)
    return error_response(
        status, error.detail or "The request is not valid.", error.scim_type or ""
    )

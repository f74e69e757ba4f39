"""Who may call the HR API: a key of the host's organization, or a signed-in member with
the HR (or program manager) role. Everything else is refused: the base class allows
nothing until a view says what it allows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from rest_framework import authentication, exceptions, permissions, throttling

from mentoring.tenancy.models import Role

from .keys import api_key_check
from .models import KeyPurpose


@dataclass(frozen=True)
class ApiClient:
    """The caller behind an API key (DRF wants a user-like object)."""

    key_id: int
    is_authenticated: bool = True
    is_active: bool = True


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        if not header:
            return None
        scheme, _, key = header.partition(" ")
        if scheme != self.keyword or not key.strip():
            raise exceptions.AuthenticationFailed("Send the key as: Authorization: Bearer <key>.")
        if getattr(request._request, "organization", None) is None:
            raise exceptions.AuthenticationFailed("Call the API on your organization's address.")
        api_key = api_key_check(key.strip(), purpose=KeyPurpose.HR_API)
        if api_key is None:
            raise exceptions.AuthenticationFailed(
                "This key is not valid here: unknown, revoked or expired."
            )
        return ApiClient(key_id=api_key.pk), api_key

    def authenticate_header(self, request):
        # Sent with every 401, so a client knows what to send.
        return f'{self.keyword} realm="HR API"'


class MemberSessionAuthentication(authentication.SessionAuthentication):
    """The browser session of a member (HR analysts try the API in the browser)."""


class IsHrReader(permissions.BasePermission):
    message = "The HR API needs an API key of this organization, or the HR role."

    def has_permission(self, request, view):
        if isinstance(request.user, ApiClient):
            return True
        membership = getattr(request._request, "membership", None)
        return bool(membership and membership.role in (Role.HR, Role.MANAGER))


class NoPermission(permissions.BasePermission):
    def has_permission(self, request, view):
        return False


class ApiKeyThrottle(throttling.SimpleRateThrottle):
    """Per key (or per signed-in person), in the shared Redis cache; 429 with
    Retry-After (the seconds left in the window) past the rate."""

    scope = "hr_api"

    def get_rate(self):
        # Read at request time (DRF reads it once, at import): a settings change applies.
        from rest_framework.settings import api_settings

        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as error:
            raise ImproperlyConfigured(
                f"Set REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['{self.scope}'] (HR_API_RATE)."
            ) from error

    def get_cache_key(self, request, view):
        if isinstance(request.user, ApiClient):
            ident = f"key-{request.user.key_id}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        """A fixed window: one counter per caller and window, incremented and expired in
        one Redis round trip. (DRF's sliding window stores and rewrites the time of every
        request of the window on each request: its cost grows with the rate.)"""
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        key = f"{key}:{window}"
        count = _incr(key, self.duration)
        self.wait_seconds = max(1, int((window + 1) * self.duration - now))
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "wait_seconds", None)


def _incr(key: str, timeout: int) -> int:
    from django.core.cache import cache

    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:  # not Redis: two round trips through the cache API
        if cache.add(key, 1, timeout):
            return 1
        return cache.incr(key)
    pipe = client_of(write=True).pipeline(transaction=False)
    redis_key = cache.make_and_validate_key(key)
    pipe.set(redis_key, 0, ex=timeout + 1, nx=True)  # the window's counter, if new
    pipe.incr(redis_key)
    _created, count = pipe.execute()
    return int(count)

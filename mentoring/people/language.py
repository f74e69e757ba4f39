"""Which language the interface speaks to a person: the one they chose on their profile,
else their organization's, else the one their browser asks for (Django's
``LocaleMiddleware`` has activated that one already). Emails and other work done outside a
request use ``person_language``.

The person's choice is kept in their session (from sign-in, and whenever they change it),
so that a request costs no query for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import translation

from .models import Profile

if TYPE_CHECKING:
    from django.http import HttpRequest

SESSION_KEY = "profile_language"


def person_language(profile: Profile) -> str:
    """The language to write to ``profile`` in (an email, a task's result)."""
    return profile.language or profile.organization.language or settings.LANGUAGE_CODE


def remember_language(request: HttpRequest, language: str) -> None:
    """Keep the signed-in person's own choice (empty: none) for the next requests."""
    request.session[SESSION_KEY] = language


def remember_on_sign_in(sender, request, user, **kwargs) -> None:
    """At sign-in on an organization's host, the person's choice on that profile."""
    organization = getattr(request, "organization", None)
    if request is None or organization is None or not hasattr(request, "session"):
        return
    language = (
        Profile.objects.filter(user=user, organization=organization)
        .values_list("language", flat=True)
        .first()
    )
    remember_language(request, language or "")


class PersonLanguageMiddleware:
    """After the membership is known: the person's language, else the organization's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        organization = getattr(request, "organization", None)
        own = request.session.get(SESSION_KEY, "") if request.user.is_authenticated else ""
        language = own or (organization.language if organization else "")
        if not language:
            return self.get_response(request)
        # For this request only: the thread serves the next one in its own language.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response

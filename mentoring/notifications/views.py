"""Notification preferences through the signed link of every email: no sign-in needed."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mentoring.people.models import Profile

from .models import ALWAYS_SENT, Kind, NotificationSetting
from .outbox import read_preferences_token


def _person(request, token) -> Profile:
    person_id = read_preferences_token(token, request.organization)
    person = Profile.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        raise Http404("This link is not valid for this organization.")
    return person


def _set(person, kind: str, enabled: bool) -> None:
    NotificationSetting.objects.update_or_create(
        organization_id=person.organization_id,
        person=person,
        kind=kind,
        defaults={"is_enabled": enabled},
    )


@require_http_methods(["GET", "POST"])
def preferences(request, token):
    person = _person(request, token)
    off = set(
        NotificationSetting.objects.filter(person=person, is_enabled=False).values_list(
            "kind", flat=True
        )
    )
    if request.method == "POST":
        chosen = set(request.POST.getlist("kinds"))
        for kind in Kind.values:
            if kind not in ALWAYS_SENT:
                _set(person, kind, kind in chosen)
        messages.success(request, "Your choices are saved.")
        return redirect(request.path)
    kinds = [
        {
            "value": kind,
            "label": label,
            "enabled": kind not in off,
            "locked": kind in ALWAYS_SENT,
            "why_locked": ALWAYS_SENT.get(kind, ""),
        }
        for kind, label in Kind.choices
    ]
    return render(request, "notifications/preferences.html", {"person": person, "kinds": kinds})


@csrf_exempt  # RFC 8058 one-click unsubscribe: mail clients POST without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    person = _person(request, token)
    if request.method == "POST":
        for kind in Kind.values:
            if kind not in ALWAYS_SENT:
                _set(person, kind, False)
        return render(request, "notifications/unsubscribed.html", {"person": person})
    return render(request, "notifications/unsubscribe.html", {"person": person})

"""Notification preferences through the signed link of every email (no sign-in needed;
shown in the language the emails are written in), and the signed-in person's "what's new"
list with its unread count."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mentoring.people.language import person_language
from mentoring.people.models import Profile
from mentoring.tenancy.access import member_required

from .models import ALWAYS_SENT, Kind, NotificationSetting
from .outbox import read_preferences_token
from .selectors import news_page, unread_count
from .services import notices_mark_read


def _person(request, token) -> Profile:
    person_id = read_preferences_token(token, request.organization)
    person = Profile.objects.filter(pk=person_id).first() if person_id else None
    if person is None:
        raise Http404(_("This link is not valid for this organization."))
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
    with translation.override(person_language(person)):
        return _preferences(request, person)


def _preferences(request, person):
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
        messages.success(request, _("Your choices are saved."))
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
    with translation.override(person_language(person)):
        if request.method == "POST":
            for kind in Kind.values:
                if kind not in ALWAYS_SENT:
                    _set(person, kind, False)
            return render(request, "notifications/unsubscribed.html", {"person": person})
        return render(request, "notifications/unsubscribe.html", {"person": person})


# ------------------------------------------------------------------ what's new


@member_required
@require_http_methods(["GET"])
def news(request):
    """The person's notices, newest first; the ones on the page are marked read once shown
    (they still say "new" this time)."""
    page = news_page(request.user, request.GET.get("page"))
    items = list(page.object_list)
    unread = [notice.pk for notice in items if notice.read_at is None]
    if unread:
        notices_mark_read(organization=request.organization, actor=request.user, notice_ids=unread)
    return render(
        request,
        "notifications/news.html",
        {
            "page": page,
            "items": items,
            "just_now": timezone.now() - timedelta(minutes=1),
        },
    )


@member_required
@require_http_methods(["POST"])
def news_mark_all_read(request):
    changed = notices_mark_read(organization=request.organization, actor=request.user)
    messages.success(
        request, _("Everything is marked as read.") if changed else _("Nothing was unread.")
    )
    return redirect("news")


@require_http_methods(["GET"])
def news_count(request):
    """The unread count in the navigation, loaded and polled by htmx (the page itself
    spends no query on it). Someone signed out meanwhile stops the polling (htmx: 286)."""
    if not request.user.is_authenticated or getattr(request, "membership", None) is None:
        return HttpResponse(status=286)
    response = render(
        request, "notifications/partials/news_count.html", {"count": unread_count(request.user)}
    )
    response["Cache-Control"] = "no-store"
    return response

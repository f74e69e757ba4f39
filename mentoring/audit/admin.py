"""The audit log in the organization's admin: read-only, for its program managers."""

import datetime

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.tenancy.admin import ReadOnlyTenantAdmin, organization_admin_site

from .models import AuditEvent


def describe_target(target_type: str, target_id: str) -> str:
    """ "program #12": the model's name and the row's id (never the row's text)."""
    if not target_type:
        return ""
    try:
        name = apps.get_model(target_type)._meta.verbose_name
    except (LookupError, ValueError):
        name = target_type
    return f"{name} #{target_id}"


class MomentFilter(admin.DateFieldListFilter):
    """The date filter, with a hand-typed bound (``?occurred_at__gte=2026-01-01``) read as
    the start of that day in the site's time zone, and a bound that is no date refused."""

    def queryset(self, request, queryset):
        bounds = {}
        for lookup, values in self.used_parameters.items():
            value = values[-1] if isinstance(values, list) else values
            try:
                moment = parse_datetime(value)
                day = None if moment else parse_date(value)
            except ValueError:
                moment = day = None
            if day is not None:
                moment = datetime.datetime.combine(day, datetime.time.min)
            if moment is None:
                raise IncorrectLookupParameters(f"{value!r} is not a date.")
            bounds[lookup] = timezone.make_aware(moment) if timezone.is_naive(moment) else moment
        return queryset.filter(**bounds)


@admin.register(AuditEvent, site=organization_admin_site)
class AuditEventAdmin(ReadOnlyTenantAdmin):
    list_display = ["occurred_at", "who", "action", "what", "from_where"]
    list_display_links = ["occurred_at"]
    list_filter = ["action", ("occurred_at", MomentFilter)]
    search_fields = ["=target_id", "target_type", "summary", "actor__email", "actor_label"]
    search_help_text = gettext_lazy(
        "A record's id or kind (e.g. 12, program), a person's email, an API key."
    )
    list_select_related = ["actor"]
    show_full_result_count = False  # the log only grows: one count per page is enough
    actions = None
    fields = readonly_fields = (
        "occurred_at",
        "action",
        "who",
        "what",
        "changed",
        "summary",
        "ip_address",
        "user_agent",
    )

    @admin.display(description=gettext_lazy("Who"), ordering="actor__email")
    def who(self, event):
        if event.actor_id is None:
            return event.actor_label or "—"
        try:
            return event.actor.email
        except (AttributeError, ObjectDoesNotExist):  # the account was erased since
            return _("Former account #%(id)s") % {"id": event.actor_id}

    @admin.display(description=gettext_lazy("What"))
    def what(self, event):
        parts = [describe_target(event.target_type, event.target_id)]
        if event.changed_fields:
            parts.append(f"({', '.join(event.changed_fields)})")
        if event.summary:
            parts.append(event.summary)
        return " ".join(part for part in parts if part) or "—"

    @admin.display(description=gettext_lazy("Fields changed"))
    def changed(self, event):
        return ", ".join(event.changed_fields) or "—"

    @admin.display(description=gettext_lazy("From where"), ordering="ip_address")
    def from_where(self, event):
        return event.ip_address or "—"

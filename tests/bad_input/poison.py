"""Every free-text column of an organization's rows set to markup that is also a
spreadsheet formula, as if people had typed it everywhere: the pages must escape it, the
CSV exports must neutralize it, the emails must escape it."""

from __future__ import annotations

from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Cast, Concat

from mentoring.tenancy.models import Organization, TenantModel

# Starts like a formula; inside, a script and an image that runs one.
POISON = '=1+1 <script>alert("bad-input")</script><img src=x onerror=alert(1)>'
SHORT_POISON = "<script>alert(1)</script>"
RAW_MARKERS = ("<script>alert(", "<img src=x onerror")
# Apps whose rows people write; their columns that code reads as identifiers stay, and
# rows the platform writes itself (rendered emails, the audit log) stay too.
APPS = ("programs", "matching", "mentoring_sessions", "feedback", "mentoring")
WRITTEN_BY_THE_PLATFORM = {"OutboxMessage", "AuditEvent"}
IDENTIFIERS = {
    "respondent_role",
    "time_zone",
    "email",
    "to_email",
    "slug",
    "dedupe_key",
    "prefix",
    "key_hash",
    "token_hash",
    "last_error",
    "template",
    "client_id",
    "client_secret",
    "token",
    "issuer_url",
    "email_domains",
    "summary",
    "action",
}


def has_raw_markup(text: str) -> bool:
    return any(marker in text for marker in RAW_MARKERS)


def _text_value(field) -> models.Expression | None:
    """POISON (or its short form) then the row's id, so unique names stay unique."""
    limit = field.max_length if isinstance(field, models.CharField) else None
    poison = POISON
    if limit is not None and limit < len(POISON) + 12:
        poison = SHORT_POISON
    if limit is not None and limit < len(poison) + 12:
        return None
    return Concat(models.Value(poison + " #"), Cast("pk", models.TextField()))


def poison(organization: Organization) -> list[str]:
    """Poison every free-text column of the organization's rows; the columns, as
    ``model.field``, for the record."""
    done = []
    organization.name = f"{SHORT_POISON} Acme"
    organization.save(update_fields=["name"])
    for model in apps.get_models():
        meta = model._meta
        if not issubclass(model, TenantModel) or meta.app_label not in APPS:
            continue
        if meta.object_name in WRITTEN_BY_THE_PLATFORM:
            continue
        updates = {}
        for field in meta.concrete_fields:
            if field.choices or field.name in IDENTIFIERS or not field.editable:
                continue
            if isinstance(field, models.URLField):
                updates[field.name] = models.Value("javascript:alert(1)")
            elif isinstance(field, models.CharField | models.TextField):
                value = _text_value(field)
                if value is not None:
                    updates[field.name] = value
            elif (
                isinstance(field, ArrayField)
                and isinstance(field.base_field, models.CharField | models.TextField)
                and not field.base_field.choices
            ):  # three items: a skill lists 3 to 5 behaviours
                item = POISON[: field.base_field.max_length or 60]
                updates[field.name] = models.Value([SHORT_POISON, item, item], output_field=field)
        if updates:
            model.objects.update(**updates)
            done += [f"{meta.label}.{name}" for name in updates]
    return done

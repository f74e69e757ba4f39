"""Duplicate rows: after a burst, two new rows of one table that agree on everything but
their id and their timestamps store one result twice."""

from __future__ import annotations

from django.apps import apps
from django.db import models

from mentoring.audit.models import AuditEvent
from mentoring.tenancy import activate
from mentoring.tenancy.models import TenantModel

# A log of what happened, not a result: the same change made twice is logged twice.
NOT_RESULTS = {AuditEvent}


def _result_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel)
        and model not in NOT_RESULTS
        and not model._meta.proxy
        and model._meta.managed
    ]


def _content(model: type[models.Model]) -> list[str]:
    """The columns that say what a row stores (not its id or when it was written)."""
    return [
        field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and not isinstance(field, models.DateTimeField)
    ]


def marks(organization) -> dict[type[models.Model], int]:
    """The highest id of each table now: rows above it are new."""
    with activate(organization):
        return {
            model: model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
            for model in _result_models()
        }


def duplicates(organization, before: dict[type[models.Model], int]) -> list[str]:
    """Each table where new rows store the same thing more than once."""
    found = []
    with activate(organization):
        for model, top in before.items():
            columns = _content(model)
            rows = model._base_manager.filter(pk__gt=top).values_list(*columns)
            seen: set = set()
            for row in rows:
                key = repr(row)
                if key in seen:
                    found.append(f"{model._meta.label} twice: {key[:160]}")
                    break
                seen.add(key)
    return found

"""Forms whose rules live in a service, and the one way a service's refusal is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.translation import gettext

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _too_long(limit: int) -> str:
    return gettext("Keep it under %(limit)s characters.") % {
        "limit": number_format(limit, force_grouping=True)
    }


too_long = lazy(_too_long, str)  # the message of a text over ``limit`` characters


def _interpolated(text: StrOrPromise, values: dict) -> str:
    return str(text) % values


# A translated text with %(name)s placeholders, filled when it is shown (module level, labels).
interpolated = lazy(_interpolated, str)


def error_text(error: ValidationError) -> str:
    """A service's refusal as one sentence for a page message."""
    return " ".join(error.messages)


def add_service_errors(form, error: ValidationError, renamed: dict[str, str] | None = None) -> None:
    """Put a service's errors on the fields they name (``renamed`` maps the service's keys
    to field names); the rest above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name: str | None = (renamed or {}).get(key, key)
        if name == NON_FIELD_ERRORS or name not in form.fields:
            name = None
        form.add_error(name, errors)


class ServiceForm(forms.Form):
    """A participant form whose rules live in a service: ``add_service_errors`` files the
    service's ValidationError under the matching fields (``service_fields`` renames keys)."""

    service_fields: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error, self.service_fields)

"""Forms whose rules live in a service, and the one way a service's refusal is shown."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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

"""Model forms of tenant rows: unique constraints checked within the organization."""

from django.db.models import UniqueConstraint
from django.utils.text import capfirst


class OrganizationUniqueMixin:
    """Checks the model's unique constraints within the organization.

    Those constraints include ``organization``, which no form shows, so Django's own
    validation skips them and a duplicate would reach the database as a 500. The model's
    ``objects`` manager is scoped to the active organization: the check sees its rows only.
    """

    def validate_unique(self):
        super().validate_unique()
        model = self._meta.model
        for constraint in model._meta.constraints:
            if not isinstance(constraint, UniqueConstraint) or constraint.condition is not None:
                continue
            fields = [name for name in constraint.fields if name != "organization"]
            if len(fields) == len(constraint.fields) or not set(fields) <= set(self.cleaned_data):
                continue
            values = {name: self.cleaned_data[name] for name in fields}
            if model.objects.filter(**values).exclude(pk=self.instance.pk).exists():
                label = capfirst(model._meta.verbose_name)
                shown = ", ".join(str(value) for value in values.values())
                message = f"{label} “{shown}” already exists in your organization."
                self.add_error(fields[0] if len(fields) == 1 else None, message)


def with_organization_unique(form_class):
    """``form_class`` with ``OrganizationUniqueMixin`` in front (once)."""
    if issubclass(form_class, OrganizationUniqueMixin):
        return form_class
    return type(form_class.__name__, (OrganizationUniqueMixin, form_class), {})

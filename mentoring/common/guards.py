"""The one same-organization guard of every service."""

from django.core.exceptions import ValidationError

OTHER_ORGANIZATION = "That belongs to another organization."


def check_same_organization(organization, *rows) -> None:
    """Refuse any row (None is skipped) that is not of ``organization``."""
    for row in rows:
        if row is not None and row.organization_id != organization.pk:
            raise ValidationError(OTHER_ORGANIZATION)

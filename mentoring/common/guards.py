"""The one same-organization guard of every service."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

OTHER_ORGANIZATION = gettext_noop("That belongs to another organization.")


def check_same_organization(organization, *rows) -> None:
    """Refuse any row (None is skipped) that is not of ``organization``."""
    for row in rows:
        if row is not None and row.organization_id != organization.pk:
            raise ValidationError(gettext(OTHER_ORGANIZATION))

"""Creating organizations (platform operator: admin or `create_organization`).

Each app fills a new organization's catalogues through the ``organization_defaults`` hook.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from mentoring import hooks
from mentoring.people.services import organization_people_defaults_install
from mentoring.tenancy.context import activate
from mentoring.tenancy.models import RESERVED_SLUGS, Organization, Role, slug_validator

from .services import invitation_create, invitation_link


def validate_new_slug(slug: str) -> str:
    slug = slug.strip().lower()
    slug_validator(slug)
    if slug in RESERVED_SLUGS:
        raise ValidationError(f"'{slug}' is reserved for the platform; choose another address.")
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError(f"An organization already uses the address '{slug}'.")
    return slug


def organization_create(
    *,
    slug: str,
    name: str,
    admin_email: str,
    actor=None,
    send_invitation: bool = True,
    language: str = "",
):
    """Create an organization with its defaults (in its ``language``: empty is English) and
    invite its first program manager.

    Returns the organization and the invitation link (shown once: only its hash is stored).
    """
    slug = validate_new_slug(slug)
    if not name.strip():
        raise ValidationError("The organization needs a name.")
    if language not in {"", *dict(settings.LANGUAGES)}:
        raise ValidationError(f"The platform speaks no language {language!r}.")
    with transaction.atomic():
        organization = Organization.objects.create(slug=slug, name=name.strip(), language=language)
        with activate(organization):
            organization_people_defaults_install(organization=organization)
            hooks.run(hooks.ORGANIZATION_DEFAULTS, organization=organization)
            _invitation, token = invitation_create(
                organization=organization,
                actor=actor,
                email=admin_email,
                role=Role.MANAGER,
                send_email=send_invitation,
            )
    return organization, invitation_link(organization, token)

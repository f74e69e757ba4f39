"""Which mail domains an organization's single sign-on may speak for.

A domain counts for an organization only once the platform operator verified it for
that organization (``domain_verify``, from the platform admin or ``manage.py
verify_domain``). PostgreSQL keeps one domain with at most one organization (the
domain is ``VerifiedDomain``'s primary key), and a public mail service's domain
(``public_mail.PUBLIC_MAIL_DOMAINS``) is refused by the service and by the database.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from mentoring.tenancy.models import Organization

from .models import VerifiedDomain
from .public_mail import PUBLIC_MAIL_DOMAINS

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class DomainError(Exception):
    """The domain cannot be verified; the message says why."""


def normalize_domain(raw: str) -> str:
    return raw.strip().lower().lstrip("@").rstrip(".")


def domain_problem(domain: str) -> str | None:
    """Why ``domain`` (normalized) can never be verified for an organization, or None."""
    if not DOMAIN.match(domain):
        return f"“{domain}” is not a domain, like example.com."
    if domain in PUBLIC_MAIL_DOMAINS:
        return (
            f"{domain} is a public mail service: anyone can have an address there, so it "
            "can never be verified for one organization."
        )
    return None


def domain_of(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def verified_domains(organization: Organization | None) -> set[str]:
    """The domains verified for ``organization`` (none for no organization)."""
    if organization is None:
        return set()
    return set(
        VerifiedDomain.objects.filter(organization=organization).values_list("domain", flat=True)
    )


def verification_problem(organization: Organization, domain: str) -> str | None:
    """Why ``domain`` (normalized) cannot be verified for ``organization``, or None."""
    problem = domain_problem(domain)
    if problem:
        return problem
    owner = VerifiedDomain.objects.filter(domain=domain).select_related("organization").first()
    if owner is not None and owner.organization_id != organization.pk:
        return (
            f"{domain} is already verified for {owner.organization.name}; a domain belongs "
            "to one organization only. Withdraw it there first."
        )
    return None


def domain_verify(
    *, organization: Organization, domain: str, actor: User | None = None
) -> VerifiedDomain:
    """Record that ``domain`` belongs to ``organization``; DomainError if it cannot."""
    domain = normalize_domain(domain)
    problem = verification_problem(organization, domain)
    if problem:
        raise DomainError(problem)
    try:
        with transaction.atomic():
            verified, _ = VerifiedDomain.objects.get_or_create(
                domain=domain, defaults={"organization": organization, "verified_by": actor}
            )
    except IntegrityError as clash:  # verified for another organization at the same time
        raise DomainError(f"{domain} was just verified for another organization.") from clash
    if verified.organization_id != organization.pk:
        raise DomainError(f"{domain} was just verified for another organization.")
    return verified


def domain_unverify(*, domain: str) -> bool:
    """Withdraw ``domain``; its organization's providers stop signing in its addresses."""
    deleted, _ = VerifiedDomain.objects.filter(domain=normalize_domain(domain)).delete()
    return bool(deleted)

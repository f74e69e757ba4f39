"""Mapping between hosts and organizations: <slug>.<ROOT_DOMAIN> is an organization."""

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from .models import RESERVED_SLUGS


def split_port(host: str) -> str:
    if host.startswith("["):  # IPv6 literal
        return host
    return host.rsplit(":", 1)[0] if ":" in host else host


def organization_slug_for_host(host: str) -> str | None:
    """The slug a host names, "" for the platform's own root domain, None for anything else."""
    name = split_port(host).lower().rstrip(".")
    root = settings.ROOT_DOMAIN.lower()
    if name == root:
        return ""
    suffix = "." + root
    if not name.endswith(suffix):
        return None
    slug = name[: -len(suffix)]
    if not slug or "." in slug or slug in RESERVED_SLUGS:
        return None
    return slug


def _base(host: str) -> str:
    port = f":{settings.SITE_PORT}" if settings.SITE_PORT else ""
    return f"{settings.SITE_SCHEME}://{host}{port}"


def organization_url(organization, path: str = "/", query: dict | None = None) -> str:
    url = _base(f"{organization.slug}.{settings.ROOT_DOMAIN}") + path
    return f"{url}?{urlencode(query)}" if query else url


def organization_link(
    organization, viewname: str, *, anchor: str = "", query: dict | None = None, **kwargs
) -> str:
    """The absolute address of a named page on the organization's host, for emails: the
    path comes from the organization URL configuration (``reverse``), never a literal."""
    path = reverse(viewname, urlconf=settings.ROOT_URLCONF, kwargs=kwargs or None)
    return organization_url(organization, path + (f"#{anchor}" if anchor else ""), query)


def platform_url(path: str = "/") -> str:
    return _base(settings.ROOT_DOMAIN) + path

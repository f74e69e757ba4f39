"""Which organization the running code acts for.

The value lives in a ``contextvars.ContextVar``, so it follows a request or a task
(threads and asyncio alike) and never leaks into the next one. The database sees
the same value on every statement (``mentoring.tenancy.database``), where
row-level security enforces it a second time.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .models import Organization


class TenantScopeError(RuntimeError):
    """Tenant data was queried with no organization active."""


@dataclass(frozen=True)
class _Scope:
    organization: Organization | None = None
    all_organizations: bool = False


_NO_SCOPE = _Scope()
_scope: contextvars.ContextVar[_Scope] = contextvars.ContextVar("tenant_scope")


@contextmanager
def activate(organization: Organization) -> Iterator[Organization]:
    """Run the block on behalf of ``organization``: queries see its rows and no other."""
    if organization is None or organization.pk is None:
        raise TenantScopeError(f"activate() needs a saved Organization, got {organization!r}.")
    token = _scope.set(_Scope(organization=organization))
    try:
        yield organization
    finally:
        _scope.reset(token)


@contextmanager
def all_organizations() -> Iterator[None]:
    """Lift the scope for code that must see every tenant (platform operator, dispatchers).

    Use it with the models' ``unscoped`` manager; both names are meant to be grepped for.
    """
    token = _scope.set(_Scope(all_organizations=True))
    try:
        yield
    finally:
        _scope.reset(token)


def current_organization() -> Organization | None:
    return _scope.get(_NO_SCOPE).organization


def current_organization_id() -> int | None:
    organization = _scope.get(_NO_SCOPE).organization
    return organization.pk if organization is not None else None


def active_organization_id() -> int:
    """The active organization's id, for raw SQL that pins every table to it (a parameter):
    like the scoped managers, it refuses to run with no organization active."""
    organization_id = current_organization_id()
    if organization_id is None:
        raise TenantScopeError(
            "Raw SQL over tenant rows needs an active organization: "
            "wrap it in `with tenancy.activate(organization):`."
        )
    return organization_id


def sees_all_organizations() -> bool:
    return _scope.get(_NO_SCOPE).all_organizations

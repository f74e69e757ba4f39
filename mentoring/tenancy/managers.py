"""The default manager of every tenant model: filters by the active organization, fails closed."""

from django.db import models

from .context import TenantScopeError, current_organization_id, sees_all_organizations


class UnscopedQuerySet(models.QuerySet):
    """Returned when no organization is active: building it is fine, running it raises.

    Building must stay harmless because Django creates querysets at import time
    (ModelForm choice fields); they get their real queryset per request.
    """

    def _refuse(self, *args, **kwargs):
        raise TenantScopeError(
            f"{self.model.__name__} is tenant data and no organization is active. "
            "Wrap the code in `with tenancy.activate(organization):` (requests and tasks do "
            "this for you), or, for code that must see every organization, use "
            f"`{self.model.__name__}.unscoped` inside `with tenancy.all_organizations():`."
        )

    _fetch_all = _refuse
    count = _refuse
    exists = _refuse
    aggregate = _refuse
    update = _refuse
    delete = _refuse
    iterator = _refuse
    bulk_create = _refuse
    bulk_update = _refuse
    create = _refuse
    get_or_create = _refuse
    update_or_create = _refuse
    explain = _refuse
    contains = _refuse
    first = _refuse
    last = _refuse


class TenantManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        organization_id = current_organization_id()
        if organization_id is not None:
            return super().get_queryset().filter(organization_id=organization_id)
        if sees_all_organizations():
            raise TenantScopeError(
                f"Inside all_organizations() use {self.model.__name__}.unscoped, "
                "so that the bypass is visible where it happens."
            )
        return UnscopedQuerySet(model=self.model, using=self._db, hints=self._hints)  # type: ignore[attr-defined]  # Django internal

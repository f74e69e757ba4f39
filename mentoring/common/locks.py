"""Writes that another request may race: the row read again under a lock (refused with a
message when it has gone), a parent row locked so that requests adding to it go one at a
time, and a repeat of what is already stored refused. Views show the refusals like any
other (``forms.error_text``, ``add_service_errors``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Row = TypeVar("Row", bound=models.Model)


def locked(queryset: models.QuerySet[Row], pk: int, gone: StrOrPromise) -> Row:
    """The row ``pk`` of ``queryset`` read again and locked until the transaction ends;
    ``gone`` (a sentence saying what happened) when another request removed it."""
    try:
        return queryset.select_for_update().get(pk=pk)
    except ObjectDoesNotExist:
        raise ValidationError(gone) from None


def lock(rows: models.QuerySet) -> None:
    """Inside a transaction: lock ``rows`` until it ends, so that requests changing what
    hangs on them go one at a time (they may hold no row yet to lock themselves).

    The lock is FOR NO KEY UPDATE: it does not block the key-share lock PostgreSQL takes
    to check a foreign key, so another request that already locked a child row (a session
    of the pair) and now writes it does not deadlock with this one."""
    list(rows.select_for_update(no_key=True))


def refuse_repeat(parent: models.QuerySet, repeat: models.QuerySet, message: str | dict) -> None:
    """Inside a transaction: lock the ``parent`` row (one row), so that requests adding to
    it go one at a time, then refuse with ``message`` when ``repeat`` finds the same thing
    already stored (a second click, or the same form sent from two tabs)."""
    lock(parent)
    if repeat.exists():
        raise ValidationError(message)

"""Reads of a person's "what's new" list (the active organization's notices only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator

from .models import Notice

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

NEWS_PER_PAGE = 20


def unread_count(user: AbstractBaseUser) -> int:
    """How many notices the signed-in person has not seen: one indexed count."""
    assert user.pk is not None, "only a signed-in person has notices"
    return Notice.objects.filter(recipient__user_id=user.pk, read_at__isnull=True).count()


def news_page(user: AbstractBaseUser, number: str | int | None) -> Page:
    """One page of the person's notices, newest first (a page number out of range gives
    the nearest page)."""
    assert user.pk is not None, "only a signed-in person has notices"
    notices = Notice.objects.filter(recipient__user_id=user.pk).order_by("-created_at", "-pk")
    return Paginator(notices, NEWS_PER_PAGE).get_page(number)

"""Creating, revoking and checking API keys. A key reads ``mntr_<prefix>_<secret>``:
the prefix finds the row, the SHA-256 of the whole key is compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import KEY_PREFIX, ApiKey, KeyPurpose

LAST_USED_RESOLUTION = timedelta(minutes=1)
EXPIRY_IN_THE_PAST = "Choose an expiry in the future, or none."


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(
    *,
    organization,
    actor_profile=None,
    name: str,
    expires_at=None,
    purpose: str = KeyPurpose.HR_API,
) -> tuple[ApiKey, str]:
    """A new key; the returned plain key is shown once and never stored."""
    if not name.strip():
        raise ValidationError({"name": "Name the key after what will use it."})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": EXPIRY_IN_THE_PAST})
    if purpose not in KeyPurpose.values:
        raise ValidationError({"purpose": "Choose what the key opens."})
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        organization=organization,
        name=name.strip(),
        purpose=purpose,
        prefix=prefix,
        key_hash=_hash(key),
        created_by=actor_profile,
        expires_at=expires_at,
    )
    return api_key, key


def api_key_revoke(*, organization, api_key: ApiKey) -> ApiKey:
    if api_key.organization_id != organization.pk:
        raise ValidationError("That key belongs to another organization.")
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


def api_key_check(key: str, *, purpose: str = KeyPurpose.HR_API) -> ApiKey | None:
    """The active organization's usable key for ``purpose`` matching ``key``, or None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    api_key = ApiKey.objects.filter(prefix=parts[1], purpose=purpose).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, _hash(key)):
        return None
    if not api_key.is_usable:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key

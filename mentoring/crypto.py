"""Secrets at rest: encrypted with the keys of ``FIELD_ENCRYPTION_KEYS``, newest first.

Encrypting always uses the first key; decrypting tries every listed key. To rotate, an
operator puts a new key first, runs ``manage.py rotate_encryption_key`` (which re-encrypts
every stored secret with it), and only then drops the old key (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class SecretUnreadable(Exception):
    """A stored secret that no key of FIELD_ENCRYPTION_KEYS opens."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is not set: secrets stored in the database are encrypted "
            "with it (see docs/operations.md, Encryption keys)."
        )
    return MultiFernet([Fernet(key) for key in keys])


def _current_cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    """The text encrypted with the newest key."""
    return _current_cipher().encrypt(text.encode()).decode()


UNREADABLE = (
    "A stored secret cannot be decrypted with any key of FIELD_ENCRYPTION_KEYS. "
    "Was its key removed before `manage.py rotate_encryption_key` ran?"
)


def decrypt(token: str) -> str:
    """The clear text of a value ``encrypt`` made with any key still listed."""
    try:
        return _current_cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(UNREADABLE) from None


def reencrypt(token: str) -> str:
    """The same secret, encrypted again with the newest key."""
    try:
        return _current_cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(UNREADABLE) from None


def is_encrypted(value: str) -> bool:
    """Whether a listed key opens the value (a clear secret is not)."""
    try:
        decrypt(value)
    except SecretUnreadable:
        return False
    return True


class EncryptedTextField(models.TextField):
    """Text the database stores encrypted (``encrypt``) and Python code reads in clear.

    The column holds a different ciphertext at every save, so it cannot be searched or
    compared in SQL; only ever read it through the model.
    """

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Every installed model with encrypted fields, and the names of those fields."""
    for model in apps.get_models():
        names = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if names:
            yield model, names

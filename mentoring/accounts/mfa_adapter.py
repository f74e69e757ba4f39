"""Two-factor secrets at rest: allauth.mfa stores each authenticator's secret through its
adapter's ``encrypt`` / ``decrypt`` hooks, here the platform's field encryption
(``mentoring.crypto``), so that the database never holds a TOTP seed in clear."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.adapter import DefaultMFAAdapter

from mentoring import crypto

# The values of ``Authenticator.data`` that allauth passes through the hooks: the TOTP
# secret, the recovery codes' seed, and codes migrated from another package.
SECRET_KEYS = ("secret", "seed")
SECRET_LISTS = ("migrated_codes",)


class EncryptingMFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return crypto.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt(encrypted_text)


def authenticator_data_with(data: dict, transform: Callable[[str], str]) -> dict:
    """``Authenticator.data`` with every secret in it passed through ``transform`` (to
    encrypt existing rows, or re-encrypt them with the newest key)."""
    changed = dict(data)
    for key in SECRET_KEYS:
        if isinstance(changed.get(key), str):
            changed[key] = transform(changed[key])
    for key in SECRET_LISTS:
        if isinstance(changed.get(key), list):
            changed[key] = [transform(value) for value in changed[key]]
    return changed

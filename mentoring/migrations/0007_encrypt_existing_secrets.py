"""Encrypt the secrets stored in clear before 0006: identity providers' client secrets and
the authenticators' TOTP and recovery-code seeds (mentoring.crypto)."""

import json

from django.db import migrations

from mentoring import crypto
from mentoring.accounts.mfa_adapter import authenticator_data_with
from mentoring.tenancy import all_organizations


def _encrypted(value: str) -> str:
    return value if crypto.is_encrypted(value) else crypto.encrypt(value)


def _clear(value: str) -> str:
    return crypto.decrypt(value) if crypto.is_encrypted(value) else value


def _rewrite(schema_editor, transform) -> None:
    # Raw SQL: the model's field would try to decrypt the clear values on reading them.
    with all_organizations(), schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, client_secret FROM mentoring_identityprovider")
        for pk, secret in cursor.fetchall():
            cursor.execute(
                "UPDATE mentoring_identityprovider SET client_secret = %s WHERE id = %s",
                [transform(secret), pk],
            )
        cursor.execute("SELECT id, data FROM mfa_authenticator")
        for pk, data in cursor.fetchall():
            data = json.loads(data) if isinstance(data, str) else data
            cursor.execute(
                "UPDATE mfa_authenticator SET data = %s WHERE id = %s",
                [json.dumps(authenticator_data_with(data, transform)), pk],
            )


def encrypt_existing(apps, schema_editor):
    _rewrite(schema_editor, _encrypted)


def decrypt_existing(apps, schema_editor):
    _rewrite(schema_editor, _clear)


class Migration(migrations.Migration):

    dependencies = [
        ('mentoring', '0006_encrypted_secrets'),
        ('mfa', '0003_authenticator_type_uniq'),
    ]

    operations = [migrations.RunPython(encrypt_existing, decrypt_existing)]

"""Secrets: links signed with the key development settings once fell back to are refused,
and the secrets the database holds (TOTP seeds, identity providers' client secrets) are
encrypted at rest, readable through the application, and rotated to a new key."""

import importlib
import io

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from cryptography.fernet import Fernet
from django.core import signing
from django.core.management import CommandError, call_command
from django.db import connection

from mentoring import crypto
from mentoring.accounts.models import IdentityProvider
from mentoring.accounts.sso import social_app_for
from mentoring.notifications.models import NotificationSetting
from mentoring.notifications.outbox import SIGNING_SALT, preferences_token
from mentoring.tenancy import activate, all_organizations
from tests.builders.clients import client_for
from tests.builders.devstack import PUBLISHED_KEY, make_run_environment
from tests.builders.processes import printed_by_django
from tests.mentoring.test_two_factor import totp_code

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture(scope="module")
def development_secret_key(tmp_path_factory) -> str:
    """The SECRET_KEY the processes of `make run` sign with, on a fresh installation."""
    env = make_run_environment(tmp_path_factory.mktemp("dev"))
    return printed_by_django("from django.conf import settings; print(settings.SECRET_KEY)", env)


@pytest.fixture
def signed_like_make_run(settings, development_secret_key):
    settings.SECRET_KEY = development_secret_key


def test_a_preferences_link_signed_with_the_published_key_unsubscribes_nobody(
    client, world, signed_like_make_run
):
    mentee = world.acme.mentees[0]
    with activate(world.acme.organization):
        person = mentee.profiles.get()
        genuine = preferences_token(person)
    forged = signing.dumps(
        {"o": person.organization_id, "p": person.pk}, key=PUBLISHED_KEY, salt=SIGNING_SALT
    )
    client_for(client, world.acme.organization)

    assert client.post(f"/notifications/{forged}/unsubscribe/").status_code == 404
    assert client.get(f"/notifications/{forged}/").status_code == 404
    with activate(world.acme.organization):
        assert not NotificationSetting.objects.filter(person=person).exists()
    assert client.post(f"/notifications/{genuine}/unsubscribe/").status_code == 200


def test_an_email_confirmation_key_signed_with_the_published_key_verifies_nothing(
    client, world, signed_like_make_run
):
    mentee = world.acme.mentees[0]
    address = EmailAddress.objects.create(user=mentee, email="not-mine@globex.example")
    forged = signing.dumps(address.pk, key=PUBLISHED_KEY, salt=account_settings.SALT)
    client_for(client, world.acme.organization)

    client.post(f"/accounts/confirm-email/{forged}/")
    address.refresh_from_db()
    assert not address.verified
    client.post(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    address.refresh_from_db()
    assert address.verified  # the key of this installation does confirm it


def stored_client_secret(identity_provider) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT client_secret FROM mentoring_identityprovider WHERE id = %s",
            [identity_provider.pk],
        )
        return cursor.fetchone()[0]


def stored_authenticator_data(user) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE user_id = %s", [user.pk])
        return " ".join(row[0] for row in cursor.fetchall())


def add_identity_provider(org, secret="s3cret-of-acme-okta"):
    with activate(org.organization):
        return IdentityProvider.objects.create(
            organization=org.organization,
            name="Acme Okta",
            issuer_url="https://login.acme.example",
            client_id="mentoring",
            client_secret=secret,
        )


def test_an_identity_providers_client_secret_is_stored_encrypted(world):
    identity_provider = add_identity_provider(world.acme)
    with activate(world.acme.organization):
        stored = stored_client_secret(identity_provider)
        read_back = IdentityProvider.objects.get(pk=identity_provider.pk)
    assert "s3cret" not in stored
    assert crypto.decrypt(stored) == "s3cret-of-acme-okta"
    assert read_back.client_secret == "s3cret-of-acme-okta"
    assert social_app_for(read_back).secret == "s3cret-of-acme-okta"  # what sign-in sends


def test_the_admin_never_shows_the_client_secret_nor_its_ciphertext(client, world):
    identity_provider = add_identity_provider(world.acme)
    with activate(world.acme.organization):
        stored = stored_client_secret(identity_provider)
    client_for(client, world.acme.organization, world.acme.manager)
    page = client.get(f"/admin/mentoring/identityprovider/{identity_provider.pk}/change/")
    assert page.status_code == 200
    assert b"s3cret" not in page.content and stored.encode() not in page.content


def test_two_factor_secrets_are_stored_encrypted_and_still_check_codes(world):
    member = world.acme.mentees[0]
    secret = generate_totp_secret()
    totp = TOTP.activate(member, secret)
    recovery_codes = RecoveryCodes.activate(member)
    codes = recovery_codes.get_unused_codes()

    stored = stored_authenticator_data(member)
    seed = crypto.decrypt(recovery_codes.instance.data["seed"])
    assert secret not in stored and seed not in stored
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(totp_code(secret))
    reloaded = RecoveryCodes(Authenticator.objects.get(pk=recovery_codes.instance.pk))
    assert reloaded.get_unused_codes() == codes


def test_rotating_the_key_keeps_every_secret_readable_after_the_old_key_is_dropped(world, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    identity_provider = add_identity_provider(world.acme)
    member = world.acme.mentees[0]
    secret = generate_totp_secret()
    totp = TOTP.activate(member, secret)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]  # a new key, the old one still listed
    with activate(world.acme.organization):
        assert IdentityProvider.objects.get(pk=identity_provider.pk).client_secret.startswith(
            "s3cret"
        )
    call_command("rotate_encryption_key", stdout=io.StringIO())

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key dropped
    with activate(world.acme.organization):
        provider = IdentityProvider.objects.get(pk=identity_provider.pk)
    assert provider.client_secret == "s3cret-of-acme-okta"
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(totp_code(secret))

    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]  # nothing is left under the old key
    with activate(world.acme.organization), pytest.raises(crypto.SecretUnreadable):
        IdentityProvider.objects.get(pk=identity_provider.pk)


def test_rotation_refuses_and_changes_nothing_when_a_secret_has_no_listed_key(world, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    identity_provider = add_identity_provider(world.acme)
    with activate(world.acme.organization):
        before = stored_client_secret(identity_provider)

    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key dropped too early
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("rotate_encryption_key")
    with activate(world.acme.organization):
        assert stored_client_secret(identity_provider) == before


def test_the_migration_encrypts_secrets_stored_in_clear_before_it(world):
    identity_provider = add_identity_provider(world.acme)
    member = world.acme.mentees[0]
    secret = generate_totp_secret()
    totp = TOTP.activate(member, secret)
    with all_organizations(), connection.cursor() as cursor:  # as the old code stored them
        cursor.execute(
            "UPDATE mentoring_identityprovider SET client_secret = 'clear-secret' WHERE id = %s",
            [identity_provider.pk],
        )
        cursor.execute(
            "UPDATE mfa_authenticator SET data = jsonb_build_object('secret', %s::text) "
            "WHERE id = %s",
            [secret, totp.instance.pk],
        )

    migration = importlib.import_module("mentoring.migrations.0007_encrypt_existing_secrets")
    schema_editor = type("SchemaEditor", (), {"connection": connection})()
    migration.encrypt_existing(None, schema_editor)
    migration.encrypt_existing(None, schema_editor)  # a second run changes nothing

    with activate(world.acme.organization):
        assert "clear-secret" not in stored_client_secret(identity_provider)
        assert IdentityProvider.objects.get(pk=identity_provider.pk).client_secret == (
            "clear-secret"
        )
    assert secret not in stored_authenticator_data(member)
    assert TOTP(Authenticator.objects.get(pk=totp.instance.pk)).validate_code(totp_code(secret))

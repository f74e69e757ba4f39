from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mentoring import crypto
from mentoring.accounts.mfa_adapter import authenticator_data_with
from mentoring.tenancy import all_organizations


def stored_secrets_reencrypt() -> dict[str, int]:
    """Encrypt every stored secret again with the newest key, in one transaction: the
    number of rows rewritten per model. Nothing changes if one secret is unreadable."""
    counts = {}
    with transaction.atomic(), all_organizations():
        for model, names in crypto.encrypted_fields():
            manager = model._base_manager
            rows = list(manager.select_for_update().values_list("pk", *names))
            for pk, *values in rows:  # read in clear, written encrypted with the newest key
                manager.filter(pk=pk).update(**dict(zip(names, values, strict=True)))
            counts[model._meta.label] = len(rows)
        authenticators = list(Authenticator.objects.select_for_update())
        for authenticator in authenticators:
            authenticator.data = authenticator_data_with(authenticator.data, crypto.reencrypt)
            authenticator.save(update_fields=["data"])
        counts[Authenticator._meta.label] = len(authenticators)
    return counts


class Command(BaseCommand):
    help = (
        "Encrypt every secret stored in the database again with the first (newest) key of "
        "FIELD_ENCRYPTION_KEYS. Run it after putting a new key first, and before removing "
        "an old one."
    )

    def handle(self, *args, **options):
        try:
            counts = stored_secrets_reencrypt()
        except crypto.SecretUnreadable as error:
            raise CommandError(f"{error} Nothing was changed.") from None
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count} re-encrypted")
        self.stdout.write(
            "Every stored secret now uses the newest key: older keys can be removed from "
            "FIELD_ENCRYPTION_KEYS."
        )
